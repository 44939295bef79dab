"""An unchanged page of a re-crawl is copied inside the store (``StoreWriter.copy_page``):
what that stores must be exactly what decoding the previous run's page and links and
saving them again stored, even for rows an older version wrote (empty columns, links
without ``scripted``); a killed re-crawl resumes to the same run; the frontier's
shortcut for links to other paths (``Guards.depth_steps``) decides as ``depth_step`` does."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from crawlsite import Route, page
from test_recrawl_same import messy_site, stored

from crawler.crawl import crawl
from crawler.guards import Guards
from crawler import store
from crawler.store import StoreWriter, run_links_sql

LINK_COLUMNS = store.LINK_COLUMNS + ", typeof(CASE WHEN l.scripted THEN 1 ELSE 0 END)"
"""A link as every reader of the store reads it (a copied page keeps the earlier run's rows,
whatever an older version left in ``scripted``)."""


def raw_pages(conn: sqlite3.Connection, run_id: int, urls: list[str]) -> list[tuple]:
    """Every column of the run's rows for ``urls`` (not ``run_id``, nor ``links_run``: where the
    store keeps the links, which ``raw_links`` compares), with each value's SQLite type."""
    names = [c[1] for c in conn.execute("PRAGMA table_info(pages)") if c[1] not in ("run_id", "links_run")]
    columns = ",".join(f"{n}, typeof({n})" for n in names)
    return [conn.execute(f"SELECT {columns} FROM pages WHERE run_id=? AND url=?", (run_id, url)).fetchone()
            for url in urls]


def raw_links(conn: sqlite3.Connection, run_id: int, urls: list[str]) -> list[list[tuple]]:
    """The links of each of ``urls`` in the run, in the order stored."""
    return [conn.execute(run_links_sql(LINK_COLUMNS, "p.url=?2", "l.rowid"),
                         (run_id, url)).fetchall() for url in urls]


def decode_and_save(db: str, from_run: int, reused_run: int) -> tuple[int, list[str]]:
    """Store in a new run what the earlier way of reusing a page stored (decode the previous
    run's page and links, set the fields a re-crawl changes, save them) for every page that
    run ``reused_run`` reused, with that run's own depth, times and flags."""
    writer = StoreWriter(db)
    try:
        scratch = writer.start_run([], [], {})
        rows = writer.conn.execute(
            "SELECT url, depth, found_via, in_sitemap, fetched_at, elapsed_ms, json_extract(meta, '$.not_modified') "
            "FROM pages WHERE run_id=? AND render_reason='unchanged' ORDER BY url", (reused_run,)).fetchall()
        for url, depth, via, in_sitemap, fetched_at, elapsed_ms, not_modified in rows:
            old, links = writer.previous_page(from_run, url)
            writer.save_page(scratch, replace(
                old, depth=depth, found_via=via, in_sitemap=bool(in_sitemap), fetched_at=fetched_at,
                elapsed_ms=elapsed_ms, rendered=False, render_reason="unchanged",
                meta={**old.meta, "reused_from_run": from_run, "not_modified": bool(not_modified)}), links)
        return scratch, [url for url, *_ in rows]
    finally:
        writer.close()


def age_first_run(db: str, site) -> None:
    """Rows as an older version may have left them: empty (NULL) columns, a page without
    meta, links whose ``scripted`` is missing or not 0/1."""
    record, contact = site.url("/services/record?id=S12"), site.url("/contact-us")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE pages SET title=NULL, headings=NULL, canonical=NULL, phones='', last_updated=NULL "
                     "WHERE run_id=1 AND url=?", (record,))
        conn.execute("UPDATE pages SET meta=NULL, anchors=NULL WHERE run_id=1 AND url=?", (contact,))
        first, second = conn.execute("SELECT rowid FROM links WHERE run_id=1 AND source=? ORDER BY rowid LIMIT 2",
                                     (record,)).fetchall()
        conn.execute("UPDATE links SET scripted=NULL WHERE rowid=?", first)
        conn.execute("UPDATE links SET scripted=2 WHERE rowid=?", second)


@pytest.mark.browser
def test_a_copied_page_is_stored_as_decoding_and_saving_it_stored(make_site, crawl_cfg):
    site = make_site(messy_site())
    cfg = crawl_cfg(site.url("/"), max_depth=4, render="auto", a11y=True, a11y_per_template=2)
    first = crawl(cfg)
    age_first_run(cfg.db, site)
    second = crawl(cfg)
    scratch, urls = decode_and_save(cfg.db, first.run_id, second.run_id)
    with sqlite3.connect(cfg.db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM pages WHERE run_id=? AND json_extract(meta, '$.axe')",
                            (second.run_id,)).fetchone()[0] >= 1, "some reused pages must carry axe results"
        statuses = {row[0] for row in conn.execute("SELECT json_extract(meta, '$.not_modified') FROM pages "
                                                   "WHERE run_id=? AND render_reason='unchanged'", (second.run_id,))}
        assert statuses == {0, 1}, "pages reused after a 304 and after an unchanged body"
        assert len(urls) > 30
        assert site.url("/services/record?id=S12") in urls and site.url("/contact-us") in urls
        assert raw_pages(conn, second.run_id, urls) == raw_pages(conn, scratch, urls)
        copied, saved = raw_links(conn, second.run_id, urls), raw_links(conn, scratch, urls)
        assert sum(map(len, copied)) > 200 and copied == saved
        aged = conn.execute("SELECT title, headings, canonical, phones, meta IS NOT NULL FROM pages "
                            "WHERE run_id=? AND url=?", (second.run_id, site.url("/services/record?id=S12"))).fetchone()
        assert aged == ("", "[]", "", "[]", 1)
        axe = [conn.execute("SELECT COUNT(*) FROM axe WHERE run_id=?", (run,)).fetchone()[0]
               for run in (first.run_id, second.run_id)]
        assert axe[0] == axe[1] and axe[0] > 0, "the axe results of unchanged pages are carried over"


def test_a_page_changed_into_another_page_keeps_no_old_link(make_site, crawl_cfg):
    """A page reused in one run and changed in the next stores only its new links."""
    routes = messy_site()
    site = make_site(routes)
    cfg = crawl_cfg(site.url("/"), max_depth=4)
    crawl(cfg)
    crawl(cfg)
    site.routes["/contact-us"] = Route(page("Contact us", "<a href='/services/'>Services</a>"), etag='"c2"')
    third = crawl(cfg)
    with sqlite3.connect(cfg.db) as conn:
        links = conn.execute(run_links_sql("l.target", "p.url=?2"),
                             (third.run_id, site.url("/contact-us"))).fetchall()
    assert links == [(site.url("/services/"),)]


TREE = 300


def tree_site() -> dict[str, Route]:
    """A binary tree of pages with ETags, answering a little slowly, so a kill lands midway."""
    def node(k: int) -> Route:
        kids = "".join(f"<a href='/n/{c}'>Node {c}</a> " for c in (2 * k, 2 * k + 1) if c <= TREE)
        return Route(page(f"Node {k}", f"<p>Node {k} – café</p>{kids}<a href='/'>Home</a>"), etag=f'"n{k}"',
                     delay=0.01)
    routes = {"/": Route(page("Home", "<a href='/n/1'>Start</a>"), etag='"home"')}
    routes.update({f"/n/{k}": node(k) for k in range(1, TREE + 1)})
    return routes


def kill_recrawl_after(site, db: str, tmp_path: Path, concurrency: int, pages: int) -> None:
    """Re-crawl ``site`` into ``db`` with the command line and kill it (kill -9) once run 2
    has saved ``pages`` pages."""
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  a11y: false\n  check_external: false\n")
    cli = [str(Path(sys.executable).with_name("lo-audit")), "-q", "crawl", site.url("/"), "--config", str(config),
           "--db", db, "--render", "never", "--rate", "0", "--concurrency", str(concurrency)]
    proc = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run_pages(db, 2) < pages and proc.poll() is None:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the re-crawl must be killed midway, not finish"


def run_pages(db: str, run_id: int) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM pages WHERE run_id=?", (run_id,)).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_a_killed_recrawl_resumes_to_the_run_a_whole_recrawl_stores(make_site, crawl_cfg, tmp_path):
    site = make_site(tree_site())
    db = str(tmp_path / "crawl.sqlite")
    first = crawl(crawl_cfg(site.url("/"), db=db, concurrency=2))
    assert first.pages == TREE + 1
    kill_recrawl_after(site, db, tmp_path, concurrency=2, pages=100)
    kept = run_pages(db, 2)
    assert 100 <= kept < TREE + 1
    asked = len(site.requests)
    resumed = crawl(crawl_cfg(site.url("/"), db=db, resume=True, concurrency=2))
    assert resumed.resumed and resumed.run_id == 2 and resumed.pages == TREE + 1
    assert len([r for r in site.requests[asked:] if r.path != "/robots.txt" and "sitemap" not in r.path]) \
        <= TREE + 1 - kept, "pages saved before the kill are not fetched again"
    assert stored(db, 2) == stored(db, 1)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT DISTINCT render_reason FROM pages WHERE run_id=2").fetchall() == [("unchanged",)]
        assert conn.execute("SELECT COUNT(*), SUM(state='done') FROM frontier WHERE run_id=2").fetchone() == (
            TREE + 1, TREE + 1)
        counts = {run: dict(conn.execute(run_links_sql("l.source, COUNT(*)") + " GROUP BY l.source", (run,)))
                  for run in (1, 2)}
        written = conn.execute("SELECT COUNT(*) FROM links WHERE run_id=2").fetchone()[0]
    assert counts[1] == counts[2] and counts[1], "no link lost"
    assert written == 0, "the unchanged pages' links are not stored again"


def test_depth_steps_decide_and_count_as_depth_step_does():
    """Menus, result lists (``?page=N``, ``/page/N``, numeric steps, "Next" links),
    calendars and links to the page itself, in a random order: the same depths, the same
    pagination counts and steps, link after link."""
    rng = random.Random(7)
    host = "http://h"
    targets = [f"{host}/", f"{host}/services/", f"{host}/a/b"] + [f"{host}/services/?page={n}" for n in range(1, 9)]
    targets += [f"{host}/news/page/{n}" for n in range(1, 6)] + [f"{host}/search?q=x&sr={n}" for n in range(0, 80, 10)]
    targets += [f"{host}/search?q=x&sr={n}" for n in (5, 15)] + [f"{host}/list?sort=a", f"{host}/list?sort=b"]
    targets += [f"{host}/events?month=2026-0{m}" for m in range(1, 5)] + [f"{host}/events/2026/0{m}/" for m in (1, 2)]
    texts = ["Next", "»", "2", "Services", "", "Next page"]
    sources = [f"{host}/services/?page=1", f"{host}/search?q=x&sr=0", f"{host}/list?sort=a", f"{host}/news/page/2",
               f"{host}/", f"{host}/events?month=2026-01"]
    plain, batched = Guards(1000, 5, 100), Guards(1000, 5, 100)
    for _ in range(300):
        source = rng.choice(sources)
        links = [(rng.choice(targets + [source]), rng.choice(texts)) for _ in range(rng.randint(0, 12))]
        expected = [plain.depth_step(source, target, text) for target, text in links]
        assert batched.depth_steps(source, links) == expected
        assert (batched.paginated, batched.steps) == (plain.paginated, plain.steps)
    assert sum(plain.paginated.values()) > 100 and plain.steps, "the links must include pagination"
