"""Compare with the previous run: each finding is new or persisting; some are fixed.

The previous run is the ``findings.json`` already in the reports folder, read
(``checks.reports.files``) before the new reports overwrite it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from checks.reports.files import ReportFileError, findings_path, read_findings
from checks.reports.finding import Finding
from checks.reports.result import CheckResult

log = logging.getLogger(__name__)


def read_previous(out_dir: str | Path) -> CheckResult | None:
    """The previous findings.json (``None`` when there is none or it cannot be read)."""
    path = findings_path(out_dir)
    if not path.exists():
        return None
    try:
        return read_findings(path)
    except ReportFileError as exc:
        log.warning("cannot read the previous findings (%s); every finding counts as new", exc)
        return None


def mark(active: Iterable[Finding], waived: Iterable[Finding],
         previous: CheckResult | None) -> tuple[list, list, list]:
    """``(active, waived, fixed)`` with ``status`` set from the previous run.

    A finding seen last time (active or waived) is ``persisting``, otherwise ``new``;
    ``fixed`` lists last time's active findings found neither active nor waived now.
    """
    known = {f.id for f in (*previous.findings, *previous.waived)} if previous else set()

    def status(f: Finding) -> Finding:
        return f.with_status("persisting" if f.id in known else "new")

    active, waived = [status(f) for f in active], [status(f) for f in waived]
    now = {f.id for f in (*active, *waived)}
    fixed = [f.with_status("fixed") for f in (previous.findings if previous else ()) if f.id not in now]
    return active, waived, fixed


def compared_with(previous: CheckResult | None) -> str:
    """The date of the run ``previous`` (its ``today``, else the day it was generated), or ""."""
    if previous is None:
        return ""
    return previous.today or previous.generated_at[:10]
