"""The screen of status checks: private addresses refused at resolve and connect time."""

from __future__ import annotations

import asyncio
import socket

import pytest

from crawler.screen import REFUSED, PrivateAddressRefused, Screen, ScreeningResolver, ip_literal, is_private


class FixedResolver:
    """A resolver that answers every name with the given addresses (a DNS answer we choose)."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [{"hostname": host, "host": a, "port": port, "family": family, "proto": 0, "flags": 0}
                for a in self.addresses]

    async def close(self) -> None:
        pass


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.1", "127.0.0.1", "169.254.169.254", "::1",
                                     "::ffff:10.0.0.1", "fe80::1%eth0", "0.0.0.0", "224.0.0.1"])
def test_private_and_special_addresses_are_private(address):
    assert is_private(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "2a00:1450:4009:81f::200e", "::ffff:8.8.8.8"])
def test_public_addresses_are_not(address):
    assert not is_private(address)


def test_allowed_hosts_are_exempt_and_allow_private_turns_the_screen_off():
    screen = Screen(frozenset({"intranet.example:8080"}))
    assert screen.exempt("http://intranet.example:8080/a") and not screen.exempt("http://intranet.example/a")
    assert screen.refuses("10.0.0.1") and not screen.refuses("8.8.8.8")
    assert screen.refuses("not an address")  # what cannot be judged is refused
    assert not Screen(allow_private=True).refuses("10.0.0.1")


def test_a_name_with_any_private_answer_is_refused_whole():
    async def resolve(*answer: str):
        return await ScreeningResolver(Screen(), FixedResolver(*answer)).resolve("rebind.example", 80)

    assert [i["host"] for i in asyncio.run(resolve("8.8.8.8"))] == ["8.8.8.8"]
    with pytest.raises(PrivateAddressRefused, match=REFUSED):
        asyncio.run(resolve("8.8.8.8", "10.0.0.5"))


def test_the_socket_factory_refuses_a_private_address_before_connecting():
    with pytest.raises(PrivateAddressRefused):
        Screen().socket((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)))
    sock = Screen(private=lambda a: False).socket((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)))
    sock.close()


def test_ip_literals_are_read_from_hosts_names_are_not():
    assert ip_literal("[::1]") == "::1" and ip_literal("10.0.0.1") == "10.0.0.1"
    assert ip_literal("fe80::1%eth0") == "fe80::1" and ip_literal("example.org") is None
