"""Checks of single catalogue values: emails, GB phones, postcodes, dates, URLs, ages.

Each ``*_problem`` function returns a plain message when the value is wrong, else None.
Shared by every catalogue format (ORUK feeds drop bad values with a warning instead).
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers

from common.urls import is_http_url

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"^[^@\s<>()\[\],;:\"]+@{_LABEL}(?:\.{_LABEL})+$")
POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2})$", re.I)
"""The shape of a UK postcode (area, district, sector, unit); made-up areas such as the
demo's ``XE`` pass, typos such as ``BS14`` or ``B1 4D`` do not."""
_RANGE_RE = re.compile(r"^(?:ages?\s+)?(\d{1,3})\s*(?:-|–|—|to)\s*(\d{1,3})(?:\s*years?)?$", re.I)
_FROM_RE = re.compile(r"^(?:ages?\s+|from\s+)?(\d{1,3})\s*(?:\+|and over|and above|or over)?(?:\s*years?)?$", re.I)
_UPTO_RE = re.compile(r"^(up to|under)\s+(\d{1,3})s?$", re.I)
MAX_AGE = 120
LOCAL_OFFER_MAX_AGE = 25
"""The Local Offer covers children and young people from birth to 25."""
STATUSES = ("active", "closed", "inactive", "defunct", "temporarily closed")


def email_problem(value: str) -> str | None:
    """None when ``value`` looks like an email address."""
    return None if EMAIL_RE.match(value.strip()) else f"not an email address: {value!r}"


_DRAMA_PREFIXES = ("7700900", "1134960", "1144960", "1154960", "1164960", "1174960", "1184960", "1214960",
                   "1314960", "1414960", "1514960", "1614960", "2079460", "2890180", "2920180", "8081570", "9098790")


def _drama_number(number: phonenumbers.PhoneNumber) -> bool:
    """Ofcom's reserved numbers for drama and examples (``07700 900xxx``...) count as valid."""
    national = str(number.national_number)
    return number.country_code == 44 and len(national) == 10 and national.startswith(_DRAMA_PREFIXES)


def phone_problem(value: str) -> str | None:
    """None when phonenumbers reads ``value`` as a valid GB (or international) number."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return f"not a phone number: {value!r}"
    if not (phonenumbers.is_valid_number(number) or _drama_number(number)):
        return f"not a valid UK phone number: {value!r}"
    return None


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the last three characters."""
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def postcode_problem(value: str) -> str | None:
    """None when ``value`` is a UK postcode (any spacing or case)."""
    compact = re.sub(r"\s+", "", value)
    return None if POSTCODE_RE.match(compact) else f"not a UK postcode: {value!r}"


def date_problem(value: str) -> str | None:
    """None when ``value`` is a real date written YYYY-MM-DD."""
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"not a real date (expected YYYY-MM-DD): {value!r}"
    return None if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else f"expected a date as YYYY-MM-DD, got {value!r}"


_UK_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_START_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WORDS_DATE_RE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})$", re.I)


def iso_date(text: str) -> str | None:
    """``2024-02-03T10:00:00Z``, ``03/02/2024`` (day first, as in the UK) or ``3 February 2024``
    → ``2024-02-03``; None when the text is not such a real date."""
    text = text.strip()
    if m := _ISO_START_RE.match(text):
        day = m[1]
    elif m := _UK_DATE_RE.match(text):
        day = f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    elif (m := _WORDS_DATE_RE.match(text)) and m[2].lower() in _MONTHS:
        day = f"{m[3]}-{_MONTHS.index(m[2].lower()) + 1:02d}-{int(m[1]):02d}"
    else:
        return None
    return day if date_problem(day) is None else None


def real_date_problem(value: str) -> str | None:
    """Like ``date_problem`` for values shaped YYYY-MM-DD only (schemas report other shapes)."""
    return date_problem(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None


def fix_website(value: object) -> object:
    """``www.example.org`` → ``https://www.example.org``: feeds and spreadsheets often leave
    out the scheme of a web address, which then means the same."""
    if isinstance(value, str) and value.strip().lower().startswith("www."):
        return "https://" + value.strip()
    return value


def url_problem(value: str) -> str | None:
    """None when ``value`` is an absolute http(s) URL."""
    return None if is_http_url(value.strip()) else f"not an http(s) URL: {value!r}"


def status_problem(value: str) -> str | None:
    """None when ``value`` is one of the known statuses (any case)."""
    if value.strip().lower() in STATUSES:
        return None
    return f"expected one of {', '.join(repr(s) for s in STATUSES)}, got {value!r}"


def parse_age_text(text: str) -> tuple[int | None, int | None] | None:
    """``"0-25"`` → (0, 25); ``"16+"`` → (16, None); ``"up to 5"`` → (None, 5);
    ``"under 5"`` → (None, 4); None when the text is not an age range."""
    text = text.strip()
    if m := _RANGE_RE.match(text):
        return int(m[1]), int(m[2])
    if m := _UPTO_RE.match(text):
        top = int(m[2])
        return None, (top - 1 if m[1].lower() == "under" else top)
    if m := _FROM_RE.match(text):
        return int(m[1]), None
    return None


def age_problem(low: int | None, high: int | None) -> str | None:
    """None when the ages are sensible (0..120, min not above max)."""
    for value in (low, high):
        if value is not None and not 0 <= value <= MAX_AGE:
            return f"ages must be between 0 and {MAX_AGE}, got {value}"
    if low is not None and high is not None and low > high:
        return f"minimum age {low} is above maximum age {high}"
    return None


def age_scope_problem(low: int | None, high: int | None) -> str | None:
    """None unless the service starts above 25, outside the Local Offer's 0 to 25 range
    (a maximum above 25, as in "0-99" or "18+", is fine)."""
    if low is not None and low > LOCAL_OFFER_MAX_AGE:
        return (f"minimum age {low} is above {LOCAL_OFFER_MAX_AGE}: outside the Local Offer's "
                f"0 to {LOCAL_OFFER_MAX_AGE} range")
    return None
