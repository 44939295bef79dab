"""``lo-audit serve``: serve a site that is already built, without auditing again.

The built site uses folder URLs (``audit/owners/``), which a browser opening files from
disk shows as folder listings; a small local web server shows it as it will look when
published. Only 127.0.0.1 is served. A busy port moves on to the next free one (saying
so), up to ``TRIES`` ports.
"""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path

from common.errors import InputError

DEFAULT_PORT = 8000
TRIES = 20
HOST = "127.0.0.1"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # a preview needs no request log
        pass


def bind(site_dir: Path, port: int, tries: int = TRIES) -> http.server.ThreadingHTTPServer:
    """A server for ``site_dir`` on ``port``, or the next free port after it (port 0: any)."""
    handler = functools.partial(_Quiet, directory=str(site_dir))
    first_error = None
    for candidate in range(port, port + tries) if port else (0,):
        try:
            server = http.server.ThreadingHTTPServer((HOST, candidate), handler)
        except OSError as exc:
            first_error = first_error or exc
            continue
        if candidate != port:
            print(f"Port {port} is in use; using port {server.server_address[1]} instead.", file=sys.stderr)
        return server
    raise InputError(f"--port {port}: ports {port} to {port + tries - 1} are all in use "
                     f"({first_error.strerror if first_error else 'busy'}); choose another with --port")


def check_site(site_dir: Path) -> Path:
    """``site_dir`` resolved, or an ``InputError`` saying how to build it first."""
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise InputError(f"--site-dir {site_dir}: no built site here (no index.html); "
                         "build it with `lo-audit build` or `lo-audit run` first")
    return site_dir


def serve(site_dir: Path, port: int = DEFAULT_PORT) -> None:
    """Serve ``site_dir`` on 127.0.0.1 until Ctrl+C."""
    site_dir = check_site(site_dir)
    with bind(site_dir, port) as httpd:
        print(f"Serving {site_dir} at http://{HOST}:{httpd.server_address[1]}/ (Ctrl+C to stop)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.")


def _port(args) -> int:
    port = getattr(args, "port", None)
    port = DEFAULT_PORT if port is None else int(port)
    if not 0 <= port <= 65535:
        raise InputError(f"--port {port}: a port is a number from 1 to 65535")
    return port


def run(args) -> int:
    site_dir = getattr(args, "site_dir", None)
    if not site_dir:
        from lo_audit import config as config_mod

        site_dir = config_mod.load(getattr(args, "config", None)).site.dir
    serve(Path(site_dir), _port(args))
    return 0
