"""One page at a time through ``PageWorker``, against a real local server and a real store."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from crawlsite import Route, page

from crawler.counts import Counts
from crawler.fetch import Fetcher
from crawler.pagebuild import Scope, Target
from crawler.render import BrowserPool, RenderSettings
from crawler.robots import RobotsCache
from crawler.store import StoreWriter
from crawler.urls import host_key
from crawler.workers import Clients, Done, PageWorker, RenderJob, RunStore

ROUTES = {
    "/robots.txt": Route("User-agent: *\nDisallow: /private\n", content_type="text/plain"),
    "/": Route(page("Home", "<a href='/a'>A</a> <a href='mailto:x@example.org'>mail</a>")),
    "/a": Route(page("A", "<p>Short breaks for disabled children.</p>")),
    "/private": Route(page("Private", "")),
    "/gone": Route("<h1>Server error</h1>", status=500),
    "/moved": Route("", status=302, headers={"Location": "http://192.0.2.1/elsewhere"}),
}


def work(site, cfg, targets: list[Target], tmp_path):
    """Process ``targets`` one after another; return the results and the worker's counts."""
    allowed = frozenset({host_key(site.url())})

    async def run():
        writer = StoreWriter(tmp_path / "crawl.sqlite")
        run_id = writer.start_run([site.url("/")], sorted(allowed), {})
        pool = BrowserPool(RenderSettings(tabs=1, allowed=allowed, extra_headers={}, user_agent="test",
                                          timeout=5))
        counts = Counts()
        try:
            async with Fetcher(allowed, "test", {}, 0, 5, 1_000_000, 4) as fetcher:
                clients = Clients(fetcher, pool, RobotsCache(fetcher, allowed, cfg.ignore_robots))
                worker = PageWorker(cfg, RunStore(writer, run_id), clients, Scope(allowed), counts)
                try:
                    return [await worker.process(t) for t in targets], counts
                finally:
                    worker.close()
        finally:
            await pool.close()
            writer.close()

    return asyncio.run(run())


def test_a_static_page_comes_back_done_with_its_links(make_site, crawl_cfg, tmp_path):
    site = make_site(ROUTES)
    [done], counts = work(site, crawl_cfg(site.url("/")), [Target(site.url("/"), 0, "start")], tmp_path)
    assert isinstance(done, Done) and not done.left_scope
    assert done.page.status == 200 and done.page.title == "Home" and not done.page.rendered
    assert {(link.kind, link.target) for link in done.links} == {("page", site.url("/a")),
                                                                 ("mailto", "mailto:x@example.org")}
    assert counts.rendered == 0


def test_robots_and_failing_hosts_give_guard_pages_without_a_request(make_site, crawl_cfg, tmp_path):
    site = make_site(ROUTES)
    cfg = crawl_cfg(site.url("/"), host_failure_limit=2)
    targets = [Target(site.url("/private")), Target(site.url("/gone")), Target(site.url("/gone")),
               Target(site.url("/a"))]
    results, _ = work(site, cfg, targets, tmp_path)
    assert [r.page.guard for r in results] == ["robots", "", "", "host-failing"]
    assert [r.page.status for r in results[1:3]] == [500, 500]
    assert site.count("/private") == 0 and site.count("/a") == 0


def test_a_redirect_off_the_allowed_hosts_is_not_followed(make_site, crawl_cfg, tmp_path):
    site = make_site(ROUTES)
    [done], _ = work(site, crawl_cfg(site.url("/")), [Target(site.url("/moved"))], tmp_path)
    assert done.left_scope and done.page.kind == "other" and done.page.final_url == "http://192.0.2.1/elsewhere"


def test_a_page_for_chromium_comes_back_as_a_frozen_render_job(make_site, crawl_cfg, tmp_path):
    site = make_site(ROUTES)
    [job], counts = work(site, crawl_cfg(site.url("/"), render="always"), [Target(site.url("/a"), 1)], tmp_path)
    assert isinstance(job, RenderJob) and job.render and job.reason == "forced"
    assert job.target.url == site.url("/a") and job.parsed.title == "A"
    with pytest.raises(dataclasses.FrozenInstanceError):
        job.render = False  # type: ignore[misc]
    assert counts.rendered == 0  # nothing rendered until the engine hands the job to Chromium
