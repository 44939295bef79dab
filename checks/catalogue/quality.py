"""How complete a catalogue is, measured like the Open Referral UK validator does.

For each measure, the share of services that have it: a contact (phone or email), a web
address, ages, a location (address or postcode), and an assured/reviewed date within the
last 12 months. Only values that passed validation count (a malformed email is no contact).
Closed, inactive and defunct services are counted too: a feed is judged as published.

``site_completeness`` measures the same things on the record pages the audit matched to
the catalogue's services, so the two can be shown side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from checks.catalogue.model import Catalogue, Service

MEASURES: tuple[tuple[str, str], ...] = (
    ("contact", "A contact (phone or email)"),
    ("web", "A web address"),
    ("ages", "Ages"),
    ("location", "A location (address or postcode)"),
    ("assured", "Assured or reviewed within 12 months"),
)
"""Measure key → label, in the order reports show them."""


@dataclass(frozen=True)
class Share:
    """``count`` of ``total`` services have it; ``percent`` rounded to a whole number."""

    count: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.total) if self.total else None

    def to_dict(self) -> dict:
        return {"count": self.count, "total": self.total, "percent": self.percent}


@dataclass(frozen=True)
class Completeness:
    """Shares per measure (``MEASURES`` keys) over ``total`` services; ``assured`` is None
    where it cannot be measured (a web page carries no assured date)."""

    total: int
    contact: Share
    web: Share
    ages: Share
    location: Share
    assured: Share | None = None

    def to_dict(self) -> dict:
        return {"total": self.total,
                **{key: share.to_dict() for key, _ in MEASURES if (share := getattr(self, key)) is not None}}


def reviewed_since(service: Service, cutoff: date) -> bool:
    """True when the service was assured or reviewed on or after ``cutoff``."""
    try:
        return date.fromisoformat(service.last_reviewed[:10]) >= cutoff
    except ValueError:
        return False


def feed_completeness(catalogue: Catalogue, today: date, months: int = 12) -> Completeness:
    """The catalogue's completeness on ``today``."""
    services = catalogue.services
    cutoff = today - relativedelta(months=months)

    def share(test) -> Share:
        return Share(sum(1 for s in services if test(s)), len(services))

    return Completeness(
        total=len(services),
        contact=share(lambda s: bool(s.phones or s.emails)),
        web=share(lambda s: bool(s.website)),
        ages=share(lambda s: s.age_min is not None or s.age_max is not None),
        location=share(lambda s: bool(s.postcode or s.address)),
        assured=share(lambda s: reviewed_since(s, cutoff)),
    )


@dataclass(frozen=True)
class RecordView:
    """What one matched record page shows (filled from the crawl by the engine)."""

    contact: bool
    web: bool
    ages: bool
    location: bool


def site_completeness(records: list[RecordView]) -> Completeness:
    """The same measures over the record pages the services were found on."""

    def share(name: str) -> Share:
        return Share(sum(1 for r in records if getattr(r, name)), len(records))

    return Completeness(total=len(records), contact=share("contact"), web=share("web"), ages=share("ages"),
                        location=share("location"))


@dataclass(frozen=True)
class CatalogueReport:
    """``metrics.catalogue`` in findings.json (see checks/CONTRACT.md)."""

    source: str
    records: int
    services: int
    problems: dict[str, int]
    feed: Completeness
    site: Completeness | None
    assured_months: int = 12

    def to_dict(self) -> dict:
        return {"source": self.source, "records": self.records, "services": self.services,
                "problems": dict(self.problems), "assured_months": self.assured_months,
                "measures": [{"id": key, "label": label.replace("12 months", f"{self.assured_months} months")}
                             for key, label in MEASURES],
                "feed": self.feed.to_dict(), "site": self.site.to_dict() if self.site else None}
