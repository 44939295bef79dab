"""A hostile Local Offer on 127.0.0.1: traps, loops, hangs, huge pages, bad encodings,
markup in titles, dialogs, walls, soft 404s, wrong content types and a self-signed
HTTPS host. Built on ``tests/crawler/crawlsite.py`` (threaded servers, request logs).

``hostile_sites()`` starts three servers: the council's site (``main``), an outside
site (``external``) and an HTTPS site with a self-signed certificate (``tls``).
"""

from __future__ import annotations

import random
import shutil
import ssl
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "crawler"))

from crawlsite import Request, Route, Site, page  # noqa: E402

PAYLOADS = ("<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(2)>",
            "{{ config }}", "{% include 'x' %}", "a | b | c", "`rm -rf`")
"""Planted in titles, headings and link text; must never reach the site as markup."""
LIVE_MARKUP = ("<script>alert", "onerror=", 'href="javascript:')
"""How a payload looks when it became live markup in built HTML."""
DISALLOWED = "/private/"
CALENDAR_PREFIX = "/events/"
SEARCH_PATH = "/search"
WORDS = ("autism", "respite", "transport", "ehcp", "speech", "sensory", "nursery", "college", "therapy", "play")
HUGE_BYTES = 50 * 1024 * 1024


class HostileSite(Site):
    """A ``Site`` whose route keys ending in ``*`` match every path with that prefix."""

    def _find(self, path: str):
        found = super()._find(path)
        if found is not None:
            return found
        bare = path.split("?")[0]
        prefixes = [k for k in self.routes if k.endswith("*") and bare.startswith(k[:-1])]
        return self.routes[max(prefixes, key=len)] if prefixes else None

    def trap_requests(self) -> list[str]:
        """Requests that went into the calendar or search traps."""
        return [p for p in self.paths() if p.startswith(CALENDAR_PREFIX) or p.startswith(SEARCH_PATH)]


# --------------------------------------------------------------------------- streams
def hang(out: BinaryIO, closing: threading.Event) -> None:
    """Headers sent, then nothing until the server closes."""
    closing.wait(600)


def trickle(out: BinaryIO, closing: threading.Event) -> None:
    """One byte every half second, for ever."""
    out.write(b"<!doctype html><html><head><title>Slow</title></head><body>")
    while not closing.wait(0.5):
        out.write(b".")
        out.flush()


def huge(out: BinaryIO, closing: threading.Event) -> None:
    """50 MB of HTML, streamed without a Content-Length."""
    chunk = b"<p>" + b"x" * 65530 + b"</p>"
    out.write(b"<!doctype html><html><head><title>Huge</title></head><body>")
    sent = 0
    while sent < HUGE_BYTES and not closing.is_set():
        out.write(chunk)
        sent += len(chunk)


# --------------------------------------------------------------------------- traps
def _month(value: str, step: int) -> str:
    year, month = (int(x) for x in value.split("-")[:2])
    month += step
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}"


def calendar_query(request: Request) -> Route:
    """``/events/?month=YYYY-MM`` with previous and next month links, for ever."""
    month = parse_qs(urlsplit(request.path).query).get("month", ["2026-11"])[0]
    try:
        prev, nxt = _month(month, -1), _month(month, 1)
    except ValueError:
        return Route("bad month", status=400)
    body = (f"<p>Events in {month}</p><a href='/events/?month={prev}'>Previous month</a> "
            f"<a href='/events/?month={nxt}'>Next month</a> <a href='/events/{nxt.replace('-', '/')}/'>Month view</a>")
    return Route(page(f"Events {month}", body))


def calendar_path(request: Request) -> Route:
    """``/events/YYYY/MM/`` (and ``/events/YYYY/MM/DD/``) with previous and next links, for ever."""
    parts = [p for p in urlsplit(request.path).path.split("/") if p][1:]
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        return Route(page("Events", "<a href='/events/?month=2026-11'>This month</a> "
                                    "<a href='/events/2026/11/'>Month view</a>"))
    month = f"{parts[0]}-{parts[1]}"
    prev, nxt = _month(month, -1), _month(month, 1)
    days = "".join(f"<a href='/events/{parts[0]}/{parts[1]}/{d:02d}/'>{d}</a> " for d in (1, 15))
    body = (f"<a href='/events/{prev.replace('-', '/')}/'>Previous</a> "
            f"<a href='/events/{nxt.replace('-', '/')}/'>Next</a> {days}")
    return Route(page(f"Events {'/'.join(parts)}", body))


def search(request: Request) -> Route:
    """``/search?q=&sort=&page=&sessionid=`` linking to ever more combinations, new session ids each time."""
    query = parse_qs(urlsplit(request.path).query)
    current = int((query.get("page") or ["1"])[0]) if (query.get("page") or ["1"])[0].isdigit() else 1
    rng = random.Random()
    links = []
    for sort in ("relevance", "name", "distance", "newest"):
        for _ in range(2):
            words = " ".join(rng.sample(WORDS, 2))
            params = {"q": words, "sort": sort, "page": current + rng.randint(0, 3), "sessionid": rng.getrandbits(64)}
            links.append(f"<a href='/search?{urlencode(params)}'>{words} by {sort}</a>")
    links.append(f"<a href='/search?q=respite&page={current + 1}&sessionid={rng.getrandbits(64)}'>Next page</a>")
    return Route(page("Search results", "<ul><li>" + "</li><li>".join(links) + "</li></ul>"))


# --------------------------------------------------------------------------- pages
DIALOG_SCRIPTS = {
    "alert": "alert('Welcome'); fetch('/private/data.json').catch(() => {});",
    "confirm": "confirm('Accept?');",
    "prompt": "prompt('Your postcode?');",
    "print": "window.print();",
    "storm": "for (let i = 0; i < 30; i++) { alert('again ' + i); }",
}

ENDLESS_SCRIPTS = {"busy": "while (true) {}", "endless-alerts": "while (true) { alert('again'); }"}
"""Scripts that never finish: the render must time out and the tab be replaced."""


def dialog_page(kind: str) -> Route:
    """A page that must be rendered (empty app root) and opens a dialog before adding its link."""
    script = (f"{DIALOG_SCRIPTS[kind]} const a = document.createElement('a'); a.href = '/after/{kind}';"
              f"a.textContent = 'After the {kind}'; document.getElementById('app').appendChild(a);")
    return Route(page(f"Dialog {kind}", f"<div id='app'></div><script>{script}</script>"))


def xss_page() -> Route:
    """Payloads in the title, a heading and link text (as text, the way a careless CMS prints them)."""
    title = "Short breaks <script>alert(1)</script> | {{ config }}"
    links = "".join(f"<li><a href='/missing/{i}'>{text}</a></li>" for i, text in enumerate(
        ("[x](javascript:alert(1))", "<img src=x onerror=alert(2)>", "{% include 'x' %} `rm -rf` a | b | c")))
    body = (f"<h2>{PAYLOADS[0]} {PAYLOADS[3]}</h2><ul>{links}</ul>"
            "<a href='javascript:alert(1)'>js link</a> <a href='data:text/html,<script>alert(1)</script>'>data</a> "
            "<a href='file:///etc/passwd'>file</a> <a href='/search?q=%3Cscript%3Ealert(1)%3C/script%3E'>search</a>")
    return Route(f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
                 f"<body><main><h1>{PAYLOADS[2]}</h1>{body}</main></body></html>")


def encoding_routes() -> dict[str, Route]:
    latin = page("Caf\u00e9 and cr\u00e8che", "<p>Cr\u00e8che places for 2\u20134 year olds</p>").replace("\u2013", "-")
    meta_only = ("<!doctype html><html lang='en'><head><meta charset='windows-1252'><title>Na\u00efve \u2019quotes\u2019"
                 "</title></head><body><main><p>Smart \u2018quotes\u2019</p></main></body></html>")
    return {
        "/latin1": Route(latin.replace("charset='utf-8'", "").encode("latin-1"), content_type="text/html; charset=iso-8859-1"),
        "/bad-utf8": Route(b"<!doctype html><html><head><title>Broken \xff\xfe bytes \xc3</title></head>"
                           b"<body><main><p>Half a character \xe2\x82 here</p></main></body></html>"),
        "/meta-charset": Route(meta_only.encode("cp1252"), content_type="text/html"),
    }


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n\x00\x01\x02\xff binary stream\n%%EOF\n"


def main_routes(external: str, tls: str) -> dict[str, Route]:
    """The council's site: a home page linking to every hostile thing."""
    chain = {f"/chain/{i}": Route(status=301, headers={"Location": f"/chain/{i + 1}"}) for i in range(15)}
    routes: dict = {
        "/robots.txt": Route(f"User-agent: *\nDisallow: {DISALLOWED}\n", content_type="text/plain"),
        "/private/*": Route(page("Private", "<a href='/private/more'>more</a>")),
        "/events/": calendar_query,
        "/events/*": calendar_path,
        "/search": search,
        "/loop-a": Route(status=302, headers={"Location": "/loop-b"}),
        "/loop-b": Route(status=302, headers={"Location": "/loop-a"}),
        **chain,
        "/chain/15": Route(page("End of chain", "")),
        "/hop-1": Route(status=301, headers={"Location": "/hop-2"}),
        "/hop-2": Route(status=302, headers={"Location": "/articles/target"}),
        "/hang": Route(stream=hang),
        "/hang-declared": Route(stream=hang, headers={"Content-Length": "1000"}),
        "/trickle": Route(stream=trickle),
        "/huge": Route(stream=huge),
        "/huge-declared": Route(stream=huge, headers={"Content-Length": str(HUGE_BYTES)}),
        "/error": Route("<h1>Internal Server Error</h1>", status=500),
        "/bad-gateway": Route("<h1>Bad gateway</h1>", status=502),
        "/members": Route("<h1>Sign in</h1>", status=401, headers={"WWW-Authenticate": 'Basic realm="staff"'}),
        "/staff": Route("<h1>Forbidden</h1>", status=403),
        "/old-service": Route(page("Page not found", "<p>Sorry, we can't find that page.</p>")),
        "/pdf-as-html": Route(PDF_BYTES, content_type="text/html"),
        "/html-as-pdf": Route(page("Leaflet", "<p>Really HTML</p>"), content_type="application/pdf"),
        "/xss": xss_page(),
        **encoding_routes(),
        **{f"/dialogs/{kind}": dialog_page(kind) for kind in DIALOG_SCRIPTS},
        "/after/*": Route(page("After", "<p>Shown after a dialog.</p>")),
        **{f"/js/{name}": Route(page(name, f"<div id='app'></div><script>{script}</script>"))
           for name, script in ENDLESS_SCRIPTS.items()},
        "/articles/*": Route(page("Article", "<p>Support for families. Last updated 1 March 2026.</p>")),
    }
    links = ["/private/secret", "/events/", "/events/?month=2026-11", "/events/2026/11/",
             "/search?q=autism&sort=relevance&page=1&sessionid=1", "/loop-a", "/chain/0", "/hop-1", "/hang",
             "/hang-declared", "/trickle", "/huge", "/huge-declared", "/error", "/bad-gateway", "/members", "/staff",
             "/old-service", "/pdf-as-html", "/html-as-pdf", "/xss", "/latin1", "/bad-utf8", "/meta-charset",
             *[f"/dialogs/{k}" for k in DIALOG_SCRIPTS], *[f"/js/{k}" for k in ENDLESS_SCRIPTS],
             *[f"/articles/a{i}" for i in range(5)]]
    outside = [f"{external}/ok", f"{external}/gone", f"{tls}/secure"]
    body = "<ul>" + "".join(f"<li><a href='{href}'>{href}</a></li>" for href in links + outside) + "</ul>"
    routes["/"] = Route(page("Exampleshire Local Offer", body))
    return routes


def external_routes() -> dict[str, Route]:
    return {"/ok": Route(page("Outside", "")), "/gone": Route("<h1>Gone</h1>", status=404),
            "/robots.txt": Route("User-agent: *\nAllow: /\n", content_type="text/plain")}


# --------------------------------------------------------------------------- TLS
def self_signed(folder: Path) -> ssl.SSLContext:
    """A server context with a certificate for 127.0.0.1 signed by itself (``cryptography`` or openssl)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        _with_cryptography(cert, key)
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            raise RuntimeError("neither the cryptography package nor openssl is available") from None
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def _with_cryptography(cert: Path, key: Path) -> None:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .sign(private, hashes.SHA256()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()))


@dataclass
class HostileSites:
    main: HostileSite
    external: Site
    tls: Site

    def close(self) -> None:
        for site in (self.main, self.external, self.tls):
            site.close()


def hostile_sites(folder: Path) -> HostileSites:
    """Start the three servers (the certificate is written to ``folder``)."""
    external = Site(external_routes())
    tls = Site({"/secure": Route(page("Secure", "")), "/": Route(page("Secure home", ""))},
               ssl_context=self_signed(folder))
    main = HostileSite(main_routes(external.root, tls.root))
    return HostileSites(main, external, tls)
