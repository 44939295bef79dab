"""A page whose rendering failed (a timeout, a crashed tab) was read from its HTML alone,
without the links its scripts add: a re-crawl reads it again, even when the server says it
is unchanged, rather than keep that partial reading for as long as the page does not change."""

from __future__ import annotations

import pytest
from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.store import StoreReader

SCRIPT = "document.getElementById('more').innerHTML = \"<a href='/holiday-clubs'>Holiday clubs</a>\";"


@pytest.mark.browser
def test_a_page_whose_rendering_failed_is_read_again(make_site, crawl_cfg, tmp_path):
    home = page("Local Offer", "<a href='/short-breaks'>Short breaks</a><div id='more'></div>",
                head="<script src='/more.js'></script><script>addEventListener('DOMContentLoaded', "
                     "() => window.more && window.more())</script>")
    site = make_site({"/": Route(home, etag='"h"'),
                      # the first time, the script keeps the page busy past the render's timeout
                      "/more.js": Route("const t = Date.now(); while (Date.now() - t < 6000) {}",
                                        content_type="text/javascript"),
                      "/short-breaks": Route(page("Short breaks", "<p>Clubs</p>"), etag='"s"'),
                      "/holiday-clubs": Route(page("Holiday clubs", "<p>Summer</p>"), etag='"c"')})
    cfg = crawl_cfg(site.url("/"), render="always", timeout=1)
    first = crawl(cfg)
    failed = StoreReader(cfg.db, run_id=first.run_id).page(site.url("/"))
    assert failed.meta.get("render_error") == "render-timeout", "the script keeps the first rendering waiting"
    site.routes["/more.js"] = Route(f"window.more = () => {{ {SCRIPT} }};", content_type="text/javascript")
    second = crawl(cfg)
    reader = StoreReader(cfg.db, run_id=second.run_id)
    home_again = reader.page(site.url("/"))
    assert "render_error" not in home_again.meta and home_again.render_reason != "unchanged"
    assert site.url("/holiday-clubs") in {link.target for link in reader.links(site.url("/"))}
    assert reader.page(site.url("/holiday-clubs")) is not None
    assert reader.page(site.url("/short-breaks")).render_reason == "unchanged", "pages read whole are reused"
