"""``crawl.scope``: a Local Offer in one folder of a council website is crawled and scored alone;
the rest of the host is only status-checked. Real server on 127.0.0.1, real crawler, real SQLite."""

from __future__ import annotations

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from crawler.scope import default_scope, in_scope, prefix_of
from lo_audit.cli import main
from lo_audit.config import load
from common.errors import ConfigError


def test_default_scope_limits_a_start_url_with_a_path_to_its_folder():
    starts = ["https://www.example.gov.uk/send-local-offer/", "https://fsd.example.gov.uk/kb5/example/fsd/localoffer.page"]
    allowed = {"www.example.gov.uk", "fsd.example.gov.uk", "forms.example.gov.uk"}
    scope = default_scope(starts, allowed)
    assert scope == (("www.example.gov.uk", "/send-local-offer"), ("fsd.example.gov.uk", ""), ("forms.example.gov.uk", ""))
    assert in_scope("https://www.example.gov.uk/send-local-offer", scope)
    assert in_scope("https://www.example.gov.uk/send-local-offer/health/camhs", scope)
    assert not in_scope("https://www.example.gov.uk/send-local-offer-archive/old", scope)
    assert not in_scope("https://www.example.gov.uk/parking/fines", scope)
    assert in_scope("https://fsd.example.gov.uk/kb5/example/fsd/service.page?id=1", scope)
    assert in_scope("https://forms.example.gov.uk/any/thing", scope)


def test_default_scope_of_a_file_a_root_and_a_directory_on_the_council_host():
    assert default_scope(["https://www.x.gov.uk/send/index.html"], {"www.x.gov.uk"}) == (("www.x.gov.uk", "/send"),)
    assert default_scope(["https://localoffer.x.org.uk/"], {"localoffer.x.org.uk"}) == (("localoffer.x.org.uk", ""),)
    assert default_scope(["https://find.x.org.uk/search"], {"find.x.org.uk"}) == (("find.x.org.uk", ""),)
    assert default_scope(["https://www.x.gov.uk/send-local-offer"], {"www.x.gov.uk"}) == \
        (("www.x.gov.uk", "/send-local-offer"),)
    both = default_scope(["https://www.x.gov.uk/send/", "https://www.x.gov.uk/kb5/x/directory/home.page"], {"www.x.gov.uk"})
    assert both == (("www.x.gov.uk", "/send"), ("www.x.gov.uk", "/kb5/x/directory"))
    assert prefix_of("https://www.x.gov.uk/send/") == ("www.x.gov.uk", "/send")


def test_a_scope_outside_the_allowed_hosts_is_a_config_error(tmp_path):
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  start_urls: [https://www.x.gov.uk/send/]\n  scope:\n"
                      "    - https://www.x.gov.uk/send/\n    - https://elsewhere.org/\n    - not a url\n")
    with pytest.raises(ConfigError) as caught:
        load(config)
    text = "\n".join(caught.value.problems)
    assert "audit.yml:5" in text and "elsewhere.org" in text and "not on an allowed host" in text
    assert "audit.yml:6" in text and "not an http(s) URL prefix" in text


PAGES = {
    "/send-local-offer/": '<a href="/send-local-offer/health">Health</a> <a href="/parking/fines">Parking fines</a>'
                          ' <a href="/jobs/">Jobs</a> <a href="/send-local-offer-archive/">Old Local Offer</a>',
    "/send-local-offer/health": '<a href="/send-local-offer/health/salt">Speech therapy</a>',
    "/send-local-offer/health/salt": "<p>Speech and language therapy.</p>",
    "/send-local-offer/news": "<p>News.</p>",
    "/parking/fines": '<a href="/parking/appeals">Appeal</a>',
    "/parking/appeals": "<p>Appeals.</p>",
    "/send-local-offer-archive/": "<p>Archive.</p>",
    "/sitemap.xml": None,
}


class Council:
    """A council website on 127.0.0.1: a Local Offer folder and other services."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        council = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                council.requests.append(("GET", self.path))
                if self.path == "/sitemap.xml":
                    base = f"http://127.0.0.1:{council.port}"
                    body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                            f"<url><loc>{base}/send-local-offer/news</loc></url>"
                            f"<url><loc>{base}/parking/appeals</loc></url></urlset>").encode()
                    ctype = "application/xml"
                elif self.path in PAGES:
                    body = (f"<!doctype html><html lang='en'><head><title>{self.path}</title></head><body><main>"
                            f"<h1>{self.path}</h1>{PAGES[self.path]}</main></body></html>").encode()
                    ctype = "text/html; charset=utf-8"
                else:
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(b"<h1>Not found</h1>")
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_HEAD(self) -> None:  # noqa: N802
                council.requests.append(("HEAD", self.path))
                self.send_response(200 if self.path in PAGES else 404)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def council():
    site = Council()
    yield site
    site.close()


def _crawl(tmp_path, council, scope: str = "") -> sqlite3.Connection:
    base = f"http://127.0.0.1:{council.port}"
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  check_external: false\n  a11y: false\n  render: never\n  rate: 0\n"
                      + (f"  scope: [\"{base}{scope}\"]\n" if scope else ""), encoding="utf-8")
    db = tmp_path / "crawl.sqlite"
    assert main(["crawl", f"{base}/send-local-offer/", "--db", str(db), "--config", str(config)]) == 0
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn


def test_only_the_local_offer_folder_is_crawled_and_the_rest_is_status_checked(tmp_path, council):
    conn = _crawl(tmp_path, council)
    base = f"http://127.0.0.1:{council.port}"
    pages = {r["url"].removeprefix(base) for r in conn.execute("SELECT url FROM pages")}
    assert pages == {"/send-local-offer/", "/send-local-offer/health", "/send-local-offer/health/salt",
                     "/send-local-offer/news"}
    checked = {r["url"].removeprefix(base): r["status"] for r in conn.execute("SELECT url, status FROM link_status")}
    assert checked == {"/parking/fines": 200, "/jobs/": 404, "/send-local-offer-archive/": 200}
    assert ("GET", "/parking/appeals") not in council.requests  # never followed beyond the scope
    sitemap = {r["url"].removeprefix(base) for r in conn.execute("SELECT url FROM sitemap_urls")}
    assert sitemap == {"/send-local-offer/news"}
    reports = tmp_path / "reports"
    main(["check", "--db", str(tmp_path / "crawl.sqlite"), "--out", str(reports), "--fail-on", "never"])
    import json

    findings = json.loads((reports / "findings.json").read_text())["findings"]
    broken = {(f["url"].removeprefix(base), f["evidence"]["target"].removeprefix(base))
              for f in findings if f["rule"] == "links.broken"}
    assert ("/send-local-offer/", "/jobs/") in broken  # an out-of-scope link is still checked


def test_an_explicit_scope_of_the_whole_host_crawls_everything(tmp_path, council):
    conn = _crawl(tmp_path, council, scope="/")
    base = f"http://127.0.0.1:{council.port}"
    pages = {r["url"].removeprefix(base) for r in conn.execute("SELECT url FROM pages")}
    assert {"/parking/fines", "/parking/appeals", "/send-local-offer-archive/"} <= pages
