"""Email addresses: ``mailto:`` links, plain text and common obfuscations
(``name [at] domain [dot] gov [dot] uk``, ``name(at)domain.org``), lower-cased."""

from __future__ import annotations

import re
from urllib.parse import unquote

_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
EMAIL = re.compile(rf"(?<![\w.@+-])({_LOCAL}@{_DOMAIN})(?![\w-]|\.[a-z0-9])", re.I)
_FULL = re.compile(rf"^{_LOCAL}@{_DOMAIN}$", re.I)
MAX_TEXT = 200_000


def _spoken(match: re.Match) -> str:
    return match.group(1) + "@" + re.sub(r"\s+dot\s+", ".", match.group(2), flags=re.I)


def deobfuscate(text: str) -> str:
    """Turn ``[at]``/``(at)``/`` at ``…`` dot `` forms into ``@`` and ``.``."""
    if not re.search(r"at", text, re.I):
        return text
    text = re.sub(r"\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*", "@", text, flags=re.I)
    text = re.sub(r"\s*[\[\(\{<]\s*dot\s*[\]\)\}>]\s*", ".", text, flags=re.I)
    return re.sub(r"\b([\w.+-]+)\s+at\s+([\w-]+(?:\s+dot\s+[\w-]+)+)\b", _spoken, text, flags=re.I)


def normalise_email(text: str) -> str | None:
    """One address from text or a ``mailto:`` href (query dropped), lower-cased; None if invalid."""
    text = unquote(re.sub(r"^\s*mailto:", "", text or "", flags=re.I)).split("?")[0].strip().strip("<>.,;")
    text = deobfuscate(text).strip()
    if "," in text:
        text = text.split(",")[0].strip()
    return text.lower() if len(text) <= 254 and _FULL.match(text) else None


def find_emails(text: str, hrefs: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Distinct addresses in ``text`` (de-obfuscated) and ``mailto:`` hrefs, in order."""
    found: dict[str, None] = {}
    for match in EMAIL.finditer(deobfuscate((text or "")[:MAX_TEXT])):
        found[match.group(1).lower()] = None
    for href in hrefs:
        for part in re.sub(r"^\s*mailto:", "", href, flags=re.I).split("?")[0].split(","):
            if email := normalise_email(part):
                found[email] = None
    return tuple(found)
