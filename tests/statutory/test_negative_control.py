"""Negative control: a large real documentation site that is not a Local Offer.

Python's HTML documentation from the Debian package ``python3-doc`` (installed by ``.ci/run``
when missing; ``apt-get install -y python3-doc``) is served on 127.0.0.1 and audited with the
real crawler and the real checks (``lo-audit crawl`` then ``lo-audit check``). Its pages are
long and full of words the topic lists use in other senses ("send", "transport", "health
check", "strategy", "support", "training", "appeal"...). A trustworthy checklist finds no
statutory topic and no strong inspection evidence there.

The whole site is crawled: Python 3.11's documentation has 528 HTML pages, under the
:data:`MAX_PAGES` cap, which only guards against a future package growing much larger. External
links are not checked and nothing is rendered (neither changes what the pages say). The run
takes about 1.5 minutes on an idle 2-core machine (4 to 5 minutes when the machine is shared).
"""

from __future__ import annotations

import functools
import glob
import json
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lo_audit.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]
MAX_PAGES = 800


def python_docs() -> Path:
    for candidate in sorted(glob.glob("/usr/share/doc/python3*/html")):
        if (Path(candidate) / "index.html").is_file() and (Path(candidate) / "library").is_dir():
            return Path(candidate).resolve()
    raise AssertionError("Python's HTML documentation is missing: install it with `apt-get install -y python3-doc` "
                         "(.ci/run does this in CI)")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D401 - keep the test log readable
        pass


@pytest.fixture(scope="module")
def python_docs_audit(tmp_path_factory):
    root = python_docs()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    work = tmp_path_factory.mktemp("python-docs")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    started = time.monotonic()
    try:
        config = work / "audit.yml"
        config.write_text("crawl:\n  check_external: false\n  a11y: false\n", encoding="utf-8")
        crawl_code = main(["crawl", f"{base}/index.html", "--db", str(work / "crawl.sqlite"), "--rate", "0",
                           "--render", "never", "--max-pages", str(MAX_PAGES), "--concurrency", "8",
                           "--config", str(config)])
        check_code = main(["check", "--db", str(work / "crawl.sqlite"), "--out", str(work / "reports"),
                           "--fail-on", "never", "--today", "2026-11-01"])
    finally:
        server.shutdown()
        server.server_close()
    data = json.loads((work / "reports" / "findings.json").read_text(encoding="utf-8"))
    return crawl_code, check_code, data, time.monotonic() - started, root


def test_python_docs_are_not_a_local_offer(python_docs_audit, capsys):
    crawl_code, check_code, data, elapsed, root = python_docs_audit
    assert (crawl_code, check_code) == (0, 0)
    metrics = data["metrics"]
    stat, crit = metrics["statutory"], metrics["inspection"]["criteria"]
    html_files = sum(1 for _ in root.rglob("*.html"))
    strong = [c["id"] for c in crit if c["status"] == "strong"]
    some = [c["id"] for c in crit if c["status"] == "some"]
    weak_topics = [t["id"] for t in stat["topics"] if t["status"] == "weak"]
    with capsys.disabled():
        print(f"\nNegative control: {root} ({html_files} HTML files), {metrics['pages']['html']} pages crawled "
              f"in {elapsed:.0f} s\n  statutory score {stat['score']}% ({stat['covered']} of {stat['total']} topics "
              f"covered; weak: {weak_topics or 'none'})\n  criteria with strong evidence: {strong or 'none'}; "
              f"with some: {some or 'none'}")
    assert metrics["pages"]["html"] >= min(400, MAX_PAGES)
    assert stat["score"] <= 5
    assert not strong
