"""The kb5-like service directory host: home, search results, channel listings,
organisation and advice pages, service records, the JSON API, robots.txt and sitemap."""

from __future__ import annotations

from html import escape
from urllib.parse import parse_qs

from lo_audit.demo.assets import asset
from lo_audit.demo.content import KB5, Record, fill, organisations, record_by_id, records
from lo_audit.demo.layout import dir_page, modified_meta
from lo_audit.demo.record import CHANNELS, api_services, org_id, record_page
from lo_audit.demo.response import Response, html_response, text_response

PAGE_SIZE = 10
LISTING_DATE = "2026-10-28"
ROBOTS = f"User-agent: *\nDisallow: {KB5}/admin/\nSitemap: {{dir}}/sitemap.xml\n"

ADVICE = {
    "about-the-directory": ("About this directory", """<p>This directory lists services for children, young people and families in Exampleshire. Each service checks its own details at least once a year.</p>
<p>We want it to be right. If you see a mistake, please tell us. We will fix it as soon as we can.</p>
<p>You can email us at <a href="mailto:send.info@exampleshire.gov.uk">send.info@exampleshire.gov.uk</a>.</p>
<p>The <a href="{cms}/send/health/wheelchair-service-old">wheelchair service page</a> explains how to get equipment.</p>
<p>Read <a href="KB5/advice.page?id=adding-your-service">how to add your service</a>.</p>"""),
    "adding-your-service": ("Add your service", """<p>Any service for children and families in Exampleshire can ask to be listed. It is free.</p>
<p>Email us the name of your service, what you do and how people can contact you. We check every new listing before it goes live.</p>"""),
    "what-is-the-local-offer": ("What the Local Offer is", """<p>The Local Offer shows the help there is for children and young people with special needs, aged 0 to 25.</p>
<p>Read more on the <a href="{cms}/send/about-the-local-offer">Local Offer website</a>.</p>"""),
}


def _item(r: Record, href: str) -> str:
    first = r.description.split(". ")[0].rstrip(".")
    return f'<li><h3><a href="{escape(href)}">{escape(r.name)}</a></h3><p>{escape(first)}.</p></li>'


def _listing(title: str, intro: str, items: list[str], crumbs, extra: str = "") -> str:
    body = (f"<h1>{escape(title)}</h1>\n<p>{intro}</p>\n<p>{_HELP}</p>\n<ul class=\"results\">\n" + "\n".join(items)
            + f"\n</ul>\n{extra}")
    return dir_page(title, body, crumbs, modified_meta(LISTING_DATE))


_HELP = ("Pick a service to see how to get in touch. Each page says who it is for and what it costs. "
         "If you need help to choose, call us on 0117 496 0100. We are here to help. "
         "You can also ask at your local library. They can look it up with you.")
HOME_CRUMB = [(f"{KB5}/home.page", "Directory home")]


def home() -> str:
    """The directory home page, with the script-filled "Latest services" list."""
    channels = "\n".join(f'<li><a href="{KB5}/localoffer.page?localofferchannel={n}">{escape(name)}</a></li>'
                         for n, name in CHANNELS.items())
    body = f"""<h1>Exampleshire Family Directory</h1>
<p>Find services for children and young people with special needs, and their families.</p>
<p>You can look at all the services, or pick a topic. Each page tells you who to call and how to get help. Call us on 0117 496 0100 if you get stuck.</p>
<p>We check the list all the time. New services are added each week. If you run a service and want it here, tell us. It is free to be listed.</p>
<p><a href="{KB5}/results.page?qt=&amp;page=1">See all services</a>.</p>
<h2 id="categories">Local Offer categories</h2>
<ul>
{channels}
</ul>
<h2 id="latest">Latest services</h2>
<ul class="latest" id="latest-services"></ul>
<button type="button" class="button load-more" id="load-more" hidden>Load more</button>
<h2 id="about">About the directory</h2>
<ul>
<li><a href="{KB5}/advice.page?id=about-the-directory">About this directory</a></li>
<li><a href="{KB5}/advice.page?id=what-is-the-local-offer">What the Local Offer is</a></li>
</ul>"""
    return dir_page("Directory home", body, [], modified_meta(LISTING_DATE), '<script src="/assets/latest.js"></script>')


def searchable() -> list[Record]:
    """Records in the search results (not the script-only ones), by name."""
    return sorted((r for r in records() if not r.js_only), key=lambda r: r.name)


def results(qt: str, page: int) -> str | None:
    """A page of search results, or None when the page does not exist."""
    found = [r for r in searchable() if qt.lower() in r.name.lower()]
    pages = max(1, (len(found) + PAGE_SIZE - 1) // PAGE_SIZE)
    if page < 1 or page > pages:
        return None
    chunk = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    current = ' aria-current="page"'
    links = " ".join(
        f'<li><a href="{KB5}/results.page?qt={escape(qt)}&amp;page={n}"{current if n == page else ""}>Page {n}</a></li>'
        for n in range(1, pages + 1))
    nav = f'<nav aria-label="Results pages"><ul class="pages">{links}</ul></nav>'
    intro = f"Showing services {(page - 1) * PAGE_SIZE + 1} to {(page - 1) * PAGE_SIZE + len(chunk)} of {len(found)}."
    return _listing(f"All services, page {page}", intro, [_item(r, r.path) for r in chunk], HOME_CRUMB, nav)


def channel(n: int) -> str | None:
    """A Local Offer channel listing (0 lists the channels); links use the channel URL variant."""
    if n == 0:
        items = [f'<li><a href="{KB5}/localoffer.page?localofferchannel={k}">{escape(v)}</a></li>' for k, v in CHANNELS.items()]
        return _listing("Local Offer categories", "Choose a category to see its services.", items, HOME_CRUMB)
    if n not in CHANNELS:
        return None
    chosen = [r for r in searchable() if r.channel == n and r.service_id]
    items = [_item(r, f"{r.path}&localofferchannel={n}") for r in chosen]
    return _listing(CHANNELS[n], f"There are {len(items)} services in this category.", items, HOME_CRUMB)


def organisation(oid: str) -> str | None:
    """An organisation page listing its services."""
    key = next((k for k in organisations() if org_id(k) == oid), None)
    if key is None:
        return None
    org = organisations()[key]
    items = [_item(r, r.path) for r in searchable() if r.org == key]
    extra = f'<p>Website: <a href="{escape(org["website"])}">{escape(org["website"])}</a></p>'
    return _listing(org["name"], f"{escape(org['name'])} runs {len(items)} services in this directory.", items, HOME_CRUMB, extra)


def advice(aid: str) -> str | None:
    """A short directory article."""
    if aid not in ADVICE:
        return None
    title, html = ADVICE[aid]
    body = f"<h1>{escape(title)}</h1>\n{html.replace('KB5', KB5)}\n<p class=\"last-updated\">Last updated: 2 October 2026</p>"
    return dir_page(title, body, HOME_CRUMB)


def admin() -> str:
    """The provider login page (robots.txt disallows it)."""
    body = "<h1>Provider login</h1>\n<p>This page is for service providers only.</p>"
    return dir_page("Provider login", body, HOME_CRUMB, modified_meta(LISTING_DATE))


def sitemap() -> str:
    """Every page linked in the HTML: channels, result pages, organisations, advice, records."""
    paths = [f"{KB5}/home.page"] + [f"{KB5}/localoffer.page?localofferchannel={n}" for n in range(0, len(CHANNELS) + 1)]
    pages = (len(searchable()) + PAGE_SIZE - 1) // PAGE_SIZE
    paths += [f"{KB5}/results.page?qt=&page={n}" for n in range(1, pages + 1)]
    paths += [f"{KB5}/organisation.page?id={org_id(k)}" for k in organisations()]
    paths += [f"{KB5}/advice.page?id={a}" for a in ADVICE]
    paths += [r.path for r in searchable()]
    rows = "\n".join(f"<url><loc>{{dir}}{escape(p)}</loc></url>" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + rows + "\n</urlset>\n")


def _int(value: str, default: int = -1) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def _page(path: str, q: dict[str, str]) -> str | None:
    name = path[len(KB5) + 1:] if path.startswith(KB5 + "/") else None
    if name == "home.page":
        return home()
    if name == "results.page":
        return results(q.get("qt", ""), _int(q.get("page", "1")))
    if name == "localoffer.page":
        return channel(_int(q.get("localofferchannel", "")))
    if name == "service.page":
        r = record_by_id(q.get("id", ""))
        return record_page(r) if r else None
    if name == "organisation.page":
        return organisation(q.get("id", ""))
    if name == "advice.page":
        return advice(q.get("id", ""))
    if name == "admin/login.page":
        return admin()
    return None


def handle(path: str, query: str, bases: dict[str, str]) -> Response:
    """Answer one GET on the directory host."""
    q = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if path == "/robots.txt":
        return text_response(fill(ROBOTS, bases))
    if path == "/sitemap.xml":
        return text_response(fill(sitemap(), bases), "application/xml")
    if path == "/api/services":
        status, text = api_services(_int(q.get("page", "1")))
        return text_response(text, "application/json", status)
    if path.startswith("/assets/"):
        return asset(path)
    html = _page(path, q)
    if html is None:
        missing = dir_page("Page not found", "<h1>Page not found</h1>\n<p>This service or page does not exist.</p>", HOME_CRUMB)
        return html_response(fill(missing, bases), 404)
    return html_response(fill(html, bases))
