"""The crawler's exceptions (after Scrapy's ``exceptions.py``: each says who raises it).

They say what went wrong, never what the command line does about it: ``lo_audit.errors``
maps them to exit statuses.
"""

from __future__ import annotations

from common.errors import AuditError, InputError


class StoreError(InputError):
    """The crawl store is missing, from a newer schema, or holds no finished crawl.

    Raised by ``crawler.store`` when opened for reading.
    """


class StoreLocked(InputError):
    """Another crawl is already writing the same crawl store. Raised by ``crawler.store``."""


class BrowserNotFound(AuditError):
    """No Chromium could be found or installed. Raised by ``crawler.browser``.

    The message says what to install (the machine needs setting up).
    """


class StartUrlUnreachable(AuditError):
    """None of the start URLs answered (DNS, TLS, connection refused). Raised by ``crawler.crawl``."""


class CrawlStopped(AuditError):
    """The crawl could not go on: the crawl store cannot be written (a full disk, a read-only
    folder) or a worker failed. Raised by ``crawler.crawl``; what was stored is kept and
    ``--resume`` continues.

    ``machine`` is true when the machine needs attention (the disk is full or unwritable),
    false after an internal error.
    """

    def __init__(self, message: str, machine: bool = False) -> None:
        super().__init__(message)
        self.machine = machine
