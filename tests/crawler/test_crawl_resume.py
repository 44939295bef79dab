"""A crawl killed with SIGKILL resumes from its frontier; an unchanged re-crawl reuses work."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.store import StoreReader

PAGES = 60


def chain_site() -> dict[str, Route]:
    links = "".join(f"<a href='/p{i}'>Page {i}</a>" for i in range(PAGES))
    routes = {"/": Route(page("Home", links))}
    routes.update({f"/p{i}": Route(page(f"Page {i}", "<p>text</p>")) for i in range(PAGES)})
    return routes


def stored_urls(db: str) -> set[str]:
    """Pages stored so far (none while the crawler is still creating the file)."""
    try:
        with sqlite3.connect(db) as conn:
            return {row[0] for row in conn.execute("SELECT url FROM pages")}
    except sqlite3.OperationalError:
        return set()


def crawl_command(start: str, tmp_path: Path, db: str, *flags: str) -> list[str]:
    """``lo-audit crawl`` of ``start`` into ``db`` without rendering, axe or outside checks."""
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  a11y: false\n  check_external: false\n")
    cli = Path(sys.executable).with_name("lo-audit")
    return [str(cli), "-q", "crawl", start, "--config", str(config), "--db", db, "--render", "never", *flags]


def test_killed_crawl_resumes_without_refetching(make_site, crawl_cfg, tmp_path):
    site = make_site(chain_site())
    db = str(tmp_path / "crawl.sqlite")
    proc = subprocess.Popen(crawl_command(site.url("/"), tmp_path, db, "--rate", "25", "--concurrency", "2"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(stored_urls(db)) < 15:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the crawler must die by SIGKILL, not finish"
    done_before = stored_urls(db)
    assert 15 <= len(done_before) < PAGES + 1, "the crawl should have been killed midway"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM runs WHERE id=1").fetchone()[0] == "running"

    result = crawl(crawl_cfg(site.url("/"), db=db, resume=True))
    assert result.resumed and result.run_id == 1
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, COUNT(*) FROM pages WHERE run_id=1 GROUP BY url").fetchall()
        assert conn.execute("SELECT status FROM runs WHERE id=1").fetchone()[0] == "complete"
    assert {url for url, _ in rows} == {site.url("/")} | {site.url(f"/p{i}") for i in range(PAGES)}
    assert all(count == 1 for _, count in rows)
    with sqlite3.connect(db) as conn:
        links = conn.execute("SELECT source, target, COUNT(*) FROM links WHERE run_id=1 GROUP BY source, target").fetchall()
        frontier = conn.execute("SELECT COUNT(*), SUM(state='done') FROM frontier WHERE run_id=1").fetchone()
    assert len(links) == PAGES and all(count == 1 for *_, count in links)  # no link stored twice
    assert frontier == (PAGES + 1, PAGES + 1)
    for url in done_before:
        path = url.removeprefix(site.root)
        assert site.count(path) == 1, f"{path} was fetched again after resuming"


TREE = 300


def tree_site() -> dict[str, Route]:
    """Every page finds new pages (a binary tree), answering a little slowly, so a kill at
    any moment falls between a page being stored and its links being queued."""
    def node(k: int) -> Route:
        kids = "".join(f"<a href='/n/{c}'>Node {c}</a> " for c in (2 * k, 2 * k + 1) if c <= TREE)
        return Route(page(f"Node {k}", f"<p>Node {k}</p>{kids}"), delay=0.01)
    routes = {"/": Route(page("Home", "<a href='/n/1'>Start</a>"))}
    routes.update({f"/n/{k}": node(k) for k in range(1, TREE + 1)})
    return routes


def _kill_when(proc: subprocess.Popen, db: str, stored: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(stored_urls(db)) < stored and proc.poll() is None:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_9_at_many_moments_loses_no_page(make_site, crawl_cfg, tmp_path):
    """kill -9 at five moments of one crawl, resuming after each: the pages end up exactly
    those of a clean crawl (a page once marked done always has its links queued)."""
    site = make_site(tree_site())
    clean = crawl(crawl_cfg(site.url("/"), db=str(tmp_path / "clean.sqlite"), concurrency=2))
    expected = stored_urls(str(tmp_path / "clean.sqlite"))
    assert len(expected) == TREE + 1 and clean.pages == TREE + 1

    db = str(tmp_path / "crawl.sqlite")
    base = crawl_command(site.url("/"), tmp_path, db, "--rate", "0", "--concurrency", "2")
    killed = 0
    for stored in (30, 80, 130, 180, 230):
        proc = subprocess.Popen(base + (["--resume"] if killed else []), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        _kill_when(proc, db, stored)
        killed += proc.returncode == -signal.SIGKILL
    assert killed >= 4, "the crawls must be killed midway, not finish"
    with sqlite3.connect(db) as conn:
        unfinished = conn.execute("SELECT status FROM runs WHERE id=1").fetchone()[0] == "running"
    if unfinished:  # the last crawl may finish before its kill on a fast machine: then nothing to resume
        result = crawl(crawl_cfg(site.url("/"), db=db, resume=True, concurrency=2))
        assert result.resumed and result.run_id == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM runs WHERE id=1").fetchone()[0] == "complete"
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
    assert stored_urls(db) == expected
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM frontier WHERE run_id=1 AND state != 'done'").fetchone()[0] == 0


@pytest.mark.browser
def test_unchanged_recrawl_uses_conditional_requests_and_skips_rendering(make_site, crawl_cfg):
    app = page("App", "<div id='root'></div><script>const a = document.createElement('a'); a.href = '/late';"
                      "a.textContent = 'Late'; document.getElementById('root').appendChild(a);</script>")
    site = make_site({
        "/": Route(page("Home", "<a href='/app'>App</a> <a href='/dated'>Dated</a>"), etag='"home-1"'),
        "/app": Route(app, etag='"app-1"'),
        "/dated": Route(page("Dated", "<p>Last updated 1 May 2024</p>"),
                        headers={"Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}),
        "/late": Route(page("Late", "")),
    })
    cfg = crawl_cfg(site.url("/"), render="auto")
    first = crawl(cfg)
    assert StoreReader(cfg.db, run_id=first.run_id).page(site.url("/app")).rendered
    second = crawl(cfg)
    reader = StoreReader(cfg.db, run_id=second.run_id)
    app_page, dated = reader.page(site.url("/app")), reader.page(site.url("/dated"))
    assert (app_page.rendered, app_page.render_reason, app_page.status) == (False, "unchanged", 200)
    assert app_page.meta["not_modified"] and not dated.meta["not_modified"]
    assert [link.target for link in reader.links(site.url("/app")) if link.scripted] == [site.url("/late")]
    assert dated.render_reason == "unchanged" and dated.last_updated == "2024-05-01"
    app_requests = [r for r in site.requests if r.path == "/app"]
    assert app_requests[-1].headers.get("if-none-match") == '"app-1"'
    assert [r for r in site.requests if r.path == "/dated"][-1].headers.get("if-modified-since")
    assert second.rendered == 0


def test_run_is_created_with_its_start_urls_queued(make_site, crawl_cfg, tmp_path):
    """The run and its start URLs are committed together: a crawl killed before its first
    page leaves a frontier that --resume continues from."""
    from crawler.store import StoreWriter

    db = str(tmp_path / "crawl.sqlite")
    writer = StoreWriter(db, batch=50)
    run_id = writer.start_run(["http://127.0.0.1:1/"], ["127.0.0.1:1"], {})
    writer.abandon()  # killed: nothing after the run's creation is committed
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT url, state FROM frontier WHERE run_id=?", (run_id,)).fetchall() == [
            ("http://127.0.0.1:1/", "queued")]


def test_resume_of_a_run_killed_before_its_first_page_crawls_the_site(make_site, crawl_cfg, tmp_path):
    """A store from before start URLs were queued with the run: run 1 running, empty
    frontier, no page. --resume must crawl the site, not report 0 pages and mark it done."""
    site = make_site(chain_site())
    db = str(tmp_path / "crawl.sqlite")
    from crawler.store import StoreWriter

    writer = StoreWriter(db)
    run_id = writer.start_run([site.url("/")], [site.url("/").split("/")[2]], {})
    writer.conn.execute("DELETE FROM frontier")
    writer.close()
    result = crawl(crawl_cfg(site.url("/"), db=db, resume=True))
    assert result.resumed and result.run_id == run_id
    assert result.pages == PAGES + 1
    assert stored_urls(db) == {site.url("/")} | {site.url(f"/p{i}") for i in range(PAGES)}


def test_resume_with_nothing_to_resume_says_so(make_site, tmp_path):
    site = make_site(chain_site())
    db = str(tmp_path / "crawl.sqlite")
    done = subprocess.run(crawl_command(site.url("/"), tmp_path, db, "--rate", "0", "--resume"),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("\n") == 1 and "no unfinished crawl" in done.stderr and "new crawl" in done.stderr
    assert "(resumed)" not in done.stdout and f"crawled {PAGES + 1} pages" in done.stdout
