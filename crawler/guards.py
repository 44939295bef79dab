"""Trap guards: depth, page count, URL templates, calendars and endless parameters.

``Guards.check`` is called once per new in-scope URL and answers ``""`` (crawl it) or
the guard's name; the caller records guarded URLs as pages, never dropping them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

from crawler.urls import template_of

CALENDAR_LIMIT = 12
"""Distinct dates under one calendar (a path prefix, whatever the date parameters or date
segments that follow it) before the rest are guarded."""
CALENDAR_HOST_LIMIT = 24
"""Distinct calendar dates on one host, all calendars together."""
CALENDAR_YEARS = (5, 2)
"""Dates more than 5 years back or 2 ahead of today are guarded at once."""
MAX_KEYSETS_PER_PATH = 30
MAX_PARAMS = 8
MAX_FACETED = 24
"""Distinct queries under one path once two or more of its parameters each take more than
``FACET_VALUES`` values (a faceted search: ``q`` x ``sort`` x ``page``). A path where only
one parameter varies (``?id=`` records, ``?page=`` lists) is left to ``max_per_pattern``."""
FACET_VALUES = 3
VALUES_KEPT = 64
RECORD_PARAM = re.compile(r"^(?:id|.*[_-]id|.*Id|uuid|guid|ref|slug)$")
"""Parameters that name one record (kb5 ``service.page?id=``): each value is a different
page, not a facet, so they never make a query "faceted"."""

DATE_PARAM = re.compile(r"^(?:month|date|day|year|week|yr|mon|cal\w*|start\w*|end\w*|from|to|period|when|d|m|y)$", re.I)
DATE_VALUE = re.compile(r"^(?:(19|20)\d\d(?:[-/]?\d{1,2}(?:[-/]?\d{1,2})?)?|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d\d"
                        r"|\d{1,2}|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)$", re.I)
DATE_SEGMENT = re.compile(r"^(?:19|20)\d\d(?:-\d{1,2}(?:-\d{1,2})?)?$|^\d{1,2}$")
YEAR = re.compile(r"(?:19|20)\d\d")
CALENDAR_WORDS = re.compile(r"^(?:events?|calendars?|diary|diaries|agenda|whats-?on|what-s-on|schedules?|"
                            r"archives?|meetings?|dates?)$", re.I)
"""A last folder name that makes a bare year below it (``/events/2031/``) a calendar."""


PAGE_PARAMS = re.compile(r"^(?:page|p|pg|pageno|page_?num(?:ber)?|paged|currentpage|start|offset|pagenumber)$", re.I)
"""Query parameters that number the pages of a result list (``?page=2``, ``&start=20``)."""
PAGE_PATH = re.compile(r"/(?:page|p)/(\d{1,6})/?$", re.I)
MAX_PAGINATION = 1000
"""Pages of one result list that are kept at their first page's depth; further pages
count a click each again (an endless "next" chain stays bounded)."""


URL_CACHE = 65536
"""URLs whose parts (host, path, query pairs, pagination and calendar parts) are remembered:
every page links to the same menus, so one crawl asks about the same targets again and
again (13 links a page, a thousand distinct targets on a 1,000-page site)."""


@lru_cache(maxsize=URL_CACHE)
def _split(url: str) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    """``(host, path, query, query pairs)`` of ``url`` (remembered: see :data:`URL_CACHE`)."""
    parts = urlsplit(url)
    return parts.netloc, parts.path, parts.query, tuple(parse_qsl(parts.query, keep_blank_values=True))


@lru_cache(maxsize=URL_CACHE)
def pagination_parts(url: str) -> tuple[str, str]:
    """``(list key, page number)``: the URL without its page number, and the number ("" for
    a URL that names none). ``/events?page=3&type=x`` -> ``("host/events?type=x", "3")``."""
    netloc, path, _, pairs = _split(url)
    numbers = [v for k, v in pairs if PAGE_PARAMS.match(k) and v.isdigit()]
    rest = sorted((k, v) for k, v in pairs if not (PAGE_PARAMS.match(k) and v.isdigit()))
    number = numbers[0] if numbers else ""
    if found := PAGE_PATH.search(path):
        path, number = path[:found.start()], found.group(1)
    return f"{netloc}{path.rstrip('/')}?{urlencode(rest)}", number


@lru_cache(maxsize=URL_CACHE)
def _step_keys(url: str) -> tuple[str, tuple[str, str]]:
    """``(list key, host and path)`` of ``url``: two links whose keys both differ are
    neither pagination nor a numeric step (see ``Guards.depth_steps``)."""
    return pagination_parts(url)[0], _split(url)[:2]


def is_pagination(source: str, target: str) -> bool:
    """True when ``target`` is another numbered page of the same result list as ``source``
    (same path and parameters but the page number): "Next page", ``?page=N``, page links."""
    source_key, source_number = pagination_parts(source)
    target_key, target_number = pagination_parts(target)
    return source_key == target_key and target_number != "" and target_number != source_number


NEXT_TEXT = re.compile(r"^(?:next(?:\s+page)?|next\s*(?:»|›|>>?)|(?:»|›|>>?)|\d{1,5})$", re.I)
"""Link texts of pagination: "Next", "Next page", "Next »", "»", "›" or a page number."""


def numeric_step(source: str, target: str) -> tuple[str, str, int] | None:
    """``(list key, parameter, step)`` when ``target`` differs from ``source`` only by one
    numeric query parameter whose value goes up (``/search?qt=all&sr=10`` ->
    ``sr=20``; a parameter missing from the first page counts as 0). Record ids
    (:data:`RECORD_PARAM`) and date parameters never count."""
    s, t = _split(source), _split(target)
    if s[:2] != t[:2]:
        return None
    sp, tp = dict(s[3]), dict(t[3])
    diff = [k for k in sp.keys() | tp.keys() if sp.get(k) != tp.get(k)]
    if len(diff) != 1 or diff[0] not in tp:
        return None
    key = diff[0]
    before, after = sp.get(key, "0"), tp[key]
    if RECORD_PARAM.match(key) or DATE_PARAM.match(key) or not (before.isdigit() and after.isdigit()):
        return None
    if int(after) <= int(before):
        return None
    rest = sorted((k, v) for k, v in tp.items() if k != key)
    return f"{t[0]}{t[1]}?{urlencode(rest)}", key, int(after) - int(before)


def _same_path_other_query(source: str, target: str) -> bool:
    """Same host and path, another query. Paths differing in a number (``/p1`` -> ``/p2``
    "next") are not enough: an endless generated chain must still meet the depth guard."""
    s, t = _split(source), _split(target)
    return s[:2] == t[:2] and s[2] != t[2]


def _real_date(tail: list[str]) -> bool:
    """Month (and day) parts after the year that are a real month (and day)."""
    numbers = [int(n) for part in tail for n in part.split("-")]
    if len(numbers) < 2 or not YEAR.fullmatch(str(numbers[0])):
        return False
    return 1 <= numbers[1] <= 12 and (len(numbers) < 3 or 1 <= numbers[2] <= 31)


@lru_cache(maxsize=URL_CACHE)
def calendar_parts(url: str) -> tuple[str, str, bool] | None:
    """``(calendar key, date value, strong)`` when the URL ends in dates (path or query), else None.

    The key is the host and the path before the dates: ``/events/?month=2026-11``,
    ``/events/2026/11/`` and ``/events/2026/11/23/`` are one calendar. ``strong`` is calendar
    evidence: month or day parts, a date-like query parameter, or a calendar word before a
    year. A bare four-digit number (``/p/1999``) alone is weak: record ids look like years."""
    netloc, path, _, pairs = _split(url)
    dated = [(k, v) for k, v in pairs if DATE_PARAM.match(k) and DATE_VALUE.match(v)]
    dated += [(k, v) for k, v in pairs if (k, v) not in dated and re.match(r"^(19|20)\d\d-\d\d", v)]
    segments = path.rstrip("/").split("/")
    tail = []
    while segments and DATE_SEGMENT.match(segments[-1]) and len(tail) < 3:
        tail.insert(0, segments.pop())
    while tail and not YEAR.match(tail[0]):  # a number before the year is not part of the date
        segments.append(tail.pop(0))
    if not dated and not tail:
        return None
    key = f"{netloc}{'/'.join(segments).rstrip('/')}"
    strong = bool(dated) or _real_date(tail) or bool(segments and CALENDAR_WORDS.match(segments[-1]))
    return key, "/".join(tail) + "?" + "&".join(f"{k}={v}" for k, v in sorted(dated)), strong


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
        self.calendar_keys: set[str] = set()
        """Calendars with strong evidence (see ``calendar_parts``): bare years below them count too."""
        self.calendar_hosts: Counter[str] = Counter()
        self.keysets: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        self.queries: dict[str, set[str]] = defaultdict(set)
        self.values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.faceted: set[str] = set()
        self.paginated: Counter[str] = Counter()
        self.steps: dict[tuple[str, str], int] = {}

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

    def depth_step(self, source: str, target: str, text: str = "") -> int:
        """Clicks a link adds to the depth: 0 from one page of a result list to another
        (pagination does not exhaust ``max_depth``: a 60-page listing is read to the end),
        for at most ``MAX_PAGINATION`` pages per list; 1 for every other link. Calendars
        and faceted searches stay bounded by their own guards whatever the depth.

        A link is pagination when it changes a known page parameter (:data:`PAGE_PARAMS`,
        ``/page/N``), when it changes only one numeric query parameter by a multiple of the
        step first seen for that list (kb5's ``sr=0, 10, 20``), or when its text is "Next",
        "»", "›" or a page number and it leads to the same path with another query. Calendar addresses are never pagination."""
        key = self._pagination_key(source, target, text)
        if not key:
            return 1
        if self.paginated[key] >= MAX_PAGINATION:
            return 1
        self.paginated[key] += 1
        return 0

    def depth_steps(self, source: str, links: Iterable[tuple[str, str]]) -> list[int]:
        """:meth:`depth_step` of every ``(target, text)`` link of the page ``source``, in
        order, with the same answers and the same counts. A link to another list and another
        path (most links: menus, related pages) is neither pagination nor a numeric step,
        so it adds 1 and counts nothing without asking :meth:`depth_step`."""
        source_keys = _step_keys(source)
        step = self.depth_step
        out = []
        for target, text in links:
            keys = _step_keys(target)
            if keys[0] != source_keys[0] and keys[1] != source_keys[1]:
                out.append(1)
            else:
                out.append(step(source, target, text))
        return out

    def _pagination_key(self, source: str, target: str, text: str) -> str:
        if source == target:
            return ""  # a link to a part of the same page (``#section``): the same page number, no step
        if is_pagination(source, target):
            return pagination_parts(target)[0]
        if _split(source)[:2] != _split(target)[:2]:
            return ""  # most links: another path, so neither a numeric step nor a "Next" link
        if calendar_parts(target) is not None:
            return ""
        if found := numeric_step(source, target):
            key, param, step = found
            first = self.steps.setdefault((key, param), step)
            if step % first == 0:
                return key
            if first % step == 0:  # the first link seen skipped pages (1 -> 3); the step is smaller
                self.steps[(key, param)] = step
                return key
            return ""
        if NEXT_TEXT.match(" ".join((text or "").split())) and _same_path_other_query(source, target):
            return "text:" + template_of(target)
        return ""

    def _calendar(self, url: str) -> str:
        found = calendar_parts(url)
        if found is None:
            return ""
        key, value, strong = found
        if strong:
            self.calendar_keys.add(key)
        elif key not in self.calendar_keys:
            return ""  # an id that looks like a year, under no calendar
        seen, host = self.calendars[key], urlsplit(url).netloc
        if value in seen:
            return ""
        if (_far_from_today(value, self.today) or len(seen) >= CALENDAR_LIMIT
                or self.calendar_hosts[host] >= CALENDAR_HOST_LIMIT):
            return "calendar"
        seen.add(value)
        self.calendar_hosts[host] += 1
        return ""

    def _params(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.query:
            return ""
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        keys = tuple(sorted({k for k, _ in pairs}))
        path = parts.netloc + parts.path
        if len(keys) > MAX_PARAMS:
            return "param-explosion"
        keysets = self.keysets[path]
        if keys not in keysets and len(keysets) >= MAX_KEYSETS_PER_PATH:
            return "param-explosion"
        if self._faceted(path, parts.query, pairs):
            return "param-explosion"
        keysets.add(keys)
        return ""

    def _faceted(self, path: str, query: str, pairs: list[tuple[str, str]]) -> bool:
        """True when ``query`` is one more combination of a faceted search already at its budget."""
        queries, values = self.queries[path], self.values[path]
        if query in queries:
            return False
        varied = sum(1 for k, v in pairs if not RECORD_PARAM.match(k) and len(values[k] | {v}) > FACET_VALUES)
        if varied >= 2:
            self.faceted.add(path)  # once faceted, always: blocked values are never counted
        if path in self.faceted and len(queries) >= MAX_FACETED:
            return True
        queries.add(query)
        for k, v in pairs:
            if len(values[k]) < VALUES_KEPT:
                values[k].add(v)
        return False
