"""The labelled set: pages written by the team, rendered in three real-looking site templates,
parsed by the crawler's own parser and read by the checks as one crawl.

Corpus files (``corpus/*.txt``): ``=== path | title | labels`` then the main content in a small
Markdown (``## heading``, ``- item``, ``[text](href)``). A path starting ``@northshire`` is on the
Northshire Local Offer's host (an old CMS with no landmarks: menus, sidebars and footers are
``<div>``s repeated on every page), ``@design`` on a design system's documentation host; others
are on the council's main host, whose template has a mega menu, breadcrumbs, a "related pages"
aside and, on Local Offer pages, a feedback box and a contact panel repeated inside ``<main>``.
Labels are the topics and criteria the page is strong evidence for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

from checks.index.siteindex import SiteIndex
from crawler.model import Page
from crawler.pagebuild import Scope, build_links
from crawler.parse import parse_html
from crawler.urls import template_of

CORPUS = Path(__file__).with_name("corpus")
HOSTS = {"": "https://www.exampleton.gov.uk", "@northshire": "https://localoffer.northshire.org.uk",
         "@design": "https://design.example.org"}
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    labels: frozenset[str]
    body: str
    host: str
    source: str = ""  # the corpus file


def entries() -> list[Entry]:
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        for chunk in path.read_text(encoding="utf-8").split("\n=== ")[1:]:
            head, _, body = chunk.partition("\n")
            where, title, labels = (part.strip() for part in head.split("|"))
            prefix, _, rest = where.partition("/") if where.startswith("@") else ("", "", where.lstrip("/"))
            out.append(Entry(f"{HOSTS[prefix]}/{rest}", title, frozenset(labels.split()), body.strip(), prefix,
                             path.name))
    return out


def _inline(text: str) -> str:
    out, last = [], 0
    for m in _LINK.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(f'<a href="{escape(m.group(2))}">{escape(m.group(1))}</a>')
        last = m.end()
    return "".join(out) + escape(text[last:])


def body_html(body: str) -> str:
    html, in_list = [], False
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("- ") and not in_list:
            html.append("<ul>")
            in_list = True
        elif not line.startswith("- ") and in_list:
            html.append("</ul>")
            in_list = False
        if not line:
            continue
        level = len(line) - len(line.lstrip("#"))
        if level and line[level:level + 1] == " ":
            html.append(f"<h{level}>{_inline(line[level + 1:])}</h{level}>")
        elif line.startswith("- "):
            html.append(f"<li>{_inline(line[2:])}</li>")
        else:
            html.append(f"<p>{_inline(line)}</p>")
    if in_list:
        html.append("</ul>")
    return "\n".join(html)


COUNCIL_MENU = ("Education and schools", "EHC plans", "Health", "Short breaks and social care", "Childcare",
                "Preparing for adulthood", "Things to do", "Complaints and appeals", "Parking", "Jobs",
                "Roads and transport", "Council tax", "Bins and recycling")


def council_page(entry: Entry) -> str:
    local_offer = "/send-local-offer/" in entry.url
    menu = "".join(f'<li><a href="/{escape(m.lower().replace(" ", "-"))}/">{escape(m)}</a></li>' for m in COUNCIL_MENU)
    crumbs = ('<nav aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>'
              + ('<li><a href="/send-local-offer/">SEND Local Offer</a></li>' if local_offer else "")
              + f"<li>{escape(entry.title)}</li></ol></nav>")
    extra = ""
    if local_offer:
        extra = ("<div class=\"feedback\"><h2>Was this page useful?</h2><p>Tell us what you think of this page so we "
                 "can improve the Local Offer for families of children with special educational needs.</p></div>"
                 "<div class=\"contact-panel\"><h2>Need help?</h2><p>Call the SEND Information Team on 01632 960 100 "
                 "or email send.info@exampleton.gov.uk. We can help you find short breaks, health services and "
                 "support in school.</p></div>")
    return f"""<!DOCTYPE html><html lang="en"><head><title>{escape(entry.title)} | Exampleton County Council</title></head>
<body><a href="#main">Skip to main content</a>
<div class="cookie-banner" id="cookie-banner"><p>We use cookies to make this site work.</p><button>Accept</button></div>
<header><a href="/">Exampleton County Council</a><nav aria-label="Main menu"><h2>Menu</h2><ul>{menu}</ul>
<h3>Short breaks</h3><p>Short breaks, respite and social care for disabled children and their families.</p>
<h3>Complaints</h3><p>Make a complaint, mediation, appeals to the tribunal.</p></nav></header>
{crumbs}
<main id="main"><h1>{escape(entry.title)}</h1>
{body_html(entry.body)}
{extra}
<p>Last updated: 3 October 2026</p></main>
<aside><h2>Related pages</h2><ul><li><a href="/send-local-offer/health/camhs">Mental health</a></li>
<li><a href="/send-local-offer/social-care/short-breaks">Short breaks</a></li></ul></aside>
<footer><ul><li><a href="/council/accessibility-statement">Accessibility statement</a></li>
<li><a href="/send-local-offer/cookies">Cookies</a></li><li><a href="/send-local-offer/contact-us">Contact us</a></li></ul>
<p>Exampleton County Council, County Hall, Exampleton EX1 1AA</p></footer></body></html>"""


def northshire_page(entry: Entry) -> str:
    """An old CMS: no landmarks; the menu and sidebar carry topic headings and text on every page."""
    return f"""<html><head><title>{escape(entry.title)} - Northshire Local Offer</title></head><body>
<div id="top"><div class="logo"><a href="/">Northshire Local Offer</a></div>
<div class="menu"><ul><li><a href="/information/education/mainstream-support">Education and schools</a></li>
<li><a href="/information/ehcp/needs-assessment">EHC needs assessments</a></li>
<li><a href="/information/social-care/short-breaks">Short breaks</a></li>
<li><a href="/information/adulthood/preparing-for-adulthood">Preparing for adulthood</a></li>
<li><a href="/information/complaints/tribunal">Complaints and the tribunal</a></li></ul></div></div>
<div class="crumbs"><a href="/">Home</a> &gt; <a href="/information/">Information</a> &gt; {escape(entry.title)}</div>
<div class="content"><h1>{escape(entry.title)}</h1>
{body_html(entry.body)}
</div>
<div class="sidebar"><h3>Short breaks</h3><p>Short breaks and respite give disabled children fun and their parents
a rest. Ask the Disabled Children's Team about a social care assessment.</p>
<h3>Preparing for adulthood</h3><p>Help with employment, independent living, friends and community and good health
from year 9.</p><h3>Tell us what you think</h3><p>Your feedback helps us improve the Local Offer. Fill in our survey.</p></div>
<div class="footer"><p>Northshire County Council and NHS Northshire work together on the Local Offer for
children and young people with special educational needs and disabilities (SEND).</p>
<p><a href="/information/accessibility">Accessibility</a> | <a href="/information/terms">Terms of use</a></p></div>
</body></html>"""


def design_page(entry: Entry) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head><title>{escape(entry.title)} – Example Design System</title></head>
<body><header role="banner"><a href="/">Example Design System</a></header>
<div class="layout"><nav aria-label="Components"><ul><li><a href="/components/breadcrumbs">Breadcrumbs</a></li>
<li><a href="/components/navigation-menu">Navigation menu</a></li><li><a href="/components/cookie-banner">Cookie banner</a></li>
<li><a href="/patterns/contact-details">Contact details</a></li></ul></nav>
<main><h1>{escape(entry.title)}</h1>{body_html(entry.body)}</main></div>
<footer><p>Built by the Example Digital Service. Licensed under the Open Government Licence.</p></footer></body></html>"""


TEMPLATES = {"": council_page, "@northshire": northshire_page, "@design": design_page}


def crawl_of(items: list[Entry]) -> SiteIndex:
    """The labelled pages as one crawl: real parser, real link building, the checks' own index."""
    allowed = frozenset(h.split("://", 1)[1] for h in HOSTS.values())
    scope = Scope(allowed)
    pages, links = [], []
    for entry in items:
        parsed = parse_html(TEMPLATES[entry.host](entry))
        meta = {"blocks": [list(b) for b in parsed.blocks]}
        pages.append(Page(url=entry.url, final_url=entry.url, status=200, content_type="text/html", title=parsed.title,
                          headings=parsed.headings, main_text=parsed.main_text, lang=parsed.lang, kind="html",
                          template=template_of(entry.url), meta=meta))
        links.extend(build_links(entry.url, entry.url, parsed, scope))
    starts = [f"{HOSTS['']}/send-local-offer/", f"{HOSTS['@northshire']}/"]
    return SiteIndex(pages=pages, links=links, link_status={}, sitemap={}, run={"start_urls": starts})
