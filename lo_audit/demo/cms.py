"""The council CMS host: Local Offer articles under ``/send/``, documents, images,
robots.txt and sitemap.xml, plus the planted redirect chain and soft 404."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt

from lo_audit.demo import documents
from lo_audit.demo.content import DATA, fill, linkable_records, load_yaml, long_date, record_for_service, slugify
from lo_audit.demo.layout import cms_page, modified_meta
from lo_audit.demo.response import Response, html_response, redirect, text_response

REDIRECTS = {
    "/send/short-breaks": (301, "/send/social-care/short-breaks-information"),
    "/send/social-care/short-breaks-information": (302, "/send/social-care/short-breaks"),
}
"""The planted redirect chain (two hops)."""

SOFT_404 = "/send/education/transport-policy-2023"
"""Answers 200 with "page not found" text (a soft 404)."""

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")


@lru_cache(maxsize=1)
def articles() -> dict[str, dict]:
    """path -> article, from every ``data/articles/*.yml`` (school pages included)."""
    out: dict[str, dict] = {}
    for file in sorted((DATA / "articles").glob("*.yml")):
        data = load_yaml(f"articles/{file.name}")
        for article in data.get("articles", []):
            out[article["path"]] = article
        for school in data.get("schools", []):
            out[f"/send/education/schools/{school['slug']}"] = _school_article(school)
    return out


def schools() -> list[dict]:
    """The school summaries (for the list on the provider-information article)."""
    return load_yaml("articles/05-schools.yml")["schools"]


def _school_article(s: dict) -> dict:
    body = f"""{s['name']} is a {s['kind']} school for pupils aged {s['min']} to {s['max']}. This page sums up how the school helps pupils with special needs.

## How we teach

Teachers change work to suit each pupil. We use pictures, objects and short steps to explain new ideas.

## How we check progress

We check progress every term. We meet parents three times a year to talk about it.

## Extra help

{s['extra']} Pupils with more complex needs may have their own plan.

## Who to contact

Our special educational needs coordinator is {s['senco']}. Call the school office on [0{s['phone'][3:6]} {s['phone'][6:9]} {s['phone'][9:]}](tel:{s['phone']}) to talk to them.

Read the [full report]({{ext}}/schools/{s['slug']}/special-needs-report) on the school website.
"""
    return {"path": f"/send/education/schools/{s['slug']}", "title": s["name"], "date": str(s["date"]),
            "date_style": "long", "body": body, "crumb": ("/send/education/school-sen-information-reports",
                                                          "What each school offers")}


def _rid(match: re.Match) -> str:
    record = record_for_service(match.group(1))
    return record.id if record else "missing"


def _add_heading_ids(html: str) -> str:
    def add(m: re.Match) -> str:
        text = re.sub(r"<[^>]+>", "", m.group(2))
        return f'<h{m.group(1)} id="{slugify(text)}">{m.group(2)}</h{m.group(1)}>'
    return re.sub(r"<h([23])>(.*?)</h\1>", add, html)


def _date_html(article: dict) -> tuple[str, str]:
    """(html at the end of main, html for head) for the article's date style."""
    style = article.get("date_style", "long")
    iso = str(article.get("date", ""))
    if style == "none" or not iso:
        return "", ""
    d = iso.split("-")
    return {
        "long": (f'<p class="last-updated">Last updated: {long_date(iso)}</p>', ""),
        "reviewed": (f'<p class="last-updated">Reviewed {d[2]}/{d[1]}/{d[0]}</p>', ""),
        "page-reviewed": (f'<p class="last-updated">Page last reviewed: {long_date(iso)}</p>', ""),
        "time": (f'<p class="last-updated">Updated on <time datetime="{iso}">{long_date(iso)}</time></p>', ""),
        "meta": ("", modified_meta(iso)),
        "ago": ('<p class="last-updated">Updated 3 weeks ago</p>', ""),
    }[style]


def _services_html(topics: list[str]) -> str:
    items = []
    for topic in topics:
        for r in linkable_records(topic):
            first = r.description.split(". ")[0].rstrip(".")
            items.append(f'<li><a href="{{dir}}{escape(r.path)}">{escape(r.name)}</a>: {escape(first)}.</li>')
    if not items:
        return ""
    return '<h2 id="services-that-can-help">Services that can help</h2>\n<ul class="services">\n' + "\n".join(items) + "\n</ul>"


def _schools_html() -> str:
    items = [f'<li><a href="/send/education/schools/{s["slug"]}">{escape(s["name"])}</a></li>' for s in schools()]
    return '<h2 id="school-summaries">School summaries</h2>\n<ul>\n' + "\n".join(items) + "\n</ul>"


def render_article(article: dict) -> str:
    """The full HTML page of one article (placeholders unresolved)."""
    body = re.sub(r"\{rid:([a-z0-9-]+)\}", _rid, article["body"])
    parts = [f"<h1>{escape(article.get('heading', article['title']))}</h1>", _add_heading_ids(_MD.render(body))]
    if article.get("list_services"):
        parts.append(_services_html(article["list_services"]))
    if article.get("list_schools"):
        parts.append(_schools_html())
    end, head = _date_html(article)
    parts.append(end)
    path = article["path"]
    crumbs = [("/send/", "Home")]
    section = "/".join(path.split("/")[:3]) + "/"
    if article.get("crumb"):
        crumbs.append(tuple(article["crumb"]))
    elif section != path and section in articles():
        crumbs.append((section, articles()[section]["title"]))
    return cms_page(article["title"], "\n".join(p for p in parts if p), path, crumbs if path != "/send/" else [], head)


def _soft_404() -> str:
    body = ("<h1>Sorry, we can't find that page</h1>\n<p>Page not found. The page may have moved or been deleted.</p>\n"
            '<p>Go to the <a href="/send/">Local Offer home page</a>.</p>')
    return cms_page("Page not found", body, SOFT_404, [], modified_meta("2026-10-01"))


def _not_found_page() -> str:
    body = ('<h1>Page not found</h1>\n<p>If you typed the web address, check it is correct.</p>\n'
            '<p>Go to the <a href="/send/">Local Offer home page</a>.</p>')
    return cms_page("Page not found", body, "", [], "")


def sitemap() -> str:
    """The CMS sitemap: every article (the orphan included), with lastmod where dated."""
    rows = []
    for path, a in articles().items():
        lastmod = f"<lastmod>{a['date']}</lastmod>" if a.get("date") and a.get("date_style") != "none" else ""
        rows.append(f"<url><loc>{{cms}}{escape(path)}</loc>{lastmod}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</urlset>\n")


ROBOTS = "User-agent: *\nDisallow: /send/admin/\nSitemap: {cms}/sitemap.xml\n"


def handle(path: str, query: str, bases: dict[str, str]) -> Response:
    """Answer one GET on the CMS host."""
    from lo_audit.demo.assets import asset

    if path in REDIRECTS:
        status, target = REDIRECTS[path]
        return redirect(status, bases["cms"] + target)
    if path == SOFT_404:
        return html_response(fill(_soft_404(), bases))
    if path == "/robots.txt":
        return text_response(fill(ROBOTS, bases))
    if path == "/sitemap.xml":
        return text_response(fill(sitemap(), bases), "application/xml")
    if path.startswith("/assets/"):
        return asset(path)
    doc = documents.document(path)
    if doc:
        return Response(200, doc[1], doc[0])
    article = articles().get(path)
    if article:
        return html_response(fill(render_article(article), bases))
    return html_response(fill(_not_found_page(), bases), 404)

