"""The crawl loop: a prioritised frontier, HTTP workers, guards, rendering, streaming writes.

Steps for one URL (``Engine.process``): stop if a guard applies (total timeout,
failing host, robots.txt) -> fetch over HTTP (conditional when a previous run saw it)
-> unchanged? reuse the previous extraction -> document? record it -> HTML: parse,
decide whether to render (``adaptive``, per structural template) and render -> save the
page and its links -> queue new in-scope URLs (guarded ones are saved as guard pages).
A page picked for axe only is saved at once and checked by a background task
(``finish_axe``), off the crawl's path: the crawl ends without waiting for it.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date

from lo_audit.progress import Counts

from crawler.a11y import violations_from_axe
from crawler.documents import DocumentReader, page_fields
from crawler.adaptive import RenderPlanner
from crawler.fetch import Fetcher, Response
from crawler.guards import Guards
from crawler.model import Link, Page
from crawler.pagebuild import (Scope, Target, base_page, build_links, content_hash, decode, document_page, guard_page,
                        html_page, now_iso)
from crawler.parse import parse_html
from crawler.render import BrowserPool
from crawler.robots import HostRobots, fetch_robots
from crawler.store import StoreWriter
from crawler.urls import host_key, is_document_url, normalise

FAILURE_ERRORS = ("dns", "tls", "refused", "connection", "timeout")
RENDER_BACKLOG = 512
"""Fetched pages waiting for Chromium, at most (then HTTP workers wait too): bounds memory."""


@dataclass
class RenderJob:
    """A fetched HTML page waiting for Chromium (render and/or axe)."""

    target: Target
    response: Response
    parsed: object
    template: str
    render: bool
    reason: str
    axe: bool
    static_links: list
    layout: str = ""
    """The structural template (``ParsedHtml.layout``) the render decisions are keyed on."""


AXE_TABS = 2
"""axe-only runs at once, at most: content renders keep the other tabs."""


@dataclass
class Entry:
    """A frontier entry held in memory while the crawl runs."""

    url: str
    depth: int
    parent: str
    via: str
    state: str = "queued"


class Engine:
    """One crawl run's loop and state (see the module docstring)."""

    def __init__(self, cfg, writer: StoreWriter, run_id: int, fetcher: Fetcher, pool: BrowserPool,
                 scope: Scope, progress, prev_run: int | None, sitemap: set[str]) -> None:
        self.cfg, self.writer, self.run_id, self.fetcher, self.pool = cfg, writer, run_id, fetcher, pool
        self.scope, self.progress, self.prev_run, self.sitemap = scope, progress, prev_run, sitemap
        self.today = date.today()
        self.guards = Guards(cfg.max_pages, cfg.max_depth, cfg.max_per_pattern, self.today)
        self.planner = RenderPlanner(cfg.render, cfg.a11y, cfg.a11y_per_template, cfg.a11y_max_pages)
        self.entries: dict[str, Entry] = {}
        self.queue: asyncio.PriorityQueue = asyncio.PriorityQueue()
        self.seq = itertools.count()
        self.robots: dict[str, HostRobots | asyncio.Future] = {}
        self.failures: dict[str, int] = {}
        self.counts = Counts()
        self.deadline = time.monotonic() + cfg.total_timeout
        self.cpu = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lo-extract")
        self.axe_tasks: set[asyncio.Task] = set()
        self.axe_slots = asyncio.Semaphore(AXE_TABS)
        self.document_reader: DocumentReader | None = None  # started at the first PDF or Word file

    # -- the frontier ---------------------------------------------------------------
    def _push(self, entry: Entry) -> None:
        priority = 1 if entry.via == "sitemap" else 0
        self.queue.put_nowait((priority, entry.depth, next(self.seq), entry.url))

    def add(self, items: list[tuple[str, int, str, str]]) -> None:
        """Queue new in-scope URLs ``(url, depth, parent, via)``; guarded ones are saved at once."""
        fresh, guarded = [], []
        for url, depth, parent, via in items:
            known = self.entries.get(url)
            if known is not None:
                if known.state == "queued" and known.via == "sitemap" and via != "sitemap":
                    known.via, known.depth = via, min(depth, known.depth)
                    self._push(known)
                continue
            if host_key(url) not in self.scope.allowed or not self.scope.covers(url):
                continue  # out of scope: status-checked after the crawl (crawler.crawl)
            guard = self.guards.check(url, depth)
            entry = Entry(url, depth, parent, via, "done" if guard else "queued")
            self.entries[url] = entry
            fresh.append((url, depth, parent, via))
            if guard:
                guarded.append((entry, guard))
        self.writer.enqueue(self.run_id, fresh)
        for entry, guard in guarded:
            self._save(guard_page(self._target(entry), guard), [])
        for url, *_ in fresh:
            if self.entries[url].state == "queued":
                self._push(self.entries[url])
                self.counts.queued += 1

    def restore(self, frontier: list[tuple[str, int, str, str, str]]) -> None:
        """Rebuild the in-memory frontier of a resumed run (guards re-count what was accepted)."""
        for url, depth, parent, via, state in frontier:
            self.entries[url] = Entry(url, depth, parent, via, state)
            self.guards.check(url, depth)
            if state == "queued":
                self._push(self.entries[url])
                self.counts.queued += 1

    def _target(self, entry: Entry) -> Target:
        return Target(entry.url, entry.depth, entry.via, entry.url in self.sitemap)

    # -- running ---------------------------------------------------------------------
    async def run(self, workers: int) -> Counts:
        """HTTP workers take URLs from the frontier; a page that needs Chromium is handed to
        a render task (at most ``render_backlog`` waiting) and the worker carries on, so
        plain HTTP fetching never waits for the browser.

        The first failure of any worker, render task or the flusher (a full disk, a bug)
        stops the whole crawl at once and is raised; what was committed stays in the store."""
        self.render_slots = asyncio.Semaphore(RENDER_BACKLOG)
        self.render_tasks: set[asyncio.Task] = set()
        self.failed: list[BaseException] = []
        self.stop = asyncio.Event()
        tasks = [asyncio.create_task(self._worker()) for _ in range(workers)]
        flusher = asyncio.create_task(self._flusher())
        waiters = [asyncio.ensure_future(self.queue.join()), asyncio.ensure_future(self.stop.wait())]
        try:
            await asyncio.wait([*waiters, *tasks, flusher], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in [*waiters, *tasks, flusher, *self.render_tasks]:
                task.cancel()
            results = await asyncio.gather(*tasks, flusher, *self.render_tasks, *waiters, return_exceptions=True)
            try:
                self.writer.flush()
            except Exception as exc:  # noqa: BLE001 - reported below, after the first failure
                self.failed.append(exc)
            self.cpu.shutdown(wait=False, cancel_futures=True)
            if self.document_reader is not None:
                self.document_reader.close()
        for result in [*results, *self.failed]:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                raise result
        return self.counts

    async def _flusher(self) -> None:
        while True:
            await asyncio.sleep(self.writer.flush_s or 0.5)
            self.writer.flush_if_due()

    async def _worker(self) -> None:
        while True:
            *_, url = await self.queue.get()
            handed_over = False
            try:
                entry = self.entries[url]
                if entry.state == "queued":
                    entry.state = "active"
                    self.counts.queued = max(0, self.counts.queued - 1)
                    job = await self.process(entry)
                    if job is not None:
                        await self.render_slots.acquire()
                        task = asyncio.create_task(self._render_job(entry, job))
                        self.render_tasks.add(task)
                        task.add_done_callback(self.render_tasks.discard)
                        handed_over = True
                    else:
                        entry.state = "done"
            finally:
                if not handed_over:
                    self.queue.task_done()

    async def _render_job(self, entry: Entry, job: "RenderJob") -> None:
        try:
            page, links = await self._render(job)
            self._finish(entry, page, links, job.response)
            entry.state = "done"
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 - re-raised by run(), as a worker's would be
            self.failed.append(exc)
            self.stop.set()
        finally:
            self.render_slots.release()
            self.queue.task_done()

    async def process(self, entry: Entry) -> "RenderJob | None":
        """Fetch, extract and save one URL (see the module docstring); a page that needs
        Chromium is returned as a ``RenderJob`` for the caller to finish."""
        target, host = self._target(entry), host_key(entry.url)
        guard = await self._pre_guard(entry.url, host)
        if guard:
            self._save(guard_page(target, guard), [])
            return None
        previous = self.writer.previous_page(self.prev_run, entry.url) if self.prev_run else None
        response = await self.fetcher.get(entry.url, _conditional(previous[0]) if previous else None,
                                          body="any" if is_document_url(entry.url) else "html")
        self._count_failure(host, response)
        built = await self._build(target, response, previous)
        if isinstance(built, RenderJob):
            return built
        page, links = built
        self._finish(entry, page, links, response)
        return None

    async def _pre_guard(self, url: str, host: str) -> str:
        if time.monotonic() > self.deadline:
            return "timeout"
        if self.failures.get(host, 0) >= self.cfg.host_failure_limit:
            return "host-failing"
        if not self.cfg.ignore_robots and not (await self._robots(url)).allows(url):
            return "robots"
        return ""

    def disallowed(self, url: str) -> bool:
        """True when robots.txt (already read) forbids ``url`` on an allowed host: the browser
        must not load it either (scripts, frames, XHR)."""
        if self.cfg.ignore_robots or host_key(url) not in self.scope.allowed:
            return False
        found = self.robots.get("/".join(url.split("/", 3)[:3]))
        return isinstance(found, HostRobots) and not found.allows(url)

    async def _robots(self, url: str) -> HostRobots:
        origin = url.split("/", 3)
        key = "/".join(origin[:3])
        if key not in self.robots:
            self.robots[key] = asyncio.ensure_future(fetch_robots(self.fetcher, key))
        found = self.robots[key]
        if isinstance(found, asyncio.Future):
            found = await found
        return found

    def _count_failure(self, host: str, response: Response) -> None:
        failed = response.error in FAILURE_ERRORS or response.status >= 500
        self.failures[host] = self.failures.get(host, 0) + 1 if failed else 0

    async def _build(self, target: Target, response: Response, previous) -> "tuple[Page, list[Link]] | RenderJob":
        if response.error or response.left_scope:
            return base_page(target, response, self.scope, kind="other" if response.left_scope else "html"), []
        if response.too_large:
            return base_page(target, response, self.scope, guard="too-large"), []
        if response.status == 304 and previous:
            return self._reuse(target, response, previous)
        if response.kind == "document":
            return await self._document(target, response), []
        if response.kind != "html" or not response.body:
            return base_page(target, response, self.scope, kind=response.kind), []
        if previous and previous[0].content_hash == content_hash(response.body):
            return self._reuse(target, response, previous)
        return await self._html(target, response)

    async def _document(self, target: Target, response: Response) -> Page:
        """A PDF or Word file: read in a bounded worker process (``crawler.documents``)."""
        page = document_page(target, response, self.scope)
        if response.status != 200:
            return page
        if not response.body:  # found a document by its content type: fetch its body now
            response = await self.fetcher.get(target.url, body="any")
            if not response.body or response.too_large:
                return page
        if self.document_reader is None:
            self.document_reader = DocumentReader()
        found = page_fields(await asyncio.to_thread(self.document_reader.read, response.body))
        return replace(page, **found["fields"], meta={**page.meta, "document": found["meta"]})

    def _reuse(self, target: Target, response: Response, previous) -> tuple[Page, list[Link]]:
        """An unchanged page: the previous run's extraction, not re-parsed or re-rendered."""
        old, links = previous
        page = replace(old, depth=target.depth, found_via=target.found_via, in_sitemap=target.in_sitemap,
                       fetched_at=now_iso(), elapsed_ms=response.elapsed_ms, rendered=False,
                       render_reason="unchanged",
                       meta={**old.meta, "reused_from_run": self.prev_run, "not_modified": response.status == 304})
        if old.meta.get("axe"):
            self.writer.copy_axe(self.prev_run, self.run_id, old.url)
        return page, links

    async def _html(self, target: Target, response: Response) -> "tuple[Page, list[Link]] | RenderJob":
        parsed, static_links, page = await asyncio.get_running_loop().run_in_executor(
            self.cpu, self._extract, target, response)
        template, layout = page.template, parsed.layout or page.template
        render, reason = self.planner.decide(layout, parsed)
        axe = self.planner.wants_axe(layout, parsed)
        page = replace(page, meta={**page.meta, "layout": layout})
        if not render and not axe:
            return replace(page, render_reason=reason), static_links
        if not render:  # axe only: the page is complete as it is; axe runs in the background
            self._axe_later(target.url, response, template)
            return replace(page, render_reason=reason), static_links
        return RenderJob(target, response, parsed, template, render, reason, axe, static_links, layout)

    def _axe_later(self, url: str, response: Response, template: str) -> None:
        task = asyncio.create_task(self._axe_only(url, response, template))
        self.axe_tasks.add(task)
        task.add_done_callback(self.axe_tasks.discard)

    async def _axe_only(self, url: str, response: Response, template: str) -> None:
        """Render a saved page with its stylesheets, run axe on it and record the result."""
        async with self.axe_slots:
            served = (response.status, response.headers.get("content-type", "text/html"), response.body)
            rendered = await self.pool.render(response.final_url, served, True, full=True)
        if rendered.error:
            self.writer.update_page_meta(self.run_id, url, {"axe_error": rendered.error})
            return
        self.counts.rendered += 1
        self.writer.save_axe(self.run_id, violations_from_axe(url, template, rendered.axe or []))
        offsite = {"offsite_navigation": list(rendered.offsite)} if rendered.offsite else {}
        self.writer.update_page_meta(self.run_id, url, {"axe": True, "render_ms": rendered.elapsed_ms, **offsite},
                                     rendered=True, reason="a11y-sample")

    async def finish_axe(self) -> None:
        """Wait for the background axe runs (the crawl itself is over)."""
        while self.axe_tasks:
            results = await asyncio.gather(*list(self.axe_tasks), return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                    raise result
        self.writer.flush()

    def _extract(self, target: Target, response: Response) -> tuple:
        """Parsing and extraction (pure, in the ``cpu`` thread: while it runs the event loop
        keeps serving the browser and the network)."""
        parsed = parse_html(decode(response))
        static_links = build_links(target.url, response.final_url, parsed, self.scope)
        return parsed, static_links, html_page(target, response, parsed, self.scope, self.today, False, "")

    async def _render(self, job: "RenderJob") -> tuple[Page, list[Link]]:
        target, response, parsed, template = job.target, job.response, job.parsed, job.template
        render, reason, axe, static_links, layout = job.render, job.reason, job.axe, job.static_links, job.layout
        if render and reason == "sample":
            learned = await self.planner.claim_sample(layout)
            if learned is not None:  # decided by other samples while this page waited
                render, reason = learned, "template-needs-js" if learned else "static-template"
                if not render and not axe:
                    page = html_page(target, response, parsed, self.scope, self.today, False, reason)
                    return replace(page, meta={**page.meta, "layout": layout}), static_links
            else:
                try:
                    return await self._render_page(target, response, parsed, template, render, reason, axe, static_links,
                                                   layout)
                finally:
                    await self.planner.end_sample(layout)
        return await self._render_page(target, response, parsed, template, render, reason, axe, static_links, layout)

    async def _render_page(self, target, response, parsed, template, render, reason, axe, static_links, layout=""):
        served = (response.status, response.headers.get("content-type", "text/html"), response.body)
        rendered = await self.pool.render(response.final_url, served, axe, full=axe)
        offsite = {"offsite_navigation": list(rendered.offsite)} if rendered.offsite else {}
        if rendered.error:
            page = html_page(target, response, parsed, self.scope, self.today, False, reason)
            return replace(page, meta={**page.meta, "render_error": rendered.error, "layout": layout, **offsite}), \
                static_links
        self.counts.rendered += 1
        if axe:
            self.writer.save_axe(self.run_id, violations_from_axe(target.url, template, rendered.axe or []))
        page, links = self._from_render(target, response, parsed, rendered, static_links, render, reason,
                                        layout or template)
        extra = {"axe": axe, "cookie_banner": rendered.cookie_banner, "load_more_clicks": rendered.load_more_clicks,
                 "dialogs": rendered.dialogs, "render_ms": rendered.elapsed_ms, "layout": layout, **offsite}
        return replace(page, meta={**page.meta, **{k: v for k, v in extra.items() if v}}), links

    def _from_render(self, target, response, parsed, rendered, static_links, render, reason, template):
        if not render:  # rendered only for axe: keep the static extraction
            return html_page(target, response, parsed, self.scope, self.today, True, "a11y-sample"), static_links
        static_targets = {link.target for link in static_links}
        live = parse_html(rendered.html)
        links = build_links(target.url, rendered.final_url or response.final_url, live, self.scope, static_targets)
        if reason == "sample":
            changed = self.planner.learn(template, parsed, live, static_targets, {link.target for link in links})
            reason = "sample-needs-js" if changed else "sample-static"
        return html_page(target, response, live, self.scope, self.today, True, reason), links

    def _finish(self, entry: Entry, page: Page, links: list[Link], response: Response) -> None:
        """Save the page and queue its links in one transaction (``StoreWriter.unit``)."""
        with self.writer.unit():
            self._save(page, links)
            self._follow(entry, page, links, response)

    def _save(self, page: Page, links: list[Link]) -> None:
        self.writer.save_page(self.run_id, page, links)
        self.counts.done += 1
        if page.error or page.status >= 400:
            self.counts.errors += 1
        if self.progress is not None:
            self.progress.update(self.counts)

    def _follow(self, entry: Entry, page: Page, links: list[Link], response: Response) -> None:
        """Queue the page's in-scope links, its canonical URL and its redirect target."""
        items = [(link.target, entry.depth + self.guards.depth_step(entry.url, link.target, link.text), entry.url, "link")
                 for link in links if link.kind in ("page", "document")]
        if page.final_url and page.final_url != entry.url and not response.left_scope and not page.error:
            items.append((page.final_url, entry.depth, entry.url, "redirect"))
        if page.canonical and page.canonical != entry.url:
            items.append((page.canonical, entry.depth, entry.url, "link"))
        if items:
            self.add(items)


def _conditional(page: Page) -> dict[str, str]:
    headers = {}
    if page.etag:
        headers["If-None-Match"] = page.etag
    if page.last_modified:
        headers["If-Modified-Since"] = page.last_modified
    return headers


def normalised_start(urls, strip) -> list[str]:
    return [normalise(u, strip) for u in urls]
