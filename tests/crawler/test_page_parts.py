"""Small crawler parts on their own: axe results to records, per-host pacing, sitemaps, the
render planner's decisions, and the page scripts run in a real Chromium."""

from __future__ import annotations

import asyncio
import gzip
import time

import pytest
from playwright.async_api import async_playwright

from crawler.a11y import violations_from_axe
from crawler.adaptive import RenderPlanner
from crawler.browser import launch
from crawler.pagejs import COOKIE_SELECTORS, SETTLE, as_function
from crawler.parse import parse_html
from crawler.ratelimit import HostLimiter
from crawler.sitemaps import parse_sitemap


def test_axe_results_become_one_record_per_rule_with_an_example():
    found = violations_from_axe("https://x.test/a", "/a", [
        {"id": "image-alt", "impact": "critical", "help": "Images must have alternate text", "helpUrl": "https://h/1",
         "tags": ["wcag2a"], "nodes": [{"target": ["img.logo"], "html": "<img class=logo " + "x" * 400 + ">"}, {}]},
        {"id": "region", "impact": None, "nodes": []}])
    assert [(v.rule, v.impact, v.nodes) for v in found] == [("image-alt", "critical", 2), ("region", "", 0)]
    assert found[0].example_target == "img.logo" and len(found[0].example_html) == 300 and found[0].tags == ("wcag2a",)


def test_requests_to_one_host_are_spaced_and_hosts_are_independent():
    async def timed() -> tuple[float, float]:
        limiter = HostLimiter(rate=20)  # 50 ms apart
        start = time.monotonic()
        for _ in range(4):
            await limiter.wait("a.test")
        one_host = time.monotonic() - start
        start = time.monotonic()
        for host in ("b.test", "c.test", "d.test", "e.test"):
            await limiter.wait(host)
        return one_host, time.monotonic() - start

    one_host, many_hosts = asyncio.run(timed())
    assert one_host >= 0.14 and many_hosts < 0.05
    asyncio.run(HostLimiter(rate=0).wait("a.test"))  # 0 = unlimited: returns at once


def test_sitemaps_and_sitemap_indexes_plain_or_gzipped():
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>https://x.test/a</loc><lastmod>2026-01-02</lastmod></url><url><loc> https://x.test/b </loc></url>"
              b"<url><lastmod>2026-01-01</lastmod></url></urlset>")
    assert parse_sitemap(urlset) == ([("https://x.test/a", "2026-01-02"), ("https://x.test/b", "")], [])
    assert parse_sitemap(gzip.compress(urlset))[0][0] == ("https://x.test/a", "2026-01-02")
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.test/s1.xml</loc>'
             b"</sitemap></sitemapindex>")
    assert parse_sitemap(index) == ([], ["https://x.test/s1.xml"])
    bomb = b'<!DOCTYPE x [<!ENTITY e "boom">]><urlset><url><loc>&e;</loc></url></urlset>'
    assert parse_sitemap(bomb) in (([], []), ([("", "")], []))  # entities are never expanded
    assert parse_sitemap(b"not xml") == ([], [])


def test_the_planner_renders_only_where_javascript_may_change_the_page():
    static = parse_html("<html><body><main><p>Plain text page.</p></main></body></html>")
    words = " ".join(f"Paragraph {i} of a page that says enough on its own without any script." for i in range(20))
    scripted = parse_html(f"<html><body><main><h1>Short breaks</h1><p>{words}</p></main>"
                          "<script src=/analytics.js></script></body></html>")
    planner = RenderPlanner()
    assert planner.decide("/a", static) == (False, "no-scripts")
    assert planner.decide("/b", scripted) == (True, "sample")
    for _ in range(5):  # samples that JavaScript did not change: the layout is static
        planner.learn("/b", scripted, scripted, {"https://x.test/c"}, {"https://x.test/c"})
    assert planner.decide("/b", scripted) == (False, "static-template")
    assert RenderPlanner(mode="always").decide("/a", static) == (True, "forced")
    assert planner.wants_axe("/b", scripted) and planner.wants_axe("/b", scripted) and not planner.wants_axe("/b", scripted)


@pytest.mark.browser
def test_the_settle_script_dismisses_a_cookie_banner_in_chromium(static_server):
    base = static_server({"/": (200, "text/html", b"<html lang=en><title>T</title><main><p>Hello</p></main>"
                                                  b"<div id=cookie-banner><button onclick=\"this.parentNode.remove()\">"
                                                  b"Accept all cookies</button></div>")})

    async def settle() -> dict:
        async with async_playwright() as pw:
            browser = await launch(pw)
            page = await browser.new_page()
            await page.goto(base + "/")
            state = await page.evaluate(as_function(SETTLE), [list(COOKIE_SELECTORS), [], "load more"])
            state["left"] = await page.query_selector("#cookie-banner") is not None
            await browser.close()
            return state

    state = asyncio.run(settle())
    assert state["banner"] == "Accept all cookies" and not state["left"] and not state["more"]
