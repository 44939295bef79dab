"""Four directory platforms serving a corpus (``corpus.py``) on 127.0.0.1, each with a
catalogue in its own natural format.

- ``kb5``: Open Objects/Idox kb5 (``service.page?id=``), channel lists paginated by
  ``&page=N``, contact details in a ``<dl>``, the same record under several channels;
  catalogue: a CSV export with its own headings and a column mapping.
- ``outpost``: Outpost/Scout. The home page is an empty app root: a script fetches
  ``/api/v1/services?page=N&per_page=10`` and builds the list and its "Next page" link
  (60 pages); plain HTML category pages; records at ``/services/<id>-<slug>`` with the
  contact details in an ``<aside>`` panel, emails as plain text; a cookie overlay built by
  script; catalogue: the council's CSV with its own headings.
- ``openplace``: an Open Referral UK API-backed directory (Open Place style): search
  pages with numbered page links, records at ``/service/<uuid>`` with schema.org JSON-LD
  and a contact table; catalogue: the ORUK v1 feed (JSON).
- ``cms``: a Jadu-style CMS directory with path-based records
  (``/directory-record/<n>/<slug>``), emails written ``name [at] domain`` in the text,
  a sidebar contact box; catalogue: YAML with the council's own numbering.

Every page has a site header with the council's switchboard and a footer email (not the
record's), and a cookie banner.
"""

from __future__ import annotations

import csv
import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from corpus import Corpus, Record, Service, build, slugify

SWITCHBOARD = "0161 496 9999"
FOOTER_EMAIL = "localoffer@fenshire.example.gov.uk"
COUNTS = {"kb5": 420, "outpost": 600, "openplace": 360, "cms": 450}
Handler = Callable[[str, dict], tuple[int, str, str]]


def layout(title: str, body: str, head: str = "", banner: str = "", script: str = "", aside: str = "") -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | Fenshire Local Offer</title>
{head}</head><body>{banner}
<header><a href="/">Fenshire Local Offer</a><p>Fenshire County Council switchboard: {SWITCHBOARD}</p>
<nav><a href="/">Home</a> <a href="/about">About the Local Offer</a></nav></header>
<main>{body}</main>{aside}
<footer><p>Questions about this website? Email <a href="mailto:{FOOTER_EMAIL}">{FOOTER_EMAIL}</a>.</p></footer>
{script}</body></html>"""


def _tel(text: str) -> str:
    return "tel:" + "".join(ch for ch in text if ch.isdigit() or ch == "+").replace("+440", "+44")


def _phone_html(r: Record) -> str:
    return f'<a href="{_tel(r.phone)}">{escape(r.phone)}</a>' if r.phone_link else escape(r.phone)


def _email_html(r: Record, link_text: str = "Email us") -> str:
    if r.email_style == "mailto-only":
        return f'<a href="mailto:{escape(r.email)}">{link_text}</a>'
    return escape(r.email)


COOKIE = ('<div id="cookie-notice" class="cookie-banner"><p>We use cookies to make this site work. '
          'Call us on 0113 496 0000 if you have a question about cookies.</p><button>Accept cookies</button></div>')


# ------------------------------------------------------------------------------------------- kb5
KB5 = "/kb5/fenshire/directory"
CHANNELS = 6
KB5_PER_PAGE = 20


def kb5_id(i: int, rng) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(11))


def kb5_record(r: Record) -> str:
    rows = [("Contact name", "Group leader"), ("Telephone", _phone_html(r))]
    if r.extra_phone:
        rows.append(("Alternative telephone", escape(r.extra_phone)))
    rows += [("Email", _email_html(r)), ("Website", f'<a href="{escape(r.website)}">{escape(r.website)}</a>'),
             ("Age range", escape(r.ages)), ("Address", escape(r.address)), ("Postcode", escape(r.postcode))]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    body = (f"<h1>{escape(r.name)}</h1><p>{escape(r.description)}</p><h2>Contact details</h2>"
            f"<dl class='record'>{dl}</dl><p>Last updated: 3 March 2026</p>")
    head = f'<link rel="canonical" href="{KB5}/service.page?id={r.rid}">'
    return layout(r.name, body, head, COOKIE)


def kb5_site(c: Corpus) -> Handler:
    records = {r.rid: r for r in c.records}
    channels = {n: [r for k, r in enumerate(c.records) if k % CHANNELS == n - 1] for n in range(1, CHANNELS + 1)}

    def handle(path: str, query: dict) -> tuple[int, str, str]:
        if path in ("/", f"{KB5}/home.page"):
            links = "".join(f'<li><a href="{KB5}/results.page?localofferchannel={n}">Channel {n}</a></li>'
                            for n in channels)
            return 200, "text/html", layout("Directory home", f"<h1>Fenshire directory</h1><ul>{links}</ul>", "", COOKIE)
        if path == f"{KB5}/results.page":
            n, page = int(query.get("localofferchannel", ["1"])[0]), int(query.get("page", ["1"])[0])
            items = channels.get(n, [])[(page - 1) * KB5_PER_PAGE: page * KB5_PER_PAGE]
            links = "".join(f'<li><a href="{KB5}/service.page?id={r.rid}&amp;localofferchannel={n}">{escape(r.name)}</a></li>'
                            for r in items)
            more = (f'<a href="{KB5}/results.page?localofferchannel={n}&amp;page={page + 1}">Next</a>'
                    if page * KB5_PER_PAGE < len(channels.get(n, [])) else "")
            return 200, "text/html", layout(f"Channel {n}", f"<h1>Channel {n}</h1><ul>{links}</ul>{more}", "", COOKIE)
        if path == f"{KB5}/service.page" and query.get("id", [""])[0] in records:
            return 200, "text/html", kb5_record(records[query["id"][0]])
        return 404, "text/html", layout("Not found", "<h1>Page not found</h1>")

    return handle


def csv_catalogue(c: Corpus, path: Path, mapping: Path, columns: dict[str, str], row) -> dict:
    """A platform's CSV export of ``c``'s services (headings: the values of ``columns``, one
    ``row(service)`` each) and its column mapping (field -> heading)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(list(columns.values()))
        for s in c.services:
            w.writerow(row(s))
    mapping.write_text(yaml.safe_dump({"columns": columns}))
    return {"catalogue": str(path), "mapping": str(mapping), "catalogue_format": "csv"}


def kb5_catalogue(c: Corpus, folder: Path) -> dict:
    def row(s) -> list:
        ages = f"{s.age_min}+" if s.age_max is None else f"{s.age_min}-{s.age_max}"
        return [s.id, s.name, s.org, s.phone, s.email, s.website, s.postcode, ages]

    return csv_catalogue(c, folder / "directory-export.csv", folder / "mapping.yml", {
        "id": "Record ID", "name": "Service Name", "owner.team": "Provider", "contacts.phones": "Telephone",
        "contacts.emails": "E-mail", "contacts.website": "Web address", "contacts.postcode": "Post Code",
        "age_range": "Age Range"}, row)


# --------------------------------------------------------------------------------------- outpost
OUTPOST_PER_PAGE = 10
LISTING_SCRIPT = """<script>
(function () {
  var banner = document.createElement('div');
  banner.className = 'cookie-overlay'; banner.setAttribute('role', 'dialog');
  banner.innerHTML = '<p>We use cookies.</p><button type="button">Accept all cookies</button>';
  banner.querySelector('button').onclick = function () { banner.remove(); };
  document.body.appendChild(banner);
  var page = parseInt(new URLSearchParams(location.search).get('page') || '1', 10);
  fetch('/api/v1/services?page=' + page + '&per_page=%d').then(function (r) { return r.json(); }).then(function (data) {
    var root = document.getElementById('root');
    var html = '<h1>Search results</h1><p>' + data.total + ' services</p><ol>';
    data.content.forEach(function (s) {
      html += '<li><a href="/services/' + s.id + '-' + s.slug + '">' + s.name.replace(/</g, '&lt;') + '</a></li>';
    });
    html += '</ol>';
    if (page < data.totalPages) html += '<a class="pagination__next" href="/?page=' + (page + 1) + '">Next page</a>';
    root.innerHTML = html;
  });
})();
</script>""" % OUTPOST_PER_PAGE
RECORD_SCRIPT = "<script>window.dataLayer = window.dataLayer || []; window.dataLayer.push({event: 'view'});</script>"


def outpost_id(i: int, rng) -> str:
    return str(1000 + i * 7)


def outpost_record(r: Record) -> str:
    aside = [f"<h2>Contact</h2><p>Phone: {_phone_html(r)}</p>"]
    if r.extra_phone:
        aside.append(f"<p>Alternative number: {escape(r.extra_phone)}</p>")
    aside.append(f"<p>Email: {_email_html(r, 'Send an email')}</p>")
    aside.append(f'<p><a href="{escape(r.website)}">Visit website</a></p>')
    aside.append(f"<h2>Where</h2><p>{escape(r.address)}<br>{escape(r.postcode)}</p>")
    body = (f"<article><h1>{escape(r.name)}</h1><p>{escape(r.description)}</p><h2>Who is it for?</h2>"
            f"<p>{escape(r.ages)}</p><h2>How can I take part?</h2><p>Just come along, or get in touch first.</p></article>")
    return layout(r.name, body, "", "", RECORD_SCRIPT, f"<aside class='contact-panel'>{''.join(aside)}</aside>")


def outpost_site(c: Corpus) -> Handler:
    records = {f"/services/{r.rid}-{slugify(r.name)}": r for r in c.records}
    ordered = list(records.items())
    categories = {f"cat-{n}": ordered[n::7][:8] for n in range(7)}

    def handle(path: str, query: dict) -> tuple[int, str, str]:
        if path == "/":
            cats = "".join(f'<li><a href="/categories/{k}">Category {k}</a></li>' for k in categories)
            shell = f'<div id="root"></div><noscript>Please enable JavaScript</noscript><ul class="cats">{cats}</ul>'
            return 200, "text/html", layout("Find services", shell, "", "", LISTING_SCRIPT)
        if path == "/api/v1/services":
            page, size = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["10"])[0])
            chunk = ordered[(page - 1) * size: page * size]
            return 200, "application/json", json.dumps({
                "total": len(ordered), "totalPages": (len(ordered) + size - 1) // size, "page": page,
                "content": [{"id": r.rid, "slug": slugify(r.name), "name": r.name} for _, r in chunk]})
        if path.startswith("/categories/") and path.rsplit("/", 1)[-1] in categories:
            items = "".join(f'<li><a href="{p}">{escape(r.name)}</a></li>' for p, r in categories[path.rsplit("/", 1)[-1]])
            return 200, "text/html", layout("Category", f"<h1>Category</h1><ul>{items}</ul>", "", COOKIE)
        if path in records:
            return 200, "text/html", outpost_record(records[path])
        return 404, "text/html", layout("Not found", "<h1>Page not found</h1>")

    return handle


def outpost_catalogue(c: Corpus, folder: Path) -> dict:
    return csv_catalogue(c, folder / "services.csv", folder / "columns.yml", {
        "id": "ID", "name": "Service", "owner.team": "Organisation", "contacts.phones": "Phone number",
        "contacts.emails": "Email address", "contacts.website": "Website", "contacts.postcode": "Venue postcode",
        "age_range.min": "Min age", "age_range.max": "Max age"},
        lambda s: [s.id, s.name, s.org, s.phone, s.email, s.website, s.postcode, s.age_min,
                   "" if s.age_max is None else s.age_max])


# ------------------------------------------------------------------------------------- openplace
OPENPLACE_PER_PAGE = 25


def openplace_id(i: int, rng) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def openplace_record(r: Record) -> str:
    data = {"@context": "https://schema.org", "@type": "Service", "name": r.name, "url": r.website,
            "provider": {"@type": "Organization", "name": "Provider", "telephone": r.phone},
            "areaServed": {"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": r.postcode}}}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    rows = [("Phone", _phone_html(r))]
    if r.extra_phone:
        rows.append(("Other phone", escape(r.extra_phone)))
    rows += [("Email", _email_html(r)), ("Website", f'<a href="{escape(r.website)}">{escape(r.website)}</a>'),
             ("Ages", escape(r.ages)), ("Address", f"{escape(r.address)}, {escape(r.postcode)}")]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    body = (f"<h1>{escape(r.name)}</h1><p>{escape(r.description)}</p><h2>Contact</h2>"
            f"<table class='contact'>{table}</table>")
    banner = '<div class="cc-window"><p>This site uses cookies.</p><a class="cc-btn cc-dismiss">Got it</a></div>'
    return layout(r.name, body, head, banner)


def openplace_site(c: Corpus) -> Handler:
    records = {r.rid: r for r in c.records}
    ordered = list(records.values())
    pages = (len(ordered) + OPENPLACE_PER_PAGE - 1) // OPENPLACE_PER_PAGE

    def handle(path: str, query: dict) -> tuple[int, str, str]:
        if path in ("/", "/search"):
            page = int(query.get("page", ["1"])[0])
            items = "".join(f'<li><a href="/service/{r.rid}">{escape(r.name)}</a></li>'
                            for r in ordered[(page - 1) * OPENPLACE_PER_PAGE: page * OPENPLACE_PER_PAGE])
            numbers = " ".join(f'<a href="/search?page={n}">{n}</a>' for n in range(max(1, page - 2), min(pages, page + 2) + 1))
            nxt = f'<a rel="next" href="/search?page={page + 1}">Next »</a>' if page < pages else ""
            return 200, "text/html", layout("Search", f"<h1>Services</h1><ul>{items}</ul><nav class='pager'>{numbers} {nxt}</nav>")
        if path.startswith("/service/") and path.split("/")[2] in records:
            return 200, "text/html", openplace_record(records[path.split("/")[2]])
        return 404, "text/html", layout("Not found", "<h1>Page not found</h1>")

    return handle


def openplace_catalogue(c: Corpus, folder: Path) -> dict:
    content = []
    for s in c.services:
        content.append({
            "id": s.id, "name": s.name, "status": "active", "url": s.website, "email": s.email,
            "organization": {"id": slugify(s.org), "name": s.org},
            "phones": [{"id": f"{s.id}-p", "number": s.phone}],
            "eligibilitys": [{"id": f"{s.id}-e", "minimum_age": s.age_min, "maximum_age": s.age_max}],
            "service_at_locations": [{"id": f"{s.id}-l", "location": {"id": f"{s.id}-loc", "name": s.address,
                                      "physical_addresses": [{"id": f"{s.id}-a", "address_1": s.address,
                                                              "postal_code": s.postcode}]}}],
        })
    path = folder / "oruk-services.json"
    path.write_text(json.dumps({"content": content, "totalElements": len(content), "totalPages": 1, "last": True}))
    return {"catalogue": str(path), "catalogue_format": "oruk"}


# ------------------------------------------------------------------------------------------- cms
CMS_DIR = "/directory/12/fenshire_family_directory"
CMS_PER_PAGE = 15
CMS_CATEGORIES = 5


def cms_service_id(i: int, rng) -> str:
    return str(i + 1)


def cms_record_id(i: int, sid: str, rng) -> str:
    return str(rng.randint(100, 9999) * 10 + i % 10)


def cms_path(r: Record) -> str:
    return f"/directory-record/{r.rid}/{slugify(r.name)}"


def cms_record(r: Record) -> str:
    rows = [("Telephone", _phone_html(r))]
    if r.extra_phone:
        rows.append(("Alternative telephone", escape(r.extra_phone)))
    rows += [("Age range", escape(r.ages)), ("Address", f"{escape(r.address)}<br>{escape(r.postcode)}"),
             ("Website", f'<a href="{escape(r.website)}">{escape(r.website)}</a>')]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    email = (f"<p>You can email the organiser at {escape(r.email)}.</p>" if r.email_style != "mailto-only" else "")
    body = (f"<h1>{escape(r.name)}</h1><p>{escape(r.description)}</p>{email}"
            f"<dl class='list list--definition definition'>{dl}</dl>")
    side = (f"<div class='sidebar'><h2>Contact</h2><p>{_email_html(r, 'Email the organiser')}</p>"
            "<h2>Opening times</h2><p>Tuesdays 10am to 12 noon, term time only.</p></div>")
    return layout(r.name, body, "", COOKIE, "", side)


def cms_site(c: Corpus) -> Handler:
    records = {cms_path(r): r for r in c.records}
    ordered = list(records.items())
    cats = {n: ordered[n - 1::CMS_CATEGORIES] for n in range(1, CMS_CATEGORIES + 1)}

    def handle(path: str, query: dict) -> tuple[int, str, str]:
        if path in ("/", CMS_DIR):
            links = "".join(f'<li><a href="{CMS_DIR}/category/{n}">Category {n}</a></li>' for n in cats)
            return 200, "text/html", layout("Family directory", f"<h1>Family directory</h1><ul>{links}</ul>", "", COOKIE)
        if path.startswith(f"{CMS_DIR}/category/"):
            n, page = int(path.rsplit("/", 1)[-1]), int(query.get("page", ["1"])[0])
            items = cats.get(n, [])
            chunk = items[(page - 1) * CMS_PER_PAGE: page * CMS_PER_PAGE]
            links = "".join(f'<li><a href="{p}">{escape(r.name)}</a></li>' for p, r in chunk)
            nxt = (f'<a href="{CMS_DIR}/category/{n}?page={page + 1}">Next page</a>'
                   if page * CMS_PER_PAGE < len(items) else "")
            return 200, "text/html", layout(f"Category {n}", f"<h1>Category {n}</h1><ul>{links}</ul>{nxt}", "", COOKIE)
        if path in records:
            return 200, "text/html", cms_record(records[path])
        return 404, "text/html", layout("Not found", "<h1>Page not found</h1>")

    return handle


def cms_catalogue(c: Corpus, folder: Path) -> dict:
    services = []
    for s in c.services:
        services.append({"id": s.id, "name": s.name, "owner": {"team": s.org},
                         "contacts": {"phones": [s.phone], "emails": [s.email], "website": s.website,
                                      "address": s.address, "postcode": s.postcode},
                         "age_range": {"min": s.age_min, "max": s.age_max}})
    path = folder / "catalogue.yml"
    path.write_text(yaml.safe_dump({"services": services}, sort_keys=False))
    return {"catalogue": str(path), "catalogue_format": "yaml"}


# ------------------------------------------------------------------------------------------- all
@dataclass(frozen=True)
class Platform:
    name: str
    make_id: Callable
    make_rid: Callable
    site: Callable[[Corpus], Handler]
    catalogue: Callable[[Corpus, Path], dict]
    start: str
    record_path: Callable[[Record], str]
    render: str = "auto"


PLATFORMS = {
    "kb5": Platform("kb5", kb5_id, lambda i, sid, rng: sid or kb5_id(i, rng), kb5_site, kb5_catalogue, f"{KB5}/home.page",
                    lambda r: f"{KB5}/service.page?id={r.rid}"),
    "outpost": Platform("outpost", outpost_id, lambda i, sid, rng: sid or str(900000 + i), outpost_site,
                        outpost_catalogue, "/", lambda r: f"/services/{r.rid}-{slugify(r.name)}"),
    "openplace": Platform("openplace", openplace_id, lambda i, sid, rng: sid or openplace_id(i, rng), openplace_site,
                          openplace_catalogue, "/search", lambda r: f"/service/{r.rid}"),
    "cms": Platform("cms", cms_service_id, cms_record_id, cms_site, cms_catalogue, CMS_DIR, cms_path),
}


def corpus_for(name: str) -> Corpus:
    p = PLATFORMS[name]
    return build(name, COUNTS[name], 7, p.make_id, p.make_rid)


class Server:
    """A threaded HTTP server on 127.0.0.1 (ephemeral port) for one platform."""

    def __init__(self, handle: Handler) -> None:
        class _H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                parts = urlsplit(self.path)
                if parts.path == "/robots.txt":
                    status, ctype, body = 404, "text/plain", ""
                else:
                    status, ctype, body = handle(parts.path, parse_qs(parts.query))
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
