"""A catalogue read from an ORUK API URL is bounded in time and in decompressed size.

Real servers on 127.0.0.1: one trickles its body a byte at a time, one trickles its
headers, one sends a gzip bomb. Each must end with one clear message and exit status 2,
promptly and without holding the bomb in memory; an honest gzip feed still loads.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
import zlib

import pytest

from checks.catalogue import oruk_source
from lo_audit.cli import main

FEED = {"content": [{"id": "1", "name": "Portage", "email": "portage@example.gov.uk"}], "totalPages": 1, "last": True}


class RawServer:
    """A one-purpose HTTP server on 127.0.0.1: ``respond(conn)`` writes the raw response."""

    def __init__(self, respond) -> None:
        self.respond, self.stop = respond, threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/services"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn) -> None:
        try:
            conn.recv(65536)
            self.respond(conn, self.stop)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture
def serve():
    servers = []

    def start(respond) -> str:
        servers.append(RawServer(respond))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


def trickle_body(conn, stop) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
    for _ in range(200):  # 40 s at most, should the client not give up
        if stop.wait(0.2):
            return
        conn.sendall(b" ")


def trickle_headers(conn, stop) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"a" * 200:
        if stop.wait(0.2):
            return
        conn.sendall(bytes([byte]))


def _bomb(size: int) -> bytes:
    """gzip of ``size`` zero bytes, built a megabyte at a time (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(2**20)
    return b"".join(packer.compress(block) for _ in range(size // 2**20)) + packer.flush()


BOMB = _bomb(64 * 2**20)


def gzip_bomb(conn, stop) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                 + f"Content-Length: {len(BOMB)}\r\n\r\n".encode() + BOMB)


def honest_gzip(conn, stop) -> None:
    body = gzip.compress(json.dumps(FEED).encode())
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                 + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def _validate(url: str, capsys) -> tuple[int, str, float]:
    started = time.monotonic()
    code = main(["catalogue", "validate", url])
    return code, capsys.readouterr().err, time.monotonic() - started


@pytest.mark.parametrize("respond", [trickle_body, trickle_headers])
def test_a_trickling_server_is_stopped_at_the_time_limit(serve, capsys, monkeypatch, respond):
    monkeypatch.setattr(oruk_source, "TIMEOUT", 2.0)
    code, err, took = _validate(serve(respond), capsys)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "did not finish within 2 s" in err
    assert took < 6, f"took {took:.1f} s for a 2 s limit"


def test_a_gzip_bomb_is_stopped_at_the_size_limit(serve, capsys, monkeypatch):
    import tracemalloc

    monkeypatch.setattr(oruk_source, "MAX_BYTES", 8 * 2**20)
    tracemalloc.start()
    try:
        code, err, _ = _validate(serve(gzip_bomb), capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "sent more than 8 MB once decompressed" in err
    assert peak < 40 * 2**20, f"peak {peak / 2**20:.0f} MiB while reading a 64 MiB bomb with an 8 MiB limit"


def test_an_honest_gzip_feed_still_loads(serve, capsys):
    code, err, _ = _validate(serve(honest_gzip), capsys)
    assert code == 0, err
