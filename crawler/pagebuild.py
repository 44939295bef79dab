"""Turn a fetch (and its parsed HTML) into the ``Page`` and ``Link`` records the store keeps."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone

from w3lib.encoding import html_to_unicode

from crawler.extract import structured
from crawler.fetch import Response
from crawler.model import Link, Page
from crawler.parse import ParsedHtml
from crawler.scope import in_scope
from crawler.urls import link_kind, normalise, on_allowed_host, resolve, scheme_of, split_fragment, template_of

MAX_LINKS = 5000
PANEL_TEXT_KEPT = 2000
"""Characters of a page's sidebar/contact-panel text kept in ``Page.meta["panel_text"]``."""


@dataclass(frozen=True)
class Target:
    """What the frontier knows about a URL when it is fetched."""

    url: str
    depth: int = 0
    found_via: str = "link"
    in_sitemap: bool = False


@dataclass(frozen=True)
class Scope:
    """Allowed hosts and URL normalisation settings of one crawl."""

    allowed: frozenset[str]
    strip: tuple[str, ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    """``crawl.scope`` as ``(host, path)`` prefixes (see ``crawler.scope``); empty: every allowed URL."""

    def covers(self, url: str) -> bool:
        """True when ``url`` may be crawled as a page: an allowed host, inside the scope."""
        return not self.prefixes or in_scope(url, self.prefixes)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def decode(response: Response) -> str:
    """The body as text (charset from the header, a BOM or ``<meta charset>``)."""
    _, text = html_to_unicode(response.headers.get("content-type"), response.body)
    return text


def content_hash(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def base_page(target: Target, response: Response | None, scope: Scope, **extra) -> Page:
    """The fields every page has, from the frontier entry and the response."""
    fields = dict(url=target.url, depth=target.depth, found_via=target.found_via, in_sitemap=target.in_sitemap,
                  template=template_of(target.url), fetched_at=now_iso(), final_url=target.url)
    if response is not None:
        fields.update(
            final_url=normalise(response.final_url, scope.strip) if scheme_of(response.final_url) in ("http", "https")
            else response.final_url,
            status=response.status, content_type=response.content_type, size=response.size or len(response.body),
            etag=response.headers.get("etag", ""), last_modified=response.headers.get("last-modified", ""),
            redirects=tuple((normalise(u, scope.strip), s) for u, s in response.redirects),
            error=response.error, elapsed_ms=response.elapsed_ms)
    fields.update(extra)
    return Page(**fields)


def guard_page(target: Target, guard: str) -> Page:
    """A URL stopped by a trap guard: recorded, not fetched."""
    return replace(base_page(target, None, Scope(frozenset())), guard=guard, final_url="", fetched_at="")


def document_page(target: Target, response: Response, scope: Scope) -> Page:
    """A PDF/Word file: status, size and dates only (never parsed or rendered)."""
    from crawler.extract import dates  # imported when first needed: see html_page
    found = dates.from_header(response.headers.get("last-modified", ""))
    return base_page(target, response, scope, kind="document", render_reason="document",
                     last_updated=found.iso if found else "", last_updated_source=found.source if found else "",
                     last_updated_raw=found.raw if found else "")


def build_links(page_url: str, base: str, parsed: ParsedHtml, scope: Scope,
                static_targets: set[str] | None = None) -> list[Link]:
    """The page's links, absolute and normalised; ``scripted`` when absent from ``static_targets``.

    Hrefs are resolved once per distinct part before the ``#`` (documentation pages link
    to one page under hundreds of fragments): resolving ``a#b`` is resolving ``a`` then
    adding ``#b``, so the result is the same as resolving each href whole."""
    links = []
    resolved: dict[str, tuple[str, str] | None] = {}
    for raw in parsed.links[:MAX_LINKS]:
        href = raw.href.strip()
        document, hashed, fragment = href.partition("#")
        key = document or hashed  # "" (no link) and "#..." (this page) differ
        if key not in resolved:
            resolved[key] = _resolve_document(base, document, bool(hashed), scope)
        found = resolved[key]
        if found is None:
            continue
        kind, target = found
        if kind not in ("page", "external", "document"):
            target, fragment = href, ""
        scripted = static_targets is not None and target not in static_targets
        links.append(Link(source=page_url, target=target, href=raw.href[:2000], text=raw.text, region=raw.region,
                          kind=kind, fragment=fragment[:500], scripted=scripted))
    refresh = meta_refresh(parsed, base, scope)
    if refresh and refresh[0] != "external" and refresh[1] != page_url and \
            refresh[1] not in {link.target for link in links}:  # a refresh inside the site is followed as a link
        links.append(Link(source=page_url, target=refresh[1], href=refresh[2][:2000], text="", region="head",
                          kind=refresh[0], fragment="",
                          scripted=static_targets is not None and refresh[1] not in static_targets))
    return links


_REFRESH = re.compile(r"\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)", re.I | re.S)


def meta_refresh(parsed: ParsedHtml, base: str, scope: Scope) -> tuple[str, str, str] | None:
    """``(kind, normalised target, href)`` of a ``<meta http-equiv="refresh">`` that moves to
    another http(s) address (``kind`` ``page`` or ``document`` inside the allowed hosts, else
    ``external``); None without one, or when it only reloads the page."""
    content = (parsed.meta or {}).get("refresh") or ""
    match = _REFRESH.match(content)
    href = match.group(1).strip().strip("'\"").strip() if match else ""
    if not href:
        return None
    found = _resolve_document(base, href.partition("#")[0], "#" in href, scope)
    if found is None or found[0] not in ("page", "external", "document") or not found[1]:
        return None
    return (found[0] if on_allowed_host(found[1], scope.allowed) else "external"), found[1], href


def offsite_meta(targets) -> dict:
    """``Page.meta`` for the addresses off the allowed hosts a page tried to take its reader
    to (a meta refresh read without rendering, or navigations blocked in Chromium)."""
    return {"offsite_navigation": list(targets)} if targets else {}


def _resolve_document(base: str, document: str, hashed: bool, scope: Scope) -> tuple[str, str] | None:
    """``(kind, normalised target)`` of an href's part before ``#`` (``""`` with a ``#``: the page itself)."""
    absolute = resolve(base, document if document or not hashed else "#")
    if absolute is None:
        return None
    kind = link_kind(absolute, scope.allowed)
    if kind in ("page", "external", "document"):
        return kind, normalise(split_fragment(absolute)[0], scope.strip)
    return kind, ""


def html_page(target: Target, response: Response, parsed: ParsedHtml, scope: Scope, today: date,
              rendered: bool, reason: str) -> Page:
    """An HTML page with everything extracted from ``parsed``."""
    # imported at the first page parsed, not when the crawler starts: phone numbers and dates
    # take a tenth of a second to load, which a re-crawl of an unchanged site never needs
    from crawler.extract import dates, emails, phones, postcodes
    base = resolve(response.final_url, parsed.base_href) if parsed.base_href else response.final_url
    found = dates.best_date(parsed.body_text, list(parsed.times), parsed.meta or {}, list(parsed.jsonld),
                            response.headers.get("last-modified", ""), today)
    hrefs = [link.href for link in parsed.links if link.region in ("main", "body")]
    canonical = resolve(base, parsed.canonical) if parsed.canonical else None
    meta = {"fields": parsed.fields or {}, "images_missing_alt": parsed.images_missing_alt}
    meta.update({k: list(v) for k, v in (("a11y_hints", parsed.a11y_hints), ("js_signals", parsed.js_signals)) if v})
    if parsed.blocks:
        meta["blocks"] = [list(block) for block in parsed.blocks]
    if (parsed.meta or {}).get("description"):
        meta["description"] = parsed.meta["description"][:500]
    meta.update(record_meta(parsed))
    refresh = meta_refresh(parsed, base, scope)
    if refresh and refresh[0] == "external":  # what a browser would do, seen without rendering
        meta.update(offsite_meta([refresh[1]]))
    return base_page(
        target, response, scope, kind="html", title=parsed.title, headings=parsed.headings, main_text=parsed.main_text,
        lang=parsed.lang, last_updated=found.iso if found else "", last_updated_source=found.source if found else "",
        last_updated_raw=found.raw[:200] if found else "",
        phones=phones.find_phones(parsed.main_text, tuple(h for h in hrefs if h.lower().startswith("tel:"))),
        emails=emails.find_emails(parsed.main_text, tuple(h for h in hrefs if h.lower().startswith("mailto:"))),
        postcodes=postcodes.find_postcodes(parsed.main_text), content_hash=content_hash(response.body),
        canonical=normalise(canonical, scope.strip) if canonical and scheme_of(canonical) in ("http", "https") else "",
        anchors=parsed.anchors, rendered=rendered, render_reason=reason, meta=meta)


def record_meta(parsed: ParsedHtml) -> dict:
    """What the checks need to recognise and read a service record: contact values with
    their sources (``contacts``), schema.org items (``schema``) and their record types
    (``schema_types``), the page's class names (``classes``, for service markers) and the
    start of its sidebar/contact-panel text (``panel_text``)."""
    from crawler.extract import contacts  # see html_page
    items = list(getattr(parsed, "schema_items", ()) or ())
    found = contacts.record_contacts(parsed.main_text, getattr(parsed, "panel_text", ""), parsed.fields or {},
                                     ((link.href, link.region) for link in parsed.links), items)
    out: dict = {"contacts": found}
    if items:
        out["schema"] = items
        if types := structured.record_types(items):
            out["schema_types"] = types
    if getattr(parsed, "classes", ()):
        out["classes"] = list(parsed.classes)
    if getattr(parsed, "panel_text", ""):
        out["panel_text"] = parsed.panel_text[:PANEL_TEXT_KEPT]
    return out
