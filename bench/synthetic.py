"""A synthetic Local Offer of N pages for benchmarks, served by aiohttp on 127.0.0.1.

Most pages are static CMS-like articles (navigation, main text, footer, a "Last
updated" line, 8 links); one page in ten is a directory search page whose result
links exist only after JavaScript fetches them from a JSON endpoint; a few pages
are reachable only through those script-added links. Pages carry ETags and answer
conditional requests with 304, as most CMSs do. Every page sends a
``LinkChecker`` response header so linkchecker lifts its rate limit above 10/s.

Run: ``python -m bench.synthetic --pages 1500 --port-file /tmp/port``
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
from pathlib import Path

from aiohttp import web

from bench.localserver import serve_forever

SECTIONS = ("education", "health", "social-care", "preparing-for-adulthood", "travel", "complaints")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
TEXT = ("This page explains the support available for children and young people with special "
        "educational needs and disabilities. It tells you who can use the service, how to ask for "
        "help and what happens next. ") * 6


JS_EVERY = 10
"""One page in JS_EVERY is a directory search page needing JavaScript (0: a static site)."""


def js_only(i: int, n: int) -> bool:
    """Pages linked only from script-added links (1 in 20 when 1 page in 10 needs JavaScript)."""
    return JS_EVERY == 10 and i % 20 == 13


def is_js_page(i: int) -> bool:
    return bool(JS_EVERY) and i % JS_EVERY == 7 % JS_EVERY


def page_url(i: int) -> str:
    return f"/directory/search/{i}" if is_js_page(i) else f"/{SECTIONS[i % len(SECTIONS)]}/page-{i}"


def related(i: int, n: int) -> list[int]:
    """Static links: a chain plus pseudo-random jumps, never to JS-only pages."""
    out = [(i + 1) % n, (i + 2) % n, (i * 7 + 3) % n, (i * 13 + 5) % n, (i + n // 2) % n]
    return [j for j in out if not js_only(j, n) and j != i]


def scripted(i: int, n: int) -> list[int]:
    """Links a JS page adds after fetching JSON: includes the JS-only pages."""
    return [j for j in ((i + 6) % n, (i + 26) % n, (i + 46) % n) if j != i]


def render(i: int, n: int) -> str:
    nav = "".join(f'<li><a href="/{s}/">{s.replace("-", " ").title()}</a></li>' for s in SECTIONS)
    links = "".join(f'<li><a href="{page_url(j)}">Service {j}</a></li>' for j in related(i, n))
    day, month, year = 1 + i % 28, MONTHS[i % 12], 2023 + i % 3
    body = f"<p>{TEXT}</p><ul>{links}</ul>"
    if is_js_page(i):
        body += (f'<div id="results"></div><script>fetch("/api/results?i={i}").then(r => r.json())'
                 f'.then(d => {{ for (const x of d.results) {{ const a = document.createElement("a");'
                 f' a.href = x.url; a.textContent = x.name; document.getElementById("results").append(a); }} }});'
                 f"</script>")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page {i} | Local Offer</title>'
            f'<link rel="stylesheet" href="/style.css"></head><body><header><a href="/">Home</a></header>'
            f"<nav><ul>{nav}</ul></nav><main><h1>Page {i}</h1>{body}"
            f"<p>Last updated: {day} {month} {year}</p></main>"
            f'<footer><a href="/accessibility">Accessibility</a> <a href="mailto:send@example.org">Email us</a>'
            f"</footer></body></html>")


def cacheable(request: web.Request, html: str) -> web.Response:
    """A page with an ETag, answering 304 to a matching If-None-Match, as most CMSs do."""
    etag = '"' + hashlib.sha1(html.encode()).hexdigest()[:16] + '"'
    base = {"LinkChecker": "allow", "ETag": etag}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=base)
    return web.Response(text=html, headers=base | {"Content-Type": "text/html; charset=utf-8"})


def make_app(n: int) -> web.Application:
    index = {page_url(i): i for i in range(n)}
    headers = {"LinkChecker": "allow", "Content-Type": "text/html; charset=utf-8"}

    async def home(request: web.Request) -> web.Response:
        links = "".join(f'<a href="{page_url(i)}">Page {i}</a> ' for i in range(0, n, 50) if not js_only(i, n))
        sections = "".join(f'<a href="/{s}/">{s}</a> ' for s in SECTIONS)
        html = (f'<!doctype html><html lang="en"><head><title>Local Offer</title></head><body><main>'
                f"<h1>Local Offer</h1>{sections}{links}<p>Last updated: 1 May 2026</p></main></body></html>")
        return cacheable(request, html)

    async def section(request: web.Request) -> web.Response:
        name = request.match_info["section"]
        k = SECTIONS.index(name) if name in SECTIONS else -1
        if k < 0:
            return web.Response(status=404, text="not found", headers=headers)
        links = "".join(f'<a href="{page_url(i)}">Page {i}</a> ' for i in range(k, min(n, k + 120), len(SECTIONS))
                        if not js_only(i, n))
        html = (f'<!doctype html><html lang="en"><head><title>{name}</title></head><body><main><h1>{name}</h1>'
                f"{links}<p>Last updated: 2 May 2026</p></main></body></html>")
        return cacheable(request, html)

    async def page(request: web.Request) -> web.Response:
        i = index.get(request.path)
        if i is None:
            return web.Response(status=404, text="not found", headers=headers)
        return cacheable(request, render(i, n))

    async def results(request: web.Request) -> web.Response:
        i = int(request.query.get("i", "0"))
        data = {"results": [{"url": page_url(j), "name": f"Service {j}"} for j in scripted(i, n)]}
        return web.Response(text=json.dumps(data), content_type="application/json", headers={"LinkChecker": "allow"})

    async def static(request: web.Request) -> web.Response:
        if request.path == "/style.css":
            return web.Response(text="body{font-family:sans-serif}", content_type="text/css")
        if request.path == "/robots.txt":
            return web.Response(text="User-agent: *\nAllow: /\n", content_type="text/plain")
        html = '<!doctype html><html lang="en"><head><title>Accessibility</title></head><body><main><h1>Accessibility statement</h1><p>Last updated: 3 May 2026</p></main></body></html>'
        return web.Response(text=html, headers=headers)

    app = web.Application()
    app.router.add_get("/", home)
    app.router.add_get("/api/results", results)
    for path in ("/style.css", "/robots.txt", "/accessibility"):
        app.router.add_get(path, static)
    app.router.add_get("/{section}/", section)
    app.router.add_get("/{tail:.+}", page)
    return app


def reachable_pages(n: int) -> int:
    """Pages a complete crawl should find: home, sections, accessibility, every page."""
    return n + len(SECTIONS) + 2


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1500)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--js-every", type=int, default=10, help="one page in N needs JavaScript; 0 = static site")
    args = parser.parse_args()
    JS_EVERY = args.js_every
    asyncio.run(serve_forever(make_app(args.pages), Path(args.port_file)))
