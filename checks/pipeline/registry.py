"""The rule registry: one explicit table of every rule, filled by decorators.

A rule is a function ``(ctx: RuleContext) -> Iterable[Finding]`` in one module per
family under ``checks.rules``. Its id is stable and dotted (``links.broken``) and is
written once, in its ``@rule``: the function receives a context bound to its rule
(``ctx.finding``, ``ctx.option``), so nothing inside it repeats the id. Its docstring is
its documentation page on the site (first line: the title). Registering an id twice
raises ``DuplicateRuleError`` at import.

A rule registered with ``prefix=True`` (``a11y.axe``) emits findings under several ids
that share its family (``a11y.image-alt``, ``a11y.color-contrast``...). A rule
registered with ``absence=True`` states that the whole site lacks something: on a crawl
that did not finish, its findings are withheld (``checks.pipeline.engine``).

``@rule`` returns the ``Rule``; calling it with a context runs the function with that
context bound to the rule. The full table, with every family imported, is
``checks.rules.all_rules()``.
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
    absence: bool = False

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

    def __call__(self, ctx: Any) -> Iterable[Finding]:
        """Run the rule on ``ctx`` (a ``checks.pipeline.context.RuleContext``) bound to it (its
        default options unless already bound)."""
        return self.func(ctx if ctx.rule is self else ctx.for_rule(self))


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str = "warning", *, prefix: bool = False, needs_catalogue: bool = False,
         absence: bool = False, **options: Any) -> Callable[[Callable], Rule]:
    """Register the decorated function as rule ``rule_id`` with default ``options``."""
    if rule_id.count(".") < 1 or rule_id != rule_id.lower():
        raise ValueError(f"rule id {rule_id!r} must be dotted lower case, e.g. 'links.broken'")

    def decorate(func: Callable) -> Rule:
        if rule_id in RULES:
            raise DuplicateRuleError(f"rule id {rule_id!r} is registered twice "
                                     f"({RULES[rule_id].func.__module__} and {func.__module__})")
        RULES[rule_id] = Rule(rule_id, Severity(severity), func, dict(options), prefix, needs_catalogue, absence)
        return RULES[rule_id]

    return decorate
