"""A real HTTP server on 127.0.0.1 with an ephemeral port, serving pages held as constants.

Each test builds a ``Site`` from a dict of routes (path with query -> ``Route`` or a
function of the request returning one) and reads ``site.requests`` to see what the
crawler asked for. A ``Route`` with ``stream`` writes its own body after the headers
(hanging, trickling or endless responses); ``Site(..., ssl_context=...)`` serves HTTPS.
"""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import BinaryIO, Callable


@dataclass(frozen=True)
class Route:
    body: str | bytes = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    etag: str = ""
    delay: float = 0.0
    stream: Callable[[BinaryIO, threading.Event], None] | None = None
    """Writes the body itself after the headers (no Content-Length unless in ``headers``);
    must return once the event (set when the server closes) is set."""


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict
    method: str = "GET"


def page(title: str, body: str, head: str = "", lang: str = "en") -> str:
    """A small valid HTML page."""
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><main><h1>{title}</h1>{body}</main></body></html>")


class Site:
    """Routes served by a threaded server; ``requests`` logs every request in order."""

    def __init__(self, routes: dict[str, Route | Callable[[Request], Route]],
                 ssl_context: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self.routes = dict(routes)
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.scheme = "https" if ssl_context else "http"
        self.host = host
        self.server = ThreadingHTTPServer((host, 0), self._handler())
        if ssl_context is not None:
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True,
                                                         do_handshake_on_connect=False)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def root(self) -> str:
        return f"{self.scheme}://{self.host}:{self.server.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return self.root + path

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.path == path)

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def _find(self, path: str) -> Route | Callable | None:
        return self.routes.get(path) or self.routes.get(path.split("?")[0])

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # keep-alive without 40 ms delayed-ACK stalls

            def log_message(self, *args) -> None:  # quiet
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except (OSError, ssl.SSLError):  # the client hung up or refused our certificate
                    pass

            def do_HEAD(self) -> None:  # noqa: N802 - the GET's status and headers, no body
                self.do_GET("HEAD")

            def do_GET(self, method: str = "GET") -> None:  # noqa: N802
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, method)
                with site.lock:
                    site.requests.append(request)
                route = site._find(self.path)
                if callable(route):
                    route = route(request)
                route = route or Route("<h1>Not found</h1>", status=404)
                if route.delay:
                    import time

                    time.sleep(route.delay)
                self._send(route, request)

            def _send(self, route: Route, request: Request) -> None:
                if route.stream is not None:
                    self._stream(route)
                    return
                body = route.body.encode() if isinstance(route.body, str) else route.body
                status = route.status
                if route.etag and request.headers.get("if-none-match") == route.etag:
                    status, body = 304, b""
                self.send_response(status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if request.method != "HEAD":
                    self.wfile.write(body)

            def _stream(self, route: Route) -> None:
                self.close_connection = True
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Connection", "close")
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.flush()
                try:
                    route.stream(self.wfile, site.closing)
                except OSError:  # the crawler gave up and closed the connection
                    pass

        return Handler


NAV = "<nav><a href='/'>Home</a> <a href='/send/'>SEND</a> <a href='/contact'>Contact</a></nav>"


def static_site(pages: int, sections: int = 30) -> dict[str, Route]:
    """A generated static Local Offer of ``pages`` pages: home -> sections -> articles."""
    per = max(1, (pages - 2 - sections) // sections)
    routes = {"/": Route(page("Home", NAV + "".join(f"<a href='/send/s{s}/'>Section {s}</a>" for s in range(sections)))),
              "/contact": Route(page("Contact", NAV + "<p>Call 020 7946 0000 or email send@example.gov.uk</p>"))}
    for s in range(sections):
        links = "".join(f"<li><a href='/send/s{s}/article-{a}'>Article {a}</a></li>" for a in range(per))
        routes[f"/send/s{s}/"] = Route(page(f"Section {s}", NAV + f"<ul>{links}</ul>"))
        for a in range(per):
            body = (NAV + f"<p>Article {a} of section {s}. Support for children aged 5-11.</p>"
                    f"<p>Last updated: {1 + a % 28} March 2024</p><a href='/send/s{s}/article-{(a + 1) % per}'>Next</a>")
            routes[f"/send/s{s}/article-{a}"] = Route(page(f"Article {s}.{a}", body))
    return routes
