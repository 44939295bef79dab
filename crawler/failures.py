"""Hosts that keep failing: after ``limit`` failures in a row (no answer, or a 5xx status)
the crawl stops asking a host and saves its remaining pages as ``host-failing`` guard pages."""

from __future__ import annotations

from crawler.fetch import Response

FAILURE_ERRORS = ("dns", "tls", "refused", "connection", "timeout")


def is_failure(response: Response) -> bool:
    """No answer at all, or a server error."""
    return response.error in FAILURE_ERRORS or response.status >= 500


class HostFailures:
    """Failures in a row per host (``host_key``); one good answer resets the count."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_a_row: dict[str, int] = {}

    def record(self, host: str, response: Response) -> None:
        self.in_a_row[host] = self.in_a_row.get(host, 0) + 1 if is_failure(response) else 0

    def failing(self, host: str) -> bool:
        return self.in_a_row.get(host, 0) >= self.limit
