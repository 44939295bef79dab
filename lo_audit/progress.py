"""How a long crawl tells people it is alive: a rich progress bar on a terminal,
plain periodic log lines elsewhere (CI).

Each class here is a ``crawler.counts.Progress`` listener: the crawler reports its
``Counts`` to whichever one the command passes to ``crawler.crawl.crawl``."""

from __future__ import annotations

import sys
import time

from crawler.counts import Counts, Progress


class PlainProgress:
    """One log line every ``every`` seconds (and at the end): for CI logs."""

    def __init__(self, every: float = 10.0, stream=None) -> None:
        self.every, self.stream = every, stream or sys.stderr  # the stderr of now, not of import time
        self.start = self.last = time.monotonic()

    def update(self, c: Counts, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= self.every:
            self.last = now
            rate = c.done / max(now - self.start, 1e-6)
            print(f"crawl: {c.done} done, {c.queued} queued, {c.rendered} rendered, {c.errors} errors, "
                  f"{rate:.1f} pages/s", file=self.stream, flush=True)

    def close(self, c: Counts) -> None:
        self.update(c, force=True)


class RichProgress:
    """A live bar on a terminal."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("crawl"), BarColumn(), TextColumn("{task.completed}/{task.total} pages"),
                                 TextColumn("{task.fields[extra]}"), TimeElapsedColumn(), transient=True)
        self.task = self.progress.add_task("crawl", total=1, extra="")
        self.start = time.monotonic()
        self.progress.start()

    def update(self, c: Counts, force: bool = False) -> None:
        rate = c.done / max(time.monotonic() - self.start, 1e-6)
        self.progress.update(self.task, completed=c.done, total=max(c.done + c.queued, 1),
                             extra=f"{rate:.0f}/s, {c.rendered} rendered, {c.errors} errors")

    def close(self, c: Counts) -> None:
        self.update(c)
        self.progress.stop()


class NoProgress:
    def update(self, c: Counts, force: bool = False) -> None:
        pass

    def close(self, c: Counts) -> None:
        pass


def reporter(quiet: bool = False) -> Progress:
    """The listener for a crawl started from the command line: none with ``--quiet``, a
    live bar on a terminal, periodic log lines elsewhere."""
    if quiet:
        return NoProgress()
    return RichProgress() if sys.stderr.isatty() else PlainProgress()
