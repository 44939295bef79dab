"""Credentials from the config (extra headers, cookies): ``${VAR}`` resolved from the
environment, sent only to allowed hosts, and redacted wherever settings are written."""

from __future__ import annotations

import os
import re
from dataclasses import asdict
from urllib.parse import urlsplit

from crawler.urls import host_key

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
REDACTED = "<redacted>"


def resolve(value: str) -> str:
    """``${VAR}`` references replaced by the environment's values (missing -> empty)."""
    return _VAR.sub(lambda m: os.environ.get(m.group(1), ""), value)


def resolved_headers(headers: dict[str, str], cookies: dict[str, str]) -> dict[str, str]:
    """The extra headers for allowed hosts, with cookies folded into one ``Cookie`` header."""
    out = {name: resolve(value) for name, value in headers.items()}
    if cookies:
        out["Cookie"] = "; ".join(f"{name}={resolve(value)}" for name, value in cookies.items())
    return out


def plain_http_hosts(start_urls) -> frozenset[str]:
    """Hosts the user chose to start at over plain ``http://``: the only ones credentials
    may be sent to unencrypted (a redirect from https down to http must not expose them)."""
    return frozenset(host_key(u) for u in start_urls if urlsplit(u).scheme == "http")


def may_receive(url: str, allowed: frozenset[str], plain_hosts: frozenset[str] | None) -> bool:
    """True when ``url`` may be sent the configured headers and cookies: an allowed host, over
    https or over http to a host started at over http (``plain_hosts`` None: any scheme)."""
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https") or host_key(url) not in allowed:
        return False
    return scheme == "https" or plain_hosts is None or host_key(url) in plain_hosts


def redacted_settings(cfg) -> dict:
    """The crawl settings as a dict with header and cookie values hidden (for the store)."""
    data = asdict(cfg)
    data["headers"] = {name: REDACTED for name in cfg.headers}
    data["cookies"] = {name: REDACTED for name in cfg.cookies}
    return data
