"""Age ranges of services: "ages 5 to 11", "0-25", "under 5s", "16+", "Year 7 to 11"...

``parse_age_range`` reads a short value (a catalogue cell, an "Age range" field);
``find_age_range`` finds one in longer text, where a bare "5-11" only counts next to an
age word. Open-ended ranges ("16+", "from 16") end at ``OPEN_MAX``.
"""

from __future__ import annotations

import re

OPEN_MAX = 99
MAX_AGE = 120
_TO = r"\s*(?:-|–|—|to|until|and|&)\s*"
_N = r"(\d{1,3})"
_YEARS = r"(?:\s*(?:years?|yrs?)(?:\s*old)?|\s*-?\s*year\s*-?\s*olds?|s)?"
_SCHOOL = r"(r|reception|\d{1,2})"
_AGE_WORD = r"(?:ages?d?|age\s+range|age\s+group|for|children|young\s+people)"

# (pattern, builder) pairs tried in order; each pattern is matched on lower-cased text.
_RULES: tuple[tuple[str, str], ...] = (
    (rf"\byears?\s*{_SCHOOL}{_TO}(?:years?\s*)?{_SCHOOL}\b", "school"),
    (rf"\b(?:birth|newborn|pre-?birth){_TO}{_N}{_YEARS}", "birth"),
    (rf"\bbetween\s+{_N}{_YEARS}\s+and\s+{_N}{_YEARS}", "range"),
    (rf"\b{_N}{_YEARS}{_TO}{_N}{_YEARS}", "range"),
    (rf"\bunder[\s-]*{_N}{_YEARS}", "under"),
    (rf"\bup\s+to\s+(?:the\s+age\s+of\s+|age\s+)?{_N}{_YEARS}", "upto"),
    (rf"\b{_N}\s*\+", "from"),
    (rf"\b(?:from|aged?\s+over|over)\s+(?:the\s+age\s+of\s+|age\s+)?{_N}{_YEARS}", "from"),
    (rf"\b{_N}{_YEARS}\s+(?:and|or)\s+(?:over|above|older)", "from"),
)
_COMPILED = tuple((re.compile(p, re.I), kind) for p, kind in _RULES)


def _school_age(year: str) -> int:
    return 4 if year.lower() in ("r", "reception") else int(year) + 4


def _build(kind: str, groups: tuple[str, ...]) -> tuple[int, int] | None:
    if kind == "school":
        low, high = _school_age(groups[0]), _school_age(groups[1]) + 1
    elif kind == "birth":
        low, high = 0, int(groups[0])
    elif kind == "range":
        low, high = int(groups[0]), int(groups[1])
    elif kind == "under":
        low, high = 0, int(groups[0]) - 1
    elif kind == "upto":
        low, high = 0, int(groups[0])
    else:
        low, high = int(groups[0]), OPEN_MAX
    return (low, high) if 0 <= low <= high <= max(MAX_AGE, OPEN_MAX) and low <= MAX_AGE else None


def _first(text: str, need_context: bool) -> tuple[int, int] | None:
    text = " ".join((text or "").split())
    for pattern, kind in _COMPILED:
        for match in pattern.finditer(text):
            if need_context and kind in ("range", "from") and not _has_context(text, match):
                continue
            if found := _build(kind, match.groups()):
                return found
    return None


def _has_context(text: str, match: re.Match) -> bool:
    before = text[max(0, match.start() - 25):match.start()]
    after = text[match.end():match.end() + 1]
    written = match.group(0)
    return bool(re.search(rf"{_AGE_WORD}\s*[:?]?\s*$", before, re.I)
                or re.search(r"(years?|yrs?|olds?)\s*$", written, re.I) or after == "s")


def parse_age_range(text: str) -> tuple[int, int] | None:
    """``(min, max)`` ages of a short value such as "0 to 25 years", or None."""
    if not text or len(text) > 200:
        return None
    return _first(text, need_context=False)


def find_age_range(text: str) -> tuple[int, int] | None:
    """The first age range in longer text (a bare "5-11" needs an age word next to it)."""
    return _first(text, need_context=True)
