"""A re-crawl of a changed site, killed midway (kill -9) and resumed, stores what a
fresh crawl of the changed site stores: pages, links in order, frontier."""

from __future__ import annotations

from crawlsite import Route, page
from test_recrawl_bulk import copy_store, remove_store, snapshot
from test_recrawl_copy import TREE, kill_recrawl_after, run_pages, tree_site

from crawler.crawl import crawl
from crawler.store import StoreWriter


def change(site) -> None:
    site.routes["/n/5"] = Route(page("Node 5 v2", "<a href='/n/new'>New</a> <a href='/n/11'>Node 11</a> "
                                                  "<a href='/n/10'>Node 10</a>"), etag='"n5-v2"', delay=0.01)
    site.routes["/n/new"] = Route(page("New", "<a href='/n/3'>Three</a>"), etag='"new"', delay=0.01)
    site.routes["/n/7"] = Route("gone", status=404, content_type="text/plain")
    site.routes["/n/150"] = Route(page("Node 150 v2", "<p>moved</p><a href='/n/1'>One</a>"), delay=0.01)
    site.routes["/n/250"] = Route(page("Node 250 v2", "<a href='/n/251'>Sibling</a><a href='/n/2'>Two</a>"),
                                  etag='"n250-v2"', delay=0.01)


def test_a_killed_recrawl_of_a_changed_site_resumes_to_a_fresh_crawl(make_site, crawl_cfg, tmp_path, monkeypatch):
    site = make_site(tree_site())
    db = str(tmp_path / "crawl.sqlite")
    cfg = crawl_cfg(site.url("/"), db=db, concurrency=1)
    crawl(cfg)
    change(site)
    copy_store(db, db + ".kept")
    remove_store(db)
    crawl(cfg)
    expected = snapshot(db, 1)
    remove_store(db)
    copy_store(db + ".kept", db)

    kill_recrawl_after(site, db, tmp_path, concurrency=1, pages=60)
    assert 60 <= run_pages(db, 2) < TREE - 60, "killed midway"
    copies = []  # the resumed part copies unchanged pages too
    real = StoreWriter.copy_page
    monkeypatch.setattr(StoreWriter, "copy_page", lambda self, *a, **k: copies.append(a[2]) or real(self, *a, **k))
    resumed = crawl(crawl_cfg(site.url("/"), db=db, resume=True, concurrency=1))
    assert len(copies) > 50, "the resumed part copied pages"
    assert resumed.resumed and resumed.run_id == 2
    got = snapshot(db, 2)
    for name, want, have in zip(("pages", "links", "frontier"), expected, got):
        assert have == want, name
