"""A real documentation site that no one here wrote, served on 127.0.0.1 for the benchmark:
the HTML of Python's documentation from the Debian package ``python3-doc``
(``apt-get install -y python3-doc``; ``/usr/share/doc/python3/html``).

Files are served as they are (symbolic links followed, ``index.html`` for folders), with
``ETag`` and ``Last-Modified`` and ``304`` answers to conditional requests, as a web
server would. Every answer carries a ``LinkChecker`` header, so that linkchecker lifts its
rate limit as it does on the synthetic site.

Run: ``python -m bench.realsite --port-file /tmp/port [--root DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import glob
from pathlib import Path

from aiohttp import web

from bench.localserver import serve_forever

CANDIDATES = ("/usr/share/doc/python3/html", "/usr/share/doc/python3-doc/html", "/usr/share/doc/python3.*/html")


def find_root() -> Path | None:
    """The installed python3-doc HTML folder, if any."""
    for pattern in CANDIDATES:
        for found in sorted(glob.glob(pattern)):
            path = Path(found)
            if (path / "index.html").is_file():
                return path.resolve()
    return None


def html_files(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.html"))


def make_app(root: Path) -> web.Application:
    root = root.resolve()

    async def serve(request: web.Request) -> web.StreamResponse:
        relative = request.match_info["tail"]
        path = (root / relative).resolve() if relative else root
        allowed = [root, *(Path(p).resolve() for p in ("/usr/share/javascript", "/usr/share/sphinx"))]
        if not any(path == base or base in path.parents for base in allowed):
            raise web.HTTPNotFound(headers={"LinkChecker": "allow"})
        if path.is_dir():
            if not request.path.endswith("/"):
                raise web.HTTPMovedPermanently(request.path + "/", headers={"LinkChecker": "allow"})
            path = path / "index.html"
        if not path.is_file():
            raise web.HTTPNotFound(text="<h1>Not found</h1>", content_type="text/html", headers={"LinkChecker": "allow"})
        response = web.FileResponse(path, headers={"LinkChecker": "allow"})
        if path.suffix == ".txt":  # Sphinx's _sources/*.rst.txt
            response.content_type = "text/plain"
        return response

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--root", default="")
    args = parser.parse_args()
    folder = Path(args.root) if args.root else find_root()
    if folder is None:
        raise SystemExit("python3-doc is not installed: apt-get install -y python3-doc")
    asyncio.run(serve_forever(make_app(folder), Path(args.port_file)))
