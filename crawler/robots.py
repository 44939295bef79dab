"""robots.txt per host (protego, as Google and Scrapy read it) and the sitemaps it names."""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

from crawler.fetch import Fetcher

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
