"""The project's exceptions: a short tree tied to the command line.

Every exception a user can cause is an ``InputError`` (exit status 2) whose message
names the file, line or field at fault. The CLI prints ``str(error)`` on one line and
never a traceback for these.
"""

from __future__ import annotations


class AuditError(Exception):
    """Base class of every error the tool raises on purpose."""

    exit_status = 1


class InputError(AuditError):
    """Something the user wrote or typed is wrong (a file, a flag, a URL).

    Raised by the config, catalogue, mapping and waiver loaders and by the CLI's
    argument checks. Exit status 2.
    """

    exit_status = 2

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])

    def __str__(self) -> str:
        head = super().__str__()
        if not self.problems:
            return head
        if len(self.problems) == 1:  # one problem, one line
            return f"{head}: {self.problems[0]}"
        return head + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class ConfigError(InputError):
    """The YAML configuration file is invalid. Raised by ``lo_audit.config``."""


class CatalogueError(InputError):
    """The service catalogue (YAML, CSV, XLSX or ORUK JSON) or its column mapping is invalid.

    Raised by ``checks.catalogue``; ``problems`` lists every fault with file, row/line and field.
    """


class WaiverError(InputError):
    """The waivers file is invalid. Raised by ``checks.triage.waivers``."""


class StoreError(InputError):
    """The crawl store is missing, from a newer schema, or holds no finished crawl.

    Raised by ``crawler.store`` when opened for reading.
    """


class BrowserNotFound(AuditError):
    """No Chromium could be found or installed. Raised by ``crawler.browser``.

    The message says what to install. Exit status 2 (the machine needs setting up).
    """

    exit_status = 2


class StartUrlUnreachable(AuditError):
    """None of the start URLs answered (DNS, TLS, connection refused). Raised by the crawler."""

    exit_status = 2


class CrawlStopped(AuditError):
    """The crawl could not go on: the crawl store cannot be written (a full disk, a read-only
    folder) or a worker failed. Raised by ``crawler.crawl``; what was stored is kept and
    ``--resume`` continues. Exit status 2 when the disk is full or unwritable (the machine
    needs attention), 1 otherwise."""


class StoreLocked(InputError):
    """Another crawl is already writing the same crawl store. Raised by ``crawler.store``."""


class BuildError(AuditError):
    """The MkDocs build failed. Raised by ``lo_audit.site``; the old site is left in place."""
