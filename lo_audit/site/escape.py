"""Escaping for everything that came from a crawled page before it reaches Markdown or HTML.

Titles, link text, URLs, quotes, messages and axe HTML snippets are untrusted. Every
generated page builds its text through these functions, never by pasting raw strings:

- ``md_text`` turns a string into inert Markdown text: HTML specials and every
  character Markdown or its extensions give meaning to become numeric character
  references, newlines become spaces, so the text can sit in a paragraph, a list item,
  a heading or a table cell and render exactly as written.
- ``md_link`` makes a link only for ``http``/``https`` URLs (percent-encoding anything
  that could end the link); other schemes (``javascript:``, ``data:``) are shown as text.
- ``md_code`` shows a snippet (an axe HTML excerpt) as inline code.
- ``html_text`` / ``html_attr`` escape text for hand-built HTML such as the SVG charts.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

# Characters with a meaning in Python-Markdown, its tables / attr_list / admonition /
# md_in_html extensions, or HTML. Each becomes a numeric character reference.
_SPECIAL = set("\\`*_{}[]()<>#+!|~&\"'=:^$")
_TABLE = str.maketrans({c: f"&#{ord(c)};" for c in _SPECIAL})
_SPACES = re.compile(r"[\s\u2028\u2029]+")
_LIST_START = re.compile(r"^(\s*)([-.]|\d+\.)")
_URL_SAFE = "/:?#=&%+,;@!$~.-_"


def _clip(text: str, limit: int | None) -> str:
    if limit and len(text) > limit:
        return text[: max(limit - 1, 1)].rstrip() + "…"
    return text


def md_text(value: object, limit: int | None = None) -> str:
    """``value`` as Markdown text that renders literally (safe in table cells too)."""
    text = _SPACES.sub(" ", "" if value is None else str(value)).strip()
    text = _clip(text, limit).translate(_TABLE)
    # A leading "-", "." or "1." could still start a list or a heading underline.
    return _LIST_START.sub(lambda m: m.group(1) + m.group(2).replace("-", "&#45;").replace(".", "&#46;"), text)


def is_web_url(url: object) -> bool:
    """True for absolute ``http``/``https`` URLs with a host."""
    try:
        parts = urlsplit(str(url or "").strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def md_url(url: str) -> str:
    """Percent-encode a web URL so it cannot end a Markdown link or table cell."""
    return quote(str(url).strip(), safe=_URL_SAFE)


def md_link(text: object, url: object, limit: int | None = 90) -> str:
    """A Markdown link when ``url`` is http(s); otherwise the text (or URL) as plain text."""
    label = md_text(text if str(text or "").strip() else url, limit)
    if not is_web_url(url):
        if url and str(url).strip() and str(text or "").strip() and str(url) != str(text):
            return f"{label} ({md_text(url, limit)})"
        return label
    return f"[{label}]({md_url(str(url))})"


def md_code(value: object, limit: int | None = 300) -> str:
    """``value`` shown as inline code, escaped (safe for HTML snippets and table cells)."""
    text = md_text(value, limit)
    return f"<code>{text}</code>" if text else ""


def html_text(value: object) -> str:
    """Escape text for hand-built HTML or SVG."""
    return html.escape("" if value is None else str(value), quote=True)


def html_attr(value: object) -> str:
    """Escape a value for an HTML attribute (quotes included)."""
    return html_text(value)


def slug(value: object, fallback: str = "item") -> str:
    """A file-name and anchor-safe slug: lower case letters, digits and hyphens."""
    text = re.sub(r"[^a-z0-9]+", "-", str(value or "").lower()).strip("-")
    return text[:60].strip("-") or fallback
