"""Write the reports folder (``reports.out``) atomically, and decide the exit status.

Files: findings.json (CONTRACT.md), findings.csv, pages.csv, owners/<slug>.csv and
.xlsx (one row per active finding of that owner), history.json (one compact summary
per audit date, newest last, at most 104), then summary.md (``lo_audit.summary``,
also appended to ``$GITHUB_STEP_SUMMARY`` when that is set).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import tempfile
from collections import defaultdict
from pathlib import Path

from crawler.store import StoreReader
from lo_audit.summary import write_summary

from .model import Finding, Severity
from .result import CheckResult

log = logging.getLogger(__name__)
HISTORY_KEEP = 104
FINDING_COLUMNS = ("id", "severity", "rule", "family", "status", "url", "message", "expected", "found", "fix",
                   "service_id", "owner", "owner_email", "waived", "subject", "evidence")
PAGE_COLUMNS = ("url", "final_url", "status", "content_type", "title", "last_updated", "depth", "inlinks",
                "rendered", "render_reason", "last_updated_source", "kind", "guard", "error", "found_via")
OWNER_COLUMNS = ("Severity", "Rule", "Page URL", "What is wrong", "Expected", "Found", "How to fix", "Service",
                 "Status")


# --------------------------------------------------------------------------- writing files
def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_text(header: tuple[str, ...], rows: list[list]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_json(path: Path, data: object) -> None:
    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


# --------------------------------------------------------------------------- findings and pages
def finding_row(f: Finding) -> list:
    d = f.to_dict()
    d["evidence"] = json.dumps(f.evidence, ensure_ascii=False, default=str, sort_keys=True)
    return [d[c] for c in FINDING_COLUMNS]


def write_findings(result: CheckResult, out: Path) -> None:
    """findings.json and findings.csv (the CSV holds active then waived findings)."""
    write_json(out / "findings.json", result.to_dict())
    rows = [finding_row(f) for f in (*result.findings, *result.waived)]
    atomic_write(out / "findings.csv", _csv_text(FINDING_COLUMNS, rows))


def page_rows(store: StoreReader) -> list[list]:
    """One row per page of the run, with how many pages link to it."""
    inlinks = store.inlinks()
    rows = []
    for p in store.pages():
        count = inlinks.get(p.url, 0) or inlinks.get(p.final_url, 0)
        values = {**{c: getattr(p, c, "") for c in PAGE_COLUMNS if c != "inlinks"}, "inlinks": count}
        values["rendered"] = int(p.rendered)
        rows.append([values[c] for c in PAGE_COLUMNS])
    return rows


def write_pages(result: CheckResult, db: str, out: Path) -> None:
    store = StoreReader(db, run_id=result.run.get("id"))
    try:
        rows = page_rows(store)
    finally:
        store.close()
    atomic_write(out / "pages.csv", _csv_text(PAGE_COLUMNS, rows))


# --------------------------------------------------------------------------- per-owner files
def slug(name: str) -> str:
    """``Health & Wellbeing`` → ``health-wellbeing`` (``unassigned`` when empty)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unassigned"


def owner_row(f: Finding) -> list[str]:
    return [f.severity.value, f.rule, f.url, f.message, f.expected, f.found, f.fix, f.service_id, f.status]


def _xlsx_cell(value: object) -> object:
    """A value openpyxl accepts: control characters (from crawled pages) removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _xlsx_bytes(title: str, rows: list[list[str]]) -> bytes:
    """One sheet: bold header, frozen first row, filter, column widths. Write-only mode
    streams rows (several times faster than building the cell tree)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", _xlsx_cell(title))[:31] or "Findings")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:I{len(rows) + 1}"
    for letter, width in zip("ABCDEFGHI", (10, 24, 50, 60, 30, 30, 60, 16, 12)):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for name in OWNER_COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in rows:
        ws.append([_xlsx_cell(v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_owners(result: CheckResult, out: Path) -> list[str]:
    """owners/<slug>.csv and .xlsx per owner of active findings; stale owner files removed."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        groups[slug(f.owner)].append(f)
    folder = out / "owners"
    folder.mkdir(parents=True, exist_ok=True)
    for name, findings in groups.items():
        rows = [owner_row(f) for f in findings]
        atomic_write(folder / f"{name}.csv", _csv_text(OWNER_COLUMNS, rows))
        atomic_write(folder / f"{name}.xlsx", _xlsx_bytes(findings[0].owner or name, rows))
    for old in folder.iterdir():
        if old.suffix in (".csv", ".xlsx") and old.stem not in groups:
            old.unlink()
    return sorted(groups)


# --------------------------------------------------------------------------- history
def compact(result: CheckResult) -> dict:
    """One run in history.json."""
    statutory = result.metrics.get("statutory") or {}
    return {
        "date": result.today, "generated_at": result.generated_at, "counts": result.counts(),
        "families": result.by_family(), "new": result.new_count(), "fixed": len(result.fixed),
        "waived": len(result.waived), "coverage": statutory.get("score"),
        "pages": (result.metrics.get("pages") or {}).get("crawled", 0),
    }


def read_history(path: Path) -> list[dict]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("%s: cannot read the history (%s); starting a new one", path, exc)
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def write_history(result: CheckResult, out: Path) -> list[dict]:
    """Append this run (replacing an entry of the same date); keep the last 104."""
    path = out / "history.json"
    entries = [e for e in read_history(path) if e.get("date") != result.today]
    entries = (entries + [compact(result)])[-HISTORY_KEEP:]
    write_json(path, entries)
    return entries


# --------------------------------------------------------------------------- entry points
def write_reports(result: CheckResult, cfg) -> Path:
    """Write every report into ``cfg.reports.out``; return that folder."""
    out = Path(cfg.reports.out)
    out.mkdir(parents=True, exist_ok=True)
    write_findings(result, out)
    write_pages(result, cfg.crawl.db, out)
    write_owners(result, out)
    write_history(result, out)
    write_summary(out, site_url=cfg.site.url or None)
    return out


def exit_status(result: CheckResult, checks_cfg) -> int:
    """1 when an active finding reaches ``fail_on`` (only new ones with ``fail_on_new``), else 0."""
    if checks_cfg.fail_on == "never":
        return 0
    threshold = Severity(checks_cfg.fail_on).rank
    counted = [f for f in result.findings if not checks_cfg.fail_on_new or f.status == "new"]
    return int(any(f.severity.rank >= threshold for f in counted))
