"""Every built page passes axe-core's WCAG 2.2 AA checks in a real Chromium (served on loopback)."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(built_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _only_loopback(route):
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def test_every_page_has_no_axe_violations(built_site, served):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from crawler.browser import LAUNCH_ARGS, find_chromium

    chromium = find_chromium()  # no browser is a failure, never a skip
    paths = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*.html"))
    assert len(paths) > 30
    axe, failures = Axe(), []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=list(LAUNCH_ARGS),
                                     chromium_sandbox=False)
        page = browser.new_page()
        page.route("**/*", _only_loopback)
        for rel in paths:
            url = f"{served}/{rel.removesuffix('index.html')}"
            page.goto(url, wait_until="load")
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
            for v in result.response["violations"]:
                nodes = "; ".join(n["target"][0] if n.get("target") else "?" for n in v["nodes"][:3])
                failures.append(f"{rel}: {v['id']} ({v['impact']}) {nodes}")
        browser.close()
    assert not failures, f"{len(failures)} violation(s):\n" + "\n".join(failures[:40])
