"""Read the rows of a CSV file or an XLSX sheet as text, with spreadsheet row numbers."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

from checks.errors import CatalogueError

Rows = list[tuple[int, list[object]]]


def _open_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogueError(f"{path}: catalogue not found") from None
    except UnicodeDecodeError:
        try:
            return Path(path).read_text(encoding="cp1252")
        except UnicodeDecodeError as exc:
            raise CatalogueError(f"{path}: cannot read as text ({exc}); save the CSV as UTF-8") from None
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue ({exc})") from None


def read_csv(path: str, header_row: int = 1) -> tuple[list[str], Rows]:
    """The headings (row ``header_row``) and the rows after them (row numbers from 1)."""
    text = _open_text(path)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CatalogueError(f"{path}: not a readable CSV file ({exc})") from None
    return _split(path, [(n, list(r)) for n, r in enumerate(records, start=1)], header_row)


def _split(path: str, rows: Rows, header_row: int) -> tuple[list[str], Rows]:
    header = next((r for n, r in rows if n == header_row), None)
    if header is None or not any(str(c or "").strip() for c in header):
        raise CatalogueError(f"{path} row {header_row}: no column headings found")
    body = [(n, r) for n, r in rows if n > header_row and any(str(c or "").strip() for c in r)]
    return [str(c or "").strip() for c in header], body


def read_xlsx(path: str, sheet: str = "", header_row: int = 1) -> tuple[list[str], Rows]:
    """Like ``read_csv`` for one sheet of a workbook; merged cells are an error naming each range."""
    ws = _sheet(path, sheet)
    merged = sorted(str(r.coord) for r in ws.merged_cells.ranges)
    if merged:
        problems = [f"{path} sheet {ws.title!r}: merged cells {coord}; unmerge them so every row "
                    "holds its own values" for coord in merged]
        raise CatalogueError(f"{path}: {len(problems)} merged cell range(s)", problems)
    rows = [(n, list(values)) for n, values in enumerate(ws.iter_rows(values_only=True), start=1)]
    return _split(path, rows, header_row)


def _sheet(path: str, sheet: str):
    import openpyxl

    if not Path(path).exists():
        raise CatalogueError(f"{path}: catalogue not found")
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise CatalogueError(f"{path}: cannot read as an XLSX workbook ({type(exc).__name__}: {exc})") from None
    if not sheet:
        return wb.worksheets[0]
    if sheet not in wb.sheetnames:
        raise CatalogueError(f"{path}: no sheet {sheet!r}; the sheets are: {', '.join(wb.sheetnames)}")
    return wb[sheet]


def cell_text(value: object, phone: bool = False) -> str:
    """A cell as text: whole numbers without ``.0``, dates as YYYY-MM-DD, phones keep their 0."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        return "0" + digits if phone and len(digits) in (9, 10) else digits
    return str(value).strip()
