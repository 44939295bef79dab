"""Write the reports folder (``reports.out``) atomically, and decide the exit status.

Files: findings.json (CONTRACT.md), findings.csv, findings.xlsx (every finding, for the
Local Offer manager), pages.csv, owners/<slug>.csv and .xlsx (one row per active finding
of that owner, with the link target, the other pages and the service's name),
history.json (one compact summary per audit date, sorted by date, at most 104), then
summary.md (``checks.reports.summary``, also appended to ``$GITHUB_STEP_SUMMARY`` when that is
set). CSVs start with a UTF-8 byte order mark; no cell of a CSV or XLSX can run as a
formula (``safe_cell``). The folder is written whole and swapped in.

Workbooks are reproducible: their created date is the day the checks treated as today
(not the moment of writing), and each carries a custom document property holding the
SHA-256 of what makes its bytes (``xlsx_key``: the cell rows, that date, this module's code
and XlsxWriter's version). When the workbook in the folder being replaced carries the same
key, is whole (every member's checksum) and was not saved since (its modified date is
still ours), it is copied instead of written again: the same bytes a fresh write gives,
without the second or so XlsxWriter takes for a few thousand findings. A workbook that must
be written and is big is made in a forked worker process while this one writes the other
files (``WorkbookBuilder``): the same bytes, on the machine's other core.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path

import orjson

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
    """CSV with a UTF-8 byte order mark (so Excel reads "→" and "–" right), every cell made safe.

    The text ``csv.writer`` gives (its default dialect, lines ending in CRLF) for the cells
    ``safe_cell`` gives. A row of text, whole numbers and empty cells is joined here: a cell
    is quoted when it holds a comma, a quote or a line break, quotes doubled, as that writer
    does it (about twice as quick as its character-by-character loop on 19,000 findings);
    a row holding anything else (a float, true/false) or a single cell is written by it.
    tests/checks/reports/test_reports_same_output.py compares the two."""
    parts = ["\ufeff"]  # the pieces, joined once at the end: quicker than a StringIO here
    writer = csv.writer(_Appender(parts.append), lineterminator="\r\n")
    writer.writerow(header)
    append, start, by_writer = parts.append, FORMULA_START, writer.writerow
    for row in rows:
        cells = []
        add = cells.append
        for value in row:
            kind = type(value)
            if kind is str:
                if value.startswith(start):  # safe_cell, inlined: this runs for every cell of every CSV
                    value = "'" + value
                if '"' in value:
                    value = '"' + value.replace('"', '""') + '"'
                elif "," in value or "\n" in value or "\r" in value:
                    value = '"' + value + '"'
            elif kind is int:
                value = str(value)
            elif value is None:
                value = ""
            else:
                break
            add(value)
        else:
            if len(cells) > 1:  # the writer quotes a row of one empty cell
                append(",".join(cells) + "\r\n")
                continue
        by_writer([safe_cell(value) for value in row])
    return "".join(parts)


class _Appender:
    """A file for ``csv.writer`` whose ``write`` is a list's ``append``."""

    def __init__(self, append) -> None:
        self.write = append


# --------------------------------------------------------------------------- findings and pages
_EVIDENCE_TEXT = json.JSONEncoder(ensure_ascii=False, default=str, sort_keys=True).encode
"""``json.dumps(evidence, ensure_ascii=False, default=str, sort_keys=True)`` with one encoder
made once (json.dumps makes a new one for every call with options)."""


def finding_row(f: Finding) -> list:
    """The cells of ``FINDING_COLUMNS`` for one finding: ``Finding.to_dict``'s values, the
    evidence as JSON text with sorted keys."""
    return [f.id, f.severity.value, f.rule, f.family, f.status, f.url, f.message, f.expected, f.found, f.fix,
            f.service_id, f.owner, f.owner_email, f.waived, f.subject, _EVIDENCE_TEXT(f.evidence)]


def write_findings(result: CheckResult, out: Path, previous: Path | None = None,
                   builder: WorkbookBuilder | None = None) -> list[list]:
    """findings.json (checked against its schema before it is written), findings.csv
    (active then waived) and findings.xlsx (for the Local Offer manager; ``previous``: the
    reports folder being replaced, whose workbook is reused when it is the same).

    Returns the ``owner_row`` of each active finding, which begin its workbook rows, for
    ``write_owners`` to use rather than make them again. The workbook is asked for first,
    so that a worker of ``builder`` makes it while this process writes the other two."""
    names = service_names(result)
    owner_rows = [owner_row(f, names) for f in result.findings]
    sheets = [("Findings", ALL_COLUMNS, [_all_row(f, row) for f, row in zip(result.findings, owner_rows)])]
    if result.waived:
        sheets.append(("Waived", ALL_COLUMNS, [all_row(f, names) for f in result.waived]))
    write_xlsx(out / "findings.xlsx", sheets, created_at(result), previous and previous / "findings.xlsx", builder)
    files.write_findings(result, out, check=True)
    rows = [finding_row(f) for f in (*result.findings, *result.waived)]
    atomic_write(out / "findings.csv", _csv_text(FINDING_COLUMNS, rows))
    return owner_rows


PAGE_FIELDS = tuple(c for c in PAGE_COLUMNS if c != "inlinks")
"""The page fields of pages.csv (``StoreReader.page_fields``): every column but ``inlinks``."""


def page_rows(store: StoreReader | None, inlinks: dict[str, int] | None = None,
              pages: Iterable[tuple] | None = None) -> list[list]:
    """One row per page of the run, with how many pages link to it. ``inlinks``: the
    store's ``inlinks()``, ``pages``: its ``page_fields(PAGE_FIELDS)``, when the caller
    already has them (then ``store`` is not read for them)."""
    if inlinks is None:
        inlinks = store.inlinks()
    if pages is None:
        pages = store.page_fields(PAGE_FIELDS)  # plain columns only: no page's JSON is decoded
    rows = []
    for found in pages:
        values = dict(zip(PAGE_FIELDS, found))
        values["inlinks"] = inlinks.get(values["url"], 0) or inlinks.get(values["final_url"], 0)
        values["rendered"] = int(values["rendered"])
        rows.append([values[c] for c in PAGE_COLUMNS])
    return rows


def write_pages(result: CheckResult, db: str, out: Path) -> None:
    if result.page_inlinks is not None and result.page_fields is not None:
        rows = page_rows(None, result.page_inlinks, result.page_fields)  # what the checks read: no store
    else:
        store = StoreReader(db, run_id=result.run.get("id"))
        try:
            rows = page_rows(store, result.page_inlinks, result.page_fields)
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
    return _all_row(f, owner_row(f, names))


def _all_row(f: Finding, owner_cells: list[str]) -> list[str]:
    return [*owner_cells, f.owner, f.owner_email, f.service_id, f.id, f.waived]


ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
"""Control characters no spreadsheet cell may hold (openpyxl's ``ILLEGAL_CHARACTERS_RE``)."""


MAX_SHEET_LINKS = 65_530
"""Clickable links per sheet, at most (Excel's limit); later ones are plain text."""


def _xlsx_cell(value: object) -> object:
    """A value a spreadsheet accepts: control characters (from crawled pages) removed, formulas defused."""
    return safe_cell(ILLEGAL_CHARACTERS.sub("", value)) if isinstance(value, str) else value


_LINK = re.compile(r"https?://[^\s]+$", re.I)


def _is_link(value: object) -> bool:
    return isinstance(value, str) and bool(_LINK.match(value)) and len(value) < 2000


def sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: no ``[]:*?/\\``, at most 31 characters, no
    apostrophe or space at either end ("Findings" when nothing is left)."""
    name = re.sub(r"[\[\]:*?/\\]", " ", _xlsx_cell(title))[:31]
    return re.sub(r"^[\s']+|[\s']+$", "", name) or "Findings"


def _sheet(wb, title: str, header: tuple[str, ...], rows: list[list]) -> None:
    from checks.reports.xlsxrows import RowsSheet  # XlsxWriter is imported only to write a workbook

    ws = wb.add_worksheet(sheet_title(title), worksheet_class=RowsSheet)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(header) - 1)
    for i, name in enumerate(header):
        ws.set_column(i, i, COLUMN_WIDTHS.get(name, 16))
    bold = wb.add_format({"bold": True})
    for i, name in enumerate(header):
        ws.write_string(0, i, _xlsx_cell(name), bold)
    _cells(ws, rows, {i for i, name in enumerate(header) if name in LINK_COLUMNS})


def _cells(ws, rows: list[list], link_columns: set[int]) -> None:
    """Write ``rows`` below the header: text stays text, whatever it starts with (control
    characters removed, formulas defused: ``_xlsx_cell``), empty cells are left out, text in
    ``link_columns`` that is a web address is a link (at most ``MAX_SHEET_LINKS``), numbers
    and true/false keep their type.

    This runs for every cell, so most text goes into the sheet's table as XlsxWriter's
    ``write_string`` would put it there (its shared-string index; the sheet's used range
    widened once at the end), skipping that method's checks for what cannot happen here;
    text too long for the short way, links and every other value go through XlsxWriter's
    own methods. Rows past the last one a sheet can hold are dropped, as those methods drop
    them. tests/checks/reports/test_reports_same_output.py compares the bytes with the plain
    calls."""
    from checks.reports.xlsxrows import CellStringTuple

    illegal, any_illegal, start = ILLEGAL_CHARACTERS.sub, ILLEGAL_CHARACTERS.search, FORMULA_START
    table, index_of, hyperlinks = ws.table, ws.str_table._get_shared_string_index, ws.hyperlinks
    short, columns = ws.xls_strmax // 2, ws.xls_colmax
    urls: dict[str, object] = {}  # one parsed link per address: the sheet only reads it
    links = 0
    first = last = low = high = None
    for r, row in enumerate(rows[: ws.xls_rowmax - 1], 1):
        cells = table[r]
        clean = not any_illegal("\n".join([v for v in row if isinstance(v, str)]))  # one search a row
        for i, value in enumerate(row[:columns]):
            if isinstance(value, str):
                if not clean:
                    value = illegal("", value)
                if value.startswith(start):
                    value = "'" + value
                elif not value:
                    continue
                if i in link_columns and links < MAX_SHEET_LINKS and _is_link(value):
                    url = urls.get(value)
                    if url is not None:
                        ws._write_url(r, i, url)
                        links += 1
                        continue
                    if ws._write_url(r, i, value, None, value) == 0:
                        urls[value] = hyperlinks[r][i]
                        links += 1
                        continue
                if len(value) > short:  # perhaps beyond a cell's 32,767 characters: XlsxWriter cuts it
                    ws._write_string(r, i, value)
                    continue
                cells[i] = CellStringTuple(index_of(value), None)
            elif value is None:
                continue
            elif isinstance(value, bool):
                ws._write_boolean(r, i, value)
            elif isinstance(value, (int, float)):
                ws._write_number(r, i, value)
            else:
                ws._write_string(r, i, _xlsx_cell(str(value)))
        if not cells:
            del table[r]
            continue
        # the used range, widened once a row: by every cell of the row (those written by
        # XlsxWriter's own methods widened it already, so counting them again changes nothing)
        if first is None:
            first, low, high = r, min(cells), max(cells)
        else:
            low, high = min(low, min(cells)), max(high, max(cells))
        last = r
    if first is not None:
        ws._check_dimensions(first, low)
        ws._check_dimensions(last, high)


def xlsx_bytes(sheets: list[tuple[str, tuple[str, ...], list[list]]], created: datetime | None = None,
               key: str | None = None) -> bytes:
    """A workbook, one sheet per ``(title, header, rows)``: bold header, frozen first row,
    filter, column widths, page and link columns clickable. XlsxWriter writes it several
    times faster than openpyxl for thousands of findings.

    ``created``: the workbook's created date (else now); with it the bytes depend only on
    the sheets, and the workbook carries ``key`` (``xlsx_key``) as a custom property."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False})
    if created is not None:
        wb.set_properties({"created": created})
        wb.set_custom_property(XLSX_KEY_PROPERTY, key or xlsx_key(sheets, created))
    for title, header, rows in sheets:
        _sheet(wb, title, header, rows)
    wb.close()
    return buffer.getvalue()


XLSX_KEY_PROPERTY = "lo-audit rows sha256"
"""The custom document property of a workbook that holds its ``xlsx_key``."""


@cache
def _xlsx_code() -> bytes:
    """What besides the rows decides a workbook's bytes: this module (layout, widths, cell
    rules), ``xlsxrows`` (how rows are written) and XlsxWriter's version."""
    from importlib.metadata import version

    # xlsxrows read, not imported: it imports XlsxWriter, which a reused workbook does not need
    code = Path(__file__).read_bytes() + Path(__file__).with_name("xlsxrows.py").read_bytes()
    return hashlib.sha256(code).digest() + version("XlsxWriter").encode()


def xlsx_key(sheets: list[tuple[str, tuple[str, ...], list[list]]], created: datetime) -> str:
    """SHA-256 of everything that decides the bytes of ``xlsx_bytes(sheets, created)``."""
    digest = hashlib.sha256(_xlsx_code())
    digest.update(created.isoformat().encode())
    for title, header, rows in sheets:
        digest.update(b"\n" + _rows_json([title, list(header), rows]))
    return digest.hexdigest()


def _typed(value: object) -> str:
    return f"{type(value).__name__}:{value!r}"


def _rows_json(data: list) -> bytes:
    """The JSON of a sheet for its key: cells are text, numbers, true/false or empty
    (``owner_row``, ``_all_row``); anything else by its type and repr. orjson, some ten times
    quicker than json here; json where orjson refuses (an integer beyond 64 bits, half of a
    character pair): either way, other cells give other bytes."""
    try:
        return orjson.dumps(data, default=_typed, option=orjson.OPT_PASSTHROUGH_DATETIME
                            | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, ensure_ascii=False, default=_typed).encode("utf-8", "surrogatepass")


def created_at(result: CheckResult) -> datetime | None:
    """The workbooks' created date: midnight UTC of the day the checks treated as today, so
    that checking the same crawl again the same day writes the same bytes (None: no date)."""
    try:
        day = date.fromisoformat(result.today)
    except (TypeError, ValueError):
        return None
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def _reusable(old: Path, key: str) -> bytes | None:
    """The bytes of ``old`` when they are still the bytes written there (the digest beside
    it, see :func:`_write_workbook`) and that workbook is the one ``key`` describes; else
    None (missing, no digest, corrupt, edited or saved since, other rows or day)."""
    try:
        data = old.read_bytes()
        if hashlib.sha256(data).hexdigest() != _digest_of(old):
            return None
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            custom = book.read("docProps/custom.xml").decode("utf-8")
    except Exception:  # noqa: BLE001 - whatever cannot be read is simply written again
        return None
    return data if f'name="{XLSX_KEY_PROPERTY}"><vt:lpwstr>{key}</vt:lpwstr>' in custom else None


def write_xlsx(path: Path, sheets: list[tuple[str, tuple[str, ...], list[list]]], created: datetime | None,
               previous: Path | None = None, builder: "WorkbookBuilder | None" = None) -> bool:
    """Write the workbook of ``sheets`` at ``path``. When ``previous`` (the same file in the
    folder being replaced) is exactly the workbook these sheets give, copy its bytes instead
    (``_reusable``). True when it was reused. With a ``builder``, a workbook to make may be
    made in its worker process and written when the builder finishes."""
    key = xlsx_key(sheets, created) if created is not None else None
    if key is not None and previous is not None:
        data = _reusable(previous, key)
        if data is not None:
            _write_workbook(path, data)
            return True
    if builder is not None:
        builder.build(path, sheets, created, key)
    else:
        _write_workbook(path, xlsx_bytes(sheets, created, key))
    return False


class WorkbookBuilder:
    """Makes big workbooks in worker processes while this process writes the other reports
    (XlsxWriter is pure Python: the two workbooks of a 10,000-page site's 19,000 findings
    take about 3.5 s of one core, the other reports about 1.5 s). Up to ``WORKERS`` worker
    processes, forked (so started in a few milliseconds, with nothing imported again), each
    making one workbook at a time; one asked for while every worker is busy is made here.
    On two cores, the findings workbook and the largest owner's are made side by side while
    this process writes the rest: the three share both cores to the end, where one worker
    made one workbook while this process made the other and waited. The bytes are those
    ``xlsx_bytes`` gives in this process (the same function, the same arguments).

    Workers are used only where forking is safe and useful: a start method ``fork``, more
    than one usable core, no other thread running in this process when they start (all are
    forked at once, before the pool's own thread starts), and a workbook of at least
    ``PARALLEL_ROWS`` rows. A worker that dies (killed, out of memory) costs nothing but
    time: its workbook, and any handed over after it, is made here."""

    PARALLEL_ROWS = 2_000
    WORKERS = 2

    def __init__(self) -> None:
        self.pool = None
        self.pending: list[tuple[Path, object, tuple]] = []
        self.usable = True

    def build(self, path: Path, sheets, created: datetime | None, key: str | None) -> None:
        rows = sum(len(sheet_rows) for _, _, sheet_rows in sheets)
        busy = sum(not future.done() for _, future, _ in self.pending)
        if rows >= self.PARALLEL_ROWS and busy < self.WORKERS and self._worker() is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                future = self.pool.submit(_build_in_worker, sheets, created, key)
            except BrokenProcessPool:  # a worker died making an earlier one: no other is handed over
                self.usable = False
            else:
                self.pending.append((path, future, (sheets, created, key)))
                return
        _write_workbook(path, xlsx_bytes(sheets, created, key))

    def start(self) -> None:
        """Fork the workers now (where ``build`` would), before this process has read a crawl:
        a small process forks in a few milliseconds and shares little with its workers, where
        one holding a 10,000-page site's findings pays for the copy of every memory page either
        side touches afterwards. Call it while no other thread runs."""
        if self._worker() is not None:
            self.pool.submit(int).result()  # the pool forks all its workers at its first task

    def _worker(self):
        if not self.usable:
            return None
        if self.pool is None and (cores := _fork_cores()):
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=min(self.WORKERS, cores),
                                            mp_context=multiprocessing.get_context("fork"),
                                            initializer=_die_with_parent, initargs=(os.getpid(),))
        elif self.pool is None:
            self.usable = False  # decided once: no fork here, every workbook is made in this process
        return self.pool

    def finish(self) -> None:
        """Write the workbooks the worker made (or, if it died, make them here)."""
        from concurrent.futures.process import BrokenProcessPool

        for path, future, args in self.pending:
            try:
                data = future.result()
            except BrokenProcessPool:
                log.warning("the worker making %s stopped; making it in the main process", path.name)
                data = xlsx_bytes(*args)
            _write_workbook(path, data)
        self.pending.clear()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _die_with_parent(parent: int) -> None:
    """In the worker, first: end it when the process that forked it ends. Killed (``kill -9``,
    an unhandled SIGTERM, the machine out of memory), that process closes nothing, and a
    worker left making a workbook would wait for ever to hand its bytes over (Linux's
    parent-death signal; elsewhere only the check below)."""
    import signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it ended before the signal was asked for
        os._exit(1)


def _build_in_worker(sheets, created: datetime | None, key: str | None) -> bytes:
    """``xlsx_bytes`` as the worker process runs it (looked up there, in the forked module)."""
    return xlsx_bytes(sheets, created, key)


def _fork_cores() -> int:
    """The usable cores when forking workers is safe and useful here (start method ``fork``,
    no other thread, more than one core), else 0."""
    import multiprocessing
    import threading

    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    return cores if fork and cores > 1 else 0


def _digest_path(path: Path) -> Path:
    """``.<name>.xlsx.sha256`` beside a workbook: the SHA-256 of the bytes this tool wrote."""
    return path.with_name(f".{path.name}.sha256")


def _digest_of(path: Path) -> str:
    """The digest recorded beside ``path`` when it was written, or "" (then it is not reused:
    a workbook whose cells a script changed keeps its properties but not its bytes)."""
    try:
        return _digest_path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _write_workbook(path: Path, data: bytes) -> None:
    atomic_write(path, data)
    atomic_write(_digest_path(path), hashlib.sha256(data).hexdigest() + "\n")


def write_owners(result: CheckResult, out: Path, previous: Path | None = None,
                 owner_rows: list[list] | None = None, builder: WorkbookBuilder | None = None) -> list[str]:
    """owners/<slug>.csv and .xlsx per owner of active findings; stale owner files removed
    (``previous``: the reports folder being replaced, whose workbooks are reused when the same;
    ``owner_rows``: the ``owner_row`` of each active finding, as ``write_findings`` returns them)."""
    if owner_rows is None:
        names = service_names(result)
        owner_rows = [owner_row(f, names) for f in result.findings]
    groups: dict[str, list[Finding]] = defaultdict(list)
    group_rows: dict[str, list[list]] = defaultdict(list)
    slugs: dict[str, str] = {}
    for f, row in zip(result.findings, owner_rows, strict=True):
        name = slugs.get(f.owner)
        if name is None:
            name = slugs[f.owner] = slug(f.owner)
        groups[name].append(f)
        group_rows[name].append(row)
    folder = out / "owners"
    folder.mkdir(parents=True, exist_ok=True)
    created = created_at(result)
    for name, findings in groups.items():
        rows = group_rows[name]
        write_xlsx(folder / f"{name}.xlsx", [(findings[0].owner or name, OWNER_COLUMNS, rows)], created,
                   previous and previous / "owners" / f"{name}.xlsx", builder)  # first: perhaps made by a worker
        atomic_write(folder / f"{name}.csv", _csv_text(OWNER_COLUMNS, rows))
    for old in folder.iterdir():
        if old.suffix in (".csv", ".xlsx") and old.stem not in groups:
            old.unlink()
        elif old.name.startswith(".") and old.name.endswith(".xlsx.sha256") and old.name[1:-12] not in groups:
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


def _write_all(result: CheckResult, cfg, out: Path, previous: Path, builder: WorkbookBuilder | None) -> None:
    if previous != out and files.history_path(previous).is_file():
        shutil.copy2(files.history_path(previous), files.history_path(out))
    own = builder is None
    builder = builder or WorkbookBuilder()
    try:
        owner_rows = write_findings(result, out, previous=previous, builder=builder)
        write_owners(result, out, previous=previous, owner_rows=owner_rows, builder=builder)
        write_pages(result, cfg.crawl.db, out)
        points = write_history(result, out)
        write_summary(out, site_url=cfg.site.url or None, step_summary=False, result=result, history=points)
        builder.finish()
    finally:
        if own:
            builder.close()


def write_reports(result: CheckResult, cfg, step_summary: bool = True, builder: WorkbookBuilder | None = None) -> Path:
    """Write every report into ``cfg.reports.out``; return that folder (``step_summary``:
    also append summary.md to ``$GITHUB_STEP_SUMMARY`` when that is set; ``builder``: the
    caller's ``WorkbookBuilder``, started early and closed by the caller, else one of its own).

    The whole folder is written beside the old one and swapped in (``common.folders``),
    so a run killed half-way leaves the previous reports whole, never a mix of both.
    """
    out = Path(cfg.reports.out).resolve()
    clean_leftovers(out)
    if _in_place(out):
        out.mkdir(parents=True, exist_ok=True)
        _write_all(result, cfg, out, out, builder)
    else:
        tmp = temp_dir(out, "new")
        try:
            _write_all(result, cfg, tmp, out, builder)
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
