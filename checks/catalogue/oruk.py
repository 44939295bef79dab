"""Open Referral UK services (v1 and 3.0 shapes) → catalogue records.

Every value is carried over as the feed wrote it (HTML turned into text); validation
then judges it, so that a feed's defects are reported against the record and field.
Vendor fields are read where the standard ones are empty (Open Place's
``pc_metadata.date_assured`` for ``assured_date``).
"""

from __future__ import annotations

import html
import re

import phonenumbers


_TAG_RE = re.compile(r"<[^>]+>")


def plain(text: object) -> str:
    """Text with HTML tags and entities removed and spaces collapsed."""
    if not isinstance(text, str):
        return ""
    return " ".join(html.unescape(_TAG_RE.sub(" ", text)).split())


def _dicts(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _phones(service: dict) -> list[str]:
    numbers = [p.get("number") for p in _dicts(service.get("phones"))]
    for contact in _dicts(service.get("contacts")):
        numbers += [p.get("number") for p in _dicts(contact.get("phones"))]
    found = [str(n).strip() for n in numbers if isinstance(n, (str, int)) and str(n).strip()]
    if found:
        return list(dict.fromkeys(found))
    text = plain(service.get("description"))
    return list(dict.fromkeys(m.raw_string for m in phonenumbers.PhoneNumberMatcher(text, "GB")))


def _emails(service: dict) -> list[str]:
    emails = [service.get("email")] + [c.get("email") for c in _dicts(service.get("contacts"))]
    return list(dict.fromkeys(e.strip() for e in emails if isinstance(e, str) and e.strip()))


def _addresses(service: dict) -> list[dict]:
    out = []
    for sal in _dicts(service.get("service_at_locations")):
        location = sal.get("location") if isinstance(sal.get("location"), dict) else {}
        out += _dicts(location.get("addresses")) + _dicts(location.get("physical_addresses"))
    return out


def _address(service: dict) -> tuple[str, str]:
    for address in _addresses(service):
        postcode = address.get("postal_code") or address.get("postcode") or ""
        parts = [address.get(k) for k in ("address_1", "address_2", "city", "state_province")]
        text = ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
        if text or postcode:
            return text, str(postcode).strip()
    return "", ""


def _age(value: object) -> object:
    """A whole number of years; other values are kept as written for validation to report."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.lstrip("-").isdigit() else (text or None)
    return value


def _ages(service: dict) -> dict:
    if "minimum_age" in service or "maximum_age" in service:
        return {"min": _age(service.get("minimum_age")), "max": _age(service.get("maximum_age"))}
    lows, highs = [], []
    for e in _dicts(service.get("eligibilitys")):
        lows.append(_age(e.get("minimum_age")))
        highs.append(_age(e.get("maximum_age")))
    lows, highs = [v for v in lows if v is not None], [v for v in highs if v is not None]
    if not all(_whole(v) for v in lows + highs):  # leave odd values for validation to report
        return {"min": lows[0] if lows else None, "max": highs[0] if highs else None}
    return {"min": min(lows) if lows else None, "max": max(highs) if highs else None}


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _assured(service: dict) -> str:
    """``assured_date``, else the vendor's ``pc_metadata.date_assured`` (Open Place)."""
    meta = service.get("pc_metadata") if isinstance(service.get("pc_metadata"), dict) else {}
    for value in (service.get("assured_date"), meta.get("date_assured")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _topics(service: dict) -> list[str]:
    names = [t.get("name") for t in _dicts(service.get("taxonomy_terms"))]
    for link in _dicts(service.get("service_taxonomys")) + _dicts(service.get("attributes")):
        term = link.get("taxonomy") or link.get("taxonomy_term")
        names.append(term.get("name") if isinstance(term, dict) else None)
    return list(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip()))


def _eligibility(service: dict) -> str:
    if service.get("eligibility_description"):
        return plain(service["eligibility_description"])
    return "; ".join(plain(e.get("eligibility")) for e in _dicts(service.get("eligibilitys")) if e.get("eligibility"))


def _owner(service: dict) -> dict:
    org = service.get("organization") if isinstance(service.get("organization"), dict) else {}
    team = org.get("name") if isinstance(org.get("name"), str) else ""
    email = org.get("email") or service.get("assurer_email") or ""
    return {"team": team.strip(), "email": email.strip() if isinstance(email, str) else ""}


def to_record(service: dict) -> dict:
    """The catalogue record of one ORUK service (before value checks)."""
    address, postcode = _address(service)
    assured = _assured(service)
    record = {
        "id": str(service["id"]) if isinstance(service.get("id"), (str, int)) else service.get("id"),
        "name": plain(service["name"]) if isinstance(service.get("name"), str) else service.get("name"),
        "owner": _owner(service), "topics": _topics(service),
        "contacts": {"phones": _phones(service), "emails": _emails(service),
                     "website": service.get("url") or "", "address": address, "postcode": postcode},
        "age_range": _ages(service), "eligibility": _eligibility(service),
        "referral": plain(service.get("application_process")),
        "cost": plain(service.get("fees_description") or service.get("fees")),
        "status": service.get("status") or "active",
        "last_reviewed": assured,
        "description": plain(service.get("description")),
    }
    return record
