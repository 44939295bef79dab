"""What a rule gets: the crawl, the catalogue, the settings, today, its options."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from crawler.store import StoreReader

from checks.catalogue.model import Catalogue


@dataclass(frozen=True)
class RuleContext:
    """Inputs shared by every rule of one check run.

    ``site`` is a lazily built index of the crawl shared by all rules (built once);
    ``metrics`` is where rules put numbers the reports and site show (see CONTRACT.md).
    """

    store: StoreReader
    catalogue: Catalogue | None
    config: Any  # lo_audit.config.ChecksConfig
    today: date
    options: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)

    def for_rule(self, options: dict[str, Any]) -> "RuleContext":
        """The same context with one rule's options (shares ``metrics`` and ``shared``)."""
        return replace(self, options=dict(options))

    @property
    def site(self):
        """The crawl index (``checks.index.siteindex.SiteIndex``), built on first use and shared."""
        if "site" not in self.shared:
            from checks.index.siteindex import SiteIndex

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
