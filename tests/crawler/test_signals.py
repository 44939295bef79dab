"""Signals read from static HTML: the layout fingerprint (structural template), the
evidence that a page needs JavaScript, and accessibility hints of the page's own content."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from crawler import signals
from crawler.parse import parse_html

SCRIPTS = ("<script src='/wp-includes/js/jquery/jquery.min.js?ver=3.7.1'></script>"
           "<script src='/wp-content/themes/council/js/main.4f9a8c1d.js'></script>")


def wordpress(page_id: int, body: str, extra_head: str = "", main_class: str = "site-main") -> str:
    """A council WordPress theme: the same skeleton on every page, ids in body classes."""
    return (f"<!doctype html><html lang='en'><head><title>Page {page_id}</title>{extra_head}</head>"
            f"<body class='page-template-default page page-id-{page_id} wp-custom-logo'>"
            "<header role='banner'><a href='/'><img src='/logo.png' alt='Exampleshire'></a>"
            "<form role='search'><label for='s'>Search</label><input id='s' name='s'></form></header>"
            "<nav aria-label='Main'><a href='/send/'>SEND</a> <a href='/contact'>Contact</a></nav>"
            f"<main id='main' class='{main_class}'><h1>Page {page_id}</h1>{body}</main>"
            f"<footer><a href='/accessibility'>Accessibility</a></footer>{SCRIPTS}</body></html>")


def layout(html: str) -> str:
    return parse_html(html).layout


def test_pages_of_one_layout_share_a_fingerprint_whatever_their_content():
    article = wordpress(42, "<p>Short breaks for disabled children.</p><aside class='note'>Tip</aside>"
                            "<nav aria-label='On this page'><a href='#a'>A</a></nav>")
    listing = wordpress(7, "<ul>" + "".join(f"<li><a href='/s/{i}'>Service {i}</a></li>" for i in range(40)) + "</ul>"
                           "<form><label>Age <select><option>5</option></select></label></form>")
    assert layout(article) == layout(listing) != ""


def test_a_different_skeleton_or_script_set_is_another_layout():
    base = layout(wordpress(1, "<p>x</p>"))
    assert layout(wordpress(1, "<p>x</p>", main_class="directory-results")) != base
    assert layout(wordpress(1, "<p>x</p>", extra_head="<script src='/js/directory-search.js'></script>")) != base
    assert layout(wordpress(1, "<p>x</p>").replace("<footer>", "<aside>Related</aside><footer>")) != base
    inline = wordpress(1, "<p>x</p><script>fetch('/api/services').then(r => r.json())</script>")
    assert layout(inline) != base


def test_evidence_that_a_page_needs_javascript():
    next_app = ("<html><body><div id='__next'></div><script id='__NEXT_DATA__' type='application/json'>"
                "{\"props\":{}}</script><script src='/_next/static/chunks/main-3f9a8c.js'></script></body></html>")
    assert {"empty-app-root", "app-bootstrap"} <= set(parse_html(next_app).js_signals)
    builds = wordpress(1, "<ul id='r'></ul><script>fetch('/api/results?page=1').then(r => r.json()).then(d => "
                          "d.items.forEach(x => { const a = document.createElement('a'); a.href = x.url; "
                          "document.getElementById('r').append(a); }));</script>")
    assert "script-data" in parse_html(builds).js_signals
    more = wordpress(1, "<ul></ul><button type='button'>Load more</button>")
    assert "load-more" in parse_html(more).js_signals
    decoration = wordpress(1, "<p>Text.</p><script>jQuery(function ($) { $('.menu-toggle').attr('aria-expanded', "
                              "'false'); });</script>")
    assert parse_html(decoration).js_signals == ()
    assert parse_html(wordpress(1, "<p>Text.</p>")).js_signals == ()


def test_page_hints_are_about_the_main_content_only():
    header_problem = wordpress(1, "<p>Fine.</p>").replace("alt='Exampleshire'", "")
    parsed = parse_html(header_problem)
    assert "img-no-alt" in parsed.a11y_hints and parsed.page_hints == ()
    own = parse_html(wordpress(1, "<p style='color:#aaa'>Pale</p><img src='/photo.jpg'>"))
    assert set(own.page_hints) == {"img-no-alt", "inline-colour"}


def test_volatile_names_do_not_split_a_layout():
    tree = LexborHTMLParser("<body class='postid-991 single'><main class='content-8812 main'></main>"
                            "<script src='/js/app.12ab34cd.js'></script></body>")
    other = LexborHTMLParser("<body class='postid-17 single'><main class='content-3 main'></main>"
                             "<script src='/js/app.9f8e7d6c.js'></script></body>")
    assert signals.layout_key(tree) == signals.layout_key(other)
