"""A page that now redirects elsewhere, to a copy of the body it had (a site moving its
pages, the old address left to a redirect), is not the page the previous run read: a
re-crawl stores where it leads now and crawls that address, as a fresh crawl does, rather
than keep the old target (now gone) as the page's final address."""

from __future__ import annotations

import pytest
from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.store import StoreReader

BODY = page("Short breaks", "<p>Clubs for children aged 5 to 11.</p><a href='/'>Home</a>")


def _read(db: str) -> tuple[list[tuple], list[tuple]]:
    reader = StoreReader(db)
    try:
        return (sorted((p.url, p.final_url, p.status, p.redirects) for p in reader.pages()),
                sorted((l.source, l.target) for l in reader.links()))
    finally:
        reader.close()


@pytest.mark.parametrize("etag", ['"sb"', ""], ids=["not-modified", "same-body"])
def test_a_page_redirected_elsewhere_is_read_where_it_leads_now(make_site, crawl_cfg, tmp_path, etag):
    site = make_site({"/": Route(page("Local Offer", "<a href='/short-breaks'>Short breaks</a>"), etag='"h"'),
                      "/short-breaks": Route("", status=301, headers={"Location": "/services/short-breaks"}),
                      "/services/short-breaks": Route(BODY, etag=etag)})
    db, fresh = str(tmp_path / "crawl.sqlite"), str(tmp_path / "fresh.sqlite")
    crawl(crawl_cfg(site.url("/"), db=db))
    site.routes["/short-breaks"] = Route("", status=301, headers={"Location": "/send/short-breaks"})
    site.routes["/send/short-breaks"] = Route(BODY, etag=etag)
    site.routes["/services/short-breaks"] = Route("gone", status=404, content_type="text/plain")
    crawl(crawl_cfg(site.url("/"), db=db))
    crawl(crawl_cfg(site.url("/"), db=fresh))
    assert _read(db) == _read(fresh)
    assert (site.url("/short-breaks"), site.url("/send/short-breaks"), 200,
            ((site.url("/short-breaks"), 301),)) in _read(db)[0]
    third = crawl(crawl_cfg(site.url("/"), db=db))  # unchanged since: reused
    assert StoreReader(db, run_id=third.run_id).page(site.url("/short-breaks")).render_reason == "unchanged"
    assert _read(db) == _read(fresh)
