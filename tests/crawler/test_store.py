"""The crawl store round-trips pages and links and refuses stores from the future."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import contextmanager

import pytest

from crawler.model import Link, Page
from crawler.store import StoreReader, StoreWriter
from crawler.errors import StoreError


def test_pages_and_links_round_trip(tmp_path):
    db = tmp_path / "crawl.sqlite"
    writer = StoreWriter(db)
    run = writer.start_run(["http://127.0.0.1:1/"], ["127.0.0.1:1"], {})
    page = Page(url="http://127.0.0.1:1/", final_url="http://127.0.0.1:1/", status=200, title="Home",
                headings=((1, "Home"),), phones=("+441173701875",), redirects=(("http://127.0.0.1:1/old", 301),),
                rendered=True, meta={"fields": {"Telephone": "0117 370 1875"}})
    link = Link(source=page.url, target="http://127.0.0.1:1/a", href="/a", text="A", region="main", scripted=True)
    writer.enqueue(run, [(page.url, 0, "", "start")])
    writer.save_page(run, page, [link])
    writer.finish_run(run)
    writer.close()

    reader = StoreReader(db)
    assert reader.run()["status"] == "complete"
    [back] = list(reader.pages())
    assert back == page and back.meta == page.meta
    assert list(reader.links()) == [link]
    assert reader.inlinks() == {"http://127.0.0.1:1/a": 1}
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_resume_sees_only_unfinished_frontier(tmp_path):
    writer = StoreWriter(tmp_path / "s.sqlite")
    run = writer.start_run([], [], {})
    writer.enqueue(run, [("u1", 0, "", "start"), ("u2", 1, "u1", "link")])
    assert writer.enqueue(run, [("u2", 1, "u1", "link")]) == []
    writer.save_page(run, Page(url="u1", status=200))
    assert writer.unfinished_run() == run
    assert [q[0] for q in writer.queued(run)] == ["u2"]


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "s.sqlite"
    StoreWriter(db).close()
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer than this tool"):
        StoreReader(db)


def test_not_a_store_is_refused(tmp_path):
    bogus = tmp_path / "x.sqlite"
    bogus.write_text("hello, not sqlite" * 100)
    with pytest.raises(StoreError):
        StoreReader(bogus)


def test_run_totals_count_what_the_run_saved(tmp_path):
    from crawler.model import LinkStatus

    db = tmp_path / "s.sqlite"
    writer = StoreWriter(db)
    old = writer.start_run([], [], {})
    writer.save_page(old, Page(url="x", status=200, kind="html"))
    run = writer.start_run([], [], {})
    writer.save_page(run, Page(url="a", status=200, kind="html", rendered=True, meta={"axe": True}))
    writer.save_page(run, Page(url="b", status=404, kind="html"))
    writer.save_page(run, Page(url="c", status=0, error="dns", kind="html"))
    writer.save_page(run, Page(url="d", guard="max-depth", kind="other"))
    writer.save_page(run, Page(url="e.pdf", status=200, kind="document"))
    writer.save_link_status(run, [LinkStatus(url="http://o/1", status=200, checked_by="crawler"),
                                  LinkStatus(url="http://o/2", status=200, checked_by="cache")])
    totals = writer.run_totals(run)
    assert (totals.pages, totals.html, totals.rendered, totals.axe, totals.errors, totals.guarded,
            totals.documents, totals.link_checks, totals.seconds) == (5, 3, 1, 1, 2, 1, 1, 1, 0.0)
    writer.finish_run(run)
    writer.close()
    reader = StoreReader(db)
    assert reader.totals().pages == 5 and reader.totals().seconds >= 0
    assert StoreReader(db, run_id=old).totals().pages == 1


def test_page_fields_and_inlinks_agree_with_the_decoded_pages(tmp_path):
    """``page_fields`` (defaults filled in SQL) gives what ``pages()`` decodes, NULLs left
    by an older store included; ``inlinks`` counts distinct linking pages."""
    from crawler.store import _BOOL_FIELDS, _JSON_FIELDS, PAGE_FIELDS

    db = tmp_path / "crawl.sqlite"
    writer = StoreWriter(db)
    run = writer.start_run(["http://127.0.0.1:1/"], ["127.0.0.1:1"], {})
    base = "http://127.0.0.1:1"
    pages = [Page(url=f"{base}/", status=200, title="It's home", rendered=True, in_sitemap=False, elapsed_ms=12),
             Page(url=f"{base}/a", status=404, error="gone", kind="other", found_via="sitemap", in_sitemap=True),
             Page(url=f"{base}/b", status=200, title="B", depth=2)]
    writer.enqueue(run, [(p.url, 0, "", "start") for p in pages])
    writer.save_page(run, pages[0], [Link(source=pages[0].url, target=f"{base}/a", href="/a"),
                                     Link(source=pages[0].url, target=f"{base}/a", href="/a#x"),
                                     Link(source=pages[0].url, target=f"{base}/b", href="/b")])
    writer.save_page(run, pages[1], [])
    writer.save_page(run, pages[2], [Link(source=pages[2].url, target=f"{base}/a", href="/a")])
    writer.finish_run(run)
    writer.close()
    plain = [n for n in PAGE_FIELDS if n not in _JSON_FIELDS]
    nullable = [n for n in plain if n != "url" and n not in _BOOL_FIELDS]
    conn = sqlite3.connect(db)  # what a store written before a column existed holds
    conn.execute(f"UPDATE pages SET {', '.join(f'{n}=NULL' for n in nullable)} WHERE url=?", (f"{base}/b",))
    conn.commit()
    conn.close()

    reader = StoreReader(db)
    decoded = [tuple(getattr(p, n) for n in plain) for p in reader.pages()]
    assert list(reader.page_fields(plain)) == decoded
    assert [type(v) for v in next(reader.page_fields(plain))] == [type(v) for v in decoded[0]]
    assert list(reader.page_fields(["url", "title"])) == [(p[0], p[plain.index("title")]) for p in decoded]
    assert decoded[2][plain.index("title")] == "" and decoded[2][plain.index("kind")] == "html"
    assert reader.inlinks() == {f"{base}/a": 2, f"{base}/b": 1}


def _as_schema_1(db) -> None:
    """Turn a store into one of schema 1 (before ``pages.links_run``, with ``links_by_target``)."""
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE pages DROP COLUMN links_run")
    conn.execute("CREATE INDEX links_by_target ON links (run_id, target)")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()


def test_a_store_of_schema_1_is_upgraded_and_read_as_before(tmp_path):
    """An older store opens as it was (every page's links are its own run's), gains
    ``pages.links_run`` and loses ``links_by_target``; a re-crawl into it then shares links."""
    db = tmp_path / "s.sqlite"
    writer = StoreWriter(db)
    run = writer.start_run(["http://h/"], ["h"], {})
    pages = [Page(url=f"http://h/{n}", status=200, title=str(n)) for n in range(3)]
    links = {p.url: [Link(p.url, f"http://h/{n}", str(n), f"T{n}", "main") for n in (2, 0, 1)]
             for p in pages}
    for p in pages:
        writer.save_page(run, p, links[p.url])
    writer.finish_run(run)
    writer.close()
    before = StoreReader(db)
    expected, digest = list(before.links()), before.run_digest()
    before.close()
    _as_schema_1(db)

    reader = StoreReader(db)
    assert list(reader.links()) == expected and reader.run_digest() == digest
    assert reader.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "2"
    assert "links_run" in {r[1] for r in reader.conn.execute("PRAGMA table_info(pages)")}
    assert reader.conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name='links_by_target'").fetchone()[0] == 0
    reader.close()
    writer = StoreWriter(db)
    again = writer.start_run(["http://h/"], ["h"], {})
    assert all(writer.copy_page(run, again, p.url, {"depth": 1}) for p in pages)
    writer.finish_run(again)
    writer.close()
    assert list(StoreReader(db, run_id=again).links()) == expected
    assert StoreReader(db, run_id=again).run_digest() == digest


def test_links_of_another_page_are_refused(tmp_path):
    """The store finds a page's links by the page's URL: links saved with another page would be lost."""
    writer = StoreWriter(tmp_path / "s.sqlite")
    run = writer.start_run([], [], {})
    with pytest.raises(ValueError, match="links of another page"):
        writer.save_page(run, Page(url="http://h/a", status=200), [Link("http://h/b", "http://h/c", "/c", "C", "main")])
    writer.close()


@contextmanager
def _read_only(path):
    """``path`` cannot be written, even by root (who ignores file modes: the file is made
    immutable then, where the file system allows it)."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("cannot make a file read-only for root here (no chattr)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_store_of_schema_1_is_read_as_before(tmp_path):
    """A store of schema 1 that cannot be written (an archived crawl, a read-only share)
    cannot be upgraded; it is read as it is (each page's links are its own run's), with
    the links, counts and digest it had, rather than refused."""
    db = tmp_path / "s.sqlite"
    writer = StoreWriter(db)
    run = writer.start_run(["http://h/"], ["h"], {})
    pages = [Page(url=f"http://h/{n}", status=200, title=str(n)) for n in range(3)]
    for p in pages:
        writer.save_page(run, p, [Link(p.url, f"http://h/{n}", str(n), f"T{n}", "main") for n in (2, 0, 1)])
    writer.finish_run(run)
    writer.close()
    before = StoreReader(db)
    expected = (list(before.links()), list(before.links(pages[1].url)), before.inlinks(), before.run_digest())
    before.close()
    _as_schema_1(db)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with _read_only(db):
        reader = StoreReader(db)
        assert (list(reader.links()), list(reader.links(pages[1].url)), reader.inlinks(),
                reader.run_digest()) == expected
        assert [p.url for p in reader.pages()] == [p.url for p in pages]
        reader.close()
    assert StoreReader(db).conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "2"


def test_the_index_an_older_tool_adds_before_refusing_the_store_is_dropped_again(tmp_path):
    """An older tool opening a store of schema 2 creates ``links_by_target`` (its schema's
    ``CREATE INDEX IF NOT EXISTS`` runs before it reads the version and refuses the store):
    the next opening by this tool drops it, so no write of links keeps an index nothing reads."""
    db = tmp_path / "s.sqlite"
    writer = StoreWriter(db)
    run = writer.start_run(["http://h/"], ["h"], {})
    writer.save_page(run, Page(url="http://h/", status=200), [Link("http://h/", "http://h/a", "/a", "A", "main")])
    writer.finish_run(run)
    writer.close()
    with sqlite3.connect(db) as conn:  # what an older tool's opening leaves
        conn.execute("CREATE INDEX IF NOT EXISTS links_by_target ON links (run_id, target)")
    for opened in (lambda: StoreReader(db), lambda: StoreWriter(db)):
        handle = opened()
        assert handle.conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name='links_by_target'").fetchone()[0] == 0
        handle.close()
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE INDEX IF NOT EXISTS links_by_target ON links (run_id, target)")


def test_an_upgrade_that_cannot_begin_says_why(tmp_path):
    """Another process holding the write lock: the upgrade fails with the store's own error
    (it is locked), which ``connect`` puts in its one-line message."""
    from crawler.store import _upgrade

    db = tmp_path / "s.sqlite"
    StoreWriter(db).close()
    _as_schema_1(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            _upgrade(conn)
    finally:
        conn.close()
        holder.execute("ROLLBACK")
        holder.close()


def test_a_store_whose_path_holds_uri_characters_is_read_read_only(tmp_path):
    """``kept_pages`` (and the benchmark) open the store read-only by URI: a ``#``, ``?`` or
    ``%`` in its path is part of the file's name, not of the URI."""
    from crawler.store import kept_pages, read_only

    db = tmp_path / "odd #1 ?x %20.sqlite"
    writer = StoreWriter(db)
    run = writer.start_run([], [], {})
    writer.save_page(run, Page(url="http://h/a", status=200))
    writer.finish_run(run)
    writer.close()
    assert kept_pages(db) == 1
    conn = read_only(db)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM pages")
    finally:
        conn.close()
