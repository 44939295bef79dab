"""The crawl's scope: which URLs on the allowed hosts are crawled as pages (``crawl.scope``).

A Local Offer often lives in one folder of the council's main website
(``https://www.example.gov.uk/send-local-offer/``). Crawling the whole host would audit the
council's parking, bins and jobs pages as if they were the Local Offer. So, unless
``crawl.scope`` lists URL prefixes, each start URL with a path scopes its host to that folder
(``/send-local-offer`` and everything below it; for a file such as ``/send/index.html`` or a
generic page such as ``/search``, the folder it is in); a start URL on a service directory's own host
(a kb5, Outpost or Open Place address, or a host or path named "directory") and any allowed
host without a start URL are in scope whole. Links to out-of-scope pages are status-checked,
never crawled or scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from crawler.urls import host_key

DIRECTORY_SHAPE = re.compile(r"/kb5/|/o/[^/]+/service|/services?/|directory|\bfsd\.|familyinfo", re.I)
"""Addresses of service directories, whose host is in scope whole by default."""

Prefix = tuple[str, str]
"""``(host:port, path)``: the path has no trailing slash ("" is the whole host)."""


GENERIC_PAGES = {"search", "home", "index", "results", "find", "start", "default", "main", "welcome"}
"""Last path segments that name a page, not a section (``/search`` is a directory's search page)."""


def _folder(path: str) -> str:
    """``/send-local-offer/`` and ``/send-local-offer`` -> ``/send-local-offer``; the folder of a
    file or a generic page: ``/kb5/x/directory/home.page`` -> ``/kb5/x/directory``, ``/search`` -> ``""``."""
    path = path or "/"
    last = path.rsplit("/", 1)[-1]
    if not path.endswith("/") and ("." in last or last.lower() in GENERIC_PAGES):
        path = path.rsplit("/", 1)[0]
    return path.rstrip("/")


def prefix_of(url: str) -> Prefix:
    """A ``crawl.scope`` entry as a prefix (the path as written, without its trailing slash)."""
    return host_key(url), (urlsplit(url).path or "/").rstrip("/")


def default_scope(start_urls: Iterable[str], allowed: Iterable[str]) -> tuple[Prefix, ...]:
    """The scope when ``crawl.scope`` is empty (see the module docstring)."""
    starts = list(start_urls)
    cms_hosts = {host_key(u) for u in starts if not DIRECTORY_SHAPE.search(u)}
    out: list[Prefix] = []
    for url in starts:
        host = host_key(url)
        whole = DIRECTORY_SHAPE.search(url) and host not in cms_hosts
        out.append((host, "" if whole else _folder(urlsplit(url).path)))
    started = {host_key(u) for u in starts}
    out.extend((host, "") for host in sorted(set(allowed) - started))
    return tuple(dict.fromkeys(out))


def in_scope(url: str, prefixes: Iterable[Prefix]) -> bool:
    """True when ``url`` is under one of ``prefixes`` (whole path segments only)."""
    host, path = host_key(url), urlsplit(url).path or "/"
    return any(host == h and (not p or path == p or path.startswith(p + "/")) for h, p in prefixes)
