"""The service catalogue as the checks see it, whatever file it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Service:
    """One service the council expects its Local Offer to describe.

    id: the catalogue's id (for ORUK catalogues the ORUK service ``id``); reported as
        ``service_id`` in findings.
    owner / owner_email: the team that fixes this service's findings.
    topics: statutory topic ids or categories (e.g. ``health``, ``social-care``).
    expected_urls: Local Offer pages that should describe the service (optional).
    phones / emails: as written in the catalogue (normalised when compared).
    website: the service's own website.
    address / postcode: where it is delivered.
    age_min / age_max: the age range in years (None when open-ended or not given).
    status: ``active``, ``closed``, ``inactive``, ``defunct`` or ``temporarily closed``.
    last_reviewed: ISO date or "".
    source: where it was read (``catalogue.yml:12``, ``services.csv row 4``).
    """

    id: str
    name: str
    owner: str = ""
    owner_email: str = ""
    topics: tuple[str, ...] = ()
    expected_urls: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    website: str = ""
    address: str = ""
    postcode: str = ""
    age_min: int | None = None
    age_max: int | None = None
    eligibility: str = ""
    referral: str = ""
    cost: str = ""
    description: str = ""
    status: str = "active"
    last_reviewed: str = ""
    source: str = ""

    @property
    def closed(self) -> bool:
        return self.status.lower() in {"closed", "inactive", "defunct"}


@dataclass(frozen=True, slots=True)
class Catalogue:
    """All services of one catalogue, in file order."""

    services: tuple[Service, ...]
    source: str = ""
    warnings: tuple[str, ...] = ()
    """Values dropped while importing (ORUK feeds: a bad email is dropped, not fatal)."""

    def by_id(self) -> dict[str, Service]:
        return {s.id: s for s in self.services}
