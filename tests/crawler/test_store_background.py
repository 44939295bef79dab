"""The store's background writer (``StoreWriter.start_background``): the same rows as
writing in the crawl's own thread, reads that see every write given before them, a unit
committed whole, and a failed write raised to the crawl with nothing after it kept."""

from __future__ import annotations

import sqlite3

import pytest
from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.model import Link, Page
from crawler.store import StoreWriter


def write_a_crawl(writer: StoreWriter, pages: int = 120) -> int:
    """What a crawl writes, page after page: a page, its links and the URLs it queues, as one unit."""
    run_id = writer.start_run(["http://h/"], ["h"], {})
    for i in range(pages):
        url = "http://h/" if i == 0 else f"http://h/p{i}"
        links = [Link(url, f"http://h/p{j}", f"/p{j}", f"Page {j} – ünïcode") for j in (i + 1, i + 2, 2 * i + 1)]
        with writer.unit():
            writer.save_page(run_id, Page(url=url, status=200, title=f"Page {i}", headings=((1, f"P{i}"),),
                                          meta={"n": i, "text": "ça"}), links)
            writer.enqueue_new(run_id, [(link.target, 1, url, "link") for link in links])
    return run_id


def dump(db: str) -> tuple[list, list, list]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT * FROM pages ORDER BY url").fetchall(),
                conn.execute("SELECT * FROM links ORDER BY rowid").fetchall(),
                conn.execute("SELECT * FROM frontier ORDER BY rowid").fetchall())


def test_background_writes_store_what_writes_in_the_crawls_thread_store(tmp_path):
    plain, background = str(tmp_path / "plain.sqlite"), str(tmp_path / "background.sqlite")
    writer = StoreWriter(plain, batch=50)
    write_a_crawl(writer)
    writer.close()
    writer = StoreWriter(background, batch=50)
    writer.start_background()
    run_id = write_a_crawl(writer)
    assert writer.page_count(run_id) == 120, "a read sees every write given before it"
    writer.stop_background()
    writer.close()
    assert dump(background) == dump(plain)
    assert len(dump(plain)[1]) == 360


def test_a_failed_background_write_stops_the_crawl_and_keeps_what_was_committed(tmp_path):
    db = str(tmp_path / "crawl.sqlite")
    writer = StoreWriter(db, batch=1000, flush_s=3600)
    writer.start_background()
    run_id = writer.start_run(["http://h/"], ["h"], {})
    with writer.unit():
        writer.save_page(run_id, Page(url="http://h/a", status=200))
    writer.flush()  # committed
    with writer.unit():
        writer.save_page(run_id, Page(url="http://h/b", status=200))
    with writer.unit():
        writer.save_page(run_id, Page(url=None, status=200))  # NOT NULL: fails in the writer's thread
    with pytest.raises(sqlite3.IntegrityError):
        for i in range(1000):  # raised at a later write at the latest
            with writer.unit():
                writer.save_page(run_id, Page(url=f"http://h/c{i}", status=200))
        writer.flush()
    writer.abandon()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT url FROM pages").fetchall() == [("http://h/a",)]


def test_a_unit_is_committed_whole_by_the_background_writer(tmp_path):
    """A commit falls between units, never inside one, however often the batch is due
    (every statement the writer's connection runs is traced, in order)."""
    db = str(tmp_path / "crawl.sqlite")
    writer = StoreWriter(db, batch=1, flush_s=0)
    statements: list[str] = []
    writer.conn.set_trace_callback(statements.append)
    writer.start_background()
    run_id = writer.start_run(["http://h/"], ["h"], {})
    for i in range(60):
        with writer.unit():
            writer.save_page(run_id, Page(url=f"http://h/{i}", status=200), [Link(f"http://h/{i}", "http://h/x", "/x")])
            writer.enqueue_new(run_id, [(f"http://h/q{i}", 1, f"http://h/{i}", "link")])
    writer.stop_background()
    writer.close()
    kinds = [("page" if "INTO pages" in sql else "queue" if "INTO frontier" in sql and "'start'" not in sql
              else "commit" if sql.strip().upper() == "COMMIT" else "") for sql in statements]
    kinds = [kind for kind in kinds if kind]
    assert kinds.count("page") == kinds.count("queue") == 60
    opened = False
    for kind in kinds:
        if kind == "page":
            opened = True
        elif kind == "queue":
            opened = False
        else:
            assert not opened, "a commit between a page and the URLs it queues"
    assert kinds.count("commit") >= 30, "the batch is due after every unit"


def test_urls_queued_before_the_crawl_starts_are_kept(make_site, crawl_cfg):
    """Sitemap URLs are queued before the background writer starts: they stay in the frontier."""
    def sitemap(request):
        root = "http://" + request.headers["host"]
        xml = ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
               + "".join(f"<url><loc>{root}/only-in-sitemap-{i}</loc></url>" for i in range(5)) + "</urlset>")
        return Route(xml, content_type="application/xml")
    routes = {"/": Route(page("Home", "<a href='/a'>A</a>")), "/a": Route(page("A", "")), "/sitemap.xml": sitemap}
    routes.update({f"/only-in-sitemap-{i}": Route(page(f"S{i}", "")) for i in range(5)})
    site = make_site(routes)
    cfg = crawl_cfg(site.url("/"))
    result = crawl(cfg)
    with sqlite3.connect(cfg.db) as conn:
        frontier = conn.execute("SELECT url, found_via, state FROM frontier WHERE run_id=? ORDER BY url",
                                (result.run_id,)).fetchall()
    assert [(url.removeprefix(site.root), via, state) for url, via, state in frontier] == [
        ("/", "start", "done"), ("/a", "link", "done")] + [
        (f"/only-in-sitemap-{i}", "sitemap", "done") for i in range(5)]
