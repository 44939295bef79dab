"""Trap guards: depth, page count, URL templates, calendars and endless parameters.

``Guards.check`` is called once per new in-scope URL and answers ``""`` (crawl it) or
the guard's name; the caller records guarded URLs as pages, never dropping them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from .urls import template_of

CALENDAR_LIMIT = 24
"""Distinct dates under one calendar-like path before the rest are guarded."""
CALENDAR_YEARS = (5, 2)
"""Dates more than 5 years back or 2 ahead of today are guarded at once."""
MAX_KEYSETS_PER_PATH = 30
MAX_PARAMS = 8
MAX_COMBINATIONS = 200
"""Distinct values of one set of three or more parameters under one path (faceted search)."""

DATE_PARAM = re.compile(r"^(?:month|date|day|year|week|yr|mon|cal\w*|start\w*|end\w*|from|to|period|when|d|m|y)$", re.I)
DATE_VALUE = re.compile(r"^(?:(19|20)\d\d(?:[-/]?\d{1,2}(?:[-/]?\d{1,2})?)?|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d\d"
                        r"|\d{1,2}|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)$", re.I)
DATE_SEGMENT = re.compile(r"^(?:19|20)\d\d(?:-\d{1,2}(?:-\d{1,2})?)?$|^\d{1,2}$")
YEAR = re.compile(r"(?:19|20)\d\d")


def calendar_parts(url: str) -> tuple[str, str] | None:
    """``(calendar key, date value)`` when the URL ends in dates (path or query), else None."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    dated = [(k, v) for k, v in pairs if DATE_PARAM.match(k) and DATE_VALUE.match(v)]
    dated += [(k, v) for k, v in pairs if (k, v) not in dated and re.match(r"^(19|20)\d\d-\d\d", v)]
    segments = parts.path.rstrip("/").split("/")
    tail = []
    while segments and DATE_SEGMENT.match(segments[-1]) and len(tail) < 3:
        tail.insert(0, segments.pop())
    if not any(YEAR.match(s) for s in tail):
        tail = []
        segments = parts.path.rstrip("/").split("/")
    if not dated and not tail:
        return None
    other_keys = sorted(k for k, _ in pairs if (k, dict(pairs).get(k)) not in dated)
    key = f"{parts.netloc}{'/'.join(segments)}/{'{date}/' * len(tail)}?{'&'.join(sorted(k for k, _ in dated))}|{other_keys}"
    return key, "/".join(tail) + "?" + "&".join(f"{k}={v}" for k, v in sorted(dated))


def _far_from_today(value: str, today: date) -> bool:
    years = [int(y) for y in YEAR.findall(value)]
    return any(y < today.year - CALENDAR_YEARS[0] or y > today.year + CALENDAR_YEARS[1] for y in years)


class Guards:
    """Counters behind the trap guards of one crawl."""

    def __init__(self, max_pages: int, max_depth: int, max_per_pattern: int, today: date | None = None) -> None:
        self.max_pages, self.max_depth, self.max_per_pattern = max_pages, max_depth, max_per_pattern
        self.today = today or date.today()
        self.accepted = 0
        self.templates: Counter[str] = Counter()
        self.calendars: dict[str, set[str]] = defaultdict(set)
        self.keysets: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        self.combinations: Counter[str] = Counter()

    def check(self, url: str, depth: int) -> str:
        """The guard that stops ``url`` (``max-depth``, ``calendar``, ``param-explosion``,
        ``max-per-pattern``, ``max-pages``) or ``""``; counts it when accepted."""
        if depth > self.max_depth:
            return "max-depth"
        reason = self._calendar(url) or self._params(url)
        if reason:
            return reason
        template = template_of(url)
        if self.templates[template] >= self.max_per_pattern:
            return "max-per-pattern"
        if self.accepted >= self.max_pages:
            return "max-pages"
        self.templates[template] += 1
        self.accepted += 1
        return ""

    def _calendar(self, url: str) -> str:
        found = calendar_parts(url)
        if found is None:
            return ""
        key, value = found
        seen = self.calendars[key]
        if value in seen:
            return ""
        if _far_from_today(value, self.today) or len(seen) >= CALENDAR_LIMIT:
            return "calendar"
        seen.add(value)
        return ""

    def _params(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.query:
            return ""
        keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
        path = parts.netloc + parts.path
        if len(keys) > MAX_PARAMS:
            return "param-explosion"
        keysets = self.keysets[path]
        if keys not in keysets and len(keysets) >= MAX_KEYSETS_PER_PATH:
            return "param-explosion"
        keysets.add(keys)
        if len(keys) >= 3:
            combo = f"{path}?{'&'.join(keys)}"
            if self.combinations[combo] >= MAX_COMBINATIONS:
                return "param-explosion"
            self.combinations[combo] += 1
        return ""
