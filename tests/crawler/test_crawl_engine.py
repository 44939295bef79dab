"""The engine with its real parts (frontier, worker, store) against a real local server."""

from __future__ import annotations

import asyncio

import pytest
from crawlsite import Route, page

from crawler.counts import Counts
from crawler.engine import Engine
from crawler.fetch import Fetcher
from crawler.frontier import Frontier
from crawler.guards import Guards
from crawler.pagebuild import Scope
from crawler.render import BrowserPool, RenderSettings
from crawler.robots import RobotsCache
from crawler.store import StoreReader, StoreWriter
from crawler.urls import host_key
from crawler.workers import Clients, PageWorker, RunStore


def chain(length: int) -> dict[str, Route]:
    """``/`` -> ``/1`` -> ``/2`` ...: each page links to the next and back home."""
    routes = {"/": Route(page("Home", "<a href='/1'>next</a>"))}
    for i in range(1, length + 1):
        routes[f"/{i}"] = Route(page(f"Page {i}", f"<a href='/{i + 1}'>next</a> <a href='/'>home</a>"))
    return routes


class Recorder:
    def __init__(self) -> None:
        self.updates: list[Counts] = []
        self.closed = False

    def update(self, counts: Counts) -> None:
        self.updates.append(Counts(**vars(counts)))

    def close(self, counts: Counts) -> None:
        self.closed = True


def crawl_with_engine(site, cfg, tmp_path, progress=None, broken: str = "") -> tuple[Counts, str]:
    """Seed with ``/`` and run the engine; ``broken``: a URL whose processing raises."""
    allowed = frozenset({host_key(site.url())})
    db = tmp_path / "crawl.sqlite"

    async def run() -> Counts:
        writer = StoreWriter(db, batch=50)
        run_id = writer.start_run([site.url("/")], sorted(allowed), {})
        pool = BrowserPool(RenderSettings(tabs=1, allowed=allowed, extra_headers={}, user_agent="test",
                                          timeout=5))
        counts = Counts()
        scope = Scope(allowed)
        try:
            async with Fetcher(allowed, "test", {}, 0, 5, 1_000_000, 4) as fetcher:
                clients = Clients(fetcher, pool, RobotsCache(fetcher, allowed))
                worker = PageWorker(cfg, RunStore(writer, run_id), clients, scope, counts)
                if broken:
                    process = worker.process

                    async def failing(target):
                        if target.url == broken:
                            raise RuntimeError("a bug in the worker")
                        return await process(target)

                    worker.process = failing
                frontier = Frontier(scope, Guards(cfg.max_pages, cfg.max_depth, cfg.max_per_pattern), writer, run_id)
                engine = Engine(frontier, worker, counts, progress)
                engine.seed([site.url("/")], set())
                return await engine.run(3)
        finally:
            await pool.close()
            writer.close()

    return asyncio.run(run()), str(db)


def test_every_page_is_saved_once_and_progress_is_told_each_time(make_site, crawl_cfg, tmp_path):
    site = make_site(chain(12))
    recorder = Recorder()
    counts, db = crawl_with_engine(site, crawl_cfg(site.url("/"), max_depth=8), tmp_path, recorder)
    pages = {p.url: p for p in StoreReader(db).pages()}
    fetched = [u for u, p in pages.items() if not p.guard]
    assert sorted(fetched) == sorted([site.url("/")] + [site.url(f"/{i}") for i in range(1, 9)])
    assert pages[site.url("/9")].guard == "max-depth" and site.count("/9") == 0
    assert all(site.count(f"/{i}") == 1 for i in range(1, 9)) and site.count("/") == 1
    assert counts.done == len(pages) == 10 and counts.queued == 0 and counts.errors == 0
    assert [u.done for u in recorder.updates] == list(range(1, 11))
    assert not recorder.closed  # closing is the caller's (crawler.crawl), after the status checks


def test_the_first_failure_of_a_worker_stops_the_crawl_and_is_raised(make_site, crawl_cfg, tmp_path):
    site = make_site(chain(30))
    with pytest.raises(RuntimeError, match="a bug in the worker"):
        crawl_with_engine(site, crawl_cfg(site.url("/")), tmp_path, broken=site.url("/3"))
    stored = {p.url for p in StoreReader(tmp_path / "crawl.sqlite").pages()}
    assert site.url("/2") in stored and site.url("/3") not in stored and site.url("/5") not in stored
