"""The site builds outside a checkout: a wheel ships the mkdocs.yml template and the docs.

The package is built into a wheel (offline, no build isolation), installed into a
folder outside the repository, and ``lo-audit run --config`` is run from another empty
folder against a small site served on 127.0.0.1: the site is built from the template
that came with the wheel.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

PAGES = {
    "/": '<html lang="en"><head><title>Local Offer</title></head><body><main><h1>Local Offer</h1>'
         '<p>Help for children with special educational needs.</p><a href="/short-breaks">Short breaks</a>'
         '<a href="/gone">Old page</a></main></body></html>',
    "/short-breaks": '<html lang="en"><head><title>Short breaks</title></head><body><main><h1>Short breaks</h1>'
                     '<p>Breaks for disabled children and a rest for their families.</p></main></body></html>',
}


class _Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        body = PAGES.get(self.path.split("?")[0])
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8" if body else "text/plain")
        data = (body or "not found").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


TOP_LEVEL_SKIP = {".git", ".venv", "site", "reports", ".lo-audit", "build", "dist", ".pytest_cache", ".hypothesis",
                  "tests", "bench"}


def _outside_the_package(folder: str, names: list[str]) -> set[str]:
    skip = {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
    return skip | (TOP_LEVEL_SKIP & set(names) if Path(folder) == ROOT else set())


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, installed into a folder outside it."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"  # a copy, so that building leaves the checkout untouched
    shutil.copytree(ROOT, source, ignore=_outside_the_package)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp / "dist"), str(source)], check=True, cwd=tmp, timeout=600)
    wheel = next((tmp / "dist").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "lo_audit/site/template/mkdocs.yml" in names
    assert "lo_audit/site/template/docs/guides/families/index.md" in names
    assert not [n for n in names if n.startswith("lo_audit/site/template/docs/audit/")]
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(tmp / "lib"),
                    str(wheel)], check=True, cwd=tmp, timeout=600)
    return tmp / "lib"


def test_run_with_only_a_config_builds_the_site(installed, tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    work = tmp_path / "council"
    work.mkdir()
    (work / "lo-audit.yml").write_text(f"""\
crawl:
  start_urls: ["{base}/"]
  rate: 0
  render: never
  a11y: false
  check_external: false
checks:
  today: "2026-11-21"
site:
  name: Testshire SEND Local Offer
""", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(installed)}
    try:
        where = subprocess.run([sys.executable, "-c", "import lo_audit; print(lo_audit.__file__)"], cwd=work,
                               env=env, capture_output=True, text=True, check=True)
        assert where.stdout.strip().startswith(str(installed))  # the installed copy, not the checkout
        done = subprocess.run([sys.executable, "-m", "lo_audit.cli", "run", "--config", "lo-audit.yml"], cwd=work,
                              env=env, capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
    assert done.returncode in (0, 1), done.stderr
    site = work / "site"
    assert (site / "index.html").is_file() and (site / "audit" / "index.html").is_file()
    guide = next((site / "guides" / "families").glob("*short-breaks/index.html"))
    assert f'href="{base}/short-breaks"' in guide.read_text(encoding="utf-8")  # the council's own page
    assert "Testshire SEND Local Offer" in (site / "audit" / "index.html").read_text(encoding="utf-8")
    assert "lo-audit serve" in done.stdout
    assert not list(installed.rglob("audit/index.md"))  # nothing written inside the installed package
