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


def dumps_indented_bytes(data: Any) -> tuple[bytes, bool]:
    """:func:`dumps_indented` encoded as UTF-8, for a file: a findings.json of 16 MB is then
    not decoded to text only to be encoded again; and whether orjson wrote it, in which case
    it holds no integer beyond 64 bits and :func:`loads_plain` reads it back as :func:`loads`
    would. ``UnicodeEncodeError`` where the text holds half of a character pair (which json
    writes as is and UTF-8 cannot hold)."""
    try:
        return orjson.dumps(data, default=str, option=_INDENTED), True
    except (orjson.JSONEncodeError, TypeError):
        return (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8"), False


_DIGIT_OR_NOT = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
"""A ``bytes.translate`` table: every ASCII digit to ``0``, every other byte to a space."""
_LONG_RUN = b"0" * 19


def has_long_number(text: str | bytes) -> bool:
    """True when ``text`` holds 19 ASCII digits in a row: perhaps an integer beyond 64 bits,
    which orjson would read as a float (or refuse).

    A JSON number is written in ASCII digits only, so every such integer shows as such a run;
    a run elsewhere (inside a string) only sends the text to the standard library, which
    gives the same values. One ``translate`` and one substring search: on a findings.json of
    16 MB about ten times faster than the regular expression ``\\d{19}``, which tries a
    match at every digit."""
    if isinstance(text, str):
        # UTF-8 keeps ASCII digits as the same bytes; surrogatepass: a lone surrogate is no digit
        text = text.encode("utf-8", "surrogatepass")
    return _LONG_RUN in text.translate(_DIGIT_OR_NOT)


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``, bytes read as UTF-8 (``json.loads(text.decode("utf-8"))``): the
    same values, ``UnicodeDecodeError`` for bytes that are not UTF-8 and
    ``json.JSONDecodeError`` for text that is not JSON. orjson reads bytes themselves (it
    refuses bytes that are not UTF-8), so a findings.json of 16 MB is not decoded to text
    first; whatever orjson refuses is read by the standard library, which gives its own answer."""
    if not has_long_number(text):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text.decode("utf-8") if isinstance(text, bytes) else text)


def loads_plain(text: str | bytes) -> Any:
    """:func:`loads` without the search for long numbers, for JSON this code wrote whose
    numbers are all small (a page's headings, redirects and lists of strings): on many short
    texts that search would cost more than orjson saves."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


_COMPACT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps_compact(data: Any) -> str:
    """Compact JSON text for the store (no spaces), the values :func:`dumps_indented` writes
    (dates and dataclasses as ``str``). Where orjson refuses (a lone surrogate, which a feed's
    JSON can escape into a name; an integer beyond 64 bits) json writes it with every
    non-ASCII character escaped, so the text is always storable UTF-8 and reads back the same."""
    try:
        return orjson.dumps(data, default=str, option=_COMPACT).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, default=str, separators=(",", ":"))
