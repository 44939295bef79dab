"""A forward proxy on 127.0.0.1 that screens every connection linkchecker makes.

linkchecker is a separate program that resolves names and follows redirects itself, so a
check made before it runs cannot stop a redirect (or a second DNS answer) leading to a
private address. With ``crawl.link_checker: linkchecker`` it is pointed at this proxy
(``http_proxy``/``https_proxy``): each of its connections, plain HTTP or HTTPS
(``CONNECT``), every redirect hop included, is resolved and screened here by the same
``Screen`` as the built-in checker, and connected to the very address that passed.
Refused connections answer ``403 refused-private``; failures ``502 proxy-error-<name>``,
which ``crawler.external`` turns back into error names. The screen itself is
``crawler.screen``.
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import aiohttp

from crawler.screen import REFUSED, PrivateAddressRefused, Screen, ScreeningResolver, ip_literal
from crawler.model import LinkStatus
from crawler.urls import host_key

MAX_HEAD = 65536
IDLE_S = 60.0


class ScreeningProxy:
    """``async with ScreeningProxy(screen) as proxy``: ``proxy.url`` is ``http://127.0.0.1:port``."""

    def __init__(self, screen: Screen, resolver: aiohttp.abc.AbstractResolver | None = None) -> None:
        self.screen = screen
        self.resolver = ScreeningResolver(screen, resolver)
        self.refused: set[str] = set()
        self.url = ""
        self.server: asyncio.AbstractServer | None = None

    async def __aenter__(self) -> "ScreeningProxy":
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0, limit=MAX_HEAD)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        await self.resolver.close()

    def verdict(self, status: LinkStatus) -> LinkStatus:
        """A linkchecker result whose last hop was refused here becomes ``refused-private``."""
        final = status.final_url or status.url
        if status.error == REFUSED or (final.startswith(("http://", "https://")) and host_key(final) in self.refused):
            return LinkStatus(url=status.url, status=0, error=REFUSED, final_url=final, checked_by=status.checked_by)
        return status

    async def _connect(self, host: str, port: int, url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        literal = ip_literal(host)
        if literal is not None:
            if not self.screen.exempt(url) and self.screen.refuses(literal):
                raise PrivateAddressRefused(host, literal)
            addresses = [literal]
        elif self.screen.exempt(url):
            addresses = [i[4][0] for i in await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)]
        else:
            addresses = [i["host"] for i in await self.resolver.resolve(host, port, socket.AF_UNSPEC)]
        last: OSError = OSError("no address")
        for address in addresses:
            try:
                return await asyncio.wait_for(asyncio.open_connection(address, port), timeout=10)
            except (OSError, asyncio.TimeoutError) as exc:
                last = exc if isinstance(exc, OSError) else OSError("timeout")
        raise last

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = None
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=IDLE_S)
            line, _, headers = head.partition(b"\r\n")
            method, target, version = line.decode("latin-1").split(" ", 2)
            if method.upper() == "CONNECT":
                host, _, port = target.rpartition(":")
                host, port_n, url = host.strip("[]"), int(port or 443), f"https://{target}/"
            else:
                parts = urlsplit(target)
                host, port_n, url = parts.hostname or "", parts.port or 80, target
            try:
                up_reader, upstream = await self._connect(host, port_n, url)
            except PrivateAddressRefused:
                self.refused.add(host_key(url))
                writer.write(b"HTTP/1.1 403 " + REFUSED.encode() + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            except (OSError, asyncio.TimeoutError) as exc:
                name = "dns" if isinstance(exc, socket.gaierror) else "connection"
                writer.write(f"HTTP/1.1 502 proxy-error-{name}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                             .encode())
                return
            if method.upper() == "CONNECT":
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                parts = urlsplit(target)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                kept = [h for h in headers.split(b"\r\n") if h and not h.lower().startswith(
                    (b"proxy-", b"connection:", b"keep-alive:"))]
                upstream.write(f"{method} {path} {version}\r\n".encode("latin-1") + b"\r\n".join(kept)
                               + b"\r\nConnection: close\r\n\r\n")
                await _closing_head(up_reader, writer)
            await asyncio.gather(_pipe(reader, upstream), _pipe(up_reader, writer))
        except (OSError, ValueError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()


async def _closing_head(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Copy a response's head, telling the client the connection closes after it (one
    request per proxy connection: a reused connection would find it closed)."""
    head = await asyncio.wait_for(source.readuntil(b"\r\n\r\n"), timeout=IDLE_S)
    status, _, headers = head[:-4].partition(b"\r\n")
    kept = [h for h in headers.split(b"\r\n") if h and not h.lower().startswith(
        (b"connection:", b"keep-alive:", b"proxy-connection:"))]
    sink.write(b"\r\n".join([status, *kept, b"Connection: close", b"Proxy-Connection: close"]) + b"\r\n\r\n")


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await asyncio.wait_for(source.read(65536), timeout=IDLE_S):
            sink.write(chunk)
            await sink.drain()
    except (OSError, asyncio.TimeoutError):
        pass
    finally:
        if sink.can_write_eof():
            try:
                sink.write_eof()
            except OSError:
                pass
