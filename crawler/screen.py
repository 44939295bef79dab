"""The screen of status checks: which addresses a check may connect to.

Shared by the built-in checker (``crawler.external``), the proxy that screens linkchecker
(``crawler.screenproxy``) and the browser's guard against private addresses
(``crawler.render``). No connection is made to a private, loopback, link-local, reserved
or multicast address unless ``allow_private``; allowed hosts you name yourself are never
screened. Names are resolved and screened in one step (``ScreeningResolver``), so the
connection uses exactly the addresses that passed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver

from crawler.urls import host_key

REFUSED = "refused-private"


def is_private(address: str) -> bool:
    """True for private, loopback, link-local, reserved, multicast and unspecified addresses
    (IPv4-mapped IPv6 addresses are judged by their IPv4 address)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified)


class PrivateAddressRefused(OSError):
    """Raised by the screen (resolver or socket) for an address it may not connect to."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{REFUSED}: {host} is {address}")


@dataclass(frozen=True)
class Screen:
    """Which addresses a status check may connect to.

    allowed: ``host_key``s of the crawl's allowed hosts (never screened).
    allow_private: no screening at all (``crawl.allow_private``).
    private: the predicate on an IP address; ``is_private`` except in tests, which run
        everything on loopback and need one loopback address to stand for the internet.
    """

    allowed: frozenset[str] = frozenset()
    allow_private: bool = False
    private: Callable[[str], bool] = is_private

    def exempt(self, url: str) -> bool:
        return self.allow_private or host_key(url) in self.allowed

    def refuses(self, address: str) -> bool:
        try:
            return not self.allow_private and self.private(address)
        except ValueError:
            return True

    def socket(self, addr_info) -> socket.socket:
        """aiohttp's ``socket_factory``: the last screen, on the address about to be connected."""
        family, kind, proto, _, sockaddr = addr_info
        if self.refuses(sockaddr[0]):
            raise PrivateAddressRefused(str(sockaddr[0]), str(sockaddr[0]))
        sock = socket.socket(family=family, type=kind, proto=proto)
        sock.setblocking(False)
        return sock


class ScreeningResolver(AbstractResolver):
    """Resolves a name and refuses it when any address is screened out (one step, so the
    connection can only use addresses that passed)."""

    def __init__(self, screen: Screen, inner: AbstractResolver | None = None) -> None:
        self.screen = screen
        self.inner = inner or aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET):
        infos = await self.inner.resolve(host, port, family)
        for info in infos:
            if self.screen.refuses(info["host"]):
                raise PrivateAddressRefused(host, info["host"])
        return infos

    async def close(self) -> None:
        await self.inner.close()


def ip_literal(host: str) -> str | None:
    """The IP address ``host`` is written as (brackets and zone dropped), or None for a name."""
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%")[0]))
    except ValueError:
        return None
