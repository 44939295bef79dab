"""The frontier: which URLs the crawl fetches, in what order, and which it never fetches.

After Scrapy's scheduler: the engine asks the frontier for the next URL and hands it
the URLs a page links to; the frontier alone decides.

- Order: a priority queue, start URLs and links first (shallowest first, then in the
  order found), sitemap-only URLs after them. A URL first seen in a sitemap and then
  found by a link is moved up to the link's depth.
- De-duplication: a URL (normalised by the caller) is accepted once per run.
- Scope: only URLs on an allowed host and inside ``crawl.scope``; the rest are left to the
  status checks after the crawl (``crawler.crawl``).
- Guards (``crawler.guards``): depth, calendars, parameter explosions, pages per URL
  pattern and in all. A guarded URL is accepted as done at once and returned to the
  caller, which saves it as a guard page.
- Persistence: every accepted URL is written to the store's ``frontier`` table in the
  same transaction as the page that found it, and ``resume`` rebuilds the frontier of a
  killed run from that table.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.guards import Guards
from crawler.pagebuild import Scope, Target
from crawler.store import StoreWriter
from crawler.urls import host_key

QUEUED, ACTIVE, DONE = "queued", "active", "done"


@dataclass
class Entry:
    """A URL the frontier accepted (held in memory while the crawl runs)."""

    url: str
    depth: int
    parent: str
    via: str
    """How it was found: ``start``, ``link``, ``redirect`` or ``sitemap``."""
    state: str = QUEUED


Item = tuple[str, int, str, str]
"""A URL offered to the frontier: ``(url, depth, parent, via)``."""


class Frontier:
    """The queue of one crawl run (see the module docstring)."""

    def __init__(self, scope: Scope, guards: Guards, store: StoreWriter, run_id: int) -> None:
        self.scope, self.guards, self.store, self.run_id = scope, guards, store, run_id
        self.entries: dict[str, Entry] = {}
        self.sitemap: set[str] = set()
        """URLs listed in the run's sitemaps (``Target.in_sitemap``)."""
        self.queued = 0
        """Entries waiting to be fetched."""
        self._queue: asyncio.PriorityQueue = asyncio.PriorityQueue()
        self._seq = itertools.count()

    # -- filling ---------------------------------------------------------------------
    def add(self, items: Iterable[Item]) -> list[tuple[Entry, str]]:
        """Accept the new in-scope URLs among ``items`` and record them in the store; return
        those stopped by a guard, ``(entry, guard)``, for the caller to save as guard pages."""
        fresh, guarded = [], []
        for url, depth, parent, via in items:
            known = self.entries.get(url)
            if known is not None:
                if known.state == QUEUED and known.via == "sitemap" and via != "sitemap":
                    known.via, known.depth = via, min(depth, known.depth)
                    self._push(known)
                continue
            if host_key(url) not in self.scope.allowed or not self.scope.covers(url):
                continue
            guard = self.guards.check(url, depth)
            entry = Entry(url, depth, parent, via, DONE if guard else QUEUED)
            self.entries[url] = entry
            fresh.append((url, depth, parent, via))
            if guard:
                guarded.append((entry, guard))
        if fresh:  # on a re-crawl most pages link only to URLs already known
            self.store.enqueue_new(self.run_id, fresh)
        for url, *_ in fresh:
            if self.entries[url].state == QUEUED:
                self._push(self.entries[url])
                self.queued += 1
        return guarded

    def seed(self, starts: list[str], sitemap: Iterable[str]) -> list[tuple[Entry, str]]:
        """A new run: the start URLs (depth 0), then the sitemaps' URLs (depth 1)."""
        self.sitemap.update(sitemap)
        guarded = self.add([(u, 0, "", "start") for u in starts])
        return guarded + self.add([(u, 1, "", "sitemap") for u in sorted(self.sitemap)])

    def resume(self) -> int | None:
        """Rebuild the frontier of a killed run from the store (the guards count again what
        was accepted); the number of pages it had saved, or None when there is nothing to
        continue from (killed before its first page, by a store written before start URLs
        were queued with the run)."""
        frontier, done = self.store.frontier(self.run_id), self.store.page_count(self.run_id)
        if not done and not any(state == QUEUED for *_, state in frontier):
            return None
        self.sitemap.update(self.store.sitemap_entries(self.run_id))
        for url, depth, parent, via, state in frontier:
            self.entries[url] = Entry(url, depth, parent, via, state)
            self.guards.check(url, depth)
            if state == QUEUED:
                self._push(self.entries[url])
                self.queued += 1
        return done

    def _push(self, entry: Entry) -> None:
        priority = 1 if entry.via == "sitemap" else 0
        self._queue.put_nowait((priority, entry.depth, next(self._seq), entry.url))

    # -- taking ----------------------------------------------------------------------
    async def next(self) -> Entry | None:
        """The next queue item: its entry, now ``active``, or None when the item is stale
        (an entry moved up is queued twice). Call ``task_done`` for every item taken."""
        *_, url = await self._queue.get()
        entry = self.entries[url]
        if entry.state != QUEUED:
            return None
        entry.state = ACTIVE
        self.queued = max(0, self.queued - 1)
        return entry

    def task_done(self) -> None:
        self._queue.task_done()

    async def join(self) -> None:
        """Wait until every item taken is done and the queue is empty."""
        await self._queue.join()

    def target(self, entry: Entry) -> Target:
        """What a worker needs to know about an entry."""
        return Target(entry.url, entry.depth, entry.via, entry.url in self.sitemap)

    def depth_of_link(self, entry: Entry, target: str, text: str) -> int:
        """The depth of a link from ``entry``'s page (pagination adds no depth, ``Guards.depth_step``)."""
        return entry.depth + self.guards.depth_step(entry.url, target, text)

    def depths_of_links(self, entry: Entry, links: list[tuple[str, str]]) -> list[int]:
        """``depth_of_link`` of every ``(target, text)`` link of ``entry``'s page, in order."""
        return [entry.depth + step for step in self.guards.depth_steps(entry.url, links)]

    def link_items(self, entry: Entry, links: list[tuple[str, str]]) -> list[Item]:
        """What to ``add`` for the ``(target, text)`` links of ``entry``'s page: each at its
        ``depths_of_links`` depth (the pagination counts taken for every link all the same),
        leaving out the URLs ``add`` would ignore, those already known and not waiting as
        sitemap-only entries (on a re-crawl, almost every link of a page)."""
        entries, depth, url = self.entries, entry.depth, entry.url
        items = []
        for (target, _), step in zip(links, self.guards.depth_steps(url, links)):
            known = entries.get(target)
            if known is None or (known.state == QUEUED and known.via == "sitemap"):
                items.append((target, depth + step, url, "link"))
        return items
