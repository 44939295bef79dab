"""Whole folders written beside their target and swapped in, and leftovers of killed runs removed.

The reports folder, ``docs/audit/`` and the built site are each written into a temporary
folder next to their target (``.<name>.new-<pid>-…``, ``.<name>.build-<pid>-…``) and
swapped in with two renames; the replaced folder is parked as ``.<name>.old-<pid>-…``
and deleted. A run killed with ``kill -9`` leaves at most such hidden folders, never a
mix of old and new files in the target. ``clean_leftovers`` removes them on the next
run: those of processes that are no longer alive (the process id is in the name), and,
if the target itself is missing because the kill fell between the two renames, it puts
the newest complete parked folder back first.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)
KINDS = ("new", "build", "old")
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>new|build|old)-(?P<pid>\d+)-")
_LEGACY_AGE = 3600  # seconds: leftovers named without a process id are removed after an hour


def temp_dir(target: Path, kind: str = "new") -> Path:
    """A fresh hidden folder beside ``target`` named after it, this process and ``kind``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.{kind}-{os.getpid()}-", dir=target.parent))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def swap(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``; the old ``target`` is parked, then removed."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _leftovers(target: Path) -> list[tuple[Path, str]]:
    """(path, kind) of the hidden work folders of ``target`` left by processes that are gone."""
    found = []
    parent = target.parent
    if not parent.is_dir():
        return found
    for path in parent.iterdir():
        if not path.name.startswith(f".{target.name}") or not path.is_dir():
            continue
        match = _LEFTOVER.match(path.name)
        if match and match["name"] == target.name:
            if not _alive(int(match["pid"])):
                found.append((path, match["kind"]))
            continue
        legacy = re.match(rf"^\.{re.escape(target.name)}[.-](new|build|old)-", path.name)
        if legacy and time.time() - path.stat().st_mtime > _LEGACY_AGE:
            found.append((path, legacy.group(1)))
    return found


def clean_leftovers(target: Path) -> list[Path]:
    """Remove the work folders of interrupted runs beside ``target``; return what was removed.

    When ``target`` is missing and a parked ``old`` folder exists (a kill between the two
    renames of ``swap``), the newest parked folder becomes ``target`` again.
    """
    target = Path(target)
    found = _leftovers(target)
    if not target.exists():
        parked = sorted((p for p, kind in found if kind == "old"), key=lambda p: p.stat().st_mtime)
        if parked:
            os.replace(parked[-1], target)
            log.warning("%s was missing after an interrupted run: the previous copy was put back", target)
            found = [(p, k) for p, k in found if p != parked[-1]]
    removed = []
    for path, _ in found:
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    if removed:
        log.info("removed %d folder(s) left by an interrupted run beside %s", len(removed), target)
    return removed
