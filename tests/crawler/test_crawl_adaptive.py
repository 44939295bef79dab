"""Adaptive rendering: evidence in the HTML first, then samples per structural template
(layout), whatever the URLs look like; speed and memory on a generated static site."""

from __future__ import annotations


import pytest
from crawlsite import Route, page, static_site

from crawler.crawl import crawl
from crawler.store import StoreReader
from crawler.counts import Counts
from crawler.errors import BrowserNotFound

TEXT = "<p>Short breaks give disabled children and their families a break from caring.</p>"
DECOR = "<script>document.title = document.title;</script>"
ADDS_LINK = "<script>const a = document.createElement('a'); a.href = '/extra'; a.textContent = 'Extra';" \
            "document.querySelector('main').appendChild(a);</script>"


ADDS_LINK_FILE = ("const a = document.createElement('a'); a.href = '/extra'; a.textContent = 'Extra';"
                  "document.querySelector('main').appendChild(a);")
STATIC_PATHS = ["/static/s0", "/guides/s1", "/deep/path/to/s2", "/record.page?id=s3", "/news/2024/s4"]
"""Five URL shapes (five URL templates), one layout."""


@pytest.mark.browser
def test_layouts_learned_from_samples_whatever_the_urls(make_site, crawl_cfg):
    links = "".join(f"<a href='{p}'>s</a><a href='/js/j{i}'>j</a><a href='/inline/i{i}'>i</a>"
                    for i, p in enumerate(STATIC_PATHS))
    routes = {"/": Route(page("Home", links))}
    routes.update({path: Route(page(f"S{i}", TEXT + DECOR)) for i, path in enumerate(STATIC_PATHS)})
    # scripts in a file: no evidence in the HTML, so the layout is learned from samples
    routes.update({f"/js/j{i}": Route(page(f"J{i}", TEXT, head="<script src='/add.js'></script>")) for i in range(5)})
    routes["/add.js"] = Route(f"addEventListener('DOMContentLoaded', () => {{ {ADDS_LINK_FILE} }});",
                              content_type="text/javascript")
    # an inline script that builds links: evidence enough, every page rendered without sampling
    routes.update({f"/inline/i{i}": Route(page(f"I{i}", TEXT + ADDS_LINK)) for i in range(5)})
    routes["/extra"] = Route(page("Extra", ""))
    site = make_site(routes)
    cfg = crawl_cfg(site.url("/"), render="auto", concurrency=1)
    crawl(cfg)
    pages = {p.url: p for p in StoreReader(cfg.db).pages()}
    static = [pages[site.url(p)].render_reason for p in STATIC_PATHS]
    js = [pages[site.url(f"/js/j{i}")].render_reason for i in range(5)]
    inline = [pages[site.url(f"/inline/i{i}")].render_reason for i in range(5)]
    assert static[:2] == ["sample-static"] * 2 and static[2:] == ["static-template"] * 3
    assert js[0] == "sample-needs-js" and js[1:] == ["template-needs-js"] * 4
    assert inline == ["js-signal:script-links"] * 5
    assert len({pages[site.url(p)].meta["layout"] for p in STATIC_PATHS}) == 1
    assert site.url("/extra") in pages and pages[site.url("/extra")].found_via == "link"


def test_static_site_is_crawled_without_rendering_and_reports_progress(make_site, crawl_cfg):
    """Speed and memory are measured by the benchmark (bench/run.py), not here."""
    site = make_site(static_site(1500))
    updates: list[Counts] = []

    class Recorder:
        def update(self, counts, force=False):
            updates.append(Counts(**vars(counts)))

        def close(self, counts):
            updates.append(Counts(**vars(counts)))

    cfg = crawl_cfg(site.url("/"), render="auto", max_per_pattern=5000)
    result = crawl(cfg, progress=Recorder())
    assert result.pages >= 1450 and result.rendered == 0
    assert updates[-1].done == result.pages and updates[-1].queued == 0
    assert len(updates) >= result.pages


def test_total_timeout_and_too_large_are_recorded(make_site, crawl_cfg):
    routes = {"/": Route(page("Home", "<a href='/big'>big</a>" + "".join(f"<a href='/p{i}'>p</a>" for i in range(30))))}
    routes.update({f"/p{i}": Route(page(f"P{i}", "")) for i in range(30)})
    routes["/big"] = Route(page("Big", "x" * 5000))
    site = make_site(routes)
    cfg = crawl_cfg(site.url("/"), rate=20, total_timeout=0.5, max_page_bytes=2000, concurrency=2)
    crawl(cfg)
    pages = {p.url: p for p in StoreReader(cfg.db).pages()}
    assert len(pages) == 32
    assert pages[site.url("/big")].guard == "too-large"
    assert sum(p.guard == "timeout" for p in pages.values()) >= 10


def test_browser_not_found_when_rendering_needed(crawl_cfg):
    with pytest.raises(BrowserNotFound):
        crawl(crawl_cfg("http://127.0.0.1:9/", render="always"), browser="/nonexistent/chromium")
