"""UK phone numbers in page text and ``tel:`` links, normalised to E.164 (``+441234567890``)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import phonenumbers

REGION = "GB"
MAX_TEXT = 200_000
_LIKELY = re.compile(r"(?:\+|\d)[\d\s().\-]{7,}\d")
"""A cheap pre-check: no run of digits long enough for a phone number means no matcher run."""


def normalise_phone(text: str) -> str | None:
    """E.164 form of one phone number (``tel:`` prefix allowed), or None if not a valid number."""
    text = unquote(re.sub(r"^\s*tel:", "", text or "", flags=re.I)).strip()
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_phones(text: str, hrefs: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Distinct valid numbers in ``text`` and ``tel:`` hrefs, in order of appearance."""
    found: dict[str, None] = {}
    text = (text or "")[:MAX_TEXT]
    for match in phonenumbers.PhoneNumberMatcher(text, REGION) if _LIKELY.search(text) else ():
        found[phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)] = None
    for href in hrefs:
        if number := normalise_phone(href):
            found[number] = None
    return tuple(found)


def phones_as_written(text: str) -> dict[str, str]:
    """E.164 number -> the number as the text writes it ("0117 496 0777"), first occurrence."""
    found: dict[str, str] = {}
    text = (text or "")[:MAX_TEXT]
    for match in phonenumbers.PhoneNumberMatcher(text, REGION) if _LIKELY.search(text) else ():
        key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.setdefault(key, " ".join(match.raw_string.split()))
    return found


def display_phone(number: str) -> str:
    """An E.164 number in the national form people read ("0117 496 0777")."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(number, REGION), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return number
