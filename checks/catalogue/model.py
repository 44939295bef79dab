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
    original_id: the id as the source wrote it when an earlier record already used it;
        ``id`` is then made unique (``original_id#2``). "" otherwise.
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
    original_id: str = ""

    @property
    def closed(self) -> bool:
        return self.status.lower() in {"closed", "inactive", "defunct"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect in one catalogue record, kept so the audit can report it and go on.

    kind: ``duplicate-id``, ``invalid-field`` or ``missing-field`` (the ``catalogue.*`` rule).
    index: the record's position in the source (0-based: feed order, spreadsheet data row).
    record_id / record_name: as the source wrote them ("" when absent).
    field: the catalogue field at fault (dotted, e.g. ``contacts.emails``), "" for the record.
    where: the place in the source, as messages name it (``feed.json: services[3] (id 'x'):
        contacts.emails.0``, ``services.csv row 4, column 'Email' (contacts.emails)``).
    position: the same place as data: ``{"index": 3}``, ``{"row": 4}`` or ``{"line": 12}``.
    message: what is wrong, in plain words.
    value: the offending value as text ("" when missing).
    service_id: the id of the service the audit kept for this record, "" when left out.
    other: for a duplicate id, where the earlier record with that id is.
    """

    kind: str
    index: int
    record_id: str
    record_name: str
    field: str
    where: str
    position: dict
    message: str
    value: str = ""
    service_id: str = ""
    other: str = ""

    @property
    def kept(self) -> bool:
        return bool(self.service_id)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """All services of one catalogue, in file order.

    problems: defects of single records found while loading without ``strict`` (each
        record left out or value dropped is listed); empty for a clean catalogue.
    records: how many records the source held (services plus records left out).
    """

    services: tuple[Service, ...]
    source: str = ""
    warnings: tuple[str, ...] = ()
    """Notes logged while importing (e.g. a website given without its scheme)."""
    problems: tuple[Problem, ...] = ()
    records: int = 0

    def by_id(self) -> dict[str, Service]:
        return {s.id: s for s in self.services}
