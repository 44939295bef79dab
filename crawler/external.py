"""Status checks of external links with linkchecker, run as a program (it is GPL-2.0).

Targets resolving to private, loopback or link-local addresses are refused (nothing is
sent) unless ``allow_private``; DNS failures are recorded without asking linkchecker.
Only http(s) URLs are ever checked.
"""

from __future__ import annotations

import asyncio
import csv
import io
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from .model import LinkStatus

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


def linkchecker_path() -> str | None:
    """The linkchecker program next to this Python (the venv) or on PATH."""
    local = Path(sys.executable).with_name("linkchecker")
    return str(local) if local.exists() else shutil.which("linkchecker")


def is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified)


async def screen(url: str, allow_private: bool) -> LinkStatus | None:
    """A verdict without a request (refused/dns/unsupported) or None when it may be checked."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return LinkStatus(url=url, status=0, error="unsupported-scheme", checked_by="crawler")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(parts.hostname, port), timeout=10)
    except (OSError, asyncio.TimeoutError, UnicodeError):
        return LinkStatus(url=url, status=0, error="dns", checked_by="crawler")
    if not allow_private and any(is_private(info[4][0]) for info in infos):
        return LinkStatus(url=url, status=0, error="refused-private", checked_by="crawler")
    return None


def _error_name(result: str) -> str:
    text = result.lower()
    for needle, name in (("timed out", "timeout"), ("timeout", "timeout"), ("name or service", "dns"),
                         ("nameresolution", "dns"), ("getaddrinfo", "dns"), ("ssl", "tls"), ("certificate", "tls"),
                         ("refused", "refused"), ("connection", "connection")):
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
        out.append(LinkStatus(url=url, status=status, error=error, final_url=row.get("url") or url,
                              checked_by="linkchecker"))
    return out


def run_linkchecker(urls: list[str], user_agent: str, timeout: float, rate: float, deadline_s: float) -> list[LinkStatus]:
    """Check ``urls`` (no recursion) and parse the results; unreported URLs get ``not-checked``."""
    program = linkchecker_path()
    if not urls:
        return []
    if program is None:
        return [LinkStatus(url=u, status=0, error="linkchecker-missing", checked_by="crawler") for u in urls]
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
                                  timeout=max(30.0, deadline_s), cwd=tmp)
        except subprocess.TimeoutExpired as exc:
            done = subprocess.CompletedProcess(cmd, 124, exc.stdout or "", "")
    found = {s.url: s for s in parse_csv(done.stdout if isinstance(done.stdout, str) else "")}
    return [found.get(u) or LinkStatus(url=u, status=0, error="not-checked", checked_by="linkchecker") for u in urls]


async def check_external(urls: list[str], allow_private: bool, user_agent: str, timeout: float, rate: float,
                         deadline_s: float) -> list[LinkStatus]:
    """Screen every URL, then check the rest with linkchecker in a worker thread."""
    verdicts = await asyncio.gather(*(screen(u, allow_private) for u in urls))
    screened = [v for v in verdicts if v is not None]
    allowed = [u for u, v in zip(urls, verdicts) if v is None]
    checked = await asyncio.to_thread(run_linkchecker, allowed, user_agent, timeout, rate, deadline_s)
    return screened + checked


