"""Contact comparisons on a crawled directory shaped like a real one.

A small directory is served on 127.0.0.1 and crawled with the real crawler into a real
SQLite store, then checked against a YAML catalogue. Records have a contact panel in a
sidebar, an "Other services from this organisation" aside linking to sibling records,
families of similar names, the council's switchboard in the footer, numbers written in
several formats, a referral line pointing to another catalogued service, a helpline with
a text number the catalogue lacks, and one genuinely old number left on a record.
"""

from __future__ import annotations

import html

import pytest
import yaml

from checks.pipeline.engine import run_checks
from crawler.crawl import crawl
from lo_audit.config import load

# id, name, catalogue phones, catalogue email, catalogue website, the phone line(s) on the page, extra HTML
RECORDS = [
    ("fis", "Family Information Service", ["0113 496 1301"], "fis@testshire.gov.uk", "https://fis.testshire.org.uk",
     "01134961301", ""),
    ("fis-under5", "Family Information Service - Under 5s", ["0113 496 1302"], "fis.early@testshire.gov.uk", "",
     "0113 496 1302", ""),
    ("yc", "Young Carers Project", ["0113 496 1401"], "youngcarers@testshire-charity.org.uk",
     "https://youngcarers.example.org",
     "0113 496 1401. To refer, call the Family Information Service on 0113 496 1301", ""),
    ("yc-sib", "Young Carers Project - Sibling Group", ["0113 496 1402"], "siblings@testshire-charity.org.uk",
     "https://siblings.example.org", "(0113) 496-1402", ""),
    ("sendiass", "SENDIASS", ["0113 496 1601"], "sendiass@testshire.gov.uk", "https://sendiass.example.org",
     "Helpline: 0113 496 1601 or text 07700 900999", ""),
    ("sendiass-ya", "SENDIASS Young People", ["0113 496 1602"], "sendiass.yp@testshire.gov.uk", "",
     "+44 113 496 1602", ""),
    ("portage", "Portage Home Visiting", ["0113 496 0601"], "portage@testshire.gov.uk", "https://portage.example.org",
     "0113 496 0601", "<p>Our old number (until March 2024): 0113 496 0699</p>"),
    ("portage-plus", "Portage Plus", ["0113 496 0602"], "portage.plus@testshire.gov.uk", "",
     "0113 496 0602", "<p>Self-referrals are welcome: ring 0113 496 0650 and leave a message.</p>"),
    ("swim", "Swimming for All", ["0113 496 1501"], "swim@testshireleisure.co.uk", "https://swim.example.org",
     "0113 496 1501", ""),
    ("swim-hydro", "Swimming for All - Hydrotherapy", ["0113 496 1502"], "hydro@testshireleisure.co.uk",
     "https://hydro.example.org", "0113 496 1502", ""),
    ("autism", "Autism Support Group", ["0113 496 0101"], "autism.group@testshire-charity.org.uk", "",
     "+44 (0)113 496 0101", ""),
    ("autism-teens", "Autism Support Group - Teens", ["0113 496 0102"], "autism.teens@testshire-charity.org.uk", "",
     "0113 496 0102 (Mon-Fri 9am-5pm)", ""),
]
# Websites the records link to (the catalogue's, except two planted differences).
SITE_WEBSITE = {r[0]: r[4] for r in RECORDS}
SITE_WEBSITE["swim-hydro"] = "https://hydro-old.example.org"
SITE_WEBSITE["portage"] = ""  # no website on the record at all


def slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def family(name: str) -> str:
    return name.split(" - ")[0].split(" Young")[0].split(" Plus")[0]


def record_html(rec) -> str:
    rid, name, _, email, _, phone_line, extra = rec
    siblings = [r for r in RECORDS if r is not rec and family(r[1]) == family(name)]
    related = "".join(f'<li><a href="/directory/{slug(r[1])}">{html.escape(r[1])}</a></li>' for r in siblings)
    related += '<li><a href="/directory/autism-support-group">Autism Support Group</a></li>' if rid == "swim" else ""
    website = SITE_WEBSITE[rid]
    web = f'<p>Website: <a href="{website}">{website.split("//")[1]}</a></p>' if website else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)} | Testshire</title>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"Service","name":"{name}"}}</script></head>
<body><header><a href="/">Testshire Local Offer</a><nav><a href="/directory">Find a service</a>
<a href="/news">News</a> <a href="/contact">Contact</a></nav></header>
<main><article class="service-record"><h1>{html.escape(name)}</h1>
<p>Friendly sessions for children and young people with SEND and their families. Ages 0 to 25.</p>{extra}
<p>Last updated: 12 September 2026</p></article>
<aside class="contact-panel"><h2>Contact</h2><p>Telephone {phone_line}</p><p>Email: {email}</p>{web}
<p>Meeting place: Community Hall, Leeds Road, LS1 4AB</p></aside>
<aside class="related"><h2>Other services from this organisation</h2><ul>{related}</ul></aside></main>
<footer><p>Testshire Council SEND team: 0113 496 0000, send@testshire.gov.uk, Civic Centre, LS1 1UR</p></footer>
</body></html>"""


def listing(page: int) -> str:
    per = 5
    items = RECORDS[(page - 1) * per:page * per]
    lis = "".join(f'<li><a href="/directory/{slug(r[1])}">{html.escape(r[1])}</a></li>' for r in items)
    nxt = f'<a rel="next" href="/directory?page={page + 1}">Next page</a>' if page * per < len(RECORDS) else ""
    return (f"<!doctype html><html lang='en'><head><title>Find a service</title></head><body><main>"
            f"<h1>Find a service</h1><ul>{lis}</ul>{nxt}</main></body></html>")


@pytest.fixture(scope="module")
def directory_findings(tmp_path_factory):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    routes = {f"/directory/{slug(r[1])}": record_html(r) for r in RECORDS}
    routes.update({f"/directory?page={n}": listing(n) for n in (1, 2, 3)})
    routes["/directory"] = listing(1)
    routes["/"] = "<!doctype html><html lang='en'><head><title>Home</title></head><body><main><h1>Local Offer</h1>" \
                  "<a href='/directory'>Find a service</a></main></body></html>"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - stdlib name
            body = routes.get(self.path)
            self.send_response(200 if body else 404)
            data = (body or "<h1>Not found</h1>").encode()
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    folder = tmp_path_factory.mktemp("contacts")
    services = [{"id": rid, "name": name, "contacts": {"phones": phones, "emails": [email],
                                                       **({"website": web} if web else {})},
                 "expected_urls": [f"{root}/directory/{slug(name)}"]}
                for rid, name, phones, email, web, _, _ in RECORDS]
    (folder / "catalogue.yml").write_text(yaml.safe_dump({"services": services}))
    (folder / "lo-audit.yml").write_text(yaml.safe_dump({
        "crawl": {"start_urls": [root + "/"], "db": str(folder / "crawl.sqlite"), "rate": 0, "render": "never",
                  "a11y": False, "check_external": False, "timeout": 30},
        "checks": {"catalogue": str(folder / "catalogue.yml"), "catalogue_format": "yaml", "today": "2026-11-01",
                   "service_markers": ["article.service-record"]},
        "reports": {"out": str(folder / "reports")}}))
    try:
        cfg = load(folder / "lo-audit.yml")
        crawl(cfg.crawl)
        findings = run_checks(cfg).findings
    finally:
        server.shutdown()
        server.server_close()
    return findings


def by_rule(findings, rule_id):
    return {f.service_id: f for f in findings if f.rule == rule_id}


def test_every_record_matched_no_format_only_findings(directory_findings):
    assert not by_rule(directory_findings, "service.missing")
    assert not by_rule(directory_findings, "service.unlisted")
    assert not by_rule(directory_findings, "contact.phone"), "numbers written another way are the same number"
    assert not by_rule(directory_findings, "contact.email")


def test_referral_to_another_catalogued_service_is_not_an_extra_number(directory_findings):
    extra = by_rule(directory_findings, "contact.extra")
    assert "yc" not in extra, extra.get("yc") and extra["yc"].found
    assert "portage-plus" not in extra, "a number introduced as the way to refer is not an old number"


def test_extra_numbers_are_reported(directory_findings):
    extra = by_rule(directory_findings, "contact.extra")
    assert set(extra) == {"sendiass", "portage"}
    assert extra["sendiass"].evidence["extra"] == {"phone": ["+447700900999"]}
    assert extra["sendiass"].found == "07700 900999"
    assert extra["portage"].evidence["extra"] == {"phone": ["+441134960699"]}


def test_website_found_lists_no_sibling_record_links(directory_findings):
    web = by_rule(directory_findings, "contact.website")
    assert set(web) == {"swim-hydro", "portage"}
    assert web["swim-hydro"].evidence["found"] == ["hydro-old.example.org"]
    assert web["portage"].evidence["found"] == [], web["portage"].found
    assert web["portage"].found == "none"
