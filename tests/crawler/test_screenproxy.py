"""crawler.screenproxy: the forward proxy linkchecker is pointed at screens every connection.

A real server on 127.0.0.1 stands for the internet; 127.0.0.2 stands for a private address
(the screen's predicate says so), so the test needs no network beyond loopback."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from crawler.model import LinkStatus
from crawler.screen import REFUSED, Screen
from crawler.screenproxy import ScreeningProxy

PUBLIC, PRIVATE = "127.0.0.1", "127.0.0.2"


@pytest.fixture
def public_server(static_server):
    return static_server({"/page": (200, "text/plain", b"public page")})


def _screen() -> Screen:
    return Screen(private=lambda address: address == PRIVATE)


async def _through_proxy(urls: list[str]) -> tuple[list[tuple[int, str]], set[str], ScreeningProxy]:
    async with ScreeningProxy(_screen()) as proxy:
        assert proxy.url.startswith("http://127.0.0.1:")
        out = []
        async with aiohttp.ClientSession() as session:
            for url in urls:
                async with session.get(url, proxy=proxy.url, allow_redirects=False) as response:
                    out.append((response.status, f"{response.reason} {await response.text()}".strip()))
        return out, set(proxy.refused), proxy


def test_allowed_address_passes_and_private_one_is_refused_without_a_connection(public_server):
    port = public_server.rsplit(":", 1)[1]
    answers, refused, proxy = asyncio.run(_through_proxy([f"{public_server}/page", f"http://{PRIVATE}:{port}/secret"]))
    assert answers[0] == (200, "OK public page")
    status, text = answers[1]
    assert status == 403 and REFUSED in text
    assert any(PRIVATE in host for host in refused) and not any(PUBLIC in host for host in refused)
    # linkchecker's result for the refused hop becomes the crawler's own refused-private
    seen = proxy.verdict(LinkStatus(url=f"http://{PRIVATE}:{port}/secret", status=403, error="",
                                    final_url=f"http://{PRIVATE}:{port}/secret", checked_by="linkchecker"))
    assert (seen.status, seen.error) == (0, REFUSED)
    fine = proxy.verdict(LinkStatus(url=f"{public_server}/page", status=200, error="", final_url=f"{public_server}/page",
                                    checked_by="linkchecker"))
    assert (fine.status, fine.error) == (200, "")
