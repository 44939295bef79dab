"""The workers' side of the crawl: fetch, extract, render and check one page.

Steps for one URL (``PageWorker.process``): stop if a guard applies (total timeout,
failing host, robots.txt) -> fetch over HTTP (conditional when a previous run saw it)
-> unchanged? reuse the previous extraction -> document? read it -> HTML: parse,
decide whether to render (``adaptive``, per structural template) -> a page that needs
Chromium comes back as a ``RenderJob``, finished by ``PageWorker.render``. A page picked
for axe only is complete at once and checked by a background task (``finish_axe``), off
the crawl's path. The worker never decides what is crawled next (``crawler.frontier``)
and saves only what belongs to the page it worked on (axe results, reused axe results);
the page itself is saved by the engine.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date

from crawler.a11y import violations_from_axe
from crawler.adaptive import RenderPlanner
from crawler.counts import Counts
from crawler.documents import DocumentReader, page_fields
from crawler.failures import HostFailures
from crawler.fetch import Fetcher, Response
from crawler.model import Link, Page
from crawler.pagebuild import (Scope, Target, base_page, build_links, content_hash, decode, document_page, guard_page,
                               html_page, now_iso, offsite_meta)
from crawler.parse import ParsedHtml, parse_html
from crawler.render import BrowserPool, Rendered
from crawler.robots import RobotsCache
from crawler.store import PreviousPage, StoreWriter
from crawler.urls import host_key, is_document_url

AXE_TABS = 2
"""axe-only runs at once, at most: content renders keep the other tabs."""


@dataclass(frozen=True)
class RunStore:
    """The store run a crawl writes, and the run it may reuse unchanged pages from."""

    writer: StoreWriter
    run_id: int
    previous: int | None = None
    """The latest complete run before this one (conditional requests, unchanged pages)."""


@dataclass(frozen=True)
class Clients:
    """How the crawl reaches the site: HTTP, Chromium, robots.txt."""

    fetcher: Fetcher
    pool: BrowserPool
    robots: RobotsCache


@dataclass(frozen=True)
class Done:
    """A finished page, ready to be saved: the page, its links, and whether its redirects
    left the allowed hosts (then its final URL is not followed)."""

    page: Page
    links: list[Link] = field(default_factory=list)
    left_scope: bool = False


@dataclass(frozen=True)
class Reused:
    """An unchanged page, ready to be saved: the engine copies the previous run's row inside
    the store (``StoreWriter.copy_page``, the links staying those of the run that read the
    page) with the columns in ``changes`` set anew, so the page and its links are never
    decoded; ``follow`` holds the ``(target, text)`` of its links to pages and documents,
    for the frontier."""

    url: str
    from_run: int
    changes: dict
    previous: PreviousPage
    follow: list[tuple[str, str]]


@dataclass(frozen=True)
class RenderJob:
    """A fetched HTML page waiting for Chromium (render and/or axe)."""

    target: Target
    response: Response
    parsed: ParsedHtml
    template: str
    render: bool
    reason: str
    axe: bool
    static_links: list[Link]
    layout: str = ""
    """The structural template (``ParsedHtml.layout``) the render decisions are keyed on."""


class PageWorker:
    """Works on one page at a time for any number of concurrent callers (see the module docstring)."""

    def __init__(self, cfg, run: RunStore, clients: Clients, scope: Scope, counts: Counts) -> None:
        self.run, self.clients, self.scope, self.counts = run, clients, scope, counts
        self.today = date.today()
        self.planner = RenderPlanner(cfg.render, cfg.a11y, cfg.a11y_per_template, cfg.a11y_max_pages)
        self.failures = HostFailures(cfg.host_failure_limit)
        self.deadline = time.monotonic() + cfg.total_timeout
        self.cpu = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lo-extract")
        self.axe_tasks: set[asyncio.Task] = set()
        self.axe_slots = asyncio.Semaphore(AXE_TABS)
        self.document_reader: DocumentReader | None = None  # started at the first PDF or Word file

    def close(self) -> None:
        self.cpu.shutdown(wait=False, cancel_futures=True)
        if self.document_reader is not None:
            self.document_reader.close()

    # -- one URL -----------------------------------------------------------------------
    async def process(self, target: Target) -> Done | Reused | RenderJob:
        """Fetch and extract one URL; a page that needs Chromium comes back as a ``RenderJob``."""
        host = host_key(target.url)
        guard = await self._pre_guard(target.url, host)
        if guard:
            return Done(guard_page(target, guard))
        writer, previous_run = self.run.writer, self.run.previous
        previous = writer.previous_brief(previous_run, target.url) if previous_run else None
        if previous is not None and previous.partial():  # read again, not asked whether it changed
            previous = None
        response = await self._fetch(target, host, previous)
        built = await self._build(target, response, previous)
        if isinstance(built, (RenderJob, Reused)):
            return built
        page, links = built
        return Done(page, links, response.left_scope)

    async def _pre_guard(self, url: str, host: str) -> str:
        if time.monotonic() > self.deadline:
            return "timeout"
        if self.failures.failing(host):
            return "host-failing"
        if not await self.clients.robots.allows(url):
            return "robots"
        return ""

    async def _fetch(self, target: Target, host: str, previous: PreviousPage | None) -> Response:
        """GET the page (conditionally when an earlier run read it), its answer counted for its host."""
        response = await self.clients.fetcher.get(target.url, _conditional(previous) if previous else None,
                                                  body="any" if is_document_url(target.url) else "html")
        self.failures.record(host, response)
        return response

    async def _build(self, target: Target, response: Response,
                     previous: PreviousPage | None) -> "tuple[Page, list[Link]] | Reused | RenderJob":
        if response.error or response.left_scope:
            return base_page(target, response, self.scope, kind="other" if response.left_scope else "html"), []
        if response.too_large:
            return base_page(target, response, self.scope, guard="too-large"), []
        if response.status == 304 and previous:
            if self._same_address(response, previous):
                return self._reuse(target, response, previous)
            # not modified, but reached by other redirects than before: read it whole
            return await self._build(target, await self._fetch(target, host_key(target.url), None), None)
        if response.kind == "document":
            return await self._document(target, response), []
        if response.kind != "html" or not response.body:
            return base_page(target, response, self.scope, kind=response.kind), []
        if previous and previous.content_hash == content_hash(response.body) and \
                previous.status == response.status and self._same_address(response, previous):
            return self._reuse(target, response, previous)
        return await self._html(target, response)

    def _same_address(self, response: Response, previous: PreviousPage) -> bool:
        """True when the fetch ended where the previous run's did, by the same redirects (as
        ``base_page`` stores them): an address that now leads elsewhere is another reading.

        Most pages were not redirected then and are not now: the fetch ended at the address
        asked for, a normalised URL, which ``base_page`` would store unchanged; only the others
        are worked out as ``base_page`` stores them (a URL normalised for each hop)."""
        if not response.redirects and not previous.redirects and previous.final_url == previous.url:
            return True
        now = base_page(Target(previous.url), response, self.scope)
        return now.final_url == previous.final_url and now.redirects == previous.redirects

    async def _document(self, target: Target, response: Response) -> Page:
        """A PDF or Word file: read in a bounded worker process (``crawler.documents``)."""
        page = document_page(target, response, self.scope)
        if response.status != 200:
            return page
        if not response.body:  # found a document by its content type: fetch its body now
            response = await self.clients.fetcher.get(target.url, body="any")
            if not response.body or response.too_large:
                return page
        if self.document_reader is None:
            self.document_reader = DocumentReader()
        found = page_fields(await asyncio.to_thread(self.document_reader.read, response.body))
        return replace(page, **found["fields"], meta={**page.meta, "document": found["meta"]})

    def _reuse(self, target: Target, response: Response, previous: PreviousPage) -> Reused:
        """An unchanged page: the previous run's extraction, not re-parsed or re-rendered
        (copied inside the store, see ``Reused``)."""
        writer, previous_run = self.run.writer, self.run.previous
        meta = previous.decoded_meta()
        changes = dict(depth=target.depth, found_via=target.found_via, in_sitemap=target.in_sitemap,
                       fetched_at=now_iso(), elapsed_ms=response.elapsed_ms, rendered=False, render_reason="unchanged",
                       meta={**meta, "reused_from_run": previous_run, "not_modified": response.status == 304})
        if meta.get("axe"):
            writer.copy_axe(previous_run, self.run.run_id, previous.url)
        return Reused(previous.url, previous_run, changes, previous, writer.previous_follow(previous))

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

    def _extract(self, target: Target, response: Response) -> tuple:
        """Parsing and extraction (pure, in the ``cpu`` thread: while it runs the event loop
        keeps serving the browser and the network)."""
        parsed = parse_html(decode(response))
        static_links = build_links(target.url, response.final_url, parsed, self.scope)
        return parsed, static_links, html_page(target, response, parsed, self.scope, self.today, False, "")

    # -- Chromium ----------------------------------------------------------------------
    async def render(self, job: RenderJob) -> Done:
        """Finish a ``RenderJob``: render (and/or run axe), then extract from the rendered page."""
        page, links = await self._render(job)
        return Done(page, links, job.response.left_scope)

    async def _render(self, job: RenderJob) -> tuple[Page, list[Link]]:
        if job.render and job.reason == "sample":
            learned = await self.planner.claim_sample(job.layout)
            if learned is None:
                try:
                    return await self._render_page(job)
                finally:
                    await self.planner.end_sample(job.layout)
            # decided by other samples while this page waited
            job = replace(job, render=learned, reason="template-needs-js" if learned else "static-template")
            if not job.render and not job.axe:
                page = html_page(job.target, job.response, job.parsed, self.scope, self.today, False, job.reason)
                return replace(page, meta={**page.meta, "layout": job.layout}), job.static_links
        return await self._render_page(job)

    async def _render_page(self, job: RenderJob) -> tuple[Page, list[Link]]:
        response = job.response
        served = (response.status, response.headers.get("content-type", "text/html"), response.body)
        rendered = await self.clients.pool.render(response.final_url, served, job.axe, full=job.axe)
        offsite = offsite_meta(rendered.offsite)
        if rendered.error:
            page = html_page(job.target, response, job.parsed, self.scope, self.today, False, job.reason)
            return replace(page, meta={**page.meta, "render_error": rendered.error, "layout": job.layout,
                                       **offsite}), job.static_links
        self.counts.rendered += 1
        if job.axe:
            self.run.writer.save_axe(self.run.run_id,
                                     violations_from_axe(job.target.url, job.template, rendered.axe or []))
        page, links = self._from_render(job, rendered)
        extra = {"axe": job.axe, "cookie_banner": rendered.cookie_banner, "load_more_clicks": rendered.load_more_clicks,
                 "dialogs": rendered.dialogs, "render_ms": rendered.elapsed_ms, "layout": job.layout, **offsite}
        return replace(page, meta={**page.meta, **{k: v for k, v in extra.items() if v}}), links

    def _from_render(self, job: RenderJob, rendered: Rendered) -> tuple[Page, list[Link]]:
        target, response = job.target, job.response
        if not job.render:  # rendered only for axe: keep the static extraction
            return html_page(target, response, job.parsed, self.scope, self.today, True, "a11y-sample"), \
                job.static_links
        static_targets = {link.target for link in job.static_links}
        live = parse_html(rendered.html)
        links = build_links(target.url, rendered.final_url or response.final_url, live, self.scope, static_targets)
        reason = job.reason
        if reason == "sample":
            changed = self.planner.learn(job.layout or job.template, job.parsed, live, static_targets,
                                         {link.target for link in links})
            reason = "sample-needs-js" if changed else "sample-static"
        return html_page(target, response, live, self.scope, self.today, True, reason), links

    # -- axe in the background -----------------------------------------------------------
    def _axe_later(self, url: str, response: Response, template: str) -> None:
        task = asyncio.create_task(self._axe_only(url, response, template))
        self.axe_tasks.add(task)
        task.add_done_callback(self.axe_tasks.discard)

    async def _axe_only(self, url: str, response: Response, template: str) -> None:
        """Render a saved page with its stylesheets, run axe on it and record the result."""
        writer, run_id = self.run.writer, self.run.run_id
        async with self.axe_slots:
            served = (response.status, response.headers.get("content-type", "text/html"), response.body)
            rendered = await self.clients.pool.render(response.final_url, served, True, full=True)
        if rendered.error:
            writer.update_page_meta(run_id, url, {"axe_error": rendered.error})
            return
        self.counts.rendered += 1
        writer.save_axe(run_id, violations_from_axe(url, template, rendered.axe or []))
        writer.update_page_meta(run_id, url, {"axe": True, "render_ms": rendered.elapsed_ms,
                                              **offsite_meta(rendered.offsite)},
                                rendered=True, reason="a11y-sample")

    async def finish_axe(self) -> None:
        """Wait for the background axe runs (the crawl itself is over)."""
        while self.axe_tasks:
            results = await asyncio.gather(*list(self.axe_tasks), return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                    raise result
        self.run.writer.flush()


def _conditional(page: PreviousPage) -> dict[str, str]:
    headers = {}
    if page.etag:
        headers["If-None-Match"] = page.etag
    if page.last_modified:
        headers["If-Modified-Since"] = page.last_modified
    return headers
