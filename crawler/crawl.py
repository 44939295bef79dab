"""The crawler's entry point: ``crawl(cfg) -> CrawlResult`` (the CLI and the demo call it).

1. Scope: allowed hosts (default: the start URLs' ``host:port``), credentials resolved.
2. robots.txt of each start host; if no start host answers, ``StartUrlUnreachable``.
3. A new run in the store (or the unfinished one with ``resume``).
4. Sitemaps seed the frontier (``found_via='sitemap'``) and are saved for orphan checks.
5. ``Engine`` crawls (HTTP first, Chromium where needed), writing pages as they finish:
   a ``Frontier`` decides what is next, a ``PageWorker`` does one page (``crawler.engine``).
6. Links to other hosts are status-checked (``crawler.external``); the run is marked complete.
"""

from __future__ import annotations

import asyncio
import errno
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from common.errors import AuditError, ConfigError
from crawler import __version__
from crawler.errors import CrawlStopped, StartUrlUnreachable

from crawler import browser as browser_mod
from crawler.counts import Counts, Progress
from crawler.engine import Engine
from crawler.external import CheckSettings, check_external
from crawler.fetch import Fetcher
from crawler.frontier import Frontier
from crawler.guards import Guards
from crawler.model import LinkStatus
from crawler.pagebuild import Scope
from crawler.render import BrowserPool, RenderSettings
from crawler.robots import HostRobots, RobotsCache, fetch_robots
from crawler.screen import Screen
from crawler.scope import default_scope, prefix_of
from crawler.secrets import plain_http_hosts, redacted_settings, resolved_headers
from crawler.settings import CrawlConfig
from crawler.sitemaps import read_sitemaps
from crawler.store import StoreLock, StoreWriter, kept_pages
from crawler.urls import host_key, normalise
from crawler.workers import Clients, PageWorker, RunStore

MAX_TABS = 4
HTTP_WORKERS_MIN = 16
MAX_OUT_OF_SCOPE = 2000
"""Links outside ``crawl.scope`` status-checked at most (the rest stay unchecked)."""
READING_SETTINGS = ("strip_params", "render", "a11y", "cookie_selectors", "load_more_selectors", "max_load_more")
"""Settings that shape what is read from a page's body, with the allowed hosts: its links'
targets and kinds, whether it is rendered (and so its script-added links) and checked with
axe. A re-crawl reuses an unchanged page of the previous run only if that run was made with
the same values (``reusable_run``); otherwise every page is read again."""
STORE_BATCH = 200
"""Pages per store transaction (also committed every 0.5 s); a kill loses at most these."""


@dataclass(frozen=True)
class CrawlResult:
    """What a crawl did (counts come from the store)."""

    db: str
    run_id: int
    pages: int
    rendered: int
    errors: int
    elapsed_s: float
    guarded: int = 0
    documents: int = 0
    external_checked: int = 0
    resumed: bool = False

    def summary(self) -> str:
        rate = self.pages / self.elapsed_s if self.elapsed_s else 0.0
        return (f"crawled {self.pages} pages ({self.rendered} rendered, {self.documents} documents, "
                f"{self.errors} errors, {self.guarded} stopped by guards) in {self.elapsed_s:.1f} s "
                f"({rate:.0f} pages/s); {self.external_checked} external links checked; "
                f"run {self.run_id}{' (resumed)' if self.resumed else ''} in {self.db}")


def user_agent(contact_url: str) -> str:
    return f"LocalOfferAudit/{__version__}" + (f" (+{contact_url})" if contact_url else "")


def allowed_hosts(cfg) -> frozenset[str]:
    hosts = cfg.allow_hosts or tuple(host_key(u) for u in cfg.start_urls)
    return frozenset(host_key(h if "://" in h else f"http://{h}") for h in hosts)


def check_scope(cfg) -> frozenset[str]:
    """The allowed hosts; ``ConfigError`` when one is empty or unreadable, or when a start URL
    lies outside them (the crawl would fetch nothing and look like an empty site)."""
    try:
        allowed = allowed_hosts(cfg)
    except ValueError as exc:
        raise ConfigError(f"crawl.allow_hosts (--allow-host): not a host: {exc}") from None
    if not allowed or "" in allowed:
        raise ConfigError("crawl.allow_hosts (--allow-host): an empty host; give host or host:port")
    outside = [u for u in cfg.start_urls if host_key(u) not in allowed]
    if outside:
        raise ConfigError(f"start URL {outside[0]} is outside the allowed hosts ({', '.join(sorted(allowed))}); "
                          f"add --allow-host {host_key(outside[0])} (crawl.allow_hosts) or change the start URL")
    return allowed


def origins(urls) -> list[str]:
    return list(dict.fromkeys(f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in urls))


def crawl(cfg: CrawlConfig, browser: str | None = None, progress: Progress | None = None) -> CrawlResult:
    """Crawl ``cfg.start_urls`` into ``cfg.db`` (synchronous; see the module docstring);
    ``progress`` is told the ``Counts`` after every saved page and at the end."""
    browser = browser or cfg.browser or None
    check_scope(cfg)
    if cfg.render == "always" or (cfg.a11y and cfg.render != "never"):
        browser_mod.find_chromium(browser)  # BrowserNotFound before any request
    try:
        Path(cfg.db).parent.mkdir(parents=True, exist_ok=True)
        with StoreLock(cfg.db):
            return asyncio.run(_crawl(cfg, browser, progress))
    except AuditError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure ends the crawl with one clear line
        raise stopped(str(cfg.db), exc) from exc


DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def stopped(db: str, exc: BaseException) -> CrawlStopped:
    """The error that ends a crawl a worker could not carry on (see ``CrawlStopped``)."""
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    kept = f"{kept_pages(db)} page(s) are kept in the store"
    full = (isinstance(exc, OSError) and exc.errno in DISK_FULL) or (
        isinstance(exc, sqlite3.OperationalError) and "full" in str(exc))
    if full:
        return CrawlStopped(f"the crawl stopped: the disk holding {db} is full ({detail}); {kept}: "
                            "free some space, then continue with --resume", machine=True)
    if isinstance(exc, (sqlite3.Error, OSError)):
        return CrawlStopped(f"the crawl stopped: could not write the crawl store {db} ({detail}; is the disk full "
                            f"or the folder read-only?); {kept}: fix that, then continue with --resume", machine=True)
    return CrawlStopped(f"the crawl stopped after an internal error ({type(exc).__name__}: {detail}); {kept}; "
                        "please report this, then continue with --resume")


async def _crawl(cfg, browser: str | None, progress: Progress | None) -> CrawlResult:
    started = time.monotonic()
    writer = StoreWriter(cfg.db, batch=STORE_BATCH)
    try:
        return await _crawl_into(writer, cfg, browser, progress, started)
    except BaseException:
        writer.abandon()
        raise


async def _crawl_into(writer: StoreWriter, cfg, browser: str | None, progress: Progress | None,
                      started: float) -> CrawlResult:
    allowed, agent = allowed_hosts(cfg), user_agent(cfg.contact_url)
    starts = [normalise(u, tuple(cfg.strip_params)) for u in cfg.start_urls]
    scope = Scope(allowed, tuple(cfg.strip_params), scope_prefixes(cfg, starts, allowed))
    headers = resolved_headers(cfg.headers, cfg.cookies)
    workers = cfg.concurrency
    pool = BrowserPool(RenderSettings(tabs=min(cfg.concurrency, MAX_TABS), allowed=allowed, extra_headers=headers,
                                      user_agent=agent, timeout=cfg.timeout, cookie_selectors=cfg.cookie_selectors,
                                      load_more_selectors=cfg.load_more_selectors, max_load_more=cfg.max_load_more,
                                      executable=browser, plain_hosts=plain_http_hosts(starts)))
    try:
        async with Fetcher(allowed, agent, headers, cfg.rate, cfg.timeout, cfg.max_page_bytes, workers,
                           plain_http_hosts(starts)) as fetcher:
            found = await _start_robots(fetcher, starts)
            run_id, resumed = _open_run(writer, cfg, starts, allowed)
            run = RunStore(writer, run_id, reusable_run(writer, run_id, cfg, allowed))
            robots = RobotsCache(fetcher, allowed, cfg.ignore_robots, found)
            pool.settings.disallowed = robots.disallowed
            if run.previous is None and (cfg.render == "always" or (cfg.render != "never" and cfg.a11y)):
                pool.warm_up()  # launch Chromium while sitemaps and the first pages are fetched
            counts = Counts()
            frontier = Frontier(scope, Guards(cfg.max_pages, cfg.max_depth, cfg.max_per_pattern), writer, run_id)
            engine = Engine(frontier, PageWorker(cfg, run, Clients(fetcher, pool, robots), scope, counts), counts,
                            progress)
            await _seed(engine, writer, fetcher, run_id, resumed, starts, found)
            counts = await engine.run(workers)
            await _check_out_of_scope(robots, writer, fetcher, run_id, cfg.concurrency)
            axe = asyncio.ensure_future(engine.finish_axe())  # axe-only runs overlap the link checks
            try:
                checked = await _check_links(writer, run_id, cfg, agent, started, allowed)
            finally:
                await axe
    finally:
        await pool.close()
    writer.finish_run(run_id)
    if progress is not None:
        progress.close(counts)
    return _result(writer, cfg, run_id, started, checked, resumed)


async def _start_robots(fetcher: Fetcher, starts: list[str]) -> dict[str, HostRobots]:
    """robots.txt of each start origin; raise when none of them answers at all."""
    keys = origins(starts)
    found = dict(zip(keys, await asyncio.gather(*(fetch_robots(fetcher, k) for k in keys))))
    if found and all(r.unreachable for r in found.values()):
        detail = ", ".join(f"{k} ({r.error})" for k, r in found.items())
        raise StartUrlUnreachable(f"none of the start URLs answered: {detail}; check the address and your network")
    return found


def reusable_run(writer: StoreWriter, run_id: int, cfg, allowed: frozenset[str]) -> int | None:
    """The latest complete run before ``run_id`` when it read pages as ``cfg`` would
    (``READING_SETTINGS`` and the allowed hosts), so its unchanged pages can be reused; else
    None: the same body read with other settings gives other links (a host now allowed,
    a parameter now stripped), and a fresh reading is what the run must hold."""
    previous = writer.previous_complete_run(run_id)
    if previous is None:
        return None
    hosts, settings = writer.run_settings(previous)
    now = json.loads(json.dumps(redacted_settings(cfg), default=str))  # as the store keeps them
    if sorted(hosts) != sorted(allowed) or any(
            name not in settings or settings[name] != now.get(name) for name in READING_SETTINGS):
        return None
    return previous


def unfinished_run(db: str) -> int | None:
    """The run ``--resume`` would continue in the store ``db`` (None when there is none)."""
    if not Path(db).exists():
        return None
    writer = StoreWriter(db)
    try:
        return writer.unfinished_run()
    finally:
        writer.close()


def _open_run(writer: StoreWriter, cfg, starts: list[str], allowed: frozenset[str]) -> tuple[int, bool]:
    if cfg.resume and (run_id := writer.unfinished_run()) is not None:
        return run_id, True
    return writer.start_run(starts, sorted(allowed), redacted_settings(cfg)), False


async def _seed(engine: Engine, writer: StoreWriter, fetcher: Fetcher, run_id: int, resumed: bool,
                starts: list[str], robots: dict[str, HostRobots]) -> None:
    """Fill the frontier: a resumed run's own, or start URLs then sitemap URLs."""
    scope = engine.frontier.scope
    if resumed:
        if engine.resume():
            return
        # killed before its first page (by a store written before start URLs were queued
        # with the run): nothing to continue from, so seed the run afresh
        starts = [normalise(u, scope.strip) for u in writer.run_start_urls(run_id)] or starts
    roots = [s for r in robots.values() for s in r.sitemaps] + [o + "/sitemap.xml" for o in origins(starts)]
    roots = [r for r in dict.fromkeys(roots) if host_key(r) in scope.allowed]
    entries = await read_sitemaps(fetcher, roots)
    writer.save_sitemap_urls(run_id, [(normalise(u, scope.strip), lastmod) for u, lastmod in entries
                                      if urlsplit(u).scheme in ("http", "https")
                                      and scope.covers(normalise(u, scope.strip))])
    engine.seed(starts, writer.sitemap_entries(run_id))


def scope_prefixes(cfg, starts: list[str], allowed: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """``crawl.scope`` as prefixes, or the default scope of the start URLs (``crawler.scope``)."""
    given = tuple(getattr(cfg, "scope", ()) or ())
    return tuple(prefix_of(u) for u in given) if given else default_scope(starts, allowed)


async def _check_out_of_scope(robots: RobotsCache, writer: StoreWriter, fetcher: Fetcher, run_id: int,
                              concurrency: int) -> None:
    """Status-check links to allowed hosts outside ``crawl.scope`` (never crawled, parsed or scored)."""
    urls = writer.unfetched_page_targets(run_id)[:MAX_OUT_OF_SCOPE]
    if not urls:
        return
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(url: str) -> LinkStatus:
        async with gate:
            if not await robots.allows(url):
                return LinkStatus(url=url, status=0, error="robots", checked_by="crawler")
            response = await fetcher.get(url, body="none")
            return LinkStatus(url=url, status=response.status, error=response.error,
                              final_url=response.final_url, checked_by="crawler")

    writer.save_link_status(run_id, await asyncio.gather(*(one(u) for u in urls)))


async def _check_links(writer: StoreWriter, run_id: int, cfg, agent: str, started: float,
                       allowed: frozenset[str]) -> int:
    """Status-check the run's link targets that were not crawled (cached answers reused: good
    ones for ``link_cache_days``, failures for ``link_failure_cache_hours``)."""
    if not cfg.check_external:
        return 0
    urls = writer.external_targets(run_id)
    cached = writer.cached_links(urls, cfg.link_cache_days)
    writer.failures_checked_with(json.dumps([cfg.allow_private, sorted(allowed), cfg.timeout, cfg.link_checker, agent]))
    cached.update(writer.cached_failures([u for u in urls if u not in cached], cfg.link_failure_cache_hours))
    remaining = max(30.0, cfg.total_timeout - (time.monotonic() - started))
    settings = CheckSettings(Screen(allowed, cfg.allow_private), agent, cfg.timeout, cfg.rate, cfg.link_checker,
                             remaining)
    statuses = await check_external([u for u in urls if u not in cached], settings)
    writer.save_link_status(run_id, [*cached.values(), *statuses])
    writer.remember_links(statuses)
    return len(statuses) + len(cached)


def _result(writer: StoreWriter, cfg, run_id: int, started: float, checked: int, resumed: bool) -> CrawlResult:
    totals = writer.run_totals(run_id)
    writer.close()
    return CrawlResult(db=str(cfg.db), run_id=run_id, pages=totals.pages, rendered=totals.rendered,
                       errors=totals.errors, elapsed_s=round(time.monotonic() - started, 2), guarded=totals.guarded,
                       documents=totals.documents, external_checked=checked, resumed=resumed)
