"""Fixtures for the checks tests: small real crawl stores, a local ORUK API, an isolated rule registry."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from checks.pipeline import registry
from checks.rules import all_rules
from checks_testkit import SITE, build_store
from rules_storekit import build_ctx
from crawler.model import Link, Page

@pytest.fixture
def small_store(tmp_path) -> Path:
    pages = [
        Page(url=f"{SITE}/", final_url=f"{SITE}/", status=200, content_type="text/html", title="Home", depth=0,
             found_via="start"),
        Page(url=f"{SITE}/health", final_url=f"{SITE}/health", status=200, content_type="text/html", title="Health",
             depth=1, last_updated="2023-01-02", last_updated_source="text", rendered=True, render_reason="sample"),
        Page(url=f"{SITE}/policy.pdf", status=200, content_type="application/pdf", kind="document", depth=1),
        Page(url=f"{SITE}/gone", status=404, depth=1),
        Page(url=f"{SITE}/deep", guard="max-depth", depth=31),
    ]
    links = [Link(source=f"{SITE}/", target=f"{SITE}/health", href="/health"),
             Link(source=f"{SITE}/", target=f"{SITE}/gone", href="/gone"),
             Link(source=f"{SITE}/health", target=f"{SITE}/gone", href="/gone")]
    return build_store(tmp_path / "crawl.sqlite", pages, links,
                       {"max_pages": 10, "headers": {"Authorization": "Bearer s3cret"}, "cookies": {"sid": "x"}})


@pytest.fixture
def make_ctx(tmp_path):
    """``make_ctx(pages=..., links=..., ...)`` -> a RuleContext over a real SQLite store."""
    return lambda **kw: build_ctx(tmp_path, **kw)


@pytest.fixture
def isolated_rules():
    """The real registry, emptied for one test (the real rules are restored afterwards)."""
    all_rules()  # import every family module first
    saved = dict(registry.RULES)
    registry.RULES.clear()
    yield registry.RULES
    registry.RULES.clear()
    registry.RULES.update(saved)


# --------------------------------------------------------------------------- local ORUK API
class _OrukHandler(BaseHTTPRequestHandler):
    pages: dict[int, object] = {}
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).requests.append(self.path)
        query = parse_qs(urlsplit(self.path).query)
        number = int(query.get("page", ["1"])[0])
        body = self.pages.get(number)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def oruk_api():
    """``serve(pages: {page_number: json}) -> base URL`` on 127.0.0.1 with a random port."""
    servers = []

    def serve(pages: dict[int, object]) -> tuple[str, list[str]]:
        handler = type("Handler", (_OrukHandler,), {"pages": pages, "requests": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/services", handler.requests

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
