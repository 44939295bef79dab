"""An unchanged page of a re-crawl is copied without its links: it points to the links of
the run that read it (``StoreWriter.copy_page``, ``pages.links_run``). What a run holds,
read as the checks read it, is what a fresh crawl of the same site stores, page by page and
link by link in the order found; a page and its ``done`` mark are committed together; a
page saved anew after it was copied in the same transaction keeps only its new links, one
copied after it was saved only its earlier ones; and an unchanged re-crawl adds no link
rows, however many runs point to the same reading."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from crawlsite import Route, page
from test_recrawl_same import NAV, messy_site

import crawler.crawl
from crawler.crawl import crawl
from crawler.model import Link, Page
from crawler.store import LINK_COLUMNS, StoreReader, StoreWriter, run_links_sql

SKIPPED_PAGE_COLUMNS = {"run_id", "fetched_at", "elapsed_ms", "rendered", "render_reason", "links_run"}
"""What differs between two crawls of the same site (``CRAWL_ONLY_PAGE_FIELDS``), and where
the store keeps a page's links (``links_run``)."""


def snapshot(db: str, run_id: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """A run's pages by URL, its links by source then in the order stored, and its
    frontier by URL, every stored value with its SQLite type."""
    with sqlite3.connect(db) as conn:
        names = [c[1] for c in conn.execute("PRAGMA table_info(pages)") if c[1] not in SKIPPED_PAGE_COLUMNS]
        meta = "json_remove(meta, '$.reused_from_run', '$.not_modified', '$.render_ms')"
        columns = ",".join(f"{meta}, typeof(meta)" if n == "meta" else f"{n}, typeof({n})" for n in names)
        pages = conn.execute(f"SELECT {columns} FROM pages WHERE run_id=? ORDER BY url", (run_id,)).fetchall()
        links = conn.execute(run_links_sql(LINK_COLUMNS + ", typeof(l.scripted)", order="p.url, l.rowid"),
                             (run_id,)).fetchall()
        frontier = conn.execute("SELECT url, depth, parent, found_via, state FROM frontier WHERE run_id=? "
                                "ORDER BY url", (run_id,)).fetchall()
    return pages, links, frontier


def copy_store(source: str, target: str) -> None:
    """A copy of a store, its write-ahead log included (SQLite's backup)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def remove_store(db: str) -> None:
    for path in (db, db + "-wal", db + "-shm"):
        Path(path).unlink(missing_ok=True)


def bigger_site() -> dict[str, Route]:
    """``messy_site`` and a hundred more pages, some with ETags, some only with the same
    body, each linking to its neighbours, the menus and a few outside addresses."""
    routes = messy_site()
    routes["/"] = Route(routes["/"].body.replace("</main>", "<a href='/guide/0'>Guides</a></main>"), etag='"h1"')
    for n in range(100):
        links = "".join(f"<a href='/guide/{k}'>Guide {k}</a> " for k in (n + 1, n + 7, (n * 13) % 100) if k < 100)
        body = (NAV + f"<p>Guide {n} – “support” for families, call 01632 960 {100 + n:03d}.</p>{links}"
                f"<a href='/guide/{n}#part-2'>Part 2</a><a href='https://www.example.org/g{n % 5}'>Partner</a>")
        routes[f"/guide/{n}"] = Route(page(f"Guide {n}", body), etag=f'"g{n}"' if n % 3 else "")
    return routes


def change(site) -> None:
    """Pages changed between two crawls: new text and links (with and without an ETag),
    a page gone, a page added."""
    site.routes["/guide/4"] = Route(page("Guide 4 (new)", NAV + "<a href='/guide/new'>New guide</a>"
                                         "<a href='/guide/5'>Guide 5</a>"), etag='"g4-v2"')
    site.routes["/guide/9"] = Route(page("Guide 9", NAV + "<p>Now with a venue.</p><a href='/contact-us'>Visit</a>"))
    site.routes["/guide/new"] = Route(page("New guide", NAV + "<a href='/guide/1'>Guide 1</a>"))
    site.routes["/guide/50"] = Route("gone", status=404, content_type="text/plain")


def test_a_recrawl_stores_what_a_fresh_crawl_of_the_same_site_stores(make_site, crawl_cfg, monkeypatch):
    """Unchanged pages copied and changed pages read again, in many small transactions:
    every page, every link in the order found, every frontier entry and the run digest
    are those of a fresh crawl of the changed site into an empty store."""
    monkeypatch.setattr(crawler.crawl, "STORE_BATCH", 3)
    site = make_site(bigger_site())
    cfg = crawl_cfg(site.url("/"), max_depth=12, concurrency=1)  # one worker: the same parents and depths every time
    db = cfg.db
    unchanged = crawl(cfg)
    assert StoreReader(db, run_id=unchanged.run_id).run_digest() == StoreReader(db, run_id=crawl(cfg).run_id).run_digest()
    first = snapshot(db, unchanged.run_id)
    assert snapshot(db, unchanged.run_id + 1) == first
    copy_store(db, db + ".kept")  # the store after two crawls

    change(site)
    remove_store(db)
    fresh = crawl(cfg)  # the changed site, into an empty store at the same path (the settings name it)
    assert fresh.run_id == 1
    expected, expected_digest = snapshot(db, 1), StoreReader(db, run_id=1).run_digest()
    remove_store(db)
    copy_store(db + ".kept", db)

    again = crawl(cfg)
    assert again.run_id == 3
    assert snapshot(db, 3) == expected
    assert StoreReader(db, run_id=3).run_digest() == expected_digest
    pages, links, frontier = expected
    assert len(pages) > 135 and len(links) > 1000 and all(state == "done" for *_, state in frontier)
    with sqlite3.connect(db) as conn:
        reasons = dict(conn.execute("SELECT render_reason, COUNT(*) FROM pages WHERE run_id=3 "
                                    "GROUP BY render_reason").fetchall())
    assert reasons["unchanged"] > 120 and sum(reasons.values()) - reasons["unchanged"] >= 3, reasons


def _page(url: str, **fields) -> Page:
    return Page(url=url, final_url=url, status=200, content_type="text/html", kind="html", **fields)


ODD = ["http://h/a", "http://h/caf\u00e9?q=\"x\"", "http://h/back\\slash", "http://h/line\u2028sep", "http://h/\U0001f600"]
"""URLs as odd as a store may hold: the copy names them in JSON."""


def _first_run(db: str) -> int:
    """A complete run with every ``ODD`` page saved with three links."""
    writer = StoreWriter(db, batch=100)
    run = writer.start_run(ODD, ["h"], {})
    for url in ODD:
        writer.save_page(run, _page(url, title=url), [
            Link(url, "http://h/x", "/x", "X", "main", "page", "", False),
            Link(url, f"https://out.example/{len(url)}", "out", "Out", "footer", "external", "", True),
            Link(url, ODD[0], "/a", "A", "nav", "page", "top", False)])
    writer.finish_run(run)
    writer.close()
    return run


def _links(conn: sqlite3.Connection, run: int) -> list[tuple]:
    return conn.execute(run_links_sql(LINK_COLUMNS, order="p.url, l.rowid"), (run,)).fetchall()


def _link_rows(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM links").fetchone()[0]


def test_copied_links_are_read_at_once_and_committed_with_their_page(tmp_path):
    db = str(tmp_path / "s.sqlite")
    first = _first_run(db)
    writer = StoreWriter(db, batch=100)
    run = writer.start_run(ODD, ["h"], {})
    outside = sqlite3.connect(db)
    try:
        for url in ODD:
            assert writer.copy_page(first, run, url, {"depth": 1})
        assert not writer.copy_page(first, run, "http://h/never", {"depth": 1})
        # the crawl's own connection sees the copied links before the commit; another does not
        assert writer.external_targets(run) == sorted({f"https://out.example/{len(u)}" for u in ODD})
        assert _links(outside, run) == []
        writer.copy_page(first, run, ODD[1], {"depth": 2})  # copied twice: its links once
        writer.save_page(run, _page(ODD[2], title="new"), [Link(ODD[2], "http://h/new", "/new", "New", "main", "page",
                                                                "", False)])
        writer.copy_page(first, run, ODD[3], {"depth": 3})
        writer.save_page(run, _page(ODD[3], title="saved after its copy"), [])
        writer.save_page(run, _page(ODD[4], title="saved before its copy"), [Link(ODD[4], "http://h/gone", "/gone",
                                                                                  "Gone", "main", "page", "", False)])
        writer.copy_page(first, run, ODD[4], {"depth": 4})
        writer.flush()
        old = {source: [row for row in _links(outside, first) if row[0] == source] for source in ODD}
        stored = _links(outside, run)
        assert stored == sorted(old[ODD[0]] + old[ODD[1]] + [(ODD[2], "http://h/new", "/new", "New", "main", "page", "",
                                                               0)] + old[ODD[4]], key=lambda row: row[0])
        assert [row[0] for row in stored].count(ODD[1]) == 3
        # the only link rows the run wrote: the new page's (the page copied after its save dropped its own)
        assert outside.execute("SELECT source, target FROM links WHERE run_id=?", (run,)).fetchall() == [
            (ODD[2], "http://h/new")]
        assert sorted(outside.execute("SELECT url, depth, title FROM pages WHERE run_id=? AND url IN (?, ?)",
                                      (run, ODD[1], ODD[3])).fetchall()) == [(ODD[1], 2, ODD[1]),
                                                                             (ODD[3], 0, "saved after its copy")]
        assert outside.execute("SELECT COUNT(*) FROM frontier WHERE run_id=? AND state='done'",
                               (run,)).fetchone()[0] == len(ODD)

        # a transaction that never commits (a killed crawl) leaves neither the page, nor its
        # links, nor its done mark
        again = writer.start_run(ODD, ["h"], {})
        writer.copy_page(first, again, ODD[0], {"depth": 1})
        writer.abandon()
        assert outside.execute("SELECT (SELECT COUNT(*) FROM pages WHERE run_id=?1), "
                               "(SELECT COUNT(*) FROM frontier WHERE run_id=?1 AND state='done')",
                               (again,)).fetchone() == (0, 0)
        assert _links(outside, again) == []
    finally:
        outside.close()


@pytest.mark.parametrize("batch", [0, 100])
def test_a_copied_page_is_committed_whole_in_either_writing_mode(tmp_path, batch):
    """Unbatched, a copy commits at once with its done mark (its links read at once); batched, at the flush."""
    db = str(tmp_path / "s.sqlite")
    first = _first_run(db)
    writer = StoreWriter(db, batch=batch)
    run = writer.start_run(ODD, ["h"], {})
    outside = sqlite3.connect(db)
    try:
        writer.copy_page(first, run, ODD[4], {"depth": 1})
        committed = outside.execute("SELECT (SELECT COUNT(*) FROM pages WHERE run_id=?1), "
                                    "(SELECT COUNT(*) FROM frontier WHERE run_id=?1 AND state='done')",
                                    (run,)).fetchone()
        assert committed == ((0, 0) if batch else (1, 1))
        assert len(_links(outside, run)) == (0 if batch else 3)
        writer.close()
        assert _links(outside, run) == [row for row in _links(outside, first) if row[0] == ODD[4]]
    finally:
        outside.close()


def test_a_copied_page_whose_url_holds_a_nul_keeps_its_links(tmp_path):
    """A URL holding a NUL character (not one ``normalise`` gives, but one a store may hold)
    is copied with its links and its done mark like any other."""
    db = str(tmp_path / "s.sqlite")
    urls = ["http://h/a\x00b", "http://h/plain"]
    writer = StoreWriter(db, batch=100)
    first = writer.start_run(urls, ["h"], {})
    for url in urls:
        writer.save_page(first, _page(url), [Link(url, "http://h/x", "/x", "X", "main", "page", "", False),
                                             Link(url, "http://h/y", "/y", "Y", "main", "page", "", False)])
    writer.finish_run(first)
    run = writer.start_run(urls, ["h"], {})
    for url in urls:
        assert writer.copy_page(first, run, url, {"depth": 1})
    writer.close()
    with sqlite3.connect(db) as conn:
        assert _links(conn, run) == _links(conn, first)
        assert conn.execute("SELECT url, state FROM frontier WHERE run_id=? ORDER BY url", (run,)).fetchall() == [
            (urls[0], "done"), (urls[1], "done")]
    conn.close()


def test_runs_of_an_unchanged_page_share_one_reading_of_its_links(tmp_path):
    """Run after run of copies point to the run that read the page (not to the run copied
    from): the links table does not grow, and every run reads the same links. A page read
    again gets links of its own run, and later copies point there."""
    db = str(tmp_path / "s.sqlite")
    first = _first_run(db)
    writer = StoreWriter(db, batch=100)
    with sqlite3.connect(db) as conn:
        rows = _link_rows(conn)
    runs = [first]
    for n in range(3):
        run = writer.start_run(ODD, ["h"], {})
        for url in ODD:
            assert writer.copy_page(runs[-1], run, url, {"depth": n})
        writer.finish_run(run)
        runs.append(run)
    changed = writer.start_run(ODD, ["h"], {})
    for url in ODD[1:]:
        writer.copy_page(runs[-1], changed, url, {"depth": 9})
    writer.save_page(changed, _page(ODD[0], title="read again"), [Link(ODD[0], "http://h/b", "/b", "B", "main",
                                                                       "page", "", False)])
    writer.finish_run(changed)
    later = writer.start_run(ODD, ["h"], {})
    for url in ODD:
        writer.copy_page(changed, later, url, {"depth": 1})
    writer.close()
    with sqlite3.connect(db) as conn:
        assert _link_rows(conn) == rows + 1
        assert {r for (r,) in conn.execute("SELECT DISTINCT ifnull(links_run, run_id) FROM pages")} == {first, changed}
        for run in runs:
            assert _links(conn, run) == _links(conn, first)
        for run in (changed, later):
            links = _links(conn, run)
            assert [row for row in links if row[0] != ODD[0]] == [row for row in _links(conn, first) if row[0] != ODD[0]]
            assert [row[1] for row in links if row[0] == ODD[0]] == ["http://h/b"]
        for run in runs + [changed, later]:
            pairs = {(row[0], row[1]) for row in _links(conn, run)}
            assert StoreReader(db, run_id=run).inlinks() == Counter(target for _, target in pairs)
    conn.close()
