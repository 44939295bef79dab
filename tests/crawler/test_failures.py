"""A host is given up after failures in a row; one good answer forgives it."""

from __future__ import annotations

from crawler.failures import HostFailures, is_failure
from crawler.fetch import Response


def answer(status: int = 200, error: str = "") -> Response:
    return Response(url="http://h/", final_url="http://h/", status=status, error=error)


def test_no_answer_and_server_errors_are_failures_client_errors_are_not():
    assert is_failure(answer(0, "dns")) and is_failure(answer(0, "timeout")) and is_failure(answer(503))
    assert not is_failure(answer(404)) and not is_failure(answer(200)) and not is_failure(answer(0, "redirect-loop"))


def test_a_host_fails_after_the_limit_in_a_row_and_a_good_answer_resets_it():
    failures = HostFailures(limit=3)
    for _ in range(2):
        failures.record("a:1", answer(500))
    failures.record("b:1", answer(0, "refused"))
    assert not failures.failing("a:1")
    failures.record("a:1", answer(200))  # forgiven: the count is of failures in a row
    for _ in range(2):
        failures.record("a:1", answer(0, "connection"))
    assert not failures.failing("a:1")
    failures.record("a:1", answer(502))
    assert failures.failing("a:1") and not failures.failing("b:1") and not failures.failing("never-seen")
