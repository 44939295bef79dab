"""robots.txt through the crawl's cache, against a real local server."""

from __future__ import annotations

import asyncio

from crawlsite import Route, page

from crawler.fetch import Fetcher
from crawler.robots import RobotsCache
from crawler.urls import host_key

ROBOTS = "User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n"


def site_with_robots(make_site):
    return make_site({"/robots.txt": Route(ROBOTS, content_type="text/plain"), "/": Route(page("Home", ""))})


async def with_cache(site, body, ignore=False):
    allowed = frozenset({host_key(site.url())})
    async with Fetcher(allowed, "test", {}, 0, 5, 100_000, 4) as fetcher:
        return await body(RobotsCache(fetcher, allowed, ignore))


def test_each_origin_is_read_once_however_many_ask_at_once(make_site):
    site = site_with_robots(make_site)

    async def body(cache: RobotsCache):
        before = cache.disallowed(site.url("/private/x"))  # not read yet: nothing is known to forbid it
        answers = await asyncio.gather(*(cache.allows(site.url(p)) for p in ("/a", "/private/b", "/c", "/private/")))
        return before, answers, cache.disallowed(site.url("/private/x")), cache.disallowed(site.url("/public"))

    before, answers, after, public = asyncio.run(with_cache(site, body))
    assert answers == [True, False, True, False]
    assert not before and after and not public
    assert site.count("/robots.txt") == 1


def test_ignore_robots_allows_everything_and_reads_nothing(make_site):
    site = site_with_robots(make_site)

    async def body(cache: RobotsCache):
        return await cache.allows(site.url("/private/b")), cache.disallowed(site.url("/private/b"))

    assert asyncio.run(with_cache(site, body, ignore=True)) == (True, False)
    assert site.count("/robots.txt") == 0


def test_other_hosts_are_never_judged_disallowed_for_the_browser(make_site):
    site = site_with_robots(make_site)
    other = site_with_robots(make_site)

    async def body(cache: RobotsCache):
        await cache.allows(site.url("/"))
        await cache.get(other.url("/"))  # read, but not an allowed host
        return cache.disallowed(other.url("/private/x")), cache.disallowed(site.url("/private/x"))

    assert asyncio.run(with_cache(site, body)) == (False, True)
