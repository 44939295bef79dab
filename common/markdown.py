"""Escaping for everything that came from a crawled page before it reaches Markdown or HTML.

Titles, link text, URLs, quotes, messages and axe HTML snippets are untrusted. The site,
summary.md, the comparative site and the GitHub issue build their text through these
functions (the one place for each), never by pasting raw strings:

- ``md_text`` turns a string into inert Markdown text: HTML specials and every
  character Markdown or its extensions give meaning to become numeric character
  references, newlines become spaces, so the text can sit in a paragraph, a list item,
  a heading or a table cell and render exactly as written.
- ``md_link`` makes a link only for ``http``/``https`` URLs (percent-encoding anything
  that could end the link); other schemes (``javascript:``, ``data:``) are shown as text.
- ``md_code`` shows a snippet (an axe HTML excerpt, a rule id) as inline code.
- ``mentions=False`` (``md_text``, ``md_link``, ``md_code``) is for text posted to GitHub
  (summary.md, the job summary, issues): ``@everyone``, ``@org/team``, ``#123`` and
  ``GH-123`` are made inert (``no_mentions``) so nothing crawled can notify anyone or
  link an issue, while the text reads the same.
- ``html_text`` escapes text for hand-built HTML such as the SVG charts; ``slug`` makes
  file names and anchors.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from common.urls import is_http_url as is_web_url  # noqa: F401  (the one URL check, under the name callers use)

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


_MENTION = re.compile(r"@(?=[A-Za-z0-9_])")
_REFERENCE = re.compile(r"(&#35;|(?<!&)#|\bGH-)(?=\d)", re.I)
ZWSP = "&#8203;"
"""A zero-width space (as an entity): after ``@`` or before an issue number it stops GitHub
from notifying people (``@everyone``, ``@org/team``) or linking issues (``#123``, ``GH-123``)
while the text still reads the same."""


def no_mentions(text: str) -> str:
    """Escaped Markdown with every ``@mention`` and ``#123``/``GH-123`` reference made inert
    (also ``&#35;123``, as ``md_text`` writes ``#123``: GitHub reads the entity as ``#``)."""
    text = _REFERENCE.sub(lambda m: m.group(1) + ZWSP, text)
    return _MENTION.sub("@" + ZWSP, text)


def md_text(value: object, limit: int | None = None, mentions: bool = True) -> str:
    """``value`` as Markdown text that renders literally (safe in table cells too);
    ``mentions=False`` also makes GitHub @mentions and issue references inert."""
    text = _SPACES.sub(" ", "" if value is None else str(value)).strip()
    text = _clip(text, limit).translate(_TABLE)
    # A leading "-", "." or "1." could still start a list or a heading underline.
    text = _LIST_START.sub(lambda m: m.group(1) + m.group(2).replace("-", "&#45;").replace(".", "&#46;"), text)
    return text if mentions else no_mentions(text)


def md_url(url: str) -> str:
    """Percent-encode a web URL so it cannot end a Markdown link or table cell."""
    return quote(str(url).strip(), safe=_URL_SAFE)


def md_link(text: object, url: object, limit: int | None = 90, mentions: bool = True) -> str:
    """A Markdown link to ``url`` labelled ``text`` when ``url`` is http(s); otherwise the
    text (or URL) as plain text. Always ``md_link(text, url)``, text first."""
    label = md_text(text if str(text or "").strip() else url, limit, mentions)
    if not is_web_url(url):
        if url and str(url).strip() and str(text or "").strip() and str(url) != str(text):
            return f"{label} ({md_text(url, limit, mentions)})"
        return label
    return f"[{label}]({md_url(str(url))})"


def md_code(value: object, limit: int | None = 300, mentions: bool = True) -> str:
    """``value`` shown as inline code, escaped (safe for HTML snippets and table cells)."""
    text = md_text(value, limit, mentions)
    return f"<code>{text}</code>" if text else ""


def html_text(value: object) -> str:
    """Escape text for hand-built HTML or SVG."""
    return html.escape("" if value is None else str(value), quote=True)


def slug(value: object, fallback: str = "item") -> str:
    """A file-name and anchor-safe slug: lower case letters, digits and hyphens."""
    text = re.sub(r"[^a-z0-9]+", "-", str(value or "").lower()).strip("-")
    return text[:60].strip("-") or fallback
