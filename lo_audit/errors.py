"""What an error means on the command line, decided in one place.

The layers below raise their own errors (``crawler.errors``, ``checks.errors``, the base in
``common.errors``) and say only what went wrong. Here each becomes an exit status and one
line: 2 when the user's input is wrong or the machine needs setting up (a file, a flag, a
missing Chromium, a full disk), 1 for everything else the tool stops on. Faults of the
machine that are not our errors (``OSError``, SQLite, too deep or too large inputs) get a
line of their own, never a traceback.
"""

from __future__ import annotations

import errno
import sqlite3

from checks.errors import CatalogueError, WaiverError  # noqa: F401  (the whole tree, for readers)
from common.errors import AuditError, ConfigError, InputError  # noqa: F401
from crawler.errors import BrowserNotFound, CrawlStopped, StartUrlUnreachable, StoreError, StoreLocked  # noqa: F401


class BuildError(AuditError):
    """The MkDocs build failed. Raised by ``lo_audit.site``; the old site is left in place."""


INPUT, FAILURE = 2, 1
"""Exit statuses: 2, the input or the machine needs fixing; 1, the tool failed (or, for
``check``, a finding reached ``--fail-on``)."""

_STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (InputError, INPUT),            # config, flags, catalogue, waivers, the store, a lock
    (BrowserNotFound, INPUT),       # the machine needs setting up
    (StartUrlUnreachable, INPUT),   # the start URLs are wrong or the site is down
    (AuditError, FAILURE),
)

MACHINE_FAULTS = (OSError, sqlite3.OperationalError, RecursionError, MemoryError)
"""Exceptions that are not ours but mean the machine or an input needs attention (exit 2)."""

DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def exit_status(exc: BaseException) -> int:
    """The exit status for ``exc``: the first matching row of ``_STATUS``."""
    if isinstance(exc, CrawlStopped):
        return INPUT if exc.machine else FAILURE
    if isinstance(exc, MACHINE_FAULTS):
        return INPUT
    return next((status for cls, status in _STATUS if isinstance(exc, cls)), FAILURE)


def message(exc: BaseException) -> str:
    """The line (or list of problems) printed for ``exc``, without the command's name."""
    if isinstance(exc, AuditError):
        return str(exc)
    return _machine_fault(exc)


def _machine_fault(exc: BaseException) -> str:
    """One line for a fault of the machine or of an input too big to read, never a traceback."""
    if isinstance(exc, RecursionError):
        return "an input file is nested too deeply to read (JSON or YAML more than a few hundred levels deep)"
    if isinstance(exc, MemoryError):
        return "out of memory (an input file or response is too large)"
    if isinstance(exc, sqlite3.OperationalError):
        full = "full" in str(exc)
        return f"the crawl store cannot be {'written: the disk is full' if full else 'used'} ({exc})"
    where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
    if getattr(exc, "errno", None) in DISK_FULL:
        return f"{where}the disk is full ({exc.strerror}); free some space and run again"
    return f"{where}{getattr(exc, 'strerror', None) or exc}"
