"""``DemoSite``: the three demo hosts served on 127.0.0.1 with ephemeral ports.

    with DemoSite() as site:
        site.bases        # {"cms": "http://127.0.0.1:P1", "dir": ..., "ext": ...}
        site.start_urls   # the CMS home and the directory home
        site.allow_hosts  # "127.0.0.1:P1", "127.0.0.1:P2"
        site.requests     # the request log: (host, method, path?query, status)

Each host is a ``ThreadingHTTPServer`` in its own thread, speaking HTTP/1.1 with
keep-alive. Links between hosts are filled in at request time with the real ports.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, NamedTuple
from urllib.parse import urlsplit

from lo_audit.demo import cms, directory, external, weeks
from lo_audit.demo.content import KB5
from lo_audit.demo.response import Response

HANDLERS: dict[str, Callable[[str, str, dict[str, str]], Response]] = {
    "cms": cms.handle,
    "dir": directory.handle,
    "ext": external.handle,
}


class LoggedRequest(NamedTuple):
    """One request the demo answered."""

    host: str
    method: str
    path: str
    status: int
    user_agent: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        """Clients that hang up (browsers, aborted checks) are normal: stay quiet."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _handler_class(site: "DemoSite", host: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ExampleshireDemo/1.0"

        def _answer(self, send_body: bool) -> None:
            parts = urlsplit(self.path)
            try:
                response = weeks.adjust(site.weeks_before, host, parts.path,
                                        HANDLERS[host](parts.path, parts.query, site.bases))
            except Exception as exc:  # a bug in the demo must not hang the client
                response = Response(500, "text/plain; charset=utf-8", f"demo error: {exc!r}".encode())
            site._log(LoggedRequest(host, self.command, self.path, response.status,
                                    self.headers.get("User-Agent", "")))
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("LinkChecker", "exampleshire-demo")  # lets linkchecker go faster
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if send_body:
                self.wfile.write(response.body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer(True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(False)

        def log_message(self, format: str, *args) -> None:  # quiet: we keep our own log
            pass

    return Handler


class DemoSite:
    """The Exampleshire demo Local Offer on loopback (a context manager)."""

    def __init__(self, host: str = "127.0.0.1", ports: dict[str, int] | None = None) -> None:
        self.host = host
        self.preferred_ports = dict(ports or {})
        self.bases: dict[str, str] = {}
        self.weeks_before = 0  # > 0: serve the site as it was that many weeks before the final run (demo.weeks)
        self.requests: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "DemoSite":
        """Bind the three hosts to ephemeral ports and serve them in threads.

        ``ports`` given to the constructor are tried first (so a second ``lo-audit demo``
        keeps its URLs, and with them its finding ids and history); a busy one falls
        back to a fresh ephemeral port.
        """
        for name in HANDLERS:
            server = self._bind(name)
            self._servers.append(server)
            self.bases[name] = f"http://{self.host}:{server.server_address[1]}"
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _bind(self, name: str) -> _Server:
        wanted = self.preferred_ports.get(name, 0)
        try:
            return _Server((self.host, wanted), _handler_class(self, name))
        except OSError:
            return _Server((self.host, 0), _handler_class(self, name))

    @property
    def ports(self) -> dict[str, int]:
        return {name: int(base.rsplit(":", 1)[1]) for name, base in self.bases.items()}

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> "DemoSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------------ addresses
    @property
    def start_urls(self) -> list[str]:
        """Where a crawl starts: the CMS home and the directory home."""
        return [f"{self.bases['cms']}/send/", f"{self.bases['dir']}{KB5}/home.page"]

    @property
    def allow_hosts(self) -> list[str]:
        """The crawlable hosts as ``host:port`` (the CMS and the directory)."""
        return [urlsplit(self.bases[k]).netloc for k in ("cms", "dir")]

    # ------------------------------------------------------------------ request log
    def _log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    @property
    def count(self) -> int:
        """How many requests were answered."""
        with self._lock:
            return len(self.requests)

    def counts(self) -> Counter:
        """Requests per host."""
        with self._lock:
            return Counter(r.host for r in self.requests)

    def requested(self, path_prefix: str, host: str | None = None) -> list[LoggedRequest]:
        """Logged requests whose path starts with ``path_prefix`` (optionally on one host)."""
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix) and (host is None or r.host == host)]
