"""A small stdlib crawler for the demo tests: follows links in raw HTML (and the
"latest services" JSON API), within the CMS and directory hosts."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit


class LinkParser(HTMLParser):
    """Collects hrefs/srcs, ids, images without alt and the <main> text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.images_without_alt = 0
        self.canonical = ""
        self.lang = ""
        self._in_main = 0
        self.main_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href", "")
        if tag == "img" and "alt" not in a:
            self.images_without_alt += 1
        if tag == "main":
            self._in_main += 1
        if self._in_main and tag in ("p", "li", "h1", "h2", "h3", "dt", "dd", "tr", "td", "th"):
            self.main_text.append("\n")

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main -= 1

    def handle_data(self, data):
        if self._in_main:
            self.main_text.append(data)


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes
    location: str = ""
    parsed: LinkParser | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> Fetched:
    """GET without following redirects."""
    try:
        with _OPENER.open(url, timeout=10) as r:
            return Fetched(url, r.status, r.headers.get("Content-Type", ""), r.read())
    except urllib.error.HTTPError as e:
        return Fetched(url, e.code, e.headers.get("Content-Type", ""), e.read(), e.headers.get("Location", ""))


def clean(url: str) -> str:
    """Drop the fragment."""
    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, p.path, p.query, ""))


@dataclass
class Walk:
    pages: dict[str, Fetched] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)  # page -> absolute hrefs (with fragments)

    def html_pages(self, status: int = 200) -> dict[str, Fetched]:
        return {u: f for u, f in self.pages.items() if f.status == status and f.content_type.startswith("text/html")}


def walk(start_urls: list[str], allow: set[str], api: str | None = None, limit: int = 2000) -> Walk:
    """Breadth-first walk of raw HTML links on allowed hosts (plus every page of ``api``)."""
    result = Walk()
    queue = [clean(u) for u in start_urls]
    if api:
        page = 1
        while True:
            f = fetch(f"{api}?page={page}")
            if f.status != 200:
                break
            data = json.loads(f.body)
            queue += [urljoin(api, s["url"]) for s in data["services"]]
            if page >= data["total_pages"]:
                break
            page += 1
    seen = set(queue)
    while queue and len(result.pages) < limit:
        url = queue.pop(0)
        f = fetch(url)
        result.pages[url] = f
        if f.status in (301, 302) and f.location:
            nxt = clean(urljoin(url, f.location))
            if nxt not in seen and urlsplit(nxt).netloc in allow:
                seen.add(nxt)
                queue.append(nxt)
            continue
        if not f.content_type.startswith("text/html"):
            continue
        parser = LinkParser()
        parser.feed(f.body.decode("utf-8", "replace"))
        f.parsed = parser
        hrefs = [urljoin(url, h) for h in parser.links]
        result.links[url] = hrefs
        for h in hrefs:
            target = clean(h)
            if urlsplit(target).scheme in ("http", "https") and urlsplit(target).netloc in allow and target not in seen:
                if "/admin/" in urlsplit(target).path:
                    continue  # robots.txt disallows it
                seen.add(target)
                queue.append(target)
    return result
