"""Small helpers shared by the rule modules (not rules themselves)."""

from __future__ import annotations

from typing import Any

from checks.pipeline.context import RuleContext
from checks.reports.finding import Finding, Severity
from checks.pipeline.registry import RULES


def option(ctx: RuleContext, rule_id: str, name: str) -> Any:
    """The rule's option ``name``: from the run's options, else the rule's default."""
    if name in ctx.options:
        return ctx.options[name]
    return RULES[rule_id].options.get(name)


def make(rule_id: str, subject: str, message: str, *, severity: Severity | str | None = None,
         **fields: Any) -> Finding:
    """A finding of ``rule_id`` with its default severity (the engine applies config overrides)."""
    base = rule_id if rule_id in RULES else rule_id.split(".", 1)[0] + ".axe"
    sev = Severity(severity) if severity else RULES[base].severity
    return Finding(rule=rule_id, subject=subject, severity=sev, message=message, **fields)


def clip(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page_title(page: Any) -> str:
    """The page's h1, else its title."""
    h1 = next((t for level, t in page.headings if level == 1 and t.strip()), "")
    return (h1 or page.title or "").strip()
