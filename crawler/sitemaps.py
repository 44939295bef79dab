"""Sitemaps (XML, sitemap indexes, gzipped) read with lxml: the URLs a site says it has.

Bounded: at most ``MAX_SITEMAPS`` files and ``MAX_URLS`` URLs; XML entities are never
resolved and the network is never touched by the parser.
"""

from __future__ import annotations

import gzip
import io
import zlib

from lxml import etree

from crawler.fetch import Fetcher

MAX_SITEMAPS = 50
MAX_URLS = 50_000
MAX_UNZIPPED = 50_000_000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def _unzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        return gzip.GzipFile(fileobj=io.BytesIO(body)).read(MAX_UNZIPPED)
    except (OSError, EOFError, zlib.error):
        return b""


def parse_sitemap(body: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """``([(url, lastmod)], [child sitemap urls])`` of one sitemap or sitemap index."""
    try:
        root = etree.fromstring(_unzip(body), _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return [], []
    if root is None:
        return [], []
    entries, children = [], []
    is_index = etree.QName(root).localname == "sitemapindex"
    for node in root:
        if not isinstance(node.tag, str):
            continue
        values = {etree.QName(child).localname: (child.text or "").strip() for child in node if isinstance(child.tag, str)}
        if values.get("loc"):
            (children.append(values["loc"]) if is_index else entries.append((values["loc"], values.get("lastmod", ""))))
    return entries, children


async def read_sitemaps(fetcher: Fetcher, roots: list[str]) -> list[tuple[str, str]]:
    """All ``(url, lastmod)`` entries reachable from ``roots`` (indexes followed)."""
    queue, seen, entries = list(dict.fromkeys(roots)), set(), []
    while queue and len(seen) < MAX_SITEMAPS and len(entries) < MAX_URLS:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = await fetcher.get(url, body="any")
        if response.status != 200 or response.error:
            continue
        found, children = parse_sitemap(response.body)
        entries.extend(found[: MAX_URLS - len(entries)])
        queue.extend(c for c in children if c not in seen)
    return entries
