"""``build_links`` resolves each href's part before ``#`` once per page: the result must be
exactly what resolving every href whole gives (fragments, the page itself, other schemes)."""

from __future__ import annotations

from urllib.parse import urljoin

from crawler.pagebuild import Scope, build_links
from crawler.parse import ParsedHtml, RawLink, parse_html
from crawler.urls import link_kind, normalise, split_fragment

SCOPE = Scope(frozenset({"www.example.gov.uk"}), ("utm_*",))
BASE = "https://www.example.gov.uk/send/health/?tab=2"
HREFS = ["", "#", "#top", " # ", "services#a", "services#b", "services", "a#b#c", "/send/#x", "?q=1#f",
         "mailto:send@example.gov.uk#x", "tel:+44 117 496 0000", "javascript:void(0)#x",
         "https://other.org/leaflet?utm_source=x#p2", "../forms/apply.pdf#page=2", "//www.example.gov.uk/a/index.html#t"]


def whole(href: str):
    """The reference: every href resolved on its own, as the crawler always did."""
    href = href.strip()
    if not href:
        return None
    absolute = urljoin(BASE, href)
    kind = link_kind(absolute, SCOPE.allowed)
    if kind in ("page", "external", "document"):
        target, fragment = split_fragment(absolute)
        return normalise(target, SCOPE.strip), fragment, kind
    return href, "", kind


def test_same_links_as_resolving_every_href_whole():
    parsed = ParsedHtml(links=tuple(RawLink(h, "text", "main") for h in HREFS))
    got = [(link.target, link.fragment, link.kind) for link in build_links(BASE, BASE, parsed, SCOPE)]
    assert got == [w for w in map(whole, HREFS) if w is not None]
    assert got[0] == (normalise("https://www.example.gov.uk/send/health/?tab=2"), "", "page")  # "#" is this page
    assert got[1][1] == "top" and got[3][:2] == got[4][:1] + ("a",) and got[4][1] == "b"


def test_regions_of_links():
    html = ("<html><body><header><a href='/'>Home</a></header><nav><a href='/a'>A</a></nav>"
            "<main><a href='/b'>B</a><aside><a href='/c'>C</a></aside></main>"
            "<div role='contentinfo'><a href='/d'>D</a></div><a href='/e'>E</a></body></html>")
    assert [link.region for link in parse_html(html).links] == ["header", "nav", "main", "aside", "footer", "body"]


def test_leaving_the_allowed_hosts_is_judged_the_same_for_redirects_refreshes_and_the_browser():
    from crawler.urls import on_allowed_host

    allowed = frozenset({"127.0.0.1:8000", "council.example"})
    assert on_allowed_host("http://127.0.0.1:8000/a", allowed) and on_allowed_host("HTTPS://Council.Example/x", allowed)
    assert not on_allowed_host("http://127.0.0.1:8001/a", allowed)
    assert not on_allowed_host("http://other.example/", allowed)
    assert not on_allowed_host("javascript:location='http://council.example/'", allowed)
    assert not on_allowed_host("ftp://council.example/file", allowed)
