"""One declaration per setting: a dataclass field whose metadata says how it is given and checked.

A setting is declared once, in the layer that uses it (``crawler.settings``,
``checks.settings``, ``lo_audit.config``), as a field of a frozen dataclass::

    max_pages: int = option(5000, flag="--max-pages", minimum=1, help="stop after this many pages")
    \"\"\"Stop queueing new pages after this many; the rest are recorded with guard ``max-pages``.\"\"\"

The field gives the type and default, ``option`` the flag, its short help, the choices and
limits, the string under it the documentation. Everything else is derived from that: the
command-line flags, the checks of the file and of the flags (``problem``), the README table
and the configuration page, and the typed object each layer receives.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from common.urls import is_host, is_http_url

KEY = "option"
"""The key of a field's ``metadata`` that holds its ``Option``."""


@dataclass(frozen=True)
class Option:
    """How a setting is given on the command line and what values it accepts."""

    flag: str = ""
    """``--max-pages``; a name without dashes (``START_URL``) is a positional argument; empty:
    the setting is only in the file."""
    help: str = ""
    """The flag's one-line help (the default and limits are added to it)."""
    choices: tuple[str, ...] = ()
    """The values allowed (``""``, when listed, means "not set")."""
    minimum: float | None = None
    """The smallest value allowed."""
    maximum: float | None = None
    """The largest value allowed."""
    above: float | None = None
    """Values must be more than this."""
    unit: str = ""
    """What a number counts (``seconds``), said in messages."""
    kind: str = ""
    """What the text (or each item of a list) must be: one of ``KINDS``."""
    reads: str = ""
    """What a flag's value is described as when it cannot be read (``requests per second``);
    default ``a whole number`` or ``a number``."""
    metavar: str = ""
    """The flag's placeholder in ``--help``."""


def option(default: Any = dataclasses.MISSING, *, default_factory: Any = dataclasses.MISSING, **spec: Any):
    """A dataclass field carrying an ``Option`` (see the module docstring)."""
    return dataclasses.field(default=default, default_factory=default_factory, metadata={KEY: Option(**spec)})


def spec_of(field: dataclasses.Field) -> Option:
    """The field's ``Option`` (an empty one for a field declared without ``option``)."""
    return field.metadata.get(KEY) or Option()


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))


def _regex_problem(text: str) -> str | None:
    try:
        re.compile(text)
    except re.error as exc:
        return f"not a regular expression: {exc}"
    return None


KINDS = {
    "url": lambda v: None if is_http_url(v) else f"not an http(s) URL: {v!r}",
    "url-prefix": lambda v: None if is_http_url(v) else f"not an http(s) URL prefix: {v!r}",
    "host": lambda v: None if is_host(v) else f"not a host or host:port: {v!r}",
    "date": lambda v: None if not v or _is_iso_date(v) else f"expected a date as YYYY-MM-DD, got {v!r}",
    "regex": _regex_problem,
}
"""``kind`` -> the check of one text value (``None`` when it is fine)."""


def problem(spec: Option, value: Any) -> str | None:
    """What is wrong with ``value`` for this setting (one line), or ``None``; the same for the
    file and the flags. ``value`` already has the field's type (or is one item of a list)."""
    if spec.choices and value not in spec.choices:
        return f"expected one of {', '.join(repr(c) for c in spec.choices if c)}, got {value!r}"
    if spec.kind and isinstance(value, str):
        return KINDS[spec.kind](value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value):
        return f"expected a finite number, got {value!r}"
    unit = f" {spec.unit}" if spec.unit else ""
    if spec.minimum is not None and value < spec.minimum:
        floor = "must not be negative" if spec.minimum == 0 else f"must be at least {_number(spec.minimum)}"
        return f"{floor}, got {_number(value)}"
    if spec.above is not None and value <= spec.above:
        return f"must be more than {_number(spec.above)}{unit}"
    if spec.maximum is not None and value > spec.maximum:
        return f"at most {_number(spec.maximum)}, got {_number(value)}"
    return None


def limits(spec: Option) -> str:
    """The values allowed, in words (for the documentation): ``1 to 64``, ``at least 0``..."""
    if spec.choices:
        return ", ".join(f"`{c}`" for c in spec.choices if c) + (" or empty" if "" in spec.choices else "")
    low = None if spec.minimum is None else _number(spec.minimum)
    if spec.above is not None:
        return f"more than {_number(spec.above)}"
    if low is not None and spec.maximum is not None:
        return f"{low} to {_number(spec.maximum)}"
    if low is not None:
        return f"at least {low}"
    return {"url": "http(s) URLs", "url-prefix": "http(s) URL prefixes", "host": "host or host:port",
            "date": "YYYY-MM-DD", "regex": "regular expressions"}.get(spec.kind, "")


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
