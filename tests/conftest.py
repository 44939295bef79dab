"""Shared fixtures: a real HTTP server on 127.0.0.1 with an ephemeral port."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import settings

# Shared machines are noisy: a property test is judged on its examples, never on its speed.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        status, ctype, body = self.routes.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def static_server() -> Iterator[Callable[[dict], str]]:
    """Start a server for ``{path: (status, content_type, body)}``; returns its base URL."""
    servers = []

    def start(routes: dict) -> str:
        handler = type("Handler", (_Handler,), {"routes": routes})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory):
    """``lo-audit demo`` run twice in one scratch copy of the project's docs.

    The first run's reports are kept in ``reports-first``; the second run reuses the
    demo's ports, so its findings should be persisting rather than new. Each run's job
    summary goes to its own ``GITHUB_STEP_SUMMARY`` file. Returns the folder and the
    two exit statuses.
    """
    import shutil
    from pathlib import Path

    from lo_audit.cli import main

    root = Path(__file__).resolve().parents[1]
    work = tmp_path_factory.mktemp("demo")
    shutil.copytree(root / "docs", work / "docs", ignore=shutil.ignore_patterns("audit"))
    (work / "docs" / "audit").mkdir()
    shutil.copy(root / "mkdocs.yml", work / "mkdocs.yml")
    statuses = []
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(work)
        for n in (1, 2):
            mp.setenv("GITHUB_STEP_SUMMARY", str(work / f"step-summary-{n}.md"))
            statuses.append(main(["-q", "demo"]))
            if n == 1:
                shutil.copytree(work / "reports", work / "reports-first")
    return work, statuses
