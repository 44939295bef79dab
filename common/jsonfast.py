"""JSON through orjson where it gives the same text or value as the standard library.

A check of a 10,000-page site writes a findings.json of 16 MB and reads back ten JSON
columns for every stored page; ``json.dumps`` with ``indent`` runs in pure Python and
``json.loads`` pays a call's overhead per small value. orjson does both about ten times
faster. Where orjson would answer differently (an integer beyond 64 bits, a key that is
not a string, an escaped lone surrogate), the standard library answers, so the values are
the same whichever one ran; so is the text, except that orjson writes a float's exponent
without a leading zero (``1e-7`` where json writes ``1e-07``, the same number), writes NaN
and infinities as ``null`` (json writes ``NaN``, which is not JSON) and an ``Enum`` that is
not also a ``str`` or ``int`` as its value (json would call ``default``). No report holds
such values today.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_INDENTED = (orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
             # dates and dataclasses go to ``default`` (``str``), as json.dumps sends them
             | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS)


def dumps_indented(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\\n"``, the same text."""
    try:
        return orjson.dumps(data, default=str, option=_INDENTED).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


_LONG_DIGITS = re.compile(r"\d{19}")
_LONG_DIGITS_BYTES = re.compile(rb"\d{19}")
"""19 digits in a row: perhaps an integer beyond 64 bits, which orjson would read as a float."""


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``: the same values, and ``json.JSONDecodeError`` for text that is not JSON."""
    if (_LONG_DIGITS_BYTES if isinstance(text, bytes) else _LONG_DIGITS).search(text):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def loads_plain(text: str | bytes) -> Any:
    """:func:`loads` without the search for long numbers, for JSON this code wrote whose
    numbers are all small (a page's headings, redirects and lists of strings): on many short
    texts that search would cost more than orjson saves."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
