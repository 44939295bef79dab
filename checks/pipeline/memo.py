"""Rule results kept between checks of an unchanged crawl.

A weekly re-crawl of a Local Offer mostly finds the same pages. When a check's inputs are
exactly those of the last check, a rule gives exactly the same findings, so there is no
need to run it again. The inputs of a check are:

- the crawl run, as :meth:`crawler.store.StoreReader.run_digest` sees it: every page,
  link, link answer, axe result and sitemap entry, and the run's status, start URLs,
  allowed hosts and settings (not when or how fast each page answered);
- the ``checks:`` settings, every rule's options among them, but not ``today``;
- the service catalogue as loaded (records and problems);
- the code: every file of the ``checks``, ``crawler`` and ``common`` packages, the Python
  version and the version of every installed library.

Their SHA-256 names the results kept (:data:`KIND` ``@`` digest, in the store's
``derived`` table): one entry per rule, with its findings and the metrics it wrote, and
values worked out from the same inputs (:meth:`RuleMemo.value`; the engine keeps the pages'
inlink counts for pages.csv there, a count over every link of the crawl). A rule
that read ``ctx.today`` (stale pages, review dates) is reused only on the same date; the
others are reused whatever the date. Any other change (one page, one setting, one line
of code) gives another digest: every rule runs again, and the old entries are dropped.
Only the project's own rules are kept: a rule registered from elsewhere (a test) always runs.

A rule that reads the date can keep what it works out without it (the pages' dates, say)
with :func:`kept_value`: on another day it then reads the crawl no more and only compares
those values with the new date.

Findings and metrics are kept as the JSON the reports write, so a reused rule gives the
same reports as a rule run again (``tests/checks/pipeline/test_memo.py`` compares every
report file). Set ``LO_AUDIT_NO_RULE_MEMO=1`` to run every rule whatever was kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import logging
import os
import sqlite3
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from common import jsonfast

from checks.reports.finding import Finding

log = logging.getLogger(__name__)

KIND = "rule-results"
SHARED = "rule_memo"
"""Key of the check's :class:`RuleMemo` in ``RuleContext.shared``."""
OFF = "LO_AUDIT_NO_RULE_MEMO"
"""Environment variable: set (to anything but empty or 0) to run every rule again."""
PACKAGES = ("checks", "crawler", "common")
"""The project's packages whose files are part of the code version."""


@dataclasses.dataclass(frozen=True)
class Kept:
    """One rule's kept result: its findings and the metrics it wrote."""

    findings: tuple[Finding, ...]
    metrics: dict[str, Any]


def _package_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _installed() -> list[str]:
    """The names of the installed distributions' metadata folders (``orjson-3.10.7.dist-info``):
    every library with its version, from one listing per folder of ``sys.path``."""
    names = set()
    for folder in sys.path:
        try:
            names.update(e.name for e in os.scandir(folder or ".") if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(names)


@lru_cache(maxsize=1)
def code_version() -> str:
    """SHA-256 of the files of :data:`PACKAGES`, the Python version and the versions of
    every installed library."""
    digest = hashlib.sha256(sys.version.encode())
    for name in PACKAGES:
        root = Path(importlib.import_module(name).__file__).parent
        for path in _package_files(root):
            digest.update(str(path.relative_to(root)).encode() + b"\x00" + path.read_bytes() + b"\x00")
    digest.update("\n".join(_installed()).encode())
    return digest.hexdigest()


def inputs_digest(store: Any, config: Any, catalogue: Any) -> str:
    """SHA-256 of a check's inputs except the date (see the module docstring)."""
    digest = hashlib.sha256(code_version().encode())
    settings = dataclasses.replace(config, today="") if dataclasses.is_dataclass(config) else config
    for part in (repr(settings), repr(catalogue), store.run_digest()):
        digest.update(b"\x00" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def memo_covers(func: Any) -> bool:
    """True for a function of the project's own packages (:data:`PACKAGES`), whose source is
    part of :func:`code_version`; a rule registered from anywhere else (a test) always runs."""
    return str(getattr(func, "__module__", "")).split(".")[0] in PACKAGES


def disabled() -> bool:
    return os.environ.get(OFF, "") not in ("", "0")


class RuleMemo:
    """The kept results of the check whose inputs have the digest ``inputs`` (see the module
    docstring): :meth:`get` one, :meth:`put` a rule's new result, :meth:`save` at the end."""

    def __init__(self, store: Any, inputs: str, today: str) -> None:
        self.store, self.kind, self.today = store, f"{KIND}@{inputs}", today
        self._old: dict[str, str] = {}
        if not disabled():
            try:
                self._old = store.derived(self.kind)
            except (AttributeError, sqlite3.Error) as exc:  # a store without the table (old, read-only)
                log.debug("no kept rule results: %s", exc)
        self._new: dict[str, str] = {}
        self.reused: list[str] = []

    def get(self, name: str) -> Kept | None:
        """The result kept for ``name`` (a rule id) by a check of the same inputs, if it holds
        for today (a rule that read the date is kept for that date only)."""
        raw = self._old.get(name)
        if raw is None:
            return None
        try:
            entry = jsonfast.loads(raw)
            if entry["today"] not in (None, self.today):
                return None
            kept = Kept(tuple(Finding.from_dict(f) for f in entry["findings"]), dict(entry["metrics"]))
        except (ValueError, KeyError, TypeError) as exc:  # a damaged entry: run the rule again
            log.debug("kept result of %s unreadable: %s", name, exc)
            return None
        self._new[name] = raw
        self.reused.append(name)
        return kept

    def put(self, name: str, findings: list[Finding], metrics: dict[str, Any], read_today: bool) -> None:
        """Keep ``name``'s findings and the metrics it wrote (``read_today``: it read the date)."""
        entry = {"today": self.today if read_today else None,
                 "findings": [f.to_dict() for f in findings], "metrics": metrics}
        self._new[name] = jsonfast.dumps_compact(entry)

    def save(self) -> None:
        """Keep this check's results in the store, dropping those of other inputs."""
        # values kept whatever the date stay though no rule asked for them this time (every
        # rule reused): they are of these same inputs, and a later date will need them
        keep = {k: v for k, v in self._old.items() if k.startswith("value:")} | self._new
        if disabled() or keep == self._old:
            return
        try:
            self.store.save_derived(self.kind, keep, family=KIND + "@")
        except (AttributeError, sqlite3.Error) as exc:  # read-only store: the next check runs every rule
            log.warning("could not keep the rule results in the store: %s", exc)

    def value(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` (plain JSON data), or the value a check of the same inputs kept under
        ``name``; either way as read back from JSON, so the caller sees the same types."""
        key = "value:" + name
        raw = self._old.get(key)
        if raw is not None:
            try:
                value = jsonfast.loads(raw)
            except ValueError:
                raw = None
        if raw is None:
            raw = jsonfast.dumps_compact(compute())
            value = jsonfast.loads(raw)
        self._new[key] = raw
        return value


class ReadTheDate(RuntimeError):
    """A value kept whatever the date (:func:`kept_value`) was worked out from the date."""


def kept_value(ctx: Any, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, a value worked out from the check's inputs but not the date, kept
    with the rule results (see the module docstring); plain JSON data, returned as read back
    from JSON (lists, not tuples) whether kept or computed. ``compute`` must not read
    ``ctx.today`` (:class:`ReadTheDate` when it does)."""
    memo = ctx.shared.get(SHARED)
    reads = getattr(ctx, "reads", None)
    had = reads is not None and "today" in reads
    if reads is not None:
        reads.discard("today")
    try:
        if memo is None:
            value = jsonfast.loads(jsonfast.dumps_compact(compute()))
        else:
            value = memo.value(name, compute)
        if reads is not None and "today" in reads:
            raise ReadTheDate(f"the value {name!r} is kept whatever the date, but it read ctx.today")
    finally:
        if had:
            reads.add("today")
    return value
