"""A re-crawl of an unchanged site stores exactly what the first crawl stored (pages, links,
depths, guards), and a page that changed between the two is read again, not reused."""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.model import Page
from crawler.store import LINK_COLUMNS, PAGE_FIELDS, StoreReader, page_to_row, row_to_page, run_links_sql

NAV = ("<nav><a href='/'>Home</a> <a href='/services/'>Services</a> <a href='/events/'>What's on</a> "
       "<a href='/old-contact'>Contact</a></nav>")
MONTHS = [(2026, m) for m in range(1, 13)] + [(2027, m) for m in range(1, 7)]
"""More months than the calendar guard lets through: the rest are guard pages."""
VOLATILE = {"fetched_at", "elapsed_ms", "render_reason"}


def messy_site() -> dict[str, Route]:
    """Menus on every page, a paginated list, a calendar, a redirect, service records with
    contacts in sidebars, non-ASCII text, fragments and a canonical link."""
    routes = {
        "/": Route(page("Local Offer – Exampleshire", NAV + "<p>Support for children and young people "
                        "with SEND, aged 0–25.</p><a href='/services/?page=1'>All services</a>"), etag='"h1"'),
        "/services/": Route(page("Services", NAV + "".join(f"<a href='/services/?page={n}'>{n}</a>"
                                                           for n in range(1, 4))), etag='"s0"'),
        "/old-contact": Route("", status=301, headers={"Location": "/contact-us"}),
        "/contact-us": Route(page("Contact us", NAV + "<p>Call 01632 960 001 or email "
                                  "<a href='mailto:send@exampleshire.gov.uk'>send@exampleshire.gov.uk</a>, "
                                  "County Hall, EX1 1AA.</p><h2 id='visit'>Visit</h2>",
                                  head="<link rel='canonical' href='/contact-us'>"), etag='"c1"'),
        "/events/": Route(page("What's on", NAV + "".join(f"<a href='/events/{y}/{m:02d}/'>{m}/{y}</a>"
                                                          for y, m in MONTHS)),
                          headers={"Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}),
    }
    for n in range(1, 4):
        items = "".join(f"<li><a href='/services/record?id=S{n}{i}'>Short breaks group {n}.{i}</a></li>"
                        for i in range(5))
        more = f"<a href='/services/?page={n + 1}'>Next »</a>" if n < 3 else ""
        routes[f"/services/?page={n}"] = Route(page(f"Services page {n}", NAV + f"<ul>{items}</ul>{more}"))
        for i in range(5):
            routes[f"/services/record?id=S{n}{i}"] = Route(page(
                f"Short breaks group {n}.{i}", NAV + f"<p>A group for children aged {i + 5} to {i + 11}. "
                f"Last updated {i + 1} March 2025.</p><a href='/services/#top'>Back to services</a>"
                f"<a href='https://www.example.org/partner-{i}'>Partner</a>"
                "<aside><p>Telephone: 01632 960 123<br>Email: groups@exampleshire.gov.uk</p></aside>"),
                etag=f'"r{n}{i}"')
    for y, m in MONTHS:
        routes[f"/events/{y}/{m:02d}/"] = Route(page(f"Events in {m}/{y}", NAV + "<p>Coffee morning.</p>"))
    return routes


def stored(db: str, run_id: int) -> tuple[list[dict], list[tuple]]:
    """The run's pages and links as the store holds them (raw columns: what any reader sees)."""
    with sqlite3.connect(db) as conn:
        names = [c[1] for c in conn.execute("PRAGMA table_info(pages)") if c[1] not in VOLATILE | {"run_id", "links_run"}]
        pages = [dict(zip(names, row)) for row in conn.execute(
            f"SELECT {','.join(names)} FROM pages WHERE run_id=? ORDER BY url", (run_id,))]
        links = conn.execute(run_links_sql(LINK_COLUMNS, order="l.source, l.target, l.href, l.text"),
                             (run_id,)).fetchall()
    for row in pages:
        meta = json.loads(row["meta"])
        row["meta"] = {k: v for k, v in meta.items() if k not in ("reused_from_run", "not_modified", "render_ms")}
    return pages, links


def test_a_recrawl_of_an_unchanged_site_stores_what_the_first_crawl_stored(make_site, crawl_cfg):
    site = make_site(messy_site())
    cfg = crawl_cfg(site.url("/"), max_depth=4)
    first = crawl(cfg)
    second = crawl(cfg)
    before, after = stored(cfg.db, first.run_id), stored(cfg.db, second.run_id)
    assert len(before[0]) > 30 and any(p["guard"] for p in before[0]), "the site must reach a guard"
    assert after == before
    reused = StoreReader(cfg.db, run_id=second.run_id)
    assert {p.render_reason for p in reused.pages() if p.status == 200 and p.kind == "html"} == {"unchanged"}


def test_a_page_changed_between_crawls_is_read_again(make_site, crawl_cfg):
    routes = messy_site()
    site = make_site(routes)
    cfg = crawl_cfg(site.url("/"), max_depth=4)
    crawl(cfg)
    record = "/services/record?id=S21"
    site.routes[record] = Route(page("Short breaks group 2.1 (moved)", NAV + "<p>Now at 01632 960 777.</p>"
                                     "<a href='/new-venue'>New venue</a>"), etag='"r21-v2"')
    site.routes["/new-venue"] = Route(page("New venue", NAV))
    second = crawl(cfg)
    reader = StoreReader(cfg.db, run_id=second.run_id)
    changed = reader.page(site.url(record))
    assert changed.title == "Short breaks group 2.1 (moved)" and changed.render_reason != "unchanged"
    assert changed.phones == ("+441632960777",), "the new number, read from the new text"
    assert reader.page(site.url("/new-venue")) is not None, "a link added to a changed page is followed"
    assert reader.page(site.url("/services/record?id=S20")).render_reason == "unchanged"


def test_a_page_survives_the_store_round_trip_whatever_it_holds():
    full = Page(url="http://h/a?x=1", final_url="http://h/b", status=200, content_type="text/html", size=12,
                title="Ça va – “quotes”", headings=((1, "Title"), (2, "Sub")), main_text="text\u2028line",
                lang="en", last_updated="2025-03-01", last_updated_source="text", last_updated_raw="1 March 2025",
                phones=("01632 960001",), emails=("a@b.uk",), postcodes=("EX1 1AA",), content_hash="abc",
                etag='"e"', last_modified="Wed, 01 May 2024 10:00:00 GMT", depth=3,
                redirects=(("http://h/a?x=1", 301),), error="", guard="", kind="html", canonical="http://h/b",
                anchors=("visit",), rendered=True, render_reason="sample", found_via="sitemap", in_sitemap=True,
                template="h/a?x=N", fetched_at="2026-01-01T00:00:00+00:00", elapsed_ms=5,
                meta={"blocks": [["main", "p", "h", "text"]], "empty": [], "none": None, "n": 1.5})
    for value in (full, Page(url="http://h/empty"), dataclasses.replace(full, meta={}, headings=(), rendered=False)):
        row = page_to_row(7, value)
        back = row_to_page(dict(zip(("run_id", *PAGE_FIELDS), row)))
        assert back == value and back.meta == value.meta


def test_the_run_digest_of_a_recrawl_is_the_first_crawls_and_follows_a_change(make_site, crawl_cfg):
    """``StoreReader.run_digest`` (what a check reuses its rule results by) is the same for
    a re-crawl of the unchanged site, whatever order the workers saved the pages in, and
    differs as soon as one page changes."""
    site = make_site(messy_site())
    cfg = crawl_cfg(site.url("/"), max_depth=4)
    runs = [crawl(cfg).run_id for _ in range(2)]
    digests = [StoreReader(cfg.db, run_id=r).run_digest() for r in runs]
    assert digests[0] == digests[1]
    with sqlite3.connect(cfg.db) as conn:  # the same rows saved in another order: the same digest
        conn.execute("CREATE TEMP TABLE p AS SELECT * FROM pages WHERE run_id=? ORDER BY url DESC", (runs[1],))
        conn.execute("DELETE FROM pages WHERE run_id=?", (runs[1],))
        conn.execute("INSERT INTO pages SELECT * FROM p")
    assert StoreReader(cfg.db, run_id=runs[1]).run_digest() == digests[0]
    with sqlite3.connect(cfg.db) as conn:  # reached first by another path (concurrent workers): the same digest
        conn.execute("UPDATE pages SET depth = depth + 1 WHERE run_id=? AND depth > 0", (runs[1],))
    assert StoreReader(cfg.db, run_id=runs[1]).run_digest() == digests[0]
    site.routes["/services/record?id=S21"] = Route(page("Short breaks group 2.1", NAV + "<p>Call 01632 960 777.</p>"),
                                                   etag='"r21-v2"')
    changed = crawl(cfg).run_id
    assert StoreReader(cfg.db, run_id=changed).run_digest() != digests[0]
    for change in ("UPDATE links SET text = text || '!' WHERE run_id=?",
                   "INSERT INTO link_status VALUES (?, 'https://www.example.org/gone', 404, '', '', 'crawler')",
                   "INSERT INTO axe (run_id, url, rule, nodes) VALUES (?, 'http://h/', 'image-alt', 1)",
                   "INSERT INTO sitemap_urls VALUES (?, 'http://h/new', '')",
                   "UPDATE pages SET meta = json_set(meta, '$.panel_text', 'x') WHERE run_id=?",
                   "UPDATE runs SET status = 'aborted' WHERE id=?"):
        with sqlite3.connect(cfg.db) as conn:
            conn.execute(change, (runs[0],))
        assert StoreReader(cfg.db, run_id=runs[0]).run_digest() != digests[0], change
        digests[0] = StoreReader(cfg.db, run_id=runs[0]).run_digest()
