"""Finding (and if need be installing) a Chromium that Playwright can drive.

Order: ``LO_AUDIT_CHROMIUM`` (or the ``--browser`` flag), an installed Chromium or
Chrome, Playwright's own download (``python -m playwright install chromium``), then
as root on Debian/Ubuntu ``apt-get install -y chromium``. If all fail,
``BrowserNotFound`` says what to install.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from crawler.errors import BrowserNotFound

ENV_VAR = "LO_AUDIT_CHROMIUM"

# The real binary first: Debian's /usr/bin/chromium wrapper prints a harmless warning.
SYSTEM_CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)

LAUNCH_ARGS = (
    "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--disable-quic",
    "--disable-default-apps", "--mute-audio",
)

HOW_TO_FIX = (
    "No Chromium found for Playwright. Install one of: `python -m playwright install chromium` "
    "(needs internet), `sudo apt-get install chromium` (Debian/Ubuntu), or Google Chrome; "
    f"or set {ENV_VAR}=/path/to/chromium."
)


def _executable(path: str | None) -> str | None:
    return path if path and Path(path).is_file() and os.access(path, os.X_OK) else None


def _playwright_bundled() -> str | None:
    """Chromium downloaded by ``playwright install`` (if any)."""
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    for pattern in ("chromium-*/chrome-linux*/chrome", "chromium_headless_shell-*/chrome-*/headless_shell",
                    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium"):
        for path in sorted(glob.glob(os.path.join(root, pattern)), reverse=True):
            if _executable(path):
                return path
    return None


def find_chromium(explicit: str | None = None) -> str:
    """Return a Chromium executable path without installing anything, or raise."""
    explicit = explicit or os.environ.get(ENV_VAR)
    if explicit:
        found = _executable(explicit) or _executable(shutil.which(explicit))
        if not found:
            raise BrowserNotFound(f"{ENV_VAR}/--browser points at {explicit!r}, which is not an executable file")
        return found
    for candidate in SYSTEM_CANDIDATES:
        if _executable(candidate):
            return candidate
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if found := _executable(shutil.which(name)):
            return found
    if found := _playwright_bundled():
        return found
    raise BrowserNotFound(HOW_TO_FIX)


def _run(cmd: list[str], log) -> bool:
    log(f"trying: {' '.join(cmd)}")
    try:
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log(f"  failed: {exc}")
        return False
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or ["(no message)"]
        log(f"  failed (exit {done.returncode}): {tail[0][:200]}")
    return done.returncode == 0


def ensure_chromium(explicit: str | None = None, log=lambda m: print(m, file=sys.stderr)) -> str:
    """Find a Chromium, installing one if none is present; raise ``BrowserNotFound`` if impossible."""
    try:
        return find_chromium(explicit)
    except BrowserNotFound:
        if explicit or os.environ.get(ENV_VAR):
            raise
    if _run([sys.executable, "-m", "playwright", "install", "chromium"], log) and _playwright_bundled():
        return find_chromium()
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if is_root and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            log(f"trying: {' '.join(cmd)}")
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=900, check=False)
    return find_chromium()


async def launch(playwright, explicit: str | None = None, extra_args: tuple[str, ...] = ()):
    """Launch headless Chromium with the flags this project needs (sandbox off as root)."""
    path = find_chromium(explicit)
    return await playwright.chromium.launch(
        executable_path=path, headless=True, args=[*LAUNCH_ARGS, *extra_args],
        chromium_sandbox=False,
    )
