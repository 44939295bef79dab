"""Errors: each layer raises its own; the command line decides exit statuses in one place."""

from __future__ import annotations

import errno
import inspect
import sqlite3

import pytest

import checks.errors
import common.errors
import crawler.errors
import lo_audit.errors
from lo_audit.errors import exit_status, message

STATUSES = [
    (common.errors.AuditError("x"), 1),
    (common.errors.InputError("x"), 2),
    (common.errors.ConfigError("x"), 2),
    (checks.errors.CatalogueError("x"), 2),
    (checks.errors.WaiverError("x"), 2),
    (crawler.errors.StoreError("x"), 2),
    (crawler.errors.StoreLocked("x"), 2),
    (crawler.errors.BrowserNotFound("x"), 2),
    (crawler.errors.StartUrlUnreachable("x"), 2),
    (crawler.errors.CrawlStopped("x", machine=True), 2),
    (crawler.errors.CrawlStopped("x"), 1),
    (lo_audit.errors.BuildError("x"), 1),
    (OSError(errno.ENOSPC, "No space left on device"), 2),
    (sqlite3.OperationalError("database or disk is full"), 2),
    (RecursionError(), 2),
]


@pytest.mark.parametrize("exc, status", STATUSES, ids=[type(e).__name__ for e, _ in STATUSES])
def test_each_error_has_the_exit_status_it_always_had(exc, status):
    assert exit_status(exc) == status


def test_machine_faults_get_one_line():
    assert message(OSError(errno.ENOSPC, "No space left on device", "out.json")) == (
        "out.json: the disk is full (No space left on device); free some space and run again")
    assert "nested too deeply" in message(RecursionError())
    assert message(sqlite3.OperationalError("database or disk is full")).startswith(
        "the crawl store cannot be written: the disk is full")


def error_classes():
    for module in (common.errors, crawler.errors, checks.errors, lo_audit.errors):
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, common.errors.AuditError) and cls.__module__ == module.__name__:
                yield cls


def test_no_error_class_knows_its_exit_status():
    """The statuses live in ``lo_audit.errors`` only, not scattered over the classes."""
    assert [cls.__name__ for cls in error_classes() if hasattr(cls, "exit_status")] == []


def test_every_error_says_who_raises_it():
    undocumented = [cls.__name__ for cls in error_classes()
                    if cls not in (common.errors.AuditError, common.errors.InputError)
                    and "Raised by" not in (cls.__doc__ or "")]
    assert undocumented == []
