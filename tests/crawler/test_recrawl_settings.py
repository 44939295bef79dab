"""A re-crawl reuses an unchanged page of the previous run only when that run read pages the
way this one does: with other allowed hosts or other query parameters stripped, the same
body gives other links (a partner site's pages become pages to crawl, two addresses become
one), so the run must store what a fresh crawl with the new settings stores."""

from __future__ import annotations

import pytest
from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.store import StoreReader


def _read(db: str) -> tuple[list[str], list[tuple]]:
    reader = StoreReader(db)
    try:
        return (sorted(p.url for p in reader.pages()),
                sorted((l.source, l.target, l.kind) for l in reader.links()))
    finally:
        reader.close()


def _host(site) -> str:
    return site.url("/").split("/")[2]


def test_a_recrawl_allowed_more_hosts_crawls_what_a_fresh_crawl_does(make_site, crawl_cfg, tmp_path):
    partner = make_site({"/": Route(page("Partner", "<a href='/groups'>Groups</a>"), etag='"p"'),
                         "/groups": Route(page("Groups", "<p>Youth groups</p>"), etag='"g"')})
    council = make_site({"/": Route(page("Local Offer", f"<a href='/short-breaks'>Short breaks</a> "
                                                        f"<a href='{partner.url('/')}'>Partner</a>"), etag='"h"'),
                         "/short-breaks": Route(page("Short breaks", "<p>Clubs</p>"), etag='"s"')})
    db, fresh = str(tmp_path / "crawl.sqlite"), str(tmp_path / "fresh.sqlite")
    crawl(crawl_cfg(council.url("/"), db=db))
    both = (_host(council), _host(partner))
    again = crawl(crawl_cfg(council.url("/"), db=db, allow_hosts=both))
    crawl(crawl_cfg(council.url("/"), db=fresh, allow_hosts=both))
    assert again.pages == 4
    assert _read(db) == _read(fresh)
    # the same settings again: the unchanged pages are reused
    third = crawl(crawl_cfg(council.url("/"), db=db, allow_hosts=both))
    reasons = {p.render_reason for p in StoreReader(db, run_id=third.run_id).pages()}
    assert reasons == {"unchanged"} and _read(db) == _read(fresh)


def test_a_recrawl_stripping_other_parameters_stores_what_a_fresh_crawl_does(make_site, crawl_cfg, tmp_path):
    site = make_site({"/": Route(page("Local Offer", "<a href='/find?q=1&amp;view=list'>List</a> "
                                                     "<a href='/find?q=1&amp;view=map'>Map</a>"), etag='"h"'),
                      "/find?q=1&view=list": Route(page("Results", "<p>Results</p>"), etag='"l"'),
                      "/find?q=1&view=map": Route(page("Results", "<p>Results</p>"), etag='"m"'),
                      "/find?q=1": Route(page("Results", "<p>Results</p>"), etag='"r"')})
    db, fresh = str(tmp_path / "crawl.sqlite"), str(tmp_path / "fresh.sqlite")
    crawl(crawl_cfg(site.url("/"), db=db))
    crawl(crawl_cfg(site.url("/"), db=db, strip_params=("view",)))
    crawl(crawl_cfg(site.url("/"), db=fresh, strip_params=("view",)))
    assert _read(db) == _read(fresh) and len(_read(fresh)[0]) == 2


SCRIPTED = ("<div id='more'></div><script>document.getElementById('more').innerHTML = "
            "\"<a href='/holiday-clubs'>Holiday clubs</a>\";</script>")


@pytest.mark.browser
def test_a_recrawl_that_renders_finds_the_links_scripts_add(make_site, crawl_cfg, tmp_path):
    """A first crawl without Chromium, then one that renders: the unchanged home page is read
    again in Chromium, so the page only a script links to is found, as a fresh crawl finds it."""
    site = make_site({"/": Route(page("Local Offer", "<a href='/short-breaks'>Short breaks</a>" + SCRIPTED), etag='"h"'),
                      "/short-breaks": Route(page("Short breaks", "<p>Clubs</p>"), etag='"s"'),
                      "/holiday-clubs": Route(page("Holiday clubs", "<p>Summer</p>"), etag='"c"')})
    db, fresh = str(tmp_path / "crawl.sqlite"), str(tmp_path / "fresh.sqlite")
    crawl(crawl_cfg(site.url("/"), db=db, render="never"))
    crawl(crawl_cfg(site.url("/"), db=db, render="always"))
    crawl(crawl_cfg(site.url("/"), db=fresh, render="always"))
    assert _read(db) == _read(fresh)
    assert (site.url("/"), site.url("/holiday-clubs"), "page") in _read(db)[1]
