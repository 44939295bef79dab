"""Plain-HTTP fetching with aiohttp: per-host rate limit, redirects followed by hand (so
the chain is recorded and loops detected), bounded backoff on 429/503 honouring
``Retry-After``, a size cap, conditional requests, and credentials only for allowed hosts."""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import aiohttp

from crawler.ratelimit import HostLimiter
from crawler.secrets import may_receive
from crawler.urls import host_key, is_document_url, on_allowed_host

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 10
RETRY_STATUSES = (429, 503)
MAX_RETRIES = 3
MAX_RETRY_WAIT = 30.0
DOCUMENT_TYPES = ("application/pdf", "application/msword", "officedocument", "opendocument", "application/rtf",
                  "application/vnd.ms-")
MAGIC_DOCUMENTS = (b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"{\\rtf")
"""The first bytes of PDF, Office Open XML/OpenDocument (zip), old Office and RTF files."""
MAX_HEADER_BYTES = 32768
"""A response header line longer than this is ``header-too-large`` (browsers accept long
Content-Security-Policy and Set-Cookie headers, so 8 KB, aiohttp's default, is too strict)."""
KEPT_HEADERS = ("content-type", "etag", "last-modified", "content-length", "retry-after", "location")


@dataclass(frozen=True)
class Response:
    """The outcome of fetching one URL (after redirects)."""

    url: str
    final_url: str
    status: int = 0
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    redirects: tuple[tuple[str, int], ...] = ()
    error: str = ""
    too_large: bool = False
    left_scope: bool = False
    elapsed_ms: int = 0
    size: int = 0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def kind(self) -> str:
        """``html``, ``document`` or ``other``."""
        ctype = self.content_type
        if self.body.lstrip()[:8].startswith(MAGIC_DOCUMENTS):  # a document served as HTML or text
            return "document"
        if any(t in ctype for t in DOCUMENT_TYPES) or (is_document_url(self.final_url) and "html" not in ctype):
            return "document"
        if "html" in ctype or (not ctype and self.body.lstrip()[:1] == b"<"):
            return "html"
        return "other"


def error_name(exc: BaseException) -> str:
    """A short error name: ``dns``, ``tls``, ``timeout``, ``connection``, ``refused``..."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns"
    if isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError)):
        return "tls"
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "refused" if isinstance(exc.os_error, ConnectionRefusedError) else "connection"
    if isinstance(exc, (aiohttp.InvalidURL, ValueError)):
        return "invalid-url"
    if isinstance(exc, aiohttp.ClientResponseError):  # the response itself could not be read
        text = str(exc.message).lower()
        return "header-too-large" if "bytes when reading" in text or "too many headers" in text else "bad-response"
    return "connection"


def retry_after(value: str, attempt: int) -> float:
    """Seconds to wait before retrying (``Retry-After`` seconds or date; else 1, 2, 4 s), capped."""
    wait = float(2 ** attempt)
    if value:
        try:
            wait = float(value)
        except ValueError:
            try:
                wait = parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError):
                pass
    return max(0.0, min(wait, MAX_RETRY_WAIT))


class Fetcher:
    """One aiohttp session shared by every request of a crawl."""

    def __init__(self, allowed: frozenset[str], user_agent: str, extra_headers: dict[str, str],
                 rate: float, timeout: float, max_bytes: int, connections: int,
                 plain_hosts: frozenset[str] | None = None) -> None:
        self.allowed, self.max_bytes, self.plain_hosts = allowed, max_bytes, plain_hosts
        self.user_agent, self.extra_headers = user_agent, extra_headers
        self.limiter = HostLimiter(rate)
        self.timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(timeout, 10))
        self.connections = connections
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Fetcher":
        connector = aiohttp.TCPConnector(limit=self.connections, limit_per_host=self.connections, ttl_dns_cache=300)
        self.session = aiohttp.ClientSession(connector=connector, timeout=self.timeout,
                                             cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=True,
                                             max_line_size=MAX_HEADER_BYTES, max_field_size=MAX_HEADER_BYTES)
        return self

    async def __aexit__(self, *exc) -> None:
        if self.session:
            await self.session.close()

    def headers_for(self, url: str, conditional: dict[str, str] | None = None) -> dict[str, str]:
        """Request headers; the configured extras only for allowed hosts (``secrets.may_receive``)."""
        headers = {"User-Agent": self.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                   "Accept-Language": "en-GB,en;q=0.8"}
        if may_receive(url, self.allowed, self.plain_hosts):
            headers.update(self.extra_headers)
        headers.update(conditional or {})
        return headers

    async def get(self, url: str, conditional: dict[str, str] | None = None, body: str = "html") -> Response:
        """GET ``url`` following redirects inside the allowed hosts; never raises for network errors.

        ``body``: ``html`` reads HTML bodies only, ``any`` every body, ``none`` none.
        """
        started = time.monotonic()
        chain: list[tuple[str, int]] = []
        current, seen = url, {url}
        while True:
            result = await self._one(current, conditional if not chain else None, body)
            status, headers = result.get("status", 0), result.get("headers", {})
            if result.get("error") or status not in REDIRECTS or "location" not in headers:
                break
            chain.append((current, status))
            target = urljoin(current, headers["location"])
            if target in seen or len(chain) > MAX_REDIRECTS:
                return self._response(url, target, result, chain, started, "redirect-loop" if target in seen
                                      else "too-many-redirects")
            if not on_allowed_host(target, self.allowed):
                return self._response(url, target, result, chain, started, left_scope=True)
            current = target
            seen.add(target)
        return self._response(url, current, result, chain, started)

    def _response(self, url, final, result, chain, started, error="", left_scope=False) -> Response:
        return Response(url=url, final_url=final, status=result.get("status", 0), headers=result.get("headers", {}),
                        body=result.get("body", b""), redirects=tuple(chain), error=error or result.get("error", ""),
                        too_large=result.get("too_large", False), left_scope=left_scope,
                        elapsed_ms=int((time.monotonic() - started) * 1000), size=result.get("size", 0))

    async def _one(self, url: str, conditional: dict[str, str] | None, body: str) -> dict:
        """One request (no redirects), retried on 429/503."""
        for attempt in range(MAX_RETRIES + 1):
            await self.limiter.wait(host_key(url))
            result = await self._request(url, conditional, body)
            if result.get("status") not in RETRY_STATUSES or attempt == MAX_RETRIES:
                return result
            await asyncio.sleep(retry_after(result["headers"].get("retry-after", ""), attempt))
        return result

    async def _request(self, url: str, conditional: dict[str, str] | None, body: str) -> dict:
        assert self.session is not None
        try:
            async with self.session.get(url, headers=self.headers_for(url, conditional), allow_redirects=False) as resp:
                headers = {k.lower(): v for k, v in resp.headers.items() if k.lower() in KEPT_HEADERS}
                out = {"status": resp.status, "headers": headers}
                ctype = headers.get("content-type", "").lower()
                wants_body = resp.status not in REDIRECTS and (body == "any" or (body == "html" and ("html" in ctype or not ctype)))
                out.update(await self._read(resp, wants_body))
                return out
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError) as exc:
            return {"error": error_name(exc)}

    async def _read(self, resp: aiohttp.ClientResponse, wants_body: bool) -> dict:
        declared = int(resp.headers.get("content-length", "0") or 0) if resp.headers.get(
            "content-length", "").isdigit() else 0
        if declared > self.max_bytes:
            return {"too_large": True, "size": declared}
        if not wants_body:
            return {"size": declared}
        chunks, size = [], 0
        async for chunk in resp.content.iter_chunked(65536):
            size += len(chunk)
            if size > self.max_bytes:
                return {"too_large": True, "size": size}
            chunks.append(chunk)
        return {"body": b"".join(chunks), "size": size}
