"""Write the reports folder (``reports.out``) atomically, and decide the exit status.

Files: findings.json (CONTRACT.md), findings.csv, findings.xlsx (every finding, for the
Local Offer manager), pages.csv, owners/<slug>.csv and .xlsx (one row per active finding
of that owner, with the link target, the other pages and the service's name),
history.json (one compact summary per audit date, sorted by date, at most 104), then
summary.md (``checks.reports.summary``, also appended to ``$GITHUB_STEP_SUMMARY`` when that is
set). CSVs start with a UTF-8 byte order mark; no cell of a CSV or XLSX can run as a
formula (``safe_cell``). The folder is written whole and swapped in.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import shutil
from collections import defaultdict
from pathlib import Path

from crawler.store import StoreReader
from common import markdown
from common.folders import clean_leftovers, swap, temp_dir

from checks.reports import files
from checks.reports.files import HistoryPoint, ReportFileError, atomic_write
from checks.reports.finding import Finding, gate
from checks.reports.result import CheckResult
from checks.reports.summary import append_step_summary, write_summary

log = logging.getLogger(__name__)
HISTORY_KEEP = 104
FINDING_COLUMNS = ("id", "severity", "rule", "family", "status", "url", "message", "expected", "found", "fix",
                   "service_id", "owner", "owner_email", "waived", "subject", "evidence")
PAGE_COLUMNS = ("url", "final_url", "status", "content_type", "title", "last_updated", "depth", "inlinks",
                "rendered", "render_reason", "last_updated_source", "kind", "guard", "error", "found_via")
OWNER_COLUMNS = ("Severity", "Rule", "Page URL", "What is wrong", "Expected", "Found", "How to fix", "Link target",
                 "Other pages with this problem", "Service", "Status")
ALL_COLUMNS = (*OWNER_COLUMNS, "Owner", "Owner email", "Service id", "Finding id", "Why it is waived")
LINK_COLUMNS = ("Page URL", "Link target")
COLUMN_WIDTHS = {"Severity": 10, "Rule": 24, "Page URL": 50, "What is wrong": 60, "Expected": 30, "Found": 40,
                 "How to fix": 60, "Link target": 50, "Other pages with this problem": 50, "Service": 30,
                 "Status": 12, "Owner": 28, "Owner email": 28, "Service id": 12, "Finding id": 30,
                 "Why it is waived": 40}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts that make a spreadsheet read text as a formula (OWASP, CSV injection)."""


# --------------------------------------------------------------------------- writing files
def safe_cell(value: object) -> object:
    """A cell value that a spreadsheet shows as text, never runs as a formula.

    Text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe, as OWASP's CSV-injection guidance says; numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_text(header: tuple[str, ...], rows: list[list]) -> str:
    """CSV with a UTF-8 byte order mark (so Excel reads "→" and "–" right), every cell made safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


# --------------------------------------------------------------------------- findings and pages
def finding_row(f: Finding) -> list:
    d = f.to_dict()
    d["evidence"] = json.dumps(f.evidence, ensure_ascii=False, default=str, sort_keys=True)
    return [d[c] for c in FINDING_COLUMNS]


def write_findings(result: CheckResult, out: Path) -> None:
    """findings.json (checked against its schema before it is written), findings.csv
    (active then waived) and findings.xlsx (for the Local Offer manager)."""
    files.write_findings(result, out, check=True)
    rows = [finding_row(f) for f in (*result.findings, *result.waived)]
    atomic_write(out / "findings.csv", _csv_text(FINDING_COLUMNS, rows))
    names = service_names(result)
    sheets = [("Findings", ALL_COLUMNS, [all_row(f, names) for f in result.findings])]
    if result.waived:
        sheets.append(("Waived", ALL_COLUMNS, [all_row(f, names) for f in result.waived]))
    atomic_write(out / "findings.xlsx", xlsx_bytes(sheets))


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
    """``Health & Wellbeing`` → ``health-wellbeing`` (``unassigned`` when empty): ``common.markdown.slug``."""
    return markdown.slug(name, "unassigned")


def service_names(result: CheckResult) -> dict[str, str]:
    """Catalogue id -> service name, from ``metrics.services``."""
    return {str(s.get("id")): str(s.get("name") or "") for s in result.metrics.get("services") or []
            if isinstance(s, dict) and s.get("id")}


def link_target(f: Finding) -> str:
    """The link a finding is about (``evidence.target`` or ``href``), or ""."""
    return str(f.evidence.get("target") or f.evidence.get("href") or "")


def other_pages(f: Finding, limit: int = 20) -> str:
    """For a finding listing several pages (grouped links, accessibility), the pages besides ``url``."""
    pages = [str(p) for p in f.evidence.get("pages") or [] if p and p != f.url]
    if not pages:
        return ""
    shown = "\n".join(pages[:limit])
    return shown + (f"\n…and {len(pages) - limit} more" if len(pages) > limit else "")


def owner_row(f: Finding, names: dict[str, str] | None = None) -> list[str]:
    names = names or {}
    service = names.get(f.service_id) or f.service_id
    return [f.severity.value, f.rule, f.url, f.message, f.expected, f.found, f.fix, link_target(f), other_pages(f),
            service, f.status]


def all_row(f: Finding, names: dict[str, str]) -> list[str]:
    return [*owner_row(f, names), f.owner, f.owner_email, f.service_id, f.id, f.waived]


ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
"""Control characters no spreadsheet cell may hold (openpyxl's ``ILLEGAL_CHARACTERS_RE``)."""


MAX_SHEET_LINKS = 65_530
"""Clickable links per sheet, at most (Excel's limit); later ones are plain text."""


def _xlsx_cell(value: object) -> object:
    """A value a spreadsheet accepts: control characters (from crawled pages) removed, formulas defused."""
    return safe_cell(ILLEGAL_CHARACTERS.sub("", value)) if isinstance(value, str) else value


def _is_link(value: object) -> bool:
    return isinstance(value, str) and bool(re.match(r"https?://[^\s]+$", value, re.I)) and len(value) < 2000


def _sheet(wb, title: str, header: tuple[str, ...], rows: list[list]) -> None:
    ws = wb.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", _xlsx_cell(title))[:31].strip("'").strip() or "Findings")
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(header) - 1)
    for i, name in enumerate(header):
        ws.set_column(i, i, COLUMN_WIDTHS.get(name, 16))
    bold = wb.add_format({"bold": True})
    for i, name in enumerate(header):
        ws.write_string(0, i, _xlsx_cell(name), bold)
    link_columns = {i for i, name in enumerate(header) if name in LINK_COLUMNS}
    links = 0
    for r, row in enumerate(rows, 1):
        for i, value in enumerate(row):
            value = _xlsx_cell(value)
            if value is None or value == "":
                continue
            if isinstance(value, str):  # text stays text, whatever it starts with
                if i in link_columns and links < MAX_SHEET_LINKS and _is_link(value) \
                        and ws.write_url(r, i, value, string=value) == 0:
                    links += 1
                else:
                    ws.write_string(r, i, value)
            elif isinstance(value, bool):
                ws.write_boolean(r, i, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, i, value)
            else:
                ws.write_string(r, i, _xlsx_cell(str(value)))


def xlsx_bytes(sheets: list[tuple[str, tuple[str, ...], list[list]]]) -> bytes:
    """A workbook, one sheet per ``(title, header, rows)``: bold header, frozen first row,
    filter, column widths, page and link columns clickable. XlsxWriter writes it row by
    row (constant memory), several times faster than openpyxl for thousands of findings."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False})
    for title, header, rows in sheets:
        _sheet(wb, title, header, rows)
    wb.close()
    return buffer.getvalue()


def _xlsx_bytes(title: str, rows: list[list[str]]) -> bytes:
    return xlsx_bytes([(title, OWNER_COLUMNS, rows)])


def write_owners(result: CheckResult, out: Path) -> list[str]:
    """owners/<slug>.csv and .xlsx per owner of active findings; stale owner files removed."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        groups[slug(f.owner)].append(f)
    names = service_names(result)
    folder = out / "owners"
    folder.mkdir(parents=True, exist_ok=True)
    for name, findings in groups.items():
        rows = [owner_row(f, names) for f in findings]
        atomic_write(folder / f"{name}.csv", _csv_text(OWNER_COLUMNS, rows))
        atomic_write(folder / f"{name}.xlsx", _xlsx_bytes(findings[0].owner or name, rows))
    for old in folder.iterdir():
        if old.suffix in (".csv", ".xlsx") and old.stem not in groups:
            old.unlink()
    return sorted(groups)


# --------------------------------------------------------------------------- history
def write_history(result: CheckResult, out: Path) -> list[HistoryPoint]:
    """Add this run (replacing an entry of the same date), sorted by date; keep the last 104.
    A history file that cannot be read is reported and a new history started."""
    try:
        points = files.read_history(files.history_path(out))
    except ReportFileError as exc:
        log.warning("cannot read the history (%s); starting a new one", exc)
        points = []
    points = [p for p in points if p.date != result.today]
    points = sorted([*points, HistoryPoint.of(result)], key=lambda p: p.date)[-HISTORY_KEEP:]
    files.write_history(points, out)
    return points


# --------------------------------------------------------------------------- entry points
def _carry_over(old: Path, new: Path) -> None:
    """Copy top-level files of the old folder that this run does not write (a person's own notes)."""
    for path in old.iterdir() if old.is_dir() else ():
        if path.is_file() and not path.name.startswith(".") and not (new / path.name).exists():
            shutil.copy2(path, new / path.name)


def _in_place(out: Path) -> bool:
    """True when the folder cannot be swapped (it is the working folder or a mount point)."""
    return out == Path.cwd().resolve() or (out.exists() and os.path.ismount(out))


def _write_all(result: CheckResult, cfg, out: Path, previous: Path) -> None:
    if previous != out and files.history_path(previous).is_file():
        shutil.copy2(files.history_path(previous), files.history_path(out))
    write_findings(result, out)
    write_pages(result, cfg.crawl.db, out)
    write_owners(result, out)
    points = write_history(result, out)
    write_summary(out, site_url=cfg.site.url or None, step_summary=False, result=result, history=points)


def write_reports(result: CheckResult, cfg, step_summary: bool = True) -> Path:
    """Write every report into ``cfg.reports.out``; return that folder (``step_summary``:
    also append summary.md to ``$GITHUB_STEP_SUMMARY`` when that is set).

    The whole folder is written beside the old one and swapped in (``common.folders``),
    so a run killed half-way leaves the previous reports whole, never a mix of both.
    """
    out = Path(cfg.reports.out).resolve()
    clean_leftovers(out)
    if _in_place(out):
        out.mkdir(parents=True, exist_ok=True)
        _write_all(result, cfg, out, out)
    else:
        tmp = temp_dir(out, "new")
        try:
            _write_all(result, cfg, tmp, out)
            _carry_over(out, tmp)
            swap(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    if step_summary:
        append_step_summary(out / "summary.md")
    return Path(cfg.reports.out)


def exit_status(result: CheckResult, checks_cfg) -> int:
    """1 when an active finding reaches ``fail_on`` (only new ones with ``fail_on_new``), else 0."""
    return int(bool(gate(result.findings, checks_cfg.fail_on, checks_cfg.fail_on_new)))
