"""Plain-HTTP crawls of small static sites: scope, robots, sitemaps, redirects, traps, documents."""

from __future__ import annotations

from datetime import date

import pytest
from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.store import StoreReader
from crawler.errors import StartUrlUnreachable


def pages_by_url(cfg):
    reader = StoreReader(cfg.db)
    return {p.url: p for p in reader.pages()}, list(reader.links()), reader


def test_links_followed_and_page_fields(make_site, crawl_cfg):
    site = make_site({
        "/": Route(page("Home", "<a href='/a'>A</a> <a href='/b?utm_source=x#part'>B</a> "
                        "<a href='mailto:Info@Example.org'>mail</a> <a href='tel:02079460000'>call</a>")),
        "/a": Route(page("A", "<dl><dt>Telephone</dt><dd>020 7946 0000</dd><dt>Postcode</dt><dd>ex1 1aa</dd></dl>"
                             "<p>Last updated: 3 March 2024</p><p id='part'>x</p>")),
        "/b": Route(page("B", "<p>b</p>")),
    })
    cfg = crawl_cfg(site.url("/"))
    result = crawl(cfg)
    pages, links, _ = pages_by_url(cfg)
    assert set(pages) == {site.url("/"), site.url("/a"), site.url("/b")}
    assert result.pages == 3 and result.errors == 0
    a = pages[site.url("/a")]
    assert a.meta["fields"] == {"Telephone": "020 7946 0000", "Postcode": "ex1 1aa"}
    assert a.phones == ("+442079460000",) and a.postcodes == ("EX1 1AA",)
    assert (a.last_updated, a.last_updated_source) == ("2024-03-03", "text")
    assert "part" in a.anchors and a.depth == 1 and a.found_via == "link"
    b_link = next(link for link in links if link.text == "B")
    assert b_link.target == site.url("/b") and b_link.fragment == "part" and b_link.region == "main"
    kinds = {link.kind for link in links}
    assert {"page", "mailto", "tel"} <= kinds
    assert site.count("/b") == 1  # utm_source stripped: one URL
    assert "crawled 3 pages" in result.summary()


def test_robots_obeyed_and_recorded(make_site, crawl_cfg):
    site = make_site({
        "/robots.txt": Route("User-agent: *\nDisallow: /private\n", content_type="text/plain"),
        "/": Route(page("Home", "<a href='/private/x'>secret</a> <a href='/open'>open</a>")),
        "/open": Route(page("Open", "")),
        "/private/x": Route(page("Private", "")),
    })
    cfg = crawl_cfg(site.url("/"))
    crawl(cfg)
    pages, _, _ = pages_by_url(cfg)
    assert pages[site.url("/private/x")].guard == "robots"
    assert site.count("/private/x") == 0 and site.count("/open") == 1


def test_calendar_trap_bounded(make_site, crawl_cfg):
    def calendar(request):
        month = request.path.split("=")[1]
        year, mon = map(int, month.split("-"))
        nxt = f"{year + mon // 12}-{mon % 12 + 1:02d}"
        return Route(page(f"Events {month}", f"<a href='/events?month={nxt}'>Next month</a>"))

    today = date.today()
    site = make_site({"/": Route(page("Home", f"<a href='/events?month={today.year}-{today.month:02d}'>Events</a>")),
                      "/events": calendar})
    cfg = crawl_cfg(site.url("/"))
    crawl(cfg)
    pages, _, _ = pages_by_url(cfg)
    fetched = [p for p in pages.values() if not p.guard]
    guarded = [p for p in pages.values() if p.guard == "calendar"]
    assert len(fetched) <= 30 and len(guarded) == 1
    assert len(site.paths()) < 40


def test_redirect_chain_and_loop(make_site, crawl_cfg):
    site = make_site({
        "/": Route(page("Home", "<a href='/old'>old</a> <a href='/loop1'>loop</a>")),
        "/old": Route(status=301, headers={"Location": "/older"}),
        "/older": Route(status=302, headers={"Location": "/new"}),
        "/new": Route(page("New", "")),
        "/loop1": Route(status=302, headers={"Location": "/loop2"}),
        "/loop2": Route(status=302, headers={"Location": "/loop1"}),
    })
    cfg = crawl_cfg(site.url("/"))
    crawl(cfg)
    pages, _, _ = pages_by_url(cfg)
    old = pages[site.url("/old")]
    assert old.redirects == ((site.url("/old"), 301), (site.url("/older"), 302))
    assert old.final_url == site.url("/new") and old.status == 200 and old.title == "New"
    assert pages[site.url("/new")].found_via == "redirect"
    assert pages[site.url("/loop1")].error == "redirect-loop"


def test_sitemap_only_page_found(make_site, crawl_cfg):
    sitemap_index = "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" \
                    "<sitemap><loc>{root}/sm1.xml.gz</loc></sitemap></sitemapindex>"
    import gzip

    def sm1(request):
        root = "http://" + request.headers["host"]
        xml = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
               f"<url><loc>{root}/</loc></url><url><loc>{root}/orphan</loc><lastmod>2024-01-05</lastmod></url></urlset>")
        return Route(gzip.compress(xml.encode()), content_type="application/gzip")

    site = make_site({
        "/robots.txt": lambda r: Route(f"Sitemap: http://{r.headers['host']}/index.xml\n", content_type="text/plain"),
        "/index.xml": lambda r: Route(sitemap_index.format(root="http://" + r.headers["host"]),
                                      content_type="application/xml"),
        "/sm1.xml.gz": sm1,
        "/": Route(page("Home", "<a href='/linked'>linked</a>")),
        "/linked": Route(page("Linked", "")),
        "/orphan": Route(page("Orphan", "")),
    })
    cfg = crawl_cfg(site.url("/"))
    crawl(cfg)
    pages, _, reader = pages_by_url(cfg)
    orphan = pages[site.url("/orphan")]
    assert orphan.found_via == "sitemap" and orphan.in_sitemap
    assert pages[site.url("/")].found_via == "start" and pages[site.url("/")].in_sitemap
    assert reader.sitemap_urls()[site.url("/orphan")] == "2024-01-05"


def test_documents_recorded_not_parsed(make_site, crawl_cfg):
    site = make_site({
        "/": Route(page("Home", "<a href='/files/policy.pdf'>Policy (PDF)</a> <a href='/get?id=4'>Statement</a>")),
        "/files/policy.pdf": Route(b"%PDF-1.4 fake", content_type="application/pdf",
                                   headers={"Last-Modified": "Tue, 05 Mar 2024 10:00:00 GMT"}),
        "/get": Route(b"PK\x03\x04docx", content_type=
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    })
    cfg = crawl_cfg(site.url("/"))
    result = crawl(cfg)
    pages, links, _ = pages_by_url(cfg)
    pdf = pages[site.url("/files/policy.pdf")]
    assert (pdf.kind, pdf.status, pdf.size, pdf.last_updated, pdf.last_updated_source) == \
        ("document", 200, 13, "2024-03-05", "header")
    assert pdf.last_modified.startswith("Tue, 05 Mar 2024") and not pdf.main_text
    assert pages[site.url("/get?id=4")].kind == "document"
    assert result.documents == 2
    assert next(link for link in links if link.text == "Policy (PDF)").kind == "document"


def test_guards_depth_pages_and_host_failing(make_site, crawl_cfg):
    chain = {f"/p{i}": Route(page(f"P{i}", f"<a href='/p{i + 1}'>next</a>")) for i in range(10)}
    site = make_site({"/": Route(page("Home", "<a href='/p0'>p0</a>")), **chain})
    cfg = crawl_cfg(site.url("/"), max_depth=3)
    crawl(cfg)
    pages, _, _ = pages_by_url(cfg)
    assert pages[site.url("/p3")].guard == "max-depth" and site.count("/p3") == 0
    assert not pages[site.url("/p2")].guard

    broken = make_site({"/": Route(page("Home", "".join(f"<a href='/e{i}'>e</a>" for i in range(10)))),
                        **{f"/e{i}": Route("oops", status=500) for i in range(10)}})
    cfg = crawl_cfg(broken.url("/"), host_failure_limit=3, concurrency=1, db=cfg.db + "2")
    crawl(cfg)
    pages, _, _ = pages_by_url(cfg)
    assert sum(p.guard == "host-failing" for p in pages.values()) >= 5
    assert sum(p.status == 500 for p in pages.values()) >= 3


def test_unreachable_start_url(crawl_cfg):
    with pytest.raises(StartUrlUnreachable, match="none of the start URLs answered"):
        crawl(crawl_cfg("http://127.0.0.1:9/"))
