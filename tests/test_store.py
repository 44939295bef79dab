"""The crawl store round-trips pages and links and refuses stores from the future."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.model import Link, Page
from crawler.store import StoreReader, StoreWriter
from common.errors import StoreError


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
