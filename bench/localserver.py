"""Serve a benchmark site (an aiohttp application) on 127.0.0.1 until the process is killed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web


async def serve_forever(app: web.Application, port_file: Path) -> None:
    """Listen on an ephemeral loopback port, write the port to ``port_file`` (the benchmark
    waits for it), then serve until killed."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port_file.write_text(str(runner.addresses[0][1]))
    await asyncio.Event().wait()
