"""Status checks of links the crawl does not fetch as pages (other hosts' pages, documents).

Two checkers (``crawl.link_checker``):

- ``builtin`` (the default): in the crawler's own process, with aiohttp. Each target is
  checked once (targets are de-duplicated), ``HEAD`` first and ``GET`` when ``HEAD`` does
  not give a clean answer (405, 501 and any other status of 400 or more, so a reported
  failure is always a ``GET``'s), redirects followed hop by hop, at most ``PER_HOST``
  requests at once per host and the crawl's ``rate`` per host. A host whose name does not
  resolve is not asked again. Targets that answered well within ``link_cache_days``, or
  failed within ``link_failure_cache_hours``, are taken from the store instead of being
  checked again (``crawler.crawl``).
- ``linkchecker``: the linkchecker program (GPL-2.0, so run as a program), one process
  for all targets, through a local screening proxy (``crawler.screenproxy``) so that it
  obeys the same screen.

The screen (``crawler.screen``): no connection is made to a private, loopback, link-local, reserved or
multicast address unless ``allow_private`` (allowed hosts you name yourself are always
allowed). It is applied when connecting, to the address actually connected to, for every
hop of every check: names are resolved and screened in one step by ``ScreeningResolver``
(the connection uses exactly the addresses that were screened, so a name that resolves
differently the second time, DNS rebinding, gains nothing) and every socket is screened
again by ``Screen.socket`` just before it connects (IP literals never reach a resolver).
Only http(s) URLs are ever checked.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver

from crawler.model import LinkStatus
from crawler.ratelimit import HostLimiter
from crawler.screen import REFUSED, PrivateAddressRefused, Screen, ScreeningResolver, ip_literal
from crawler.screenproxy import ScreeningProxy
from crawler.urls import host_key

THREADS = 10
UNLIMITED_RATE = 1000
"""``maxrequestspersecond`` for ``rate 0`` (unlimited, local runs): linkchecker only stops
throttling (about 3 requests a second per host) when given a value above 10."""
LINKCHECKER_CONFIG = """[checking]
threads={threads}
timeout={timeout}
maxrequestspersecond={rate}
useragent={agent}
[output]
status=0
"""
PER_HOST = 4
"""Status checks in flight per host, at most (beside the per-host ``rate``)."""
CONNECTIONS = 64
"""Status checks in flight in all, at most."""
MAX_REDIRECTS = 10
REDIRECTS = (301, 302, 303, 307, 308)


def linkchecker_path() -> str | None:
    """The linkchecker program next to this Python (the venv) or on PATH."""
    local = Path(sys.executable).with_name("linkchecker")
    return str(local) if local.exists() else shutil.which("linkchecker")


def _chain(exc: BaseException | None) -> Iterable[BaseException]:
    seen = 0
    while exc is not None and seen < 10:
        yield exc
        exc = getattr(exc, "os_error", None) or exc.__cause__ or exc.__context__
        seen += 1


def error_name(exc: BaseException) -> str:
    """A short error name for a failed status check (``refused-private``, ``dns``...)."""
    for cause in _chain(exc):
        if isinstance(cause, PrivateAddressRefused) or REFUSED in str(cause):
            return REFUSED
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns"
    if isinstance(exc, (aiohttp.ClientSSLError, aiohttp.ClientConnectorCertificateError)):
        return "tls"
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError, aiohttp.ServerTimeoutError)):
        return "timeout"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "refused" if isinstance(exc.os_error, ConnectionRefusedError) else "connection"
    if isinstance(exc, (aiohttp.InvalidURL, ValueError, UnicodeError)):
        return "invalid-url"
    return "connection"


@dataclass
class StatusChecker:
    """The built-in checker: one aiohttp session, screened at connect time (module docstring)."""

    screen: Screen
    user_agent: str
    timeout: float = 20.0
    rate: float = 0.0
    resolver: AbstractResolver | None = None
    """The resolver behind the screen (tests give a fake one; default: the system's)."""
    session: aiohttp.ClientSession | None = None
    per_host: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    dead_hosts: dict[str, str] = field(default_factory=dict)
    done: dict[str, asyncio.Future] = field(default_factory=dict)
    requests: int = 0

    async def __aenter__(self) -> "StatusChecker":
        connector = aiohttp.TCPConnector(limit=CONNECTIONS, limit_per_host=PER_HOST, use_dns_cache=False,
                                         resolver=ScreeningResolver(self.screen, self.resolver),
                                         socket_factory=self.screen.socket)
        timeout = aiohttp.ClientTimeout(total=self.timeout, sock_connect=min(self.timeout, 10))
        self.session = aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False,
                                             cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False)
        self.limiter = HostLimiter(self.rate)
        return self

    async def __aexit__(self, *exc) -> None:
        if self.session is not None:
            await self.session.close()

    async def check_all(self, urls: Iterable[str]) -> list[LinkStatus]:
        """Check each distinct URL once (in parallel, bounded per host)."""
        return list(await asyncio.gather(*(self.check(u) for u in dict.fromkeys(urls))))

    def check(self, url: str) -> "asyncio.Future[LinkStatus]":
        """The status of ``url``; one check per URL however often it is asked for."""
        if url not in self.done:
            self.done[url] = asyncio.ensure_future(self._check(url))
        return self.done[url]

    async def _check(self, url: str) -> LinkStatus:
        current, seen = url, {url}
        for _ in range(MAX_REDIRECTS + 1):
            status, location, error = await self._hop(current)
            if error or status not in REDIRECTS or not location:
                return LinkStatus(url=url, status=status, error=error, final_url=current, checked_by="crawler")
            target = urljoin(current, location).split("#")[0]
            if urlsplit(target).scheme not in ("http", "https"):
                return LinkStatus(url=url, status=status, error="unsupported-scheme", final_url=target,
                                  checked_by="crawler")
            if target in seen:
                return LinkStatus(url=url, status=status, error="redirect-loop", final_url=target, checked_by="crawler")
            seen.add(target)
            current = target
        return LinkStatus(url=url, status=0, error="too-many-redirects", final_url=current, checked_by="crawler")

    async def _hop(self, url: str) -> tuple[int, str, str]:
        """``(status, location, error)`` of one URL without following redirects."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return 0, "", "unsupported-scheme"
        host = parts.hostname
        literal = ip_literal(host)
        if literal is not None and not self.screen.exempt(url) and self.screen.refuses(literal):
            return 0, "", REFUSED
        key = host_key(url)
        async with self.per_host.setdefault(key, asyncio.Semaphore(PER_HOST)):
            if host in self.dead_hosts:  # checked inside the bound: a dead host is looked up PER_HOST times at most
                return 0, "", self.dead_hosts[host]
            status, location, error = await self._request("HEAD", url, key)
            if not error and status >= 400:
                status, location, error = await self._request("GET", url, key)
        if error == "dns":
            self.dead_hosts[host] = "dns"
        return status, location, error

    async def _request(self, method: str, url: str, key: str) -> tuple[int, str, str]:
        assert self.session is not None
        await self.limiter.wait(key)
        self.requests += 1
        headers = {"User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                   "Accept-Encoding": "identity"}
        session = self.session if not self.screen.exempt(url) or self.screen.allow_private else self._open()
        try:
            async with session.request(method, url, headers=headers, allow_redirects=False) as resp:
                return resp.status, resp.headers.get("Location", ""), ""
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as exc:
            return 0, "", error_name(exc)

    def _open(self) -> aiohttp.ClientSession:
        """A session without the screen, for the crawl's allowed hosts (documents, guarded pages)."""
        if getattr(self, "trusted", None) is None:
            self.trusted = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=CONNECTIONS, limit_per_host=PER_HOST),
                timeout=self.session.timeout, trust_env=False, cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False)
        return self.trusted


# ----------------------------------------------------------------------------- linkchecker
def _error_name(result: str) -> str:
    text = result.lower()
    for needle, name in ((REFUSED, REFUSED), ("timed out", "timeout"), ("timeout", "timeout"),
                         ("name or service", "dns"), ("nameresolution", "dns"), ("getaddrinfo", "dns"),
                         ("ssl", "tls"), ("certificate", "tls"), ("refused", "refused"), ("connection", "connection")):
        if needle in text:
            return name
    return result[:200] or "error"


def parse_csv(text: str) -> list[LinkStatus]:
    """linkchecker's ``-o csv`` output -> statuses (comment lines skipped)."""
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    out = []
    for row in csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"):
        result, url = row.get("result") or "", row.get("urlname") or ""
        match = re.match(r"^(\d{3})\b", result)
        status = int(match.group(1)) if match else 0
        error = "" if status else _error_name(result)
        proxied = re.search(r"proxy-error-(\w+)", result)
        if REFUSED in result or proxied:  # the screening proxy's answer, not the target's
            status, error = 0, REFUSED if REFUSED in result else proxied.group(1)
        out.append(LinkStatus(url=url, status=status, error=error, final_url=row.get("url") or url,
                              checked_by="linkchecker"))
    return out


def run_linkchecker(urls: list[str], user_agent: str, timeout: float, rate: float, deadline_s: float,
                    proxy: str = "") -> list[LinkStatus]:
    """Check ``urls`` (no recursion) and parse the results; unreported URLs get ``not-checked``.
    ``proxy`` (``http://127.0.0.1:port``) is where every request goes (the screening proxy)."""
    program = linkchecker_path()
    if not urls:
        return []
    if program is None:
        return [LinkStatus(url=u, status=0, error="linkchecker-missing", checked_by="crawler") for u in urls]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    if proxy:
        env.update(http_proxy=proxy, https_proxy=proxy, HTTP_PROXY=proxy, HTTPS_PROXY=proxy)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "linkcheckerrc"
        config.write_text(LINKCHECKER_CONFIG.format(threads=THREADS, timeout=max(1, int(timeout)),
                                                     rate=max(rate, 1.0) if rate else UNLIMITED_RATE, agent=user_agent))
        os.chmod(tmp, 0o755)
        config.chmod(0o644)
        cmd = [program, "-f", str(config), "--stdin", "--recursion-level=0", "--check-extern", "--no-status",
               "--no-warnings", "-v", "-o", "csv", "-t", str(THREADS), "--timeout", str(max(1, int(timeout)))]
        try:
            done = subprocess.run(cmd, input="\n".join(urls) + "\n", capture_output=True, text=True,
                                  timeout=max(30.0, deadline_s), cwd=tmp, env=env)
        except subprocess.TimeoutExpired as exc:
            done = subprocess.CompletedProcess(cmd, 124, exc.stdout or "", "")
    found = {s.url: s for s in parse_csv(done.stdout if isinstance(done.stdout, str) else "")}
    return [found.get(u) or LinkStatus(url=u, status=0, error="not-checked", checked_by="linkchecker") for u in urls]


# ----------------------------------------------------------------------------- entry point
@dataclass(frozen=True)
class CheckSettings:
    """What the status checks need from the crawl config."""

    screen: Screen
    user_agent: str
    timeout: float = 20.0
    rate: float = 0.0
    checker: str = "builtin"
    deadline_s: float = 3600.0


def unsupported(url: str) -> LinkStatus | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return LinkStatus(url=url, status=0, error="unsupported-scheme", checked_by="crawler")
    return None


async def check_external(urls: list[str], settings: CheckSettings,
                         resolver: AbstractResolver | None = None) -> list[LinkStatus]:
    """Status of each URL with the configured checker (see the module docstring)."""
    urls = list(dict.fromkeys(urls))
    verdicts = {u: v for u in urls if (v := unsupported(u)) is not None}
    todo = [u for u in urls if u not in verdicts]
    started = time.monotonic()
    if settings.checker == "linkchecker":
        async with ScreeningProxy(settings.screen, resolver) as proxy:
            left = settings.deadline_s - (time.monotonic() - started)
            checked = await asyncio.to_thread(run_linkchecker, todo, settings.user_agent, settings.timeout,
                                              settings.rate, left, proxy.url)
        checked = [proxy.verdict(s) for s in checked]
    else:
        async with StatusChecker(settings.screen, settings.user_agent, settings.timeout, settings.rate,
                                 resolver) as checker:
            try:
                checked = await asyncio.wait_for(checker.check_all(todo), timeout=max(30.0, settings.deadline_s))
            except asyncio.TimeoutError:
                checked = [_settled(checker.done.get(u)) or LinkStatus(url=u, status=0, error="not-checked",
                                                                      checked_by="crawler") for u in todo]
            trusted = getattr(checker, "trusted", None)
            if trusted is not None:
                await trusted.close()
    return list(verdicts.values()) + checked


def _settled(future: "asyncio.Future | None") -> LinkStatus | None:
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return None
    return future.result()
