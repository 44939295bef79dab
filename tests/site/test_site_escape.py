"""common.markdown: untrusted text renders literally; only web URLs become links."""

import markdown

from common.markdown import html_text, is_web_url, md_code, md_link, md_text, slug

HOSTILE = ["<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(2)>",
           "**bold** _it_ `code`", "# heading", "1. list", "- item", "a | b", "{: .x onclick=y}",
           "!!! danger", "&amp; &lt;", "line\nbreak", "<!-- comment -->", "\\[esc\\]"]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list", "admonition", "md_in_html"])


def test_md_text_renders_literally():
    for value in HOSTILE:
        html = render(md_text(value))
        assert html.startswith("<p>") and html.count("<p>") == 1, (value, html)
        inner = html[3:-4]
        assert "<" not in inner.replace("&lt;", ""), (value, html)
        import html as h
        assert h.unescape(inner) == " ".join(value.split()), (value, html)


def test_md_text_is_safe_in_table_cells():
    row = "| " + " | ".join(md_text(v) for v in HOSTILE[:4]) + " |"
    html = render("| a | b | c | d |\n|---|---|---|---|\n" + row)
    assert html.count("<td>") == 4
    assert "<script" not in html and "<img" not in html


def test_md_link_only_links_web_urls():
    assert render(md_link("Home", "https://example.org/a(b)c d")).count("<a ") == 1
    for url in ("javascript:alert(1)", "data:text/html,x", "vbscript:x", "ftp://x", "", "//evil"):
        html = render(md_link("click <b>me</b>", url))
        assert "<a " not in html and "<b>" not in html, (url, html)
    assert is_web_url("HTTPS://Example.org") and not is_web_url("https://")


def test_md_link_url_cannot_break_out():
    html = render(md_link("x", 'https://e.org/"><script>alert(1)</script>'))
    assert "<script" not in html and html.count("<a ") == 1


def test_md_code_and_html_text():
    assert "<img" not in render(md_code("<img src=x onerror=alert(1)>"))
    assert html_text('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert slug("Health <b>team</b> & therapies") == "health-b-team-b-therapies"
    assert slug("!!!") == "item"
