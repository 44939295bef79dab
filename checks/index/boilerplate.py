"""A page's main content: what the page itself says, without the site's boilerplate.

The crawler keeps each page's text blocks outside the nav, header, footer and aside
landmarks, with a hash per block (``Page.meta["blocks"]``, see ``crawler.parse``). What is
left can still be boilerplate: menus and footers built from plain ``<div>``s, "related
pages" boxes, feedback prompts, cookie text. Those are found by repetition: a block whose
hash appears on many pages of the same URL template, or of the same host, is not the
page's own content (:class:`Repetition`).

When a page has a ``main`` landmark, only blocks inside it count; otherwise the body's
blocks outside other landmarks count. The page's title loses the parts repeated across the
host (``"Short breaks | Exampleshire Local Offer"`` -> ``"Short breaks"``).

Service records keep their contact panels for contact reading: that uses ``Page.main_text``
and the contact fields, never this module.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import urlsplit

from crawler.parse import block_hash

TEMPLATE_SHARE, HOST_SHARE = 0.5, 0.2
"""A block is boilerplate on at least this share of its template's pages, or of its host's."""
MIN_REPEATS = 3
"""...and on at least this many pages (a block on two pages may be a shared paragraph)."""
_TITLE_SPLIT = re.compile(r"\s+[|–—:·-]\s+|\s+::\s+")


@dataclass(frozen=True)
class Block:
    """One text block of a page (a paragraph, list item, table row or heading)."""

    region: str  # main or body
    kind: str  # p, or h1..h6
    hash: str
    text: str

    @property
    def level(self) -> int:
        return int(self.kind[1]) if self.kind[:1] == "h" and self.kind[1:].isdigit() else 0


@dataclass(frozen=True)
class Section:
    """A heading and the text under it, up to the next heading of the same or a higher level.

    Level 0 is the whole page under its title.
    """

    level: int
    heading: str
    text: str

    @cached_property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class MainContent:
    """What one page says in its main content."""

    url: str
    title: str  # the h1, else the title without the site's repeated parts
    titles: tuple[str, ...]  # every title-level text (h1s and cleaned <title>)
    sections: tuple[Section, ...]  # level 0 first
    text: str  # every main-content block, one per line
    removed: int = 0  # blocks dropped as repeated boilerplate

    @property
    def words(self) -> int:
        return self.sections[0].words if self.sections else 0


def page_blocks(page: Any) -> list[Block]:
    """The page's stored blocks; for stores without them, its main text lines and headings."""
    stored = (page.meta or {}).get("blocks") if isinstance(getattr(page, "meta", None), dict) else None
    if stored:
        blocks = [Block(*map(str, b[:4])) for b in stored if isinstance(b, (list, tuple)) and len(b) >= 4]
        mains = [b for b in blocks if b.region == "main"]
        return mains or blocks
    heads = list(page.headings or ())
    out = []
    for line in (page.main_text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        kind = "p"
        for i, (level, text) in enumerate(heads):
            if " ".join(str(text).split()) == line:
                kind = f"h{int(level)}"
                del heads[i]
                break
        out.append(Block("main", kind, block_hash(line), line))
    return out


@lru_cache(maxsize=65_536)
def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


class Repetition:
    """Counts of each block hash (and title part) per URL template and per host, over many pages."""

    def __init__(self, pages: list[Any]) -> None:
        self.by_template: Counter = Counter()
        self.by_host: Counter = Counter()
        self.template_pages: Counter = Counter()
        self.host_pages: Counter = Counter()
        self.title_parts: Counter = Counter()
        self._blocks: dict[str, list[Block]] = {}
        for page in pages:
            template, host = page.template or _host(page.url), _host(page.url)
            self.template_pages[template] += 1
            self.host_pages[host] += 1
            blocks = self._blocks[page.url] = page_blocks(page)
            for h in {b.hash for b in blocks}:
                self.by_template[template, h] += 1
                self.by_host[host, h] += 1
            for part in set(_title_parts(page.title)):
                self.title_parts[host, part.lower()] += 1

    def blocks(self, page: Any) -> list[Block]:
        """:func:`page_blocks` of a page, read once when it was counted."""
        found = self._blocks.get(page.url)
        return found if found is not None else page_blocks(page)

    def repeated(self, page: Any, block_hash: str) -> bool:
        """True when the block is on enough pages of the page's template or host to be boilerplate."""
        template, host = page.template or _host(page.url), _host(page.url)
        n_t, n_h = self.by_template[template, block_hash], self.by_host[host, block_hash]
        return (n_t >= MIN_REPEATS and n_t >= TEMPLATE_SHARE * self.template_pages[template]) or \
            (n_h >= MIN_REPEATS and n_h >= HOST_SHARE * self.host_pages[host])

    def clean_title(self, page: Any) -> str:
        """The ``<title>`` without the parts repeated across the host (the site's name)."""
        parts = _title_parts(page.title)
        host = _host(page.url)
        own = [p for p in parts if self.title_parts[host, p.lower()] < max(MIN_REPEATS, HOST_SHARE * self.host_pages[host])]
        return " – ".join(own if own or len(parts) < 2 else parts[:1])


def _title_parts(title: str) -> list[str]:
    return [p.strip() for p in _TITLE_SPLIT.split(title or "") if p.strip()]


def main_content(page: Any, repetition: Repetition | None = None) -> MainContent:
    """The page's main content: its blocks without repeated ones, split into sections."""
    blocks = page_blocks(page) if repetition is None else repetition.blocks(page)
    kept = [b for b in blocks if repetition is None or not repetition.repeated(page, b.hash)]
    title = repetition.clean_title(page) if repetition is not None else (page.title or "")
    h1s = [b.text for b in kept if b.level == 1]
    titles = tuple(dict.fromkeys(t for t in (*h1s, title) if t))
    sections = [Section(0, h1s[0] if h1s else title, "\n".join(b.text for b in kept if b.level != 1))]
    for i, block in enumerate(kept):
        if block.level >= 2:
            body = []
            for later in kept[i + 1:]:
                if later.level and later.level <= block.level:
                    break
                body.append(later.text)
            sections.append(Section(block.level, block.text, "\n".join(body)))
    return MainContent(page.url, titles[0] if titles else "", titles, tuple(sections),
                       "\n".join(b.text for b in kept), len(blocks) - len(kept))
