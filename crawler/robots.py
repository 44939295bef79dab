"""robots.txt per host (protego, as Google and Scrapy read it), the sitemaps it names, and
the crawl's cache of them (``RobotsCache``: each origin's file fetched once)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from protego import Protego

from crawler.fetch import Fetcher
from crawler.urls import host_key

AGENT = "LocalOfferAudit"
UNREACHABLE = ("dns", "tls", "refused", "connection")


@dataclass
class HostRobots:
    """One host's robots.txt (``None`` parser = everything allowed) and how fetching it went."""

    parser: Protego | None = None
    sitemaps: list[str] = field(default_factory=list)
    error: str = ""

    def allows(self, url: str) -> bool:
        return self.parser is None or self.parser.can_fetch(url, AGENT)

    @property
    def unreachable(self) -> bool:
        """The host did not answer at all (DNS, TLS, refused)."""
        return self.error in UNREACHABLE


async def fetch_robots(fetcher: Fetcher, origin: str) -> HostRobots:
    """Fetch and parse ``origin/robots.txt``; a missing or broken file allows everything."""
    response = await fetcher.get(origin.rstrip("/") + "/robots.txt", body="any")
    if response.error:
        return HostRobots(error=response.error)
    if response.status != 200:
        return HostRobots()
    text = response.body.decode("utf-8", errors="replace")[:500_000]
    try:
        parser = Protego.parse(text)
    except Exception:  # noqa: BLE001 - an untrusted file must never stop the crawl
        return HostRobots()
    return HostRobots(parser=parser, sitemaps=[s for s in parser.sitemaps][:50])


def origin_of(url: str) -> str:
    """``scheme://netloc`` of an absolute URL, as written (the cache's key)."""
    return "/".join(url.split("/", 3)[:3])


class RobotsCache:
    """Each origin's robots.txt, fetched once (at the first URL that needs it; concurrent
    askers share the one request). With ``ignore`` (``crawl.ignore_robots``) everything
    is allowed and nothing is fetched."""

    def __init__(self, fetcher: Fetcher, allowed: frozenset[str], ignore: bool = False,
                 known: dict[str, HostRobots] | None = None) -> None:
        self.fetcher, self.allowed, self.ignore = fetcher, allowed, ignore
        self.found: dict[str, HostRobots | asyncio.Future] = dict(known or {})

    async def allows(self, url: str) -> bool:
        """May the crawler fetch ``url``? (Reads the origin's robots.txt when first asked.)"""
        if self.ignore:
            return True
        return (await self.get(url)).allows(url)

    async def get(self, url: str) -> HostRobots:
        key = origin_of(url)
        if key not in self.found:
            self.found[key] = asyncio.ensure_future(fetch_robots(self.fetcher, key))
        found = self.found[key]
        if isinstance(found, asyncio.Future):
            found = self.found[key] = await found  # kept as read, for ``disallowed``
        return found

    def disallowed(self, url: str) -> bool:
        """True when robots.txt (already read) forbids ``url`` on an allowed host: the browser
        must not load it either (scripts, frames, XHR)."""
        if self.ignore or host_key(url) not in self.allowed:
            return False
        found = self.found.get(origin_of(url))
        return isinstance(found, HostRobots) and not found.allows(url)
