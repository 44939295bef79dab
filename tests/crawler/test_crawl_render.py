"""Rendering in a real Chromium: script-added links, "load more", cookie banners, dialogs, axe."""

from __future__ import annotations

import json

import pytest
from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.store import StoreReader

pytestmark = pytest.mark.browser

JSON_APP = """<div id="root"></div><script>
fetch('/api/services.json').then(r => r.json()).then(items => {
  const root = document.getElementById('root');
  for (const s of items) { const a = document.createElement('a'); a.href = s.url; a.textContent = s.name; root.appendChild(a); }
});</script>"""

LOAD_MORE = """<ul id="list"><li><a href="/svc/1">Service 1</a></li></ul>
<button id="more" type="button">Load more</button><script>
let next = 2;
document.getElementById('more').addEventListener('click', () => {
  const li = document.createElement('li'); li.innerHTML = `<a href="/svc/${next}">Service ${next}</a>`;
  document.getElementById('list').appendChild(li);
  if (++next > 4) document.getElementById('more').remove();
});</script>"""

COOKIES_AND_DIALOGS = """<div class="cookie-banner" id="cookies"><p>We use cookies.</p>
<button onclick="document.getElementById('cookies').remove(); document.body.dataset.consent='yes'">Accept all</button></div>
<p>Content</p><script>
alert('Welcome!'); if (confirm('Continue?')) { prompt('Name?'); } window.print();
const a = document.createElement('a'); a.href = '/after-dialogs'; a.textContent = 'After dialogs'; document.querySelector('main').appendChild(a);
</script>"""


def routes():
    services = [{"url": "/svc/json-a", "name": "JSON A"}, {"url": "/svc/json-b", "name": "JSON B"}]
    base = {
        "/": Route(page("Home", "<a href='/app'>App</a> <a href='/list'>List</a> <a href='/cookies'>Cookies</a>"
                                "<script>var x = 1;</script>")),
        "/app": Route(page("App", JSON_APP)),
        "/api/services.json": Route(json.dumps(services), content_type="application/json"),
        "/list": Route(page("List", LOAD_MORE)),
        "/cookies": Route(page("Cookies", COOKIES_AND_DIALOGS)),
        "/after-dialogs": Route(page("After", "")),
    }
    base.update({f"/svc/{k}": Route(page(f"Service {k}", "")) for k in ("1", "2", "3", "4", "json-a", "json-b")})
    return base


def test_javascript_links_load_more_cookies_and_dialogs(make_site, crawl_cfg):
    site = make_site(routes())
    cfg = crawl_cfg(site.url("/"), render="auto", timeout=15)
    crawl(cfg)
    reader = StoreReader(cfg.db)
    pages = {p.url: p for p in reader.pages()}
    app = pages[site.url("/app")]
    assert app.rendered and app.render_reason.startswith("js-signal")
    app_links = {link.target: link for link in reader.links(site.url("/app"))}
    assert app_links[site.url("/svc/json-a")].scripted and site.url("/svc/json-b") in pages
    listing = pages[site.url("/list")]
    assert listing.meta["load_more_clicks"] == 3
    assert {site.url(f"/svc/{i}") for i in range(1, 5)} <= set(pages)
    scripted = {link.target for link in reader.links(site.url("/list")) if link.scripted}
    assert scripted == {site.url(f"/svc/{i}") for i in (2, 3, 4)}
    cookies = pages[site.url("/cookies")]
    assert cookies.rendered and cookies.meta["cookie_banner"] == "Accept all"
    assert cookies.meta["dialogs"] == 3 and "We use cookies" not in cookies.main_text
    assert site.url("/after-dialogs") in pages
    static = pages[site.url("/svc/1")]
    assert not static.rendered and static.render_reason == "no-scripts"
    assert site.count("/app") == 1  # the browser was served the fetched HTML, not a second request


def test_axe_runs_on_sample(make_site, crawl_cfg):
    site = make_site({"/": Route(page("Home", "<img src='x.png'><a href='/b'>B</a>")),
                      "/b": Route(page("B", "<p>Fine</p>"))})
    cfg = crawl_cfg(site.url("/"), render="auto", a11y=True, a11y_per_template=1)
    crawl(cfg)
    reader = StoreReader(cfg.db)
    rules = {v.rule for v in reader.axe_violations()}
    assert "image-alt" in rules
    example = next(v for v in reader.axe_violations() if v.rule == "image-alt")
    assert example.example_html.startswith("<img") and len(example.example_html) <= 300
    assert site.url("/") in reader.axe_checked_urls()
    assert reader.page(site.url("/")).render_reason == "a11y-sample"
