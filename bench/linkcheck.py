"""Status checks side by side: the built-in checker against linkchecker (behind the
screening proxy), on the same targets, alternating, medians of the repeats.

A stand-in "outside" site on 127.0.0.1 answers N paths over ``--hosts`` ports (hosts):
most 200, one in ten a redirect, one in twenty 404, and HEAD like GET, with the
``LinkChecker`` header that lifts linkchecker's own rate limit. Both checkers run
through ``crawler.external.check_external`` exactly as a crawl calls it (``rate 0``,
private addresses allowed since everything is on loopback).

Run: ``python -m bench.linkcheck --targets 2000 --repeat 3``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from aiohttp import web

from crawler.external import CheckSettings, Screen, check_external


def make_app() -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        lifted = {"LinkChecker": "allow"}  # linkchecker lifts its own rate limit only for this header
        if n % 20 == 7:
            return web.Response(status=404, text="gone", headers=lifted)
        if n % 10 == 3:
            raise web.HTTPMovedPermanently(f"/page/{n + 1}", headers=lifted)
        return web.Response(text=f"<html><body><h1>Page {n}</h1></body></html>", content_type="text/html",
                            headers=lifted)

    app = web.Application()
    app.router.add_route("*", "/page/{n}", handle)
    return app


async def measure(targets: int, hosts: int, repeat: int) -> dict:
    runners, roots = [], []
    for _ in range(hosts):
        runner = web.AppRunner(make_app(), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        roots.append(f"http://127.0.0.1:{runner.addresses[0][1]}")
    urls = [f"{roots[i % hosts]}/page/{i}" for i in range(targets)]
    times: dict[str, list[float]] = {"builtin": [], "linkchecker": []}
    results: dict[str, dict] = {}
    try:
        for r in range(repeat):
            for checker in (("builtin", "linkchecker") if r % 2 == 0 else ("linkchecker", "builtin")):
                settings = CheckSettings(Screen(frozenset(), True), "LocalOfferAudit/bench", timeout=20, rate=0,
                                         checker=checker, deadline_s=3600)
                started = time.perf_counter()
                found = await check_external(urls, settings)
                times[checker].append(time.perf_counter() - started)
                results[checker] = {s.url: (s.status, s.error) for s in found}
    finally:
        for runner in runners:
            await runner.cleanup()
    same = results["builtin"] == results["linkchecker"]
    return {checker: round(statistics.median(t), 2) for checker, t in times.items()} | {
        "targets": targets, "hosts": hosts, "repeat": repeat, "same_statuses": same}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    out = asyncio.run(measure(args.targets, args.hosts, args.repeat))
    print(out)
    print(f"built-in {out['builtin']} s, linkchecker {out['linkchecker']} s for {out['targets']:,} targets on "
          f"{out['hosts']} hosts: linkchecker takes {out['linkchecker'] / out['builtin']:.1f}x as long; "
          f"same statuses: {out['same_statuses']}")


if __name__ == "__main__":
    main()
