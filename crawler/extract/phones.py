"""UK phone numbers in page text and ``tel:`` links, normalised to E.164 (``+441234567890``)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import phonenumbers

REGION = "GB"
MAX_TEXT = 200_000
_LIKELY = re.compile(r"(?:\+|\d)[\d\s().\-]{7,}\d")
"""A cheap pre-check: no run of digits long enough for a phone number means no matcher run."""
DRAMA_PREFIXES = ("7700900", "1632960", "1134960", "1144960", "1154960", "1164960", "1174960", "1184960", "1214960",
                  "1314960", "1414960", "1514960", "1614960", "2079460", "2890180", "2920180", "8081570", "9098790")
"""Ofcom's numbers reserved for drama and examples. Some (``07700 900xxx``, ``01632 960xxx``)
fall outside the blocks the phone metadata calls valid, yet sites and catalogues write them
like any other number, so they are read as numbers (the catalogue reader does the same)."""
_DRAMA_LIKELY = re.compile(r"7700[\s.\-]*900|1632\)?[\s.\-]*960")


def is_drama_number(number: phonenumbers.PhoneNumber) -> bool:
    """A UK number in one of Ofcom's drama and example ranges."""
    national = str(number.national_number)
    return number.country_code == 44 and len(national) == 10 and national.startswith(DRAMA_PREFIXES)


def _matches(text: str):
    """Phone number matches in ``text``, in order: valid numbers, and reserved drama numbers."""
    if not _LIKELY.search(text):
        return []
    found = list(phonenumbers.PhoneNumberMatcher(text, REGION))
    if _DRAMA_LIKELY.search(text):
        starts = {m.start for m in found}
        found += [m for m in phonenumbers.PhoneNumberMatcher(text, REGION, leniency=phonenumbers.Leniency.POSSIBLE)
                  if m.start not in starts and is_drama_number(m.number)]
        found.sort(key=lambda m: m.start)
    return found


def normalise_phone(text: str) -> str | None:
    """E.164 form of one phone number (``tel:`` prefix allowed), or None if not a valid number."""
    text = unquote(re.sub(r"^\s*tel:", "", text or "", flags=re.I)).strip()
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    if not (phonenumbers.is_valid_number(number) or is_drama_number(number)):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_phones(text: str, hrefs: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Distinct valid numbers in ``text`` and ``tel:`` hrefs, in order of appearance."""
    found: dict[str, None] = {}
    text = (text or "")[:MAX_TEXT]
    for match in _matches(text):
        found[phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)] = None
    for href in hrefs:
        if number := normalise_phone(href):
            found[number] = None
    return tuple(found)


def phones_as_written(text: str) -> dict[str, str]:
    """E.164 number -> the number as the text writes it ("0117 496 0777"), first occurrence."""
    found: dict[str, str] = {}
    text = (text or "")[:MAX_TEXT]
    for match in _matches(text):
        key = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.setdefault(key, " ".join(match.raw_string.split()))
    return found


def display_phone(number: str) -> str:
    """An E.164 number in the national form people read ("0117 496 0777")."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(number, REGION), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return number


_REFERRAL = re.compile(r"\b(?:refer|referrals?|referred|referring|self-refer\w*)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?;\n]\s")


def referral_phones(text: str) -> set[str]:
    """Numbers (E.164) introduced by referral words in their own sentence ("To refer, call
    the Family Information Service on 0113 496 1301"): the way in through another service,
    not one of the record's own numbers."""
    found: set[str] = set()
    text = (text or "")[:MAX_TEXT]
    for match in _matches(text):
        before = text[max(0, match.start - 160):match.start]
        ends = list(_SENTENCE_END.finditer(before))
        sentence = before[ends[-1].end():] if ends else before
        if _REFERRAL.search(sentence):
            found.add(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return found
