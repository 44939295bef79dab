"""Frozen records the crawler produces and the store keeps.

``Page`` and ``Link`` are what checks read back from the store (``crawler.store``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Link:
    """One link found on a page.

    source: normalised URL of the page holding the link.
    target: absolute, normalised target URL (fragment removed); for ``mailto:``/``tel:``
        the raw href.
    href: the href exactly as written on the page.
    text: anchor text (or the image alt / aria-label when there is no text).
    region: where on the page it sits: ``nav``, ``header``, ``main``, ``footer``, ``aside``
        or ``body`` when no landmark applies (``head`` for a ``<meta http-equiv="refresh">``).
    kind: ``page`` (http(s) in an allowed host), ``external`` (http(s) elsewhere),
        ``document`` (PDF/Word by extension), ``mailto``, ``tel``, ``other``
        (``javascript:``, ``data:``, ``file:``... never fetched).
    fragment: the ``#fragment`` without ``#``, or ``""``.
    scripted: True when the link only exists in the rendered DOM (added by JavaScript).
    """

    source: str
    target: str
    href: str
    text: str = ""
    region: str = "body"
    kind: str = "page"
    fragment: str = ""
    scripted: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched URL with what was extracted from it.

    url: normalised URL as requested (the store key).
    final_url: URL after redirects (normalised).
    redirects: the redirect chain as ``(url, status)`` pairs, first request first;
        empty when there was no redirect.
    status: HTTP status of the final response; 0 when no response (see ``error``).
    error: network error text (``timeout``, ``dns``, ``tls``, ``connection``...), or "".
    guard: why a trap guard stopped this URL (``max-depth``, ``max-pages``,
        ``max-per-pattern``, ``calendar``, ``param-explosion``, ``robots``, ``too-large``,
        ``timeout``, ``host-failing``), or "" when fetched normally.
    kind: ``html``, ``document`` (PDF/Word) or ``other``.
    last_updated: ISO date (YYYY-MM-DD) of the page's "last updated"/"reviewed" date, or "".
    last_updated_source: ``text``, ``time``, ``meta``, ``jsonld`` or ``header`` (the
        Last-Modified header, a marked fallback), or "".
    last_updated_raw: the text the date was read from.
    headings: ``(level, text)`` pairs in document order.
    anchors: ids and ``<a name>``s present on the page (for ``#fragment`` checks).
    rendered: True when the page was rendered in Chromium.
    render_reason: why it was (or was not) rendered, e.g. ``template-needs-js``,
        ``sample``, ``static-template``, ``a11y-sample``, ``forced``, ``document``.
    found_via: ``start``, ``link``, ``sitemap`` or ``redirect``.
    in_sitemap: the URL is listed in a sitemap.
    template: the URL template key (ids and numbers replaced) used for sampling.
    """

    url: str
    final_url: str = ""
    status: int = 0
    content_type: str = ""
    size: int = 0
    title: str = ""
    headings: tuple[tuple[int, str], ...] = ()
    main_text: str = ""
    lang: str = ""
    last_updated: str = ""
    last_updated_source: str = ""
    last_updated_raw: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    content_hash: str = ""
    etag: str = ""
    last_modified: str = ""
    depth: int = 0
    redirects: tuple[tuple[str, int], ...] = ()
    error: str = ""
    guard: str = ""
    kind: str = "html"
    canonical: str = ""
    anchors: tuple[str, ...] = ()
    rendered: bool = False
    render_reason: str = ""
    found_via: str = "link"
    in_sitemap: bool = False
    template: str = ""
    fetched_at: str = ""
    elapsed_ms: int = 0
    meta: dict = field(default_factory=dict, hash=False, compare=False)
    """Free-form extras (e.g. ``{"markers": [...]}`` for service-record markers,
    ``{"images_missing_alt": 2}``, ``{"blocks": [[region, kind, hash, text], ...]}`` for
    the text blocks outside nav/header/footer/aside landmarks, see
    ``crawler.parse.ParsedHtml.blocks``; ``{"document": {...}}`` for what was read from a
    PDF or Word file, see ``crawler.documents``); JSON in the store."""


@dataclass(frozen=True, slots=True)
class AxeViolation:
    """One axe-core rule violated on one rendered page."""

    url: str
    template: str
    rule: str
    impact: str
    help: str
    help_url: str
    tags: tuple[str, ...]
    nodes: int
    example_target: str = ""
    example_html: str = ""


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """The result of status-checking one URL that the crawl did not fetch as a page
    (external links, documents, targets beyond a guard).

    checked_by: ``linkchecker``, ``crawler`` (the built-in checker, or no request needed)
        or ``cache`` (answered well in an earlier run less than ``crawl.link_cache_days`` ago).
    """

    url: str
    status: int
    error: str = ""
    final_url: str = ""
    checked_by: str = "linkchecker"
