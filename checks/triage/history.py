"""Compare with the previous run: each finding is new or persisting; some are fixed.

The previous run is the ``findings.json`` already in the reports folder, read before
the new reports overwrite it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from checks.reports.finding import Finding

log = logging.getLogger(__name__)


def read_previous(out_dir: str | Path) -> dict:
    """The previous findings.json (``{}`` when there is none or it cannot be read)."""
    path = Path(out_dir) / "findings.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("%s: cannot read the previous findings (%s); every finding counts as new", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _findings(items: object) -> list[Finding]:
    out = []
    for item in items if isinstance(items, list) else []:
        try:
            out.append(Finding.from_dict(item))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def mark(active: Iterable[Finding], waived: Iterable[Finding], previous: dict) -> tuple[list, list, list]:
    """``(active, waived, fixed)`` with ``status`` set from the previous run.

    A finding seen last time (active or waived) is ``persisting``, otherwise ``new``;
    ``fixed`` lists last time's active findings found neither active nor waived now.
    """
    before = _findings(previous.get("findings")) + _findings(previous.get("waived"))
    known = {f.id for f in before}

    def status(f: Finding) -> Finding:
        return f.with_(status="persisting" if f.id in known else "new")

    active, waived = [status(f) for f in active], [status(f) for f in waived]
    now = {f.id for f in active} | {f.id for f in waived}
    fixed = [f.with_(status="fixed") for f in _findings(previous.get("findings")) if f.id not in now]
    return active, waived, fixed


def compared_with(previous: dict) -> str:
    """The date of the run ``previous`` (its ``today``, else the day it was generated), or ""."""
    return str(previous.get("today") or str(previous.get("generated_at") or "")[:10])
