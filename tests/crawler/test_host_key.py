"""``crawler.urls.host_key`` remembers hosts per scheme and authority for plain URLs: what
it answers is what normalising the whole URL and reading its host answers, URL by URL."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

from crawler.urls import _authority_host, host_key, normalise

SCHEMES = ["http", "https", "HTTP", "Https", "ftp", ""]
HOSTS = ["h.example", "H.Example", "h.example:80", "h.example:443", "h.example:8001", "h.example.", "h.example:0080",
         "user@h.example", "user:pw@H.example:80", "xn--bcher-kva.example", "bücher.example", "BÜCHER.example",
         "[::1]", "[::1]:8080", "[0:0::1]:443", "h.example:abc", "", "h.example\t", "h.example:", "[::1",
         "h..example", "h.example%2e", "127.0.0.1:8001", "a-b_c.example", "h.example\\x",
         ":80", ":", "@", ":@", "user@", "user@:8001"]  # an authority without a host
RESTS = ["", "/", "/a?b#c", "?q=1", "#frag", "//evil.example/x", "/a b", "/caf%C3%A9", "/café", "\\x", " ",
         "/x\ud800", "/index.html", "\t/a", "/%ZZ", "/a/../../b", "?a=1&a=2&utm_source=x", "/p;params?x"]


def whole(url: str):
    """The host as read from the whole normalised URL (or the failure)."""
    try:
        return urlsplit(normalise(url)).netloc
    except Exception as exc:  # noqa: BLE001 - the same failure is expected of host_key
        return type(exc)


def remembered(url: str):
    try:
        return host_key(url)
    except Exception as exc:  # noqa: BLE001
        return type(exc)


def test_host_key_is_the_host_of_the_whole_normalised_url_in_any_order():
    urls = [f"{s}://{h}{r}" if s else f"//{h}{r}" for s in SCHEMES for h in HOSTS for r in RESTS]
    rng = random.Random(3)
    for _ in range(3):
        host_key.cache_clear()
        _authority_host.cache_clear()
        rng.shuffle(urls)
        assert [remembered(u) for u in urls] == [whole(u) for u in urls]
    hosts = [whole(u) for u in urls]
    assert len({h for h in hosts if isinstance(h, str)}) > 15, "many different hosts"
    assert any(not isinstance(h, str) for h in hosts), "and URLs whose normalisation fails"


def test_an_authority_without_a_host_is_read_from_the_whole_url():
    """``http://:80//h.example/x`` normalises to ``http://h.example/x``: its host is the
    normalised URL's, not the empty one of its own authority."""
    for url in ("http://:80//h.example/x", "http://@//h.example/", "https://user@//h.example/a"):
        host_key.cache_clear()
        _authority_host.cache_clear()
        assert host_key(url) == urlsplit(normalise(url)).netloc == "h.example", url


def test_a_normalised_url_normalises_to_itself():
    """What the frontier holds is normalised: normalising it again changes nothing (a re-crawl
    takes an unredirected page's address as its final URL without normalising it again,
    ``PageWorker._same_address``)."""
    urls = [f"{s}://{h}{r}" if s else f"//{h}{r}" for s in SCHEMES for h in HOSTS for r in RESTS]
    checked = 0
    for url in urls:
        for strip in ((), ("utm_source", "q")):
            try:
                once = normalise(url, strip)
            except Exception:  # noqa: BLE001 - not a URL the frontier could hold
                continue
            if urlsplit(once).scheme in ("http", "https"):
                assert normalise(once, strip) == once, url
                checked += 1
    assert checked > 500
