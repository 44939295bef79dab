"""Validate catalogue records (whatever format they came from) and turn them into ``Service``s.

Every format is first turned into the documented YAML shape (``{"services": [...]}``,
see ``checks/schemas/catalogue.schema.json``); this module checks that shape and each
value, collecting every problem (``problems_of``). ``checks.catalogue.document`` builds
the ``Catalogue`` from it, strictly or leniently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from crawler.extract.ages import OPEN_MAX, parse_age_range

from checks.schemas import format_problems, load_schema, schema_errors
from checks.catalogue import fields
from checks.catalogue.model import Service


class Locator(Protocol):
    """Names places in a catalogue source for messages."""

    def at(self, path: tuple) -> str:
        """``file:line: field`` or ``file row N, column 'X' (field)`` for a path from the document root."""

    def origin(self, index: int) -> str:
        """Where service ``index`` was read (``Service.source``)."""

    def position(self, path: tuple) -> dict:
        """The place of ``path`` as data: ``{"line": 12}``, ``{"row": 4, "column": "Email"}``, ``{"index": 3}``."""


def tidy(doc: object) -> object:
    """Lower-case and trim text statuses so ``Active`` is accepted as ``active``."""
    services = doc.get("services") if isinstance(doc, dict) else None
    for item in services if isinstance(services, list) else []:
        if isinstance(item, dict) and isinstance(item.get("status"), str):
            item["status"] = item["status"].strip().lower()
    return doc


def _each_text(value) -> list[tuple[int | None, str]]:
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


_VALUE_CHECKS: tuple[tuple[tuple, Callable[[str], str | None]], ...] = (
    (("owner", "email"), fields.email_problem),
    (("contacts", "emails"), fields.email_problem),
    (("contacts", "phones"), fields.phone_problem),
    (("contacts", "postcode"), fields.postcode_problem),
    (("contacts", "website"), fields.url_problem),
    (("expected_urls",), fields.url_problem),
    (("last_reviewed",), fields.real_date_problem),
)


def _get(item: dict, path: tuple):
    for key in path:
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def _age_words(text: str) -> tuple[int | None, int | None] | None:
    """Ages written in words ("Year 7 to 11", "birth to 5", "5-11 yrs"), open ends as None."""
    found = parse_age_range(text) if len(text) <= 40 else None
    if not found:
        return None
    return found[0], (None if found[1] == OPEN_MAX else found[1])


def ages(value) -> tuple[int | None, int | None] | None:
    """(min, max) from ``"0-25"``, ``"Year 7 to 11"`` or ``{min, max}``; None when unreadable."""
    if isinstance(value, str):
        return fields.parse_age_text(value) or _age_words(value)
    if isinstance(value, dict):
        low, high = value.get("min"), value.get("max")
        ok = all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in (low, high))
        return (low, high) if ok else None
    return (None, None) if value is None else None


def value_problems(item: dict, base: tuple) -> list[tuple[tuple, str]]:
    """Problems with the values of one service (emails, phones, postcodes, dates, ages)."""
    out = []
    for path, check in _VALUE_CHECKS:
        for index, text in _each_text(_get(item, path)):
            if text.strip() and (message := check(text)):
                where = base + path + (() if index is None else (index,))
                out.append((where, message))
    if "age_range" in item:
        parsed = ages(item["age_range"])
        if parsed is None and isinstance(item["age_range"], str):
            out.append((base + ("age_range",), "not an age range (expected e.g. \"0-25\", \"16+\", "
                        f"\"up to 5\" or {{min: 0, max: 25}}), got {item['age_range']!r}"))
        elif parsed and (message := fields.age_problem(*parsed)):
            out.append((base + ("age_range",), message))
    return out


def duplicate_problems(services: list, locate: Locator) -> list[tuple[tuple, str]]:
    """One problem per service whose id an earlier service already used."""
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(services):
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            continue
        key = str(item["id"]).strip()
        if key in seen:
            out.append((("services", i, "id"), f"duplicate id {key!r} (first used at {locate.origin(seen[key])})"))
        else:
            seen[key] = i
    return out


def record_problems(doc: object) -> list[tuple[tuple, str]]:
    """Every problem in a catalogue document but duplicate ids: schema first, then values."""
    found = schema_errors(doc, load_schema("catalogue"))
    services = doc.get("services") if isinstance(doc, dict) else None
    if isinstance(services, list):
        for i, item in enumerate(services):
            if isinstance(item, dict):
                found += value_problems(item, ("services", i))
        if not services:
            found.append((("services",), "the catalogue holds no services"))
    return found


def problems_of(doc: object, locate: Locator) -> list[str]:
    """Every problem in a catalogue document, schema first, then values and duplicates."""
    found = record_problems(doc)
    services = doc.get("services") if isinstance(doc, dict) else None
    if isinstance(services, list):
        found += duplicate_problems(services, locate)
    return format_problems(found, locate.at)


def _texts(value) -> tuple[str, ...]:
    return tuple(v.strip() for v in value or () if isinstance(v, str) and v.strip())


def to_service(item: dict, source: str) -> Service:
    """A ``Service`` from one validated record."""
    owner, contacts = item.get("owner") or {}, item.get("contacts") or {}
    low, high = ages(item.get("age_range")) or (None, None)
    postcode = (contacts.get("postcode") or "").strip()
    return Service(
        id=str(item["id"]).strip(), name=item["name"].strip(),
        owner=(owner.get("team") or "").strip(), owner_email=(owner.get("email") or "").strip(),
        topics=_texts(item.get("topics")), expected_urls=_texts(item.get("expected_urls")),
        phones=_texts(contacts.get("phones")), emails=_texts(contacts.get("emails")),
        website=(contacts.get("website") or "").strip(), address=(contacts.get("address") or "").strip(),
        postcode=fields.normalise_postcode(postcode) if postcode else "",
        age_min=low, age_max=high,
        eligibility=item.get("eligibility") or "", referral=item.get("referral") or "",
        cost=item.get("cost") or "", description=item.get("description") or "",
        status=item.get("status") or "active", last_reviewed=item.get("last_reviewed") or "",
        source=source,
    )
