"""UK postcodes in page text, in canonical form (``AB1 2CD``: upper case, one space)."""

from __future__ import annotations

import re

_OUTWARD = r"[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
POSTCODE = re.compile(rf"(?<![A-Z0-9])({_OUTWARD}|GIR)[^\S\n]{{0,2}}({_INWARD}|0AA)(?![A-Z0-9])", re.I)
_FULL = re.compile(rf"^({_OUTWARD})\s*({_INWARD})$|^(GIR)\s*(0AA)$", re.I)


def normalise_postcode(text: str) -> str | None:
    """Canonical form of one postcode (any case and spacing), or None."""
    match = _FULL.match((text or "").strip())
    if not match:
        return None
    outward, inward = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return f"{outward.upper()} {inward.upper()}"


def find_postcodes(text: str) -> tuple[str, ...]:
    """Distinct postcodes in ``text`` in order of appearance."""
    found: dict[str, None] = {}
    for match in POSTCODE.finditer(text or ""):
        found[f"{match.group(1).upper()} {match.group(2).upper()}"] = None
    return tuple(found)
