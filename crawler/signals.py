"""Cheap signals read from static HTML: does a page need JavaScript to show its content,
and does it show a likely accessibility problem (so axe should look at it)?"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

APP_ROOTS = "#root, #app, #__next, #__nuxt, [data-reactroot], app-root, [ng-app], [data-app-root]"
NOSCRIPT_JS = re.compile(r"enable\s+javascript|javascript\s+(?:is\s+)?(?:required|disabled|needed|must)|"
                         r"requires?\s+javascript|turn\s+on\s+javascript|need\s+javascript", re.I)
LOAD_MORE = re.compile(r"^\s*(?:load|show|view|see)\s+more\b|^\s*more\s+results\b|^\s*show\s+all\b|"
                       r"^\s*load\s+next\b", re.I)
DATA_SOURCE = re.compile(r"\.json\b|/api/|/graphql\b", re.I)
NOT_LABELLED_TYPES = {"hidden", "submit", "button", "image", "reset"}


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


def js_signals(tree: LexborHTMLParser, scripts: bool) -> tuple[str, ...]:
    """Reasons to render this page in a browser (empty but for names when none)."""
    found = []
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


def a11y_hints(tree: LexborHTMLParser) -> tuple[str, ...]:
    """Likely accessibility problems visible in static HTML (empty when none)."""
    html = tree.css_first("html")
    checks = (
        ("img-no-alt", bool(tree.css_first("img:not([alt])"))),
        ("inline-colour", bool(tree.css_first("[style*=color i]"))),
        ("no-lang", html is None or not (html.attributes.get("lang") or "").strip()),
        ("empty-link-or-button", _empty_controls(tree)),
        ("unlabelled-input", _unlabelled_inputs(tree)),
    )
    return tuple(name for name, hit in checks if hit)
