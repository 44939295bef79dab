"""An in-memory index of one crawl, built once and shared by every rule (``ctx.site``).

It answers the questions rules keep asking: which page does this link point to, what
status did it get, who links to a page, which pages are service records (and which URLs
are the same record), which pages carry content.

Service records are recognised (:meth:`SiteIndex.record_signal`, which also says which
signal decided) from the URL shapes of the common directory platforms
(:data:`RECORD_PATTERNS`), from ``checks.service_url_patterns`` (regular expressions
searched in the URL), from ``checks.service_markers`` (simple CSS selectors, matched
against the class names and ids the crawler keeps for each page) and from schema.org
structured data (a ``Service``, ``Organization``, ``LocalBusiness``... item named like
the page's heading, that is not the same item on many pages).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from w3lib.url import canonicalize_url

from crawler.model import Link, LinkStatus, Page

_LISTING_WORDS = r"(?:search|results?|category|categories|categor[a-z]*|tags?|filter|page|list|a-z|index|all)"
RECORD_PATTERNS: dict[str, re.Pattern] = {
    "kb5": re.compile(r"/kb5/[^?#]*/service\.page\?(?:[^#]*&)?id=[^&#]+", re.I),
    "outpost": re.compile(r"^https?://[^/]+/services/[^/?#]+/?(?:[?#]|$)", re.I),
    "openplace": re.compile(r"/o/[^?#]*/service/[^/?#]+|^https?://[^/]+/service/[^/?#]+/?(?:[?#]|$)", re.I),
    "jadu": re.compile(r"/directory[_-]record/\d+(?:/[^/?#]*)?/?(?:[?#]|$)|/directory/record/\d+(?:/[^/?#]*)?/?(?:[?#]|$)",
                       re.I),
    "cms-directory": re.compile(
        rf"/(?:service-directory|services-directory|directory-of-services|directory/services?|directory/listing)"
        rf"/(?!{_LISTING_WORDS}(?:[/?#]|$))[a-z0-9][^/?#]*/?(?:[?#]|$)", re.I),
}
"""Built-in service-record URL shapes: Open Objects/Idox kb5 (``service.page?id=``),
Outpost/Scout (``/services/<id>-<slug>``), Open Place (``/service/<id>``), Jadu
(``/directory-record/1234/name``, ``/directory/record/1234/name``) and Placecube/Drupal
style CMS directories (``/service-directory/<name>``)."""
SITE_WIDE_SCHEMA = 3
"""A schema.org item (type and name) on more pages than this is the site's own (the
council as publisher), not a record."""

MAX_CANONICAL_GROUP = 20
"""Pages naming one canonical URL beyond which the canonical is not trusted to merge them."""
_PRINT_SUFFIX = re.compile(r"/(?:print|printable|print-version|printer-friendly)/?$", re.I)


def _cleanliness(url: str) -> tuple[bool, bool, int, str]:
    """Sort key: the cleanest address of a document first (no print suffix, no query, shortest)."""
    parts = urlsplit(url)
    printish = bool(_PRINT_SUFFIX.search(parts.path)) or "print" in parse_qs(parts.query)
    return printish, bool(parts.query), len(url), url


SOFT_404 = re.compile(
    r"page (?:was |could not be |cannot be )?not (?:be )?found|"
    r"(?:can(?:no|'|’)?t|could(?:n'|n’| no)t|unable to) find (?:that|the|this|the page|what)|"
    r"(?:no longer|does not|doesn'?t|doesn’t) exists?|no longer available|"
    r"has been (?:removed|deleted)|page (?:you (?:are|were) looking for )?(?:has )?moved",
    re.I)
"""Words of a "page not found" message (soft 404: such a page answered 200)."""
TITLE_404 = re.compile(r"\b(?:error )?404\b")
"""A bare "404" counts only in a title or h1 (in text it may be part of a phone number)."""

DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ppt", ".pptx")


@lru_cache(maxsize=262_144)
def norm_url(url: str) -> str:
    """A comparison key for a URL: canonical query order, no fragment, no trailing slash
    (cached: the same URLs are compared again and again)."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return url.strip()
    try:
        key = canonicalize_url(url.strip(), keep_fragments=False)
    except ValueError:
        return url.strip()
    parts = urlsplit(key)
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")


@lru_cache(maxsize=262_144)
def is_document_url(url: str) -> bool:
    """True when the URL's path ends like a PDF, Word or other office document."""
    return urlsplit(url).path.lower().endswith(DOCUMENT_EXTENSIONS)


def platform_of(url: str) -> str:
    """The directory platform whose record URL shape ``url`` has, or ""."""
    return next((name for name, rx in RECORD_PATTERNS.items() if rx.search(url)), "")


_SIMPLE = re.compile(r"([#.])([\w-]+)")


def marker_present(selector: str, page: Page) -> bool:
    """True when a service marker (a simple CSS selector: ``.class``, ``#id``,
    ``div.record-page``, alternatives separated by commas) is on ``page``. The crawler
    keeps each page's class names and ids, not its HTML, so only the ``#id`` and
    ``.class`` parts of each compound are checked, and every one must be present."""
    classes, ids = set(page.meta.get("classes") or ()), set(page.anchors)
    for alternative in selector.split(","):
        parts = _SIMPLE.findall(alternative)
        if parts and all((name in ids) if kind == "#" else (name in classes) for kind, name in parts):
            return True
    return False


NODE_TYPE = re.compile(r"^(?:node--type-|node-type-|page-node-type-|type-)([\w-]+)$", re.I)
"""A CMS content-type class (Drupal ``node--type-service``, WordPress ``type-service``)."""
SERVICE_WORD = re.compile(r"(?:^|[-_])services?(?:$|[-_])", re.I)
CONTACT_FIELD = re.compile(r"^field--name-field-[\w-]*(?:telephone|phone|email|e-mail|website|postcode|contact)[\w-]*$",
                           re.I)
"""A Drupal field holding a contact detail (``field--name-field-telephone``)."""
TEASER = re.compile(r"(?:view-mode-teaser|node-teaser|teaser)$", re.I)
FULL_VIEW = re.compile(r"view-mode-full$", re.I)


def class_signal(page: Page) -> str:
    """The class that makes ``page`` a record without configuration, or "": a content type
    named with the word "service" (``node--type-service``), or a content type with two or
    more contact fields (``field--name-field-telephone``, ``...-email``). A listing of
    service teasers (a teaser view mode and no full view) is not a record."""
    classes = list(page.meta.get("classes") or ())
    if any(TEASER.search(c) for c in classes) and not any(FULL_VIEW.search(c) for c in classes):
        return ""
    types = [c for c in classes if NODE_TYPE.match(c)]
    service = next((c for c in types if SERVICE_WORD.search(NODE_TYPE.match(c).group(1))), "")
    if service:
        return service
    fields = sorted({c for c in classes if CONTACT_FIELD.match(c)})
    if types and len(fields) >= 2:
        return f"{types[0]}+{fields[0]}"
    return ""


_NAME_SEPARATOR = re.compile(r"^\s*(?:[-|–—:]|::)\s+|\s+(?:[-|–—:]|::)\s*$")


def same_subject(name: str, head: str) -> bool:
    """True when a schema.org name (lower case) names the page whose title or h1 is ``head``:
    the same, one inside the other, or the heading with the site's name before or after it
    ("zumba - testshire family directory")."""
    if not name or not head:
        return False
    if name == head or (len(name) > 3 and name in head):
        return True
    if len(head) <= 3:
        return False
    if name.startswith(head) and _NAME_SEPARATOR.match(name[len(head):]):
        return True
    return name.endswith(head) and bool(_NAME_SEPARATOR.search(name[:-len(head)]))


def soft_404_text(page: Page) -> str:
    """The "not found" words of a page that answered 200, or "" for a real page.

    The title and h1 are searched; the main text only when it is short (under 150 words)
    and then only its first 300 characters, so articles that merely mention the words pass.
    """
    h1 = " ".join(t for level, t in page.headings if level == 1)
    for text in (page.title, h1):
        if SOFT_404.search(text or "") or TITLE_404.search(text or ""):
            return " ".join(text.split())
    body = page.main_text or ""
    if len(body.split()) < 150:
        m = SOFT_404.search(body[:300])
        if m:
            return " ".join(body[max(0, m.start() - 40): m.end() + 40].split())
    return ""


@dataclass
class SiteIndex:
    """The crawl of one run, indexed. Build with :meth:`build`."""

    pages: list[Page]
    links: list[Link]
    link_status: dict[str, LinkStatus]
    sitemap: dict[str, str]
    run: dict[str, Any] = field(default_factory=dict)
    record_patterns: tuple[re.Pattern, ...] = ()
    service_markers: tuple[str, ...] = ()

    @cached_property
    def memo(self) -> dict[str, dict]:
        """Answers the rules work out once per target and check (``links.insecure``...), by name."""
        return {}

    # ------------------------------------------------------------------ building
    @classmethod
    def build(cls, store: Any, config: Any = None) -> "SiteIndex":
        """Read one run of a ``StoreReader``; ``config`` is the ``ChecksConfig`` (optional)."""
        patterns = tuple(re.compile(p, re.I) for p in getattr(config, "service_url_patterns", ()) or ())
        try:
            run = store.run()
        except Exception:  # noqa: BLE001 - a store without run row still indexes
            run = {}
        return cls(pages=list(store.pages()), links=list(store.links()), link_status=store.link_statuses(),
                   sitemap=store.sitemap_urls(), run=run, record_patterns=patterns,
                   service_markers=tuple(getattr(config, "service_markers", ()) or ()))

    @cached_property
    def by_url(self) -> dict[str, Page]:
        """Page by stored URL, and by final URL when no page was stored under it."""
        out = {p.url: p for p in self.pages}
        for p in self.pages:
            if p.final_url:
                out.setdefault(p.final_url, p)
        return out

    @cached_property
    def _by_key(self) -> dict[str, Page]:
        out: dict[str, Page] = {}
        for p in sorted(self.pages, key=lambda p: (p.url != p.final_url and bool(p.final_url), p.url)):
            for u in (p.url, p.final_url):
                if u:
                    out.setdefault(norm_url(u), p)
        return out

    @cached_property
    def links_by_source(self) -> dict[str, list[Link]]:
        out: dict[str, list[Link]] = defaultdict(list)
        for link in self.links:
            out[link.source].append(link)
        return dict(out)

    @cached_property
    def inlinks(self) -> dict[str, set[str]]:
        """Target URL -> distinct pages linking to it (only links from HTML pages, no self-links)."""
        out: dict[str, set[str]] = defaultdict(set)
        for link in self.links:
            src = self.by_url.get(link.source)
            if src is not None and src.kind == "html" and link.source != link.target:
                out[link.target].add(link.source)
        return dict(out)

    def link_pairs(self, kinds: Iterable[str]) -> list[tuple[Page, str, list[Link]]]:
        """(source page, target, links) once per pair, for links of ``kinds`` on content pages."""
        grouped: dict[tuple[str, str], list[Link]] = {}
        for link in self.links:
            if link.source in self.content_urls and link.kind in kinds:
                grouped.setdefault((link.source, link.target), []).append(link)
        return [(self.by_url[source], target, links) for (source, target), links in sorted(grouped.items())]

    @cached_property
    def http_link_pairs(self) -> list[tuple[Page, str, list[Link]]]:
        """:meth:`link_pairs` of http(s) links (pages, outside sites, documents), shared by the link rules."""
        return self.link_pairs(("page", "external", "document"))

    # ------------------------------------------------------------------ lookups
    def page(self, url: str) -> Page | None:
        """The crawled page for ``url`` (exact, then after normalisation), or None."""
        return self.by_url.get(url) or self._by_key.get(norm_url(url))

    def url_of(self, page: Page) -> str:
        """The URL to report for a page: where it ended up after redirects."""
        return page.final_url or page.url

    def identity(self, page: Page) -> str:
        """One key per document: a kb5 record's id, else the normalised final URL; a document
        fetched at several addresses (the same bytes, or the same canonical URL with the same
        title and heading) gets the key of its cleanest address (see :attr:`_merged`)."""
        base = self._base_identity(page)
        return self._merged.get(base, base)

    def _per_page(self, name: str, page: Page, compute) -> Any:
        """``compute(page)``, worked out once per check for the pages of this index."""
        if self.by_url.get(page.url) is not page:
            return compute(page)
        memo = self.memo.setdefault(name, {})
        if page.url not in memo:
            memo[page.url] = compute(page)
        return memo[page.url]

    def _base_identity(self, page: Page) -> str:
        return self._per_page("base_identity", page, self._base_identity_of)

    def _base_identity_of(self, page: Page) -> str:
        url = self.url_of(page)
        if platform_of(url) == "kb5":
            parts = urlsplit(url)
            return f"kb5:{parts.hostname}{parts.path}?id={parse_qs(parts.query).get('id', [''])[0]}"
        return norm_url(url)

    @cached_property
    def _merged(self) -> dict[str, str]:
        """Base identity -> the identity of the same document's cleanest address.

        Listing links that add ``?source=listing&page=3``, a "Print this page" link to
        ``<record>/print``: one record, several URLs. Pages (2xx HTML, not soft 404s) with the
        same ``content_hash``, or with the same canonical URL, title and level-1 headings, are
        one document; its key is the address without a print suffix, without a query, shortest.
        A canonical shared by more than :data:`MAX_CANONICAL_GROUP` pages is a site-wide
        mistake (every page naming the home page), not evidence."""
        groups: dict[str, set[str]] = defaultdict(set)
        urls: dict[str, str] = {}
        for p in self.pages:
            if not self.is_ok_html(p) or self.soft_404_text(p):
                continue
            ident = self._base_identity(p)
            urls.setdefault(ident, self.url_of(p))
            if p.content_hash:
                groups["h:" + p.content_hash].add(ident)
            if p.canonical:
                canonical = norm_url(urljoin(self.url_of(p), p.canonical))
                h1 = "|".join(" ".join(t.split()).lower() for level, t in p.headings if level == 1)
                groups[f"c:{canonical}\0{' '.join((p.title or '').split()).lower()}\0{h1}"].add(ident)
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        for key, idents in groups.items():
            if len(idents) < 2 or (key.startswith("c:") and len(idents) > MAX_CANONICAL_GROUP):
                continue
            first, *rest = sorted(idents)
            for other in rest:
                a, b = find(first), find(other)
                if a != b:
                    parent[b] = a
                    parent.setdefault(a, a)
        members: dict[str, list[str]] = defaultdict(list)
        for ident in parent:
            members[find(ident)].append(ident)
        out: dict[str, str] = {}
        for root, idents in members.items():
            idents = sorted({root, *idents}, key=lambda i: _cleanliness(urls.get(i, i)))
            for ident in idents:
                out[ident] = idents[0]
        return out

    @cached_property
    def variants(self) -> dict[str, set[str]]:
        """Identity -> every URL (requested and final) under which that document was fetched."""
        out: dict[str, set[str]] = defaultdict(set)
        for p in self.pages:
            out[self.identity(p)].update(u for u in (p.url, p.final_url) if u)
        return dict(out)

    def inlinks_to(self, page: Page) -> set[str]:
        """Pages linking to ``page`` under any of its URLs, leaving out its own variants."""
        own = self.variants.get(self.identity(page), {page.url})
        sources: set[str] = set()
        for url in own:
            sources |= self.inlinks.get(url, set())
        return sources - own

    def target_status(self, target: str) -> tuple[int, str, bool]:
        """``(status, error, known)`` of a link target: its crawled page, else its status check."""
        page = self.page(target)
        if page is not None and not page.guard:
            return page.status, page.error, True
        ls = self.link_status.get(target)
        if ls is not None:
            return ls.status, ls.error, True
        return 0, "", False

    # ------------------------------------------------------------------ page sets
    @staticmethod
    def is_ok_html(page: Page) -> bool:
        return page.kind == "html" and 200 <= page.status < 300 and not page.guard and not page.error

    @cached_property
    def ok_pages(self) -> list[Page]:
        """HTML pages that answered 2xx, one per document (redirect and kb5 duplicates collapsed)."""
        seen: dict[str, Page] = {}
        for p in sorted(self.pages, key=lambda p: (p.url != self.url_of(p), _cleanliness(p.url))):
            if self.is_ok_html(p):
                seen.setdefault(self.identity(p), p)
        return sorted(seen.values(), key=self.url_of)

    def soft_404_text(self, page: Page) -> str:
        """The "not found" words of a page that answered 200, or "" for a real page (see
        :func:`soft_404_text`), once per page and check."""
        return self._per_page("soft_404", page, soft_404_text)

    @cached_property
    def content_pages(self) -> list[Page]:
        """:attr:`ok_pages` without soft 404s: the pages that carry content."""
        return [p for p in self.ok_pages if not self.soft_404_text(p)]

    @cached_property
    def content_urls(self) -> set[str]:
        """Stored URLs of :attr:`content_pages` (the pages whose links rules report on)."""
        return {p.url for p in self.content_pages}

    def is_record(self, page: Page) -> bool:
        """True when the page is a service-directory record (see :meth:`record_signal`)."""
        return bool(self.record_signal(page))

    def record_signal(self, page: Page) -> str:
        """Which signal makes ``page`` a service record, or "" when it is not one:
        ``url:<platform>``, ``config:service_url_patterns``, ``marker:<selector>`` or
        ``schema:<Type>``."""
        if not self.is_ok_html(page):
            return ""
        url = self.url_of(page)
        platform = platform_of(url) or platform_of(page.url)
        if platform:
            return f"url:{platform}"
        if any(rx.search(url) or rx.search(page.url) for rx in self.record_patterns):
            return "config:service_url_patterns"
        if page.meta.get("markers"):
            return f"marker:{page.meta['markers'][0]}"
        if page.meta.get("service_record"):
            return "marker:service_record"
        marker = next((m for m in self.service_markers if marker_present(m, page)), "")
        if marker:
            return f"marker:{marker}"
        found = class_signal(page)
        if found:
            return f"class:{found}"
        return self._schema_signal(page)

    @cached_property
    def _schema_counts(self) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for p in self.ok_pages:
            for key in {(i.get("type", ""), i.get("name", "").lower()) for i in p.meta.get("schema") or ()}:
                counts[key] += 1
        return dict(counts)

    def _schema_signal(self, page: Page) -> str:
        types = set(page.meta.get("schema_types") or ())
        if not types:
            return ""
        heads = {" ".join(t.lower().split()) for t in (page.title, *(h for level, h in page.headings if level == 1))}
        for item in page.meta.get("schema") or ():
            kind, name = item.get("type", ""), " ".join(str(item.get("name", "")).lower().split())
            if kind not in types or not name or self._schema_counts.get((kind, name), 0) > SITE_WIDE_SCHEMA:
                continue
            if any(same_subject(name, h) for h in heads):
                return f"schema:{kind}"
        return ""

    @cached_property
    def records(self) -> list[Page]:
        """Service-record pages, one per record."""
        return [p for p in self.content_pages if self.is_record(p)]

    @cached_property
    def articles(self) -> list[Page]:
        """Content pages that are not service records (CMS articles, listings, guides)."""
        return [p for p in self.content_pages if not self.is_record(p)]

    @cached_property
    def start_urls(self) -> set[str]:
        return {norm_url(u) for u in self.run.get("start_urls", []) or []}

    def is_home(self, page: Page) -> bool:
        """True for a start URL or a host's root page."""
        key = norm_url(self.url_of(page))
        return key in self.start_urls or norm_url(page.url) in self.start_urls or urlsplit(
            self.url_of(page)).path in ("", "/")

    @cached_property
    def https_hosts(self) -> set[str]:
        """Hosts that served at least one page over https."""
        return {urlsplit(self.url_of(p)).hostname or "" for p in self.pages
                if self.url_of(p).startswith("https://") and p.status and p.status < 400}
