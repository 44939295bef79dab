""""Last updated" dates: visible text, ``<time>``, meta tags, JSON-LD, the header.

Councils print dates in many shapes ("Last updated: 19 May 2026", "Reviewed
03/02/2024" read day-first, "Updated 2 weeks ago" relative to the fetch date, "Date
updated: 12th Jan 2023", "Updated: January 2024", "Last edited 01.02.2024"...).
Visible text wins (it is what residents see); then ``<time>``, meta tags, JSON-LD, and
the ``Last-Modified`` header only as a fallback marked ``header``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

from dateutil import parser as du_parser
from dateutil.relativedelta import relativedelta

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
DATE_PATTERN = (
    rf"(?:{_WEEKDAY}{_DAY}\s+(?:of\s+)?(?:{MONTHS})\.?,?\s+\d{{4}}"  # 12th Jan 2023
    rf"|{_WEEKDAY}(?:{MONTHS})\.?\s+{_DAY},?\s+\d{{4}}"              # January 12, 2023
    rf"|(?:{MONTHS})\.?,?\s+\d{{4}}"                                 # January 2024
    r"|\d{4}-\d{1,2}-\d{1,2}(?:T[\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?"    # 2024-03-01
    r"|\d{4}/\d{1,2}/\d{1,2}"                                        # 2024/03/01
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"                    # 03/02/2024, 01.02.24
    r"|(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?:minute|hour|day|week|month|year)s?\s+ago"
    r"|today|yesterday)"
)
LABEL_PATTERN = (
    r"(?:(?:page|content|information|this\s+page\s+was|date)\s+)?(?:last\s+)?"
    r"(?:updated|modified|reviewed|edited|checked|revised|amended|published)"
)
_LABELLED = re.compile(
    rf"\b(?P<label>{LABEL_PATTERN})\b\s*(?:date|on|at)?\s*[:\-–—]?\s*(?:on\s+)?(?P<date>{DATE_PATTERN})(?![\w/.\-]\d)",
    re.I,
)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
META_NAMES = ("article:modified_time", "dcterms.modified", "dc.date.modified", "last-modified",
              "og:updated_time", "dc.modified", "modified", "date.modified")
EARLIEST_YEAR = 1990


@dataclass(frozen=True)
class FoundDate:
    """A last-updated date, where it came from (``text``, ``time``, ``meta``, ``jsonld``,
    ``header``) and the raw text it was read from."""

    value: date
    source: str
    raw: str

    @property
    def iso(self) -> str:
        return self.value.isoformat()


def _relative(text: str, today: date) -> date | None:
    text = text.lower().strip()
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    match = re.match(r"(\d+|\w+)\s+(minute|hour|day|week|month|year)s?\s+ago", text)
    if not match:
        return None
    count = int(match.group(1)) if match.group(1).isdigit() else _NUMBERS.get(match.group(1), 0)
    unit = match.group(2)
    if unit in ("minute", "hour"):
        return today
    delta = {"day": relativedelta(days=count), "week": relativedelta(weeks=count),
             "month": relativedelta(months=count), "year": relativedelta(years=count)}[unit]
    return today - delta


def _numeric(text: str) -> date | None:
    iso = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text)
    if iso:
        return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    dmy = re.match(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$", text)
    if dmy:
        year = int(dmy.group(3))
        year = year + 2000 if year < 100 else year
        return date(year, int(dmy.group(2)), int(dmy.group(1)))  # UK: day first
    return None


def parse_date(text: str, today: date | None = None) -> date | None:
    """One date in any supported format (day-first; relative to ``today``); None if unreadable."""
    text = (text or "").strip()
    today = today or date.today()
    if not text:
        return None
    try:
        found = _relative(text, today) or _numeric(text)
        if found is None:
            cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b|\bof\b", "", text, flags=re.I)
            found = du_parser.parse(cleaned, dayfirst=True, default=datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError, du_parser.ParserError):
        return None
    return found if EARLIEST_YEAR <= found.year and found <= today + timedelta(days=1) else None


def find_in_text(text: str, today: date | None = None) -> FoundDate | None:
    """The most recent labelled "updated/reviewed" date in visible text ("published" only
    when nothing else is labelled)."""
    best: tuple[int, date, str] | None = None
    for match in _LABELLED.finditer(text or ""):
        value = parse_date(match.group("date"), today)
        if value is None:
            continue
        rank = 0 if "published" in match.group("label").lower() else 1
        if best is None or (rank, value) > best[:2]:
            best = (rank, value, " ".join(match.group(0).split()))
    return FoundDate(best[1], "text", best[2]) if best else None


def has_update_label(text: str) -> bool:
    """True when ``text`` mentions an update/review label (for ``<time>`` context)."""
    return re.search(rf"\b{LABEL_PATTERN}\b", text or "", re.I) is not None


def from_time_elements(times: list[tuple[str, str]], today: date | None = None) -> FoundDate | None:
    """``(datetime attribute, context text)`` pairs of ``<time>`` elements near an update label."""
    for value, context in times:
        if has_update_label(context):
            parsed = parse_date(value[:25], today)
            if parsed:
                return FoundDate(parsed, "time", value)
    return None


def from_meta(meta: dict[str, str], today: date | None = None) -> FoundDate | None:
    """Meta tags (``name``/``property``/``http-equiv`` lower-cased -> content)."""
    for name in META_NAMES:
        if meta.get(name):
            parsed = parse_date(meta[name][:25], today)
            if parsed:
                return FoundDate(parsed, "meta", meta[name])
    return None


def _date_modified(data) -> str | None:
    if isinstance(data, dict):
        if isinstance(data.get("dateModified"), str):
            return data["dateModified"]
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            if found := _date_modified(item):
                return found
    return None


def from_jsonld(blocks: list[str], today: date | None = None) -> FoundDate | None:
    """``dateModified`` anywhere in JSON-LD script blocks (invalid JSON ignored)."""
    for block in blocks:
        try:
            raw = _date_modified(json.loads(block))
        except (ValueError, RecursionError):
            continue
        if raw and (parsed := parse_date(raw[:25], today)):
            return FoundDate(parsed, "jsonld", raw)
    return None


def from_header(value: str) -> FoundDate | None:
    """The ``Last-Modified`` header (an HTTP date), marked ``header``."""
    try:
        return FoundDate(parsedate_to_datetime(value).date(), "header", value) if value else None
    except (TypeError, ValueError, IndexError):
        return None


def best_date(text: str, times: list[tuple[str, str]], meta: dict[str, str], jsonld: list[str],
              header: str = "", today: date | None = None) -> FoundDate | None:
    """The page's last-updated date by the precedence in the module docstring."""
    return (find_in_text(text, today) or from_time_elements(times, today) or from_meta(meta, today)
            or from_jsonld(jsonld, today) or from_header(header))
