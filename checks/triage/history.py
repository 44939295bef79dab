"""Compare with the previous run: each finding is new or persisting; some are fixed.

The previous run is the ``findings.json`` already in the reports folder, read
(``checks.reports.files``) before the new reports overwrite it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from checks.reports.files import ReportFileError, findings_path, read_findings_data
from checks.reports.finding import Finding, finding_id
from checks.reports.result import CheckResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Previous:
    """What the comparison needs of the previous findings.json: the ids of its active and
    waived findings, its active findings as read (a ``Finding`` is made only of those that
    turn out fixed), and its date. A check of 20,000 unchanged findings then makes none."""

    known: frozenset[str]
    active: tuple[tuple[str, dict], ...]
    """``(id, entry)`` of each active finding, in the file's order."""
    today: str = ""
    generated_at: str = ""

    @classmethod
    def of(cls, data: dict) -> "Previous":
        """From a findings.json's parsed JSON, checked against the schema. The ids are
        worked out from each entry's rule and subject (``Finding.from_dict``'s, so that
        ``Finding.id`` would give the same), not taken from its ``id`` field."""
        def ident(d: dict) -> str:
            return finding_id(d["rule"], d.get("subject", d.get("url", "")))

        active = tuple((ident(d), d) for d in data["findings"])
        known = frozenset([i for i, _ in active] + [ident(d) for d in data["waived"]])
        return cls(known, active, data.get("today", ""), data["generated_at"])


def read_previous(out_dir: str | Path) -> Previous | None:
    """The previous findings.json (``None`` when there is none or it cannot be read)."""
    path = findings_path(out_dir)
    if not path.exists():
        return None
    try:
        return Previous.of(read_findings_data(path))
    except ReportFileError as exc:
        log.warning("cannot read the previous findings (%s); every finding counts as new", exc)
        return None


def mark(active: Iterable[Finding], waived: Iterable[Finding],
         previous: Previous | CheckResult | None) -> tuple[list, list, list]:
    """``(active, waived, fixed)`` with ``status`` set from the previous run.

    A finding seen last time (active or waived) is ``persisting``, otherwise ``new``;
    ``fixed`` lists last time's active findings found neither active nor waived now.
    """
    if isinstance(previous, CheckResult):
        previous = Previous(frozenset(f.id for f in (*previous.findings, *previous.waived)),
                            tuple((f.id, f) for f in previous.findings), previous.today, previous.generated_at)
    known = previous.known if previous else frozenset()

    def status(f: Finding) -> Finding:
        return f.with_status("persisting" if f.id in known else "new")

    active, waived = [status(f) for f in active], [status(f) for f in waived]
    now = {f.id for f in (*active, *waived)}
    fixed = [(f if isinstance(f, Finding) else Finding.from_dict(f)).with_status("fixed")
             for i, f in (previous.active if previous else ()) if i not in now]
    return active, waived, fixed


def compared_with(previous: Previous | CheckResult | None) -> str:
    """The date of the run ``previous`` (its ``today``, else the day it was generated), or ""."""
    if previous is None:
        return ""
    return previous.today or previous.generated_at[:10]
