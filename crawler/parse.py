"""HTML -> ``ParsedHtml``: everything the crawler reads from one page, with selectolax.

Pure and fast (lexbor). Everything here comes from an untrusted page: lengths are
capped and nothing is evaluated. Raw hrefs are returned as written; making them
absolute and classifying them is ``crawler.pagebuild``'s job.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler import signals
from crawler.extract import structured

REGION_TAGS = {"nav": "nav", "header": "header", "main": "main", "footer": "footer", "aside": "aside"}
ROLE_REGIONS = {"navigation": "nav", "banner": "header", "main": "main", "contentinfo": "footer",
                "complementary": "aside"}
COOKIE_SELECTOR = ("[id*=cookie i],[class*=cookie i],[id*=consent i],[class*=consent i],"
                   "[aria-label*=cookie i],#onetrust-banner-sdk,#onetrust-consent-sdk,.cc-window,#ccc")
NOISE = "script,style,noscript,template,svg,iframe,object"
_BLOCK_END = re.compile(
    r"(</(?:p|div|h[1-6]|li|tr|td|th|dd|dt|section|article|table|ul|ol|blockquote|pre|header|footer|nav|"
    r"main|aside|form|label|option|figcaption|caption|address)\s*>|<br\s*/?>)", re.I)
MAX_TEXT = 500_000
MAX_FIELDS = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Control characters (binary served as HTML, broken encodings): never kept in text."""


@dataclass(frozen=True, slots=True)
class RawLink:
    """A link as written: ``href``, anchor text and page region."""

    href: str
    text: str
    region: str


@dataclass(frozen=True)
class ParsedHtml:
    """What one HTML document says (see ``parse_html``)."""

    title: str = ""
    lang: str = ""
    canonical: str = ""
    base_href: str = ""
    headings: tuple[tuple[int, str], ...] = ()
    body_text: str = ""
    main_text: str = ""
    links: tuple[RawLink, ...] = ()
    anchors: tuple[str, ...] = ()
    meta: dict | None = None
    jsonld: tuple[str, ...] = ()
    times: tuple[tuple[str, str], ...] = ()
    fields: dict | None = None
    images_missing_alt: int = 0
    a11y_hints: tuple[str, ...] = ()
    js_signals: tuple[str, ...] = ()
    has_scripts: bool = False
    forms: int = 0
    panel_text: str = ""
    """Text of sidebars and contact panels (``<aside>``, complementary regions, elements
    whose class or id says sidebar or contact) outside nav, header and footer: the
    record-contact text that ``main_text`` leaves out."""
    schema_items: tuple[dict, ...] = ()
    """schema.org items from JSON-LD and microdata (``crawler.extract.structured``)."""
    classes: tuple[str, ...] = ()
    """Class names used on the page (bounded), for ``checks.service_markers``."""
    layout: str = ""
    """Fingerprint of the layout skeleton (``signals.layout_key``): the structural template."""
    page_hints: tuple[str, ...] = ()
    """``a11y_hints`` found inside the main content (``signals.page_hints``)."""
    blocks: tuple[tuple[str, str, str, str], ...] = ()
    """Text blocks outside nav, header, footer and aside landmarks, in document order:
    ``(region, kind, hash, text)`` with region ``main`` (inside the main landmark) or
    ``body``, kind ``p`` or ``h1``..``h6``, and a hash of the normalised text (see
    :func:`content_blocks`). Checks compare hashes across pages to find repeated blocks."""


def clean(text: str | None, limit: int = 500) -> str:
    """Whitespace collapsed, control characters removed and length capped."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:limit]


def _text_lines(node: LexborNode | None) -> str:
    if node is None:
        return ""
    lines = (" ".join(line.split()) for line in _CONTROL.sub(" ", node.text(separator="")).splitlines())
    return "\n".join(line for line in lines if line)[:MAX_TEXT]


def region_of(node: LexborNode) -> str:
    """The landmark a node sits in: nav, header, main, footer, aside or body."""
    current = node.parent
    while current is not None and current.tag not in ("body", "html"):
        if current.tag in REGION_TAGS:
            return REGION_TAGS[current.tag]
        role = (current.attributes.get("role") or "").lower()
        if role in ROLE_REGIONS:
            return ROLE_REGIONS[role]
        current = current.parent
    return "body"


def link_text(node: LexborNode) -> str:
    """Anchor text, else an image's alt, else aria-label/title."""
    text = clean(node.text(separator=" "), 300)
    if text:
        return text
    img = node.css_first("img[alt]")
    attrs = node.attributes
    return clean((img.attributes.get("alt") if img else "") or attrs.get("aria-label") or attrs.get("title"), 300)


LINKS = "a[href], area[href]"
LANDMARK_SELECTOR = "nav, header, main, footer, aside, [role]"


def _regions(tree: LexborHTMLParser) -> dict[int, str]:
    """``region_of`` for every link at once, top down: each landmark hands its region to the
    links inside it, and an inner landmark (later in document order) overrides an outer one."""
    found: dict[int, str] = {}
    for container in tree.css(LANDMARK_SELECTOR):
        region = REGION_TAGS.get(container.tag) or ROLE_REGIONS.get((container.attributes.get("role") or "").lower())
        if region is None or container.tag in ("body", "html"):
            continue
        for node in container.css(LINKS):
            if node.mem_id != container.mem_id:
                found[node.mem_id] = region
    return found


def _links(tree: LexborHTMLParser) -> tuple[RawLink, ...]:
    regions = _regions(tree)
    return tuple(RawLink(node.attributes.get("href") or "", link_text(node), regions.get(node.mem_id, "body"))
                 for node in tree.css(LINKS))


def _meta(tree: LexborHTMLParser) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = attrs.get("name") or attrs.get("property") or attrs.get("http-equiv") or attrs.get("itemprop")
        if key:
            out.setdefault(key.lower()[:100], clean(attrs.get("content"), 1000))
    return out


def _canonical(tree: LexborHTMLParser) -> str:
    for node in tree.css("link[rel][href]"):
        if "canonical" in (node.attributes.get("rel") or "").lower().split():
            return (node.attributes.get("href") or "").strip()
    return ""


def _fields(tree: LexborHTMLParser) -> dict[str, str]:
    """Labelled values: ``<dt>/<dd>`` pairs and two-cell table rows."""
    fields: dict[str, str] = {}
    for dl in tree.css("dl"):
        label = ""
        for child in dl.iter():
            if child.tag == "dt":
                label = clean(child.text(separator=" "), 80).rstrip(":").strip()
            elif child.tag == "dd" and label and label not in fields:
                fields[label] = clean(child.text(separator=" "), 1000)
    for row in tree.css("tr"):
        cells = [c for c in row.iter() if c.tag in ("th", "td")]
        if len(cells) == 2:
            label = clean(cells[0].text(separator=" "), 81).rstrip(":").strip()
            if label and len(label) <= 80:
                fields.setdefault(label, clean(cells[1].text(separator=" "), 1000))
    return dict(list(fields.items())[:MAX_FIELDS])


def _main_container(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in ("main", "[role=main]", "article"):
        if node := tree.css_first(selector):
            return node
    return tree.body


def _strip(root: LexborNode | None, selector: str) -> None:
    if root is not None:
        for node in root.css(selector):
            node.decompose()


def _main_text(tree: LexborHTMLParser) -> str:
    container = _main_container(tree)
    regions = "nav,aside,[role=navigation],[role=complementary],[hidden],[aria-hidden=true]"
    if container is tree.body:
        regions += ",header,footer,[role=banner],[role=contentinfo]"
    _strip(container, regions)
    return _text_lines(container)


PANEL_SELECTOR = ("aside,[role=complementary],[class*=sidebar i],[id*=sidebar i],[class*=contact-panel i],"
                  "[class*=contact-details i],[class*=contact-info i],[class*=contactinfo i]")
MAX_CLASSES = 200


def _outside_chrome(node: LexborNode) -> bool:
    """True when no ancestor is nav, header, footer (or their roles) or another panel."""
    current = node.parent
    while current is not None and current.tag not in ("body", "html"):
        role = (current.attributes.get("role") or "").lower()
        if current.tag in ("nav", "header", "footer") or role in ("navigation", "banner", "contentinfo"):
            return False
        if current.tag == "aside" or role == "complementary":
            return False
        current = current.parent
    return True


def _panel_text(tree: LexborHTMLParser) -> str:
    """See ``ParsedHtml.panel_text`` (nested panels counted once)."""
    parts: list[str] = []
    seen: list[LexborNode] = []
    for node in tree.css(PANEL_SELECTOR) if tree.body else ():
        if node.tag in ("body", "html", "main") or not _outside_chrome(node):
            continue
        if any(_contains(outer, node) for outer in seen):
            continue
        seen.append(node)
        parts.append(_text_lines(node))
    return "\n".join(p for p in parts if p)[:MAX_TEXT]


def _contains(outer: LexborNode, node: LexborNode) -> bool:
    current = node.parent
    while current is not None:
        if current.mem_id == outer.mem_id:
            return True
        current = current.parent
    return False


def _classes(tree: LexborHTMLParser) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for node in tree.css("[class]"):
        for name in (node.attributes.get("class") or "").split():
            if len(name) <= 60:
                found[name] = None
        if len(found) >= MAX_CLASSES:
            break
    return tuple(found)[:MAX_CLASSES]


def parse_html(html: str) -> ParsedHtml:
    """Parse one HTML document (a str; decode bytes first)."""
    tree = LexborHTMLParser(_BLOCK_END.sub(r"\1\n", _MARKS.sub("", html)))
    html_node = tree.css_first("html")
    head_meta = _meta(tree)
    jsonld = tuple(clean_script(n.text()) for n in tree.css('script[type="application/ld+json"]'))[:20]
    has_scripts = signals.has_scripts(tree)
    js = signals.js_signals(tree, has_scripts)
    hints = signals.a11y_hints(tree)
    layout, own_hints = signals.layout_key(tree), signals.page_hints(tree)
    _strip(tree.root, NOISE)
    _strip(tree.body, COOKIE_SELECTOR)
    items = tuple(structured.from_jsonld(jsonld) + structured.from_microdata(tree))[:structured.MAX_ITEMS]
    panel_text, classes = _panel_text(tree), _classes(tree)
    title_node = tree.css_first("title")
    base = tree.css_first("base[href]")
    return ParsedHtml(
        title=clean(title_node.text() if title_node else "", 300),
        lang=clean(html_node.attributes.get("lang") if html_node else "", 20),
        canonical=_canonical(tree), base_href=(base.attributes.get("href") or "") if base else "",
        headings=tuple((int(n.tag[1]), clean(n.text(separator=" "), 300)) for n in tree.css("h1,h2,h3,h4,h5,h6")),
        body_text=_text_lines(tree.body), links=_links(tree),
        anchors=tuple(dict.fromkeys(a for a in _anchor_names(tree) if a))[:5000],
        meta=head_meta, jsonld=jsonld,
        times=tuple((n.attributes.get("datetime") or "", clean(n.parent.text(separator=" ") if n.parent else "", 300))
                    for n in tree.css("time[datetime]"))[:50],
        fields=_fields(tree), images_missing_alt=len(tree.css("img:not([alt])")),
        a11y_hints=hints, js_signals=js, has_scripts=has_scripts, forms=len(tree.css("form")),
        panel_text=panel_text, schema_items=items, classes=classes,
        layout=layout, page_hints=own_hints,
        main_text=_main_text(tree),
        blocks=content_blocks(tree),
    )


def clean_script(text: str | None) -> str:
    return (text or "")[:100_000]


def _anchor_names(tree: LexborHTMLParser):
    for node in tree.css("[id]"):
        yield (node.attributes.get("id") or "")[:200]
    for node in tree.css("a[name]"):
        yield (node.attributes.get("name") or "")[:200]


# ----------------------------------------------------------------------------- content blocks
LANDMARKS = ("nav,header,footer,aside,main,[role=navigation],[role=banner],[role=contentinfo],"
             "[role=complementary],[role=main],[role=search]")
_LANDMARK_OF = {"nav": "nav", "header": "header", "footer": "footer", "aside": "aside", "main": "main",
                "navigation": "nav", "banner": "header", "contentinfo": "footer", "complementary": "aside",
                "search": "nav"}
_SECTIONING = {"article", "aside", "main", "nav", "section"}
_OPEN, _CLOSE, _END = "\ue000", "\ue001", "\ue002"
_MARKS = re.compile("[\ue000-\ue002]")
_TOKENS = re.compile("(\ue000[a-z0-9]+\ue002|\ue001|\n)")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
MAX_BLOCKS = 600
MAX_BLOCK_CHARS = 1000
MAX_BLOCKS_TEXT = 60_000


def _landmark(node: LexborNode) -> str:
    """The landmark ``node`` opens, or "" (a header or footer inside an article or section is not one)."""
    role = (node.attributes.get("role") or "").lower()
    kind = _LANDMARK_OF.get(role) or _LANDMARK_OF.get(node.tag or "", "")
    if node.tag in ("header", "footer") and not role:
        parent = node.parent
        while parent is not None and parent.tag not in ("body", "html"):
            if parent.tag in _SECTIONING or (parent.attributes.get("role") or "").lower() == "main":
                return ""
            parent = parent.parent
    return kind


def _mark(node: LexborNode, name: str) -> None:
    node.insert_child(_CLOSE)
    node.first_child.insert_before(f"{_OPEN}{name}{_END}")


def block_hash(text: str) -> str:
    """The hash checks compare: of the text lower-cased with whitespace collapsed."""
    return hashlib.blake2b(" ".join(text.lower().split()).encode("utf-8", "replace"), digest_size=8).hexdigest()


def content_blocks(tree: LexborHTMLParser) -> tuple[tuple[str, str, str, str], ...]:
    """The body's text blocks outside nav, header, footer and aside landmarks (see ``ParsedHtml.blocks``).

    Landmarks and headings are marked in the tree with private-use characters (removed from
    the page's own text before parsing), the body's text is read once, and the marks give
    each line its landmark and heading level. Call it last: it changes the tree.
    """
    body = tree.body
    if body is None:
        return ()
    for node in body.css(LANDMARKS):
        name = _landmark(node)
        if name:
            _mark(node, name)
    for node in body.css("h1,h2,h3,h4,h5,h6"):
        _mark(node, node.tag)
    return _blocks_from_marked(_CONTROL.sub(" ", body.text(separator="")))


def _blocks_from_marked(text: str) -> tuple[tuple[str, str, str, str], ...]:
    out: list[tuple[str, str, str, str]] = []
    stack: list[str] = []
    buffer: list[str] = []
    region, heading, total = "body", "p", 0

    def state() -> tuple[str, str]:
        regions = [s for s in stack if s not in _HEADINGS]
        return (regions[-1] if regions else "body"), next((s for s in reversed(stack) if s in _HEADINGS), "p")

    for token in _TOKENS.split(text):
        if not token:
            continue
        if token == "\n" and heading != "p":
            buffer.append(" ")
            continue
        if token == "\n" or token == _CLOSE or token[0] == _OPEN:
            if buffer:
                line = " ".join("".join(buffer).split())[:MAX_BLOCK_CHARS]
                buffer.clear()
                if line and region in ("main", "body"):
                    out.append((region, heading, block_hash(line), line))
                    total += len(line)
                    if len(out) >= MAX_BLOCKS or total >= MAX_BLOCKS_TEXT:
                        break
            if token == _CLOSE:
                if stack:
                    stack.pop()
                region, heading = state()
            elif token != "\n":
                stack.append(token[1:-1])
                region, heading = state()
        else:
            buffer.append(token)
    else:
        line = " ".join("".join(buffer).split())[:MAX_BLOCK_CHARS]
        if line and region in ("main", "body") and len(out) < MAX_BLOCKS:
            out.append((region, heading, block_hash(line), line))
    return tuple(out)