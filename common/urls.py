"""The one test of "is this a web URL" (and of a host), used by every layer.

Settings, catalogue fields and report links all ask the same question, so they all get the
same answer: an ``http`` or ``https`` URL with a host and, if it has one, a valid port.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def is_http_url(url: object) -> bool:
    """True for an absolute ``http``/``https`` URL with a host and a readable port (any case,
    surrounding spaces ignored)."""
    try:
        parts = urlsplit(str(url or "").strip())
        parts.port  # raises on a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def is_host(text: str) -> bool:
    """``host`` or ``host:port`` (a URL is accepted too: its host is used)."""
    text = text.strip()
    try:
        parts = urlsplit(text if "://" in text else f"http://{text}")
        parts.port  # raises on a bad port
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return bool(parts.hostname) and not any(c.isspace() for c in text)


def host_port(url: str) -> str:
    """``host`` or ``host:port`` (default ports dropped), lower case, as the crawler compares hosts."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "") + (f":{port}" if port and port != default else "")
