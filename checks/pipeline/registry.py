"""The rule registry: one explicit table of every rule, filled by decorators.

A rule is a function ``(ctx: RuleContext) -> Iterable[Finding]`` in one module per
family under ``checks.rules``. Its id is stable and dotted (``links.broken``); its
docstring is its documentation page on the site (first line: the title). Registering
an id twice raises ``DuplicateRuleError`` at import.

A rule registered with ``prefix=True`` (``a11y.axe``) emits findings under several ids
that share its family (``a11y.image-alt``, ``a11y.color-contrast``...).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from checks.reports.finding import Finding, Severity


class DuplicateRuleError(Exception):
    """Raised at import when two rules claim the same id."""


@dataclass(frozen=True)
class Rule:
    """A registered rule: id, default severity, default options, and its function."""

    id: str
    severity: Severity
    func: Callable[..., Iterable[Finding]]
    options: dict[str, Any] = field(default_factory=dict)
    prefix: bool = False
    needs_catalogue: bool = False

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def title(self) -> str:
        return self.doc.splitlines()[0].rstrip(".") if self.doc else self.id

    def covers(self, rule_id: str) -> bool:
        return rule_id == self.id or (self.prefix and rule_id.startswith(self.family + "."))


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str = "warning", *, prefix: bool = False, needs_catalogue: bool = False,
         **options: Any) -> Callable:
    """Register the decorated function as rule ``rule_id`` with default ``options``."""
    if rule_id.count(".") < 1 or rule_id != rule_id.lower():
        raise ValueError(f"rule id {rule_id!r} must be dotted lower case, e.g. 'links.broken'")

    def decorate(func: Callable) -> Callable:
        if rule_id in RULES:
            raise DuplicateRuleError(f"rule id {rule_id!r} is registered twice "
                                     f"({RULES[rule_id].func.__module__} and {func.__module__})")
        RULES[rule_id] = Rule(rule_id, Severity(severity), func, dict(options), prefix, needs_catalogue)
        return func

    return decorate


def all_rules() -> dict[str, Rule]:
    """Every rule, after importing every family module (``checks.rules``)."""
    import checks.rules  # noqa: F401  (imports each family module, filling RULES)

    return dict(sorted(RULES.items()))


def rule_for(rule_id: str) -> Rule | None:
    """The registered rule that emits ``rule_id`` (exact id, or a prefix rule's family)."""
    rules = all_rules()
    if rule_id in rules:
        return rules[rule_id]
    return next((r for r in rules.values() if r.covers(rule_id)), None)
