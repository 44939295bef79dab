"""Status checks of links to other hosts: HEAD first, one check per target, cached between
runs, and every hop screened for private addresses when it connects (redirects and DNS
rebinding included), with the built-in checker and with linkchecker behind the proxy.

Everything runs on loopback, so these tests make 127.0.0.1 stand for the internet
(``Screen(private=...)``) and put the "internal" servers on 127.0.0.2."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import sqlite3

import pytest
from aiohttp.abc import AbstractResolver

from crawlsite import Route, Site, page

from crawler.crawl import crawl
from crawler.external import CheckSettings, PrivateAddressRefused, Screen, check_external, linkchecker_path
from crawler.store import StoreReader


def public_loopback(address: str) -> bool:
    """The test's idea of private: every address but 127.0.0.1 (the stand-in internet)."""
    return address != "127.0.0.1"


@pytest.fixture
def internal():
    """A server on 127.0.0.2 that must never be reached (it records every request)."""
    site = Site({"/secret": Route(page("Secret", "internal"))}, host="127.0.0.2")
    yield site
    site.close()


def settings(checker: str = "builtin", allowed: frozenset = frozenset()) -> CheckSettings:
    return CheckSettings(Screen(allowed, False, public_loopback), "LocalOfferAudit/test", timeout=5, checker=checker,
                         deadline_s=60)


def run(urls, checker="builtin", resolver=None):
    return {s.url: s for s in asyncio.run(check_external(urls, settings(checker), resolver))}


def test_head_first_then_get_only_when_head_fails(make_site):
    def no_head(request):
        return Route("no HEAD here", status=405) if request.method == "HEAD" else Route(page("Ok", ""))

    other = make_site({"/ok": Route(page("Ok", "")), "/no-head": no_head, "/gone": Route("gone", status=404)})
    found = run([other.url("/ok"), other.url("/no-head"), other.url("/gone"), other.url("/ok")])
    assert {u: (s.status, s.error) for u, s in found.items()} == {
        other.url("/ok"): (200, ""), other.url("/no-head"): (200, ""), other.url("/gone"): (404, "")}
    methods = sorted((r.method, r.path) for r in other.requests)
    assert methods == [("GET", "/gone"), ("GET", "/no-head"), ("HEAD", "/gone"), ("HEAD", "/no-head"), ("HEAD", "/ok")]


@pytest.mark.parametrize("checker", ["builtin", "linkchecker"])
def test_redirect_to_a_private_address_is_not_followed(make_site, internal, checker):
    if checker == "linkchecker" and linkchecker_path() is None:
        pytest.skip("linkchecker is not installed")
    public = make_site({"/moved": Route("", status=302, headers={"Location": internal.url("/secret")}),
                        "/fine": Route(page("Fine", ""))})
    found = run([public.url("/moved"), public.url("/fine"), internal.url("/secret")], checker)
    assert found[public.url("/moved")].error == "refused-private" and found[public.url("/moved")].status == 0
    assert found[internal.url("/secret")].error == "refused-private"
    assert found[public.url("/fine")].status == 200
    assert internal.requests == []
    assert public.count("/moved") >= 1


class Rebinding(AbstractResolver):
    """A DNS server under an attacker's control: ``rebind.test`` is the public stand-in the
    first time it is asked, the internal server every time after."""

    def __init__(self, public: Site, internal: Site) -> None:
        self.answers = [("127.0.0.1", public.server.server_address[1])]
        self.later = ("127.0.0.2", internal.server.server_address[1])
        self.asked = 0

    async def resolve(self, host, port=0, family=socket.AF_INET):
        assert host == "rebind.test"
        address, real_port = self.answers[self.asked] if self.asked < len(self.answers) else self.later
        self.asked += 1
        return [{"hostname": host, "host": address, "port": real_port, "family": socket.AF_INET, "proto": 0,
                 "flags": socket.AI_NUMERICHOST}]

    async def close(self):
        pass


def test_dns_rebinding_between_checks_does_not_reach_the_private_address(make_site, internal):
    # HEAD is refused (so a GET follows on a new connection: the server closes each one),
    # and the name now resolves to the internal server: the GET must be refused, not sent.
    public = make_site({"/secret": Route("no HEAD", status=405, headers={"Connection": "close"})})
    resolver = Rebinding(public, internal)
    found = run(["http://rebind.test/secret"], resolver=resolver)
    assert resolver.asked == 2
    assert found["http://rebind.test/secret"].error == "refused-private"
    assert internal.requests == [] and [r.method for r in public.requests] == ["HEAD"]


def test_the_socket_screen_refuses_what_no_resolver_saw():
    screen = Screen(frozenset(), False, public_loopback)
    with pytest.raises(PrivateAddressRefused):
        screen.socket((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", 80)))
    screen.socket((socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80))).close()


def test_allowed_hosts_are_never_screened(make_site):
    own = make_site({"/report.pdf": Route(b"%PDF-1.4", content_type="application/pdf")})
    host = own.url("/").split("/")[2]
    checks = CheckSettings(Screen(frozenset({host}), False), "LocalOfferAudit/test", timeout=5, deadline_s=60)
    found = asyncio.run(check_external([own.url("/report.pdf")], checks))
    assert [(s.status, s.error) for s in found] == [(200, "")]


def test_good_answers_are_cached_between_runs_and_failures_for_a_short_time(make_site, crawl_cfg):
    other = make_site({"/ok": Route(page("Ok", "")), "/gone": Route("gone", status=404),
                       "/moved": Route("moved", status=301, headers={"Location": "/gone"})})
    links = (f"<a href='{other.url('/ok')}'>ok</a> <a href='{other.url('/gone')}'>gone</a> "
             f"<a href='{other.url('/moved')}'>moved</a>")
    site = make_site({"/": Route(page("Home", links)), "/two": Route(page("Two", links))})
    cfg = crawl_cfg(site.url("/"), check_external=True, allow_private=True)
    crawl(cfg)
    asked = {path: other.count(path) for path in ("/ok", "/gone", "/moved")}
    assert asked["/ok"] == 1 and asked["/gone"] >= 2  # HEAD 404 is confirmed by a GET
    first = StoreReader(cfg.db).link_statuses()
    crawl(cfg)  # soon after: the good answer and the failures are remembered
    statuses = StoreReader(cfg.db).link_statuses()
    assert {path: other.count(path) for path in asked} == asked
    assert (statuses[other.url("/ok")].status, statuses[other.url("/ok")].checked_by) == (200, "cache")
    for url in (other.url("/gone"), other.url("/moved")):  # the same answer as the check gave
        assert dataclasses.replace(statuses[url], checked_by="") == dataclasses.replace(first[url], checked_by="")
        assert statuses[url].checked_by == "cache" and statuses[url].status == 404
    crawl(dataclasses.replace(cfg, link_failure_cache_hours=0))  # 0: every failure is checked again
    assert other.count("/ok") == 1 and other.count("/gone") == 2 * asked["/gone"]
    assert other.count("/moved") == 2 * asked["/moved"]
    assert StoreReader(cfg.db).link_statuses()[other.url("/gone")].checked_by == "crawler"
    crawl(dataclasses.replace(cfg, link_cache_days=0))
    assert other.count("/ok") == 2


def test_a_remembered_failure_is_checked_again_after_its_time_and_a_fixed_link_is_seen(make_site, crawl_cfg):
    other = make_site({"/flaky": Route("down", status=503)})
    site = make_site({"/": Route(page("Home", f"<a href='{other.url('/flaky')}'>partner</a>"))})
    cfg = crawl_cfg(site.url("/"), check_external=True, allow_private=True, link_failure_cache_hours=2)
    crawl(cfg)
    asked = other.count("/flaky")
    crawl(cfg)
    assert other.count("/flaky") == asked, "checked again within its time"
    # three hours pass (the store keeps when each failure was checked); the partner is back
    store = sqlite3.connect(cfg.db)
    with store:
        store.execute("UPDATE link_failures SET checked_at = checked_at - 3 * 3600")
    store.close()
    other.routes["/flaky"] = Route(page("Partner", "back"))
    crawl(cfg)
    assert other.count("/flaky") > asked
    found = StoreReader(cfg.db).link_statuses()[other.url("/flaky")]
    assert (found.status, found.error, found.checked_by) == (200, "", "crawler")
    crawl(cfg)  # now a good answer: taken from the cache of good answers, not the failures
    assert StoreReader(cfg.db).link_statuses()[other.url("/flaky")].status == 200


def test_answers_that_are_not_a_check_of_the_target_are_never_kept_as_failures(tmp_path):
    from crawler.model import LinkStatus
    from crawler.store import StoreWriter
    writer = StoreWriter(tmp_path / "s.sqlite")
    writer.remember_links([LinkStatus("http://a.test/x", 0, "not-checked"),
                           LinkStatus("http://a.test/y", 0, "refused-private"),
                           LinkStatus("http://a.test/z", 0, "linkchecker-missing"),
                           LinkStatus("http://a.test/t", 0, "timeout"),
                           LinkStatus("http://a.test/g", 410, "")])
    kept = writer.cached_failures(["http://a.test/" + c for c in "xyztg"], 1)
    assert sorted(kept) == ["http://a.test/g", "http://a.test/t"]
    assert (kept["http://a.test/t"].error, kept["http://a.test/g"].status) == ("timeout", 410)
    assert writer.cached_failures(["http://a.test/t"], 0) == {}
    writer.close()


class Unresolvable(AbstractResolver):
    """A name that does not resolve (as every outside name does offline); counts lookups."""

    def __init__(self) -> None:
        self.asked = 0

    async def resolve(self, host, port=0, family=socket.AF_INET):
        self.asked += 1
        await asyncio.sleep(0.05)  # a real lookup takes a while: other checks of the host are waiting
        raise OSError(socket.EAI_NONAME, "Name or service not known")

    async def close(self):
        pass


def test_a_host_that_does_not_resolve_is_looked_up_at_most_per_host_times_per_scheme():
    from crawler.external import PER_HOST

    urls = [f"{scheme}://gone.test/page/{i}" for scheme in ("http", "https") for i in range(40)]
    resolver = Unresolvable()
    found = run(urls, resolver=resolver)
    assert {s.error for s in found.values()} == {"dns"} and len(found) == 80
    assert 2 <= resolver.asked <= 2 * PER_HOST  # one bound per scheme and port, not one lookup per link


def test_a_failure_remembered_under_other_check_settings_is_checked_again(make_site, crawl_cfg):
    """A failure kept while private addresses were allowed is not replayed once they are
    refused (the link would not be checked at all, so it is no broken link), nor kept
    after the timeout is raised to let slow partners answer."""
    other = make_site({"/gone": Route("gone", status=404)})  # on loopback: private unless allowed
    site = make_site({"/": Route(page("Home", f"<a href='{other.url('/gone')}'>partner</a>"))})
    cfg = crawl_cfg(site.url("/"), check_external=True, allow_private=True)
    crawl(cfg)
    assert StoreReader(cfg.db).link_statuses()[other.url("/gone")].status == 404
    asked = other.count("/gone")
    crawl(dataclasses.replace(cfg, allow_private=False))
    found = StoreReader(cfg.db).link_statuses()[other.url("/gone")]
    assert (found.status, found.error) == (0, "refused-private"), found
    assert other.count("/gone") == asked
    crawl(cfg)  # allowed again: checked (nothing kept from the refused run)
    assert other.count("/gone") > asked
    asked = other.count("/gone")
    crawl(cfg)
    assert other.count("/gone") == asked, "the same settings: the failure is remembered"
    crawl(dataclasses.replace(cfg, timeout=cfg.timeout + 10))
    assert other.count("/gone") > asked, "a longer timeout: every failure is checked again"
