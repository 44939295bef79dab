"""A record's contact details read from everywhere its template may put them, with where
each value was found.

Sources: ``main`` (the main text), ``panel`` (sidebars and contact panels, ``<aside>``),
``field`` (``<dl>`` and two-cell table rows labelled phone, email, postcode, website),
``tel``/``mailto`` (links in the main content or a panel) and ``jsonld``/``microdata``
(schema.org ``telephone``, ``email``, ``postalCode``, ``url``). Values are normalised
(phones E.164, emails lower case, postcodes ``AB1 2CD``), so a different format is the
same value.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler.extract.emails import find_emails, normalise_email
from crawler.extract.phones import find_phones, normalise_phone
from crawler.extract.postcodes import find_postcodes, normalise_postcode

KINDS = ("phone", "email", "postcode", "website")
FIELD_LABELS = {
    "phone": ("phone", "tel", "mobile", "call"),
    "email": ("email", "e-mail"),
    "postcode": ("postcode", "post code"),
    "website": ("website", "web site", "web address", "url"),
}
CONTACT_REGIONS = ("main", "body", "aside")
MAX_PER_KIND = 30


def _add(out: dict[str, dict[str, list[str]]], kind: str, values: Iterable[str | None], source: str) -> None:
    found = out.setdefault(kind, {})
    for value in values:
        if value and (value in found or len(found) < MAX_PER_KIND):
            sources = found.setdefault(value, [])
            if source not in sources:
                sources.append(source)


def _text_values(out: dict, text: str, source: str) -> None:
    _add(out, "phone", find_phones(text), source)
    _add(out, "email", find_emails(text), source)
    _add(out, "postcode", find_postcodes(text), source)


def _field_values(out: dict, fields: dict) -> None:
    for label, value in (fields or {}).items():
        label_l, text = str(label).lower(), str(value)
        for kind, words in FIELD_LABELS.items():
            if not any(word in label_l for word in words):
                continue
            if kind == "phone":
                _add(out, kind, [*find_phones(text), normalise_phone(text)], "field")
            elif kind == "email":
                _add(out, kind, [*find_emails(text), normalise_email(text)], "field")
            elif kind == "postcode":
                _add(out, kind, [*find_postcodes(text), normalise_postcode(text)], "field")
            else:
                _add(out, kind, [text.strip()[:500] if text.strip() else None], "field")


def _structured_values(out: dict, items: Iterable[dict]) -> None:
    for item in items:
        source = item.get("source", "jsonld")
        _add(out, "phone", (normalise_phone(v) for v in item.get("telephone", [])), source)
        _add(out, "email", (normalise_email(v) for v in item.get("email", [])), source)
        _add(out, "postcode", (normalise_postcode(v) for v in item.get("postalCode", [])), source)
        _add(out, "website", (v for v in item.get("url", []) if v.lower().startswith(("http://", "https://"))),
             source)


def record_contacts(main_text: str, panel_text: str, fields: dict, links: Iterable[tuple[str, str]],
                    items: Iterable[dict] = ()) -> dict[str, dict[str, list[str]]]:
    """``{kind: {normalised value: [sources]}}`` for kinds phone, email, postcode, website.

    ``links`` are ``(href, region)`` pairs; only ``tel:``/``mailto:`` links in the main
    content or a panel count (a footer's council switchboard is not the record's)."""
    out: dict[str, dict[str, list[str]]] = {}
    _text_values(out, main_text, "main")
    _text_values(out, panel_text, "panel")
    _field_values(out, fields)
    for href, region in links:
        if region not in CONTACT_REGIONS:
            continue
        lowered = href.strip().lower()
        if lowered.startswith("tel:"):
            _add(out, "phone", [normalise_phone(href)], "tel")
        elif lowered.startswith("mailto:"):
            _add(out, "email", find_emails("", (href,)), "mailto")
    _structured_values(out, items)
    return {kind: values for kind, values in out.items() if values}
