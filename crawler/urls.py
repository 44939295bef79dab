"""URL normalisation, link kinds and URL templates.

Every URL the crawler stores or compares goes through ``normalise`` first, so one
page has one key: scheme and host lower-cased, default port dropped, fragment
removed (kept separately), query parameters sorted, tracking/session parameters
(``strip_params``, ``*`` wildcards) removed and ``index.html``-style file names
dropped (``/a/index.html`` is ``/a/``). Trailing slashes are kept as written: many
servers answer ``/a`` and ``/a/`` differently, and the redirect between them is
recorded rather than hidden.
"""

from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

INDEX_FILES = ("index.html", "index.htm", "index.php", "default.aspx", "default.htm", "index.shtml")
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".rtf", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp")
NEVER_FETCHED = ("javascript", "data", "file", "about", "blob", "ftp", "sms", "fax", "callto", "skype", "whatsapp")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def split_fragment(url: str) -> tuple[str, str]:
    """``(url without fragment, fragment)``."""
    base, _, fragment = url.partition("#")
    return base, fragment


def _strip_query(query: str, strip: tuple[str, ...]) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not any(fnmatch.fnmatch(k.lower(), p.lower()) for p in strip)]
    return urlencode(kept)


@lru_cache(maxsize=65536)
def normalise(url: str, strip: tuple[str, ...] = ()) -> str:
    """The canonical form of an absolute http(s) URL (see the module docstring)."""
    url = split_fragment(url.strip())[0]
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]" + (f":{port}" if port not in (None, _DEFAULT_PORTS.get(scheme)) else "")
    path = parts.path or "/"
    head, _, last = path.rpartition("/")
    if last.lower() in INDEX_FILES:
        path = head + "/"
    query = _strip_query(parts.query, strip) if strip and parts.query else parts.query
    rebuilt = urlunsplit((scheme, netloc, path, query, ""))
    return canonicalize_url(rebuilt, keep_blank_values=True)


_PLAIN_AUTHORITY = re.compile(r"https?://[^/?#\\\x00-\x20\x7f]+(?=[/?#]|\Z)")
"""The scheme and authority of a plain URL (printable ASCII, a non-empty authority): all
that decides its ``host_key``, from the scheme's default port to the host name."""


@lru_cache(maxsize=65536)
def host_key(url: str) -> str:
    """``host`` or ``host:port`` (default ports dropped), lower-case (remembered per URL: a crawl
    asks about the same link targets again and again; and per scheme and authority for plain
    URLs, so that a URL seen for the first time is not normalised only to read its host)."""
    found = _PLAIN_AUTHORITY.match(url) if url.isascii() else None
    host = _authority_host(found.group()) if found is not None else ""
    # no host in the authority (``http://:80//h.example/x``): normalising the whole URL
    # takes one from its path, so the whole URL is read
    return host or urlsplit(normalise(url)).netloc


@lru_cache(maxsize=4096)
def _authority_host(authority: str) -> str:
    return urlsplit(normalise(authority + "/")).netloc


def scheme_of(href: str) -> str:
    match = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):", href)
    return match.group(1).lower() if match else ""


def on_allowed_host(url: str, allowed: frozenset[str]) -> bool:
    """True when ``url`` is an http(s) address on one of the ``allowed`` hosts. A navigation
    anywhere else takes the reader off the site: an HTTP redirect (``crawler.fetch``), a
    ``<meta http-equiv="refresh">`` (``crawler.pagebuild``) or a script or redirect seen in
    Chromium (``crawler.render``) are all judged by this one test."""
    return scheme_of(url) in ("http", "https") and host_key(url) in allowed


def is_document_url(url: str) -> bool:
    """PDF/Word/spreadsheet/slides by the path's extension."""
    return urlsplit(url).path.lower().endswith(DOCUMENT_EXTENSIONS)


def resolve(base: str, href: str) -> str | None:
    """Absolute URL of ``href`` on a page at ``base`` (None when unusable)."""
    href = (href or "").strip()
    if not href:
        return None
    if href[0] == "/" and href[1:2] != "/" and "/." not in href and "\\" not in href and base[:4] == "http":
        parts = base.split("/", 3)  # fast path for root-relative hrefs, as urljoin would resolve them
        if len(parts) >= 3 and parts[1] == "" and "?" not in parts[2] and "#" not in parts[2]:
            return "/".join(parts[:3]) + href
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def link_kind(target: str, allowed: frozenset[str]) -> str:
    """``page``, ``external``, ``document``, ``mailto``, ``tel`` or ``other`` (see ``Link``)."""
    scheme = scheme_of(target)
    if scheme in ("mailto", "tel"):
        return scheme
    if scheme not in ("http", "https"):
        return "other"
    if is_document_url(target):
        return "document"
    return "page" if host_key(target) in allowed else "external"


_ID_SEGMENT = re.compile(r"^(?:\d+|[0-9a-f]{8,}|[0-9a-f-]{32,36}|[a-z0-9_-]*\d{3,}[a-z0-9_-]*)$", re.I)
_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=65536)
def template_of(url: str) -> str:
    """A URL template key: ids and numbers replaced, query values dropped.

    ``/kb5/x/directory/service.page?id=abc`` -> ``host/kb5/x/directory/service.page?id``;
    without a query the last path segment is a wildcard (``/send/health/*``), so the
    articles of one section share a template, and so is the last folder of a path ending
    in ``/`` below the top level (``/send/health/`` -> ``/send/*/``), so section pages do.
    """
    parts = urlsplit(url)
    segments = parts.path.split("/")
    out = ["{id}" if _ID_SEGMENT.match(s) else _NUMBER.sub("{n}", s) for s in segments]
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    if not keys and len(out) > 1 and out[-1]:
        ext = out[-1].rpartition(".")[2] if "." in out[-1] else ""
        out[-1] = "*" + (f".{ext}" if ext and ext != out[-1] else "")
    elif not keys and len(out) > 3 and not out[-1] and out[-2] not in ("{id}", "*"):
        out[-2] = "*"  # /send/health/ and /send/education/: section pages share a template
    template = parts.netloc + "/".join(out)
    return template + ("?" + "&".join(keys) if keys else "")
