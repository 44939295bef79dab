"""Cheap signals read from static HTML: does a page need JavaScript to show its content,
does it show a likely accessibility problem (so axe should look at it), and which layout
(structural template) is it built on?"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

APP_ROOTS = "#root, #app, #__next, #__nuxt, [data-reactroot], app-root, [ng-app], [data-app-root]"
NOSCRIPT_JS = re.compile(r"enable\s+javascript|javascript\s+(?:is\s+)?(?:required|disabled|needed|must)|"
                         r"requires?\s+javascript|turn\s+on\s+javascript|need\s+javascript", re.I)
LOAD_MORE = re.compile(r"^\s*(?:load|show|view|see)\s+more\b|^\s*more\s+results\b|^\s*show\s+all\b|"
                       r"^\s*load\s+next\b", re.I)
DATA_SOURCE = re.compile(r"\.json\b|/api/|/graphql\b", re.I)
NOT_LABELLED_TYPES = {"hidden", "submit", "button", "image", "reset"}
BOOTSTRAP_IDS = "script#__NEXT_DATA__, script#__NUXT_DATA__, #___gatsby, [ng-version], [data-server-rendered]"
BOOTSTRAP = re.compile(r"__NEXT_DATA__|__NUXT__|__INITIAL_STATE__|__APOLLO_STATE__|__PRELOADED_STATE__|"
                       r"__remixContext|window\.__data\b", re.I)
SCRIPT_LINKS = re.compile(r"createElement\(\s*['\"]a['\"]|(?:innerHTML|insertAdjacentHTML)[^;]{0,200}<a\b|"
                          r"\.href\s*=\s*[a-z_$]", re.I)
SCRIPT_FETCH = re.compile(r"\bfetch\s*\(|XMLHttpRequest|\$\.(?:ajax|get|getJSON|post)\s*\(|\baxios\b|"
                          r"\.load\s*\(\s*['\"]/", re.I)
SCRIPT_FEATURES = (("fetch", SCRIPT_FETCH), ("links", SCRIPT_LINKS), ("bootstrap", BOOTSTRAP),
                   ("dom", re.compile(r"appendChild|\.append\(|innerHTML|insertAdjacentHTML|document\.write", re.I)))
LANDMARKS = ("header, nav, main, footer, aside, form[role=search], [role=banner], [role=navigation], [role=main], "
             "[role=contentinfo], [role=complementary], [role=search]")
VOLATILE = re.compile(r"[0-9a-f]{6,}|\d+", re.I)
"""Ids, numbers and content hashes in class names and script file names (``page-id-42``,
``main.3f9a8c1d.js``): they differ between pages of one layout and builds of one site."""
MAX_INLINE = 20_000


def has_scripts(tree: LexborHTMLParser) -> bool:
    """Any script that can run (not JSON-LD or templates)."""
    for node in tree.css("script"):
        kind = (node.attributes.get("type") or "").lower()
        if not kind or "javascript" in kind or kind == "module":
            return True
    return False


def _empty_root(tree: LexborHTMLParser) -> bool:
    for node in tree.css(APP_ROOTS):
        if len(node.text(strip=True)) < 20 and not node.css_first("a[href]"):
            return True
    return False


def _load_more(tree: LexborHTMLParser) -> bool:
    for node in tree.css("button, [role=button], a[href='#'], a[href^='javascript'], input[type=button]"):
        text = node.text(separator=" ") or node.attributes.get("value") or ""
        if LOAD_MORE.search(text):
            return True
    return False


def _inline_scripts(tree: LexborHTMLParser) -> list[str]:
    out = []
    for node in tree.css("script:not([src])"):
        kind = (node.attributes.get("type") or "").lower()
        if not kind or "javascript" in kind or kind == "module":
            out.append((node.text() or "")[:MAX_INLINE])
    return out


def _script_evidence(tree: LexborHTMLParser) -> list[str]:
    """Inline scripts that fetch data and build links or markup with it, or bootstrap an app."""
    found = []
    if tree.css_first(BOOTSTRAP_IDS):
        found.append("app-bootstrap")
    for text in _inline_scripts(tree):
        if BOOTSTRAP.search(text) and "app-bootstrap" not in found:
            found.append("app-bootstrap")
        if SCRIPT_FETCH.search(text) and (SCRIPT_LINKS.search(text) or DATA_SOURCE.search(text)) \
                and "script-data" not in found:
            found.append("script-data")
        elif SCRIPT_LINKS.search(text) and "script-links" not in found:
            found.append("script-links")
    return found


def js_signals(tree: LexborHTMLParser, scripts: bool) -> tuple[str, ...]:
    """Reasons to render this page in a browser (empty but for names when none)."""
    found = _script_evidence(tree) if scripts else []
    if scripts and _empty_root(tree):
        found.append("empty-app-root")
    if any(NOSCRIPT_JS.search(n.text() or "") for n in tree.css("noscript")):
        found.append("noscript-needs-js")
    if scripts and _load_more(tree):
        found.append("load-more")
    sources = tree.css("[data-src],[data-url],[data-endpoint],[data-api],[data-source]")
    if scripts and any(DATA_SOURCE.search(" ".join(v or "" for k, v in n.attributes.items() if k.startswith("data-")))
                       for n in sources):
        found.append("data-source")
    body = tree.body
    if scripts and body is not None and len(body.text(strip=True)) < 40:
        found.append("thin-body")
    return tuple(found)


def _unlabelled_inputs(tree: LexborHTMLParser) -> bool:
    labelled = {n.attributes.get("for") for n in tree.css("label[for]")}
    for node in tree.css("input, select, textarea"):
        attrs = node.attributes
        if node.tag == "input" and (attrs.get("type") or "text").lower() in NOT_LABELLED_TYPES:
            continue
        if attrs.get("aria-label") or attrs.get("aria-labelledby") or attrs.get("title"):
            continue
        if attrs.get("id") in labelled:
            continue
        parent, inside = node.parent, False
        while parent is not None and not inside:
            inside, parent = parent.tag == "label", parent.parent
        if not inside:
            return True
    return False


def _empty_controls(tree: LexborHTMLParser) -> bool:
    for node in tree.css("a[href], button"):
        attrs = node.attributes
        if node.text(strip=True) or attrs.get("aria-label") or attrs.get("title") or attrs.get("aria-labelledby"):
            continue
        if not node.css_first("img[alt]:not([alt='']), svg[aria-label], [aria-label]"):
            return True
    return False


def a11y_hints(tree: LexborHTMLParser, root=None) -> tuple[str, ...]:
    """Likely accessibility problems visible in static HTML (empty when none); only inside
    ``root`` (a node) when given."""
    scope = root if root is not None else tree
    html = tree.css_first("html")
    checks = (
        ("img-no-alt", bool(scope.css_first("img:not([alt])"))),
        ("inline-colour", bool(scope.css_first("[style*=color i]"))),
        ("no-lang", root is None and (html is None or not (html.attributes.get("lang") or "").strip())),
        ("empty-link-or-button", _empty_controls(scope)),
        ("unlabelled-input", _unlabelled_inputs(scope)),
    )
    return tuple(name for name, hit in checks if hit)


def _classes(node) -> str:
    names = (node.attributes.get("class") or "").split() if node is not None else []
    return ".".join(sorted({VOLATILE.sub("#", n) for n in names if not VOLATILE.fullmatch(n)})[:8])


def _script_name(src: str) -> str:
    parts = urlsplit(src.strip())
    name = parts.path.rsplit("/", 1)[-1]
    return (parts.netloc + "/" if parts.netloc else "") + VOLATILE.sub("#", name)


def _inside(node, container) -> bool:
    if container is None:
        return False
    target, parent = container.mem_id, node.parent
    while parent is not None:
        if parent.mem_id == target:
            return True
        parent = parent.parent
    return False


def layout_key(tree: LexborHTMLParser) -> str:
    """A fingerprint of the page's layout skeleton (its structural template): the landmarks
    it has, its main container's tag, id and classes, the body's classes, whether it has an
    ``h1``, its script files and what its inline scripts do. Pages of one layout share it
    however their URLs look; text, links and ids in the content do not change it. Call
    before noise (scripts) is stripped from ``tree``."""
    main = tree.css_first("main, [role=main]") or tree.css_first("article")
    landmarks = sorted({(n.attributes.get("role") or n.tag).lower() for n in tree.css(LANDMARKS)
                        if not _inside(n, main)})
    main_sig = f"{main.tag}#{VOLATILE.sub('#', main.attributes.get('id') or '')}.{_classes(main)}" if main else "-"
    scripts = sorted({_script_name(n.attributes.get("src") or "") for n in tree.css("script[src]")})
    inline = sorted({name for text in _inline_scripts(tree) for name, pattern in SCRIPT_FEATURES
                     if pattern.search(text)} | ({"inline"} if _inline_scripts(tree) else set()))
    skeleton = "|".join((",".join(landmarks), main_sig, _classes(tree.body), "h1" if tree.css_first("h1") else "",
                         ",".join(scripts), ",".join(inline)))
    return hashlib.blake2b(skeleton.encode("utf-8", "replace"), digest_size=6).hexdigest()


def page_hints(tree: LexborHTMLParser) -> tuple[str, ...]:
    """``a11y_hints`` inside the main content only: problems of this page rather than of its
    layout (a layout's own problems are found by the axe run of its sample page)."""
    main = tree.css_first("main, [role=main]") or tree.css_first("article")
    return a11y_hints(tree) if main is None else a11y_hints(tree, main)
