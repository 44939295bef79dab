"""What a rule gets: the crawl, the catalogue, the settings, today, its rule and options.

The engine binds the context to the rule it runs (``for_rule``), so the rule makes its
findings with ``ctx.finding(subject, message, ...)`` and reads its options with
``ctx.option(name)`` without writing its own id again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from crawler.store import StoreReader

from checks.catalogue.model import Catalogue
from checks.index.siteindex import SiteIndex
from checks.pipeline.registry import Rule
from checks.reports.finding import Finding, Severity
from checks.settings import ChecksConfig


class UnboundRuleError(LookupError):
    """A finding or option asked of a context that is not bound to a rule that has it."""


@dataclass(frozen=True)
class RuleContext:
    """Inputs shared by every rule of one check run.

    ``site`` is a lazily built index of the crawl shared by all rules (built once);
    ``metrics`` is where rules put numbers the reports and site show (see CONTRACT.md).
    """

    store: StoreReader
    catalogue: Catalogue | None
    config: ChecksConfig
    today: date
    options: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)
    rule: Rule | None = None
    reads: set[str] | None = field(default=None, compare=False, repr=False)
    """Set by ``for_rule``: ``"today"`` is added when the rule reads ``today`` (the rule
    results kept between checks, ``checks.pipeline.memo``, then hold for that date only)."""

    def __getattribute__(self, name: str) -> Any:
        if name == "today":
            reads = object.__getattribute__(self, "reads")
            if reads is not None:
                reads.add("today")
        return object.__getattribute__(self, name)

    def for_rule(self, rule: Rule, options: dict[str, Any] | None = None) -> "RuleContext":
        """The same context bound to ``rule``, with its default options overridden by ``options``
        (shares ``metrics`` and ``shared``; a new ``reads``)."""
        return replace(self, rule=rule, options={**rule.options, **(options or {})}, reads=set())

    def _bound(self) -> Rule:
        if self.rule is None:
            raise UnboundRuleError("this rule context is not bound to a rule (use ctx.for_rule(rule))")
        return self.rule

    def option(self, name: str) -> Any:
        """The bound rule's option ``name``: as configured for this run, else the rule's default.
        An option the rule does not declare is an error (a misspelt name must not read as None)."""
        rule = self._bound()
        if name in self.options:
            return self.options[name]
        if name not in rule.options:
            raise UnboundRuleError(f"rule {rule.id} has no option {name!r} (it has: {', '.join(sorted(rule.options)) or 'none'})")
        return rule.options[name]

    def finding(self, subject: str, message: str, *, rule_id: str | None = None,
                severity: Severity | str | None = None, **fields: Any) -> Finding:
        """A finding of the bound rule with its default severity (the engine applies config
        overrides). ``rule_id`` is only for a prefix rule's sub-ids (``a11y.image-alt``); an id
        the bound rule does not cover is an error."""
        rule = self._bound()
        rule_id = rule_id or rule.id
        if not rule.covers(rule_id):
            raise UnboundRuleError(f"rule {rule.id} cannot emit findings of {rule_id!r}")
        sev = Severity(severity) if severity else rule.severity
        return Finding(rule=rule_id, subject=subject, severity=sev, message=message, **fields)

    @property
    def site(self):
        """The crawl index (``checks.index.siteindex.SiteIndex``), built on first use and shared."""
        if "site" not in self.shared:
            self.shared["site"] = SiteIndex.build(self.store, self.config)
        return self.shared["site"]

    @property
    def unfinished(self) -> bool:
        """True when the crawl did not finish (killed, stopped): pages it had not reached are
        missing, so "the site has no page about X" cannot be known."""
        if "unfinished" not in self.shared:
            self.shared["unfinished"] = self.store.run().get("status") != "complete"
        return self.shared["unfinished"]

    def setting(self, name: str, default: Any = None) -> Any:
        """A ``checks:`` setting (``stale_months``...) from the config, or ``default``."""
        value = getattr(self.config, name, None)
        return default if value is None else value
