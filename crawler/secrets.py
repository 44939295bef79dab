"""Credentials from the config (extra headers, cookies): ``${VAR}`` resolved from the
environment, sent only to allowed hosts, and redacted wherever settings are written."""

from __future__ import annotations

import os
import re
from dataclasses import asdict

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


def redacted_settings(cfg) -> dict:
    """The crawl settings as a dict with header and cookie values hidden (for the store)."""
    data = asdict(cfg)
    data["headers"] = {name: REDACTED for name in cfg.headers}
    data["cookies"] = {name: REDACTED for name in cfg.cookies}
    return data
