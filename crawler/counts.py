"""What a crawl reports while it runs, and the callback it reports to.

The crawler defines what it tells (``Counts``) and the shape of the listener
(``Progress``); whoever starts a crawl passes a listener in (the command line's is a
progress bar or periodic log lines, ``lo_audit.progress``). The crawler knows nothing
of how the counts are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass
class Counts:
    """Pages saved (``done``), waiting in the frontier (``queued``), saved with an error or
    an HTTP status of 400 or more (``errors``) and rendered in Chromium (``rendered``)."""

    done: int = 0
    queued: int = 0
    errors: int = 0
    rendered: int = 0


class Progress(Protocol):
    """A listener given to ``crawler.crawl.crawl``: told after every saved page, and once at the end."""

    def update(self, counts: Counts) -> None: ...

    def close(self, counts: Counts) -> None: ...
