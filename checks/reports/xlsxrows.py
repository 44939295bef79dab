"""A worksheet that writes its rows of text and numbers faster, in XlsxWriter's own bytes.

XlsxWriter writes each cell through a general routine (a list of attributes, each escaped,
a class name compared with every cell type), which for the 300,000 cells of a 10,000-page
site's workbooks takes about a second. ``RowsSheet`` writes the cells of the two kinds the
reports hold, shared text and numbers, straight as the same XML text; every other cell
(true/false and any kind it does not know) still goes through XlsxWriter's routine, and a
sheet with anything this does not handle (row settings, comments, constant-memory mode, an
Excel 2010 sheet, a changed default row height) is written wholly by XlsxWriter.
tests/checks/reports/test_reports_same_output.py compares the bytes of workbooks written
both ways.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet


class RowsSheet(Worksheet):
    """``xlsxwriter.worksheet.Worksheet`` with a faster ``_write_rows`` (same bytes)."""

    def _write_rows(self) -> None:
        if (self.comments or self.row_info or self.constant_memory or self.excel_version != 2007
                or self.default_row_height != self.original_row_height):
            super()._write_rows()
            return
        table = self.table
        self.row_spans = spans = _spans(table)
        styles = {col: f' s="{info.column_format._get_xf_index()}"' for col, info in self.col_info.items()
                  if info.column_format is not None}
        write = self.fh.write
        names: dict[int, str] = {}  # column -> its letters (``xl_rowcol_to_cell_fast``'s)
        out: list[str] = []
        for row in sorted(r for r, cells in table.items() if cells):
            cells = table[row]
            number = row + 1
            out.append(f'<row r="{number}" spans="{spans[row // 16]}">')
            for col in sorted(cells):
                cell = cells[col]
                kind = type(cell)
                if kind is CellStringTuple or kind is CellNumberTuple:
                    style = f' s="{cell.format._get_xf_index()}"' if cell.format else styles.get(col, "")
                    name = names.get(col)
                    if name is None:
                        name = names[col] = xl_rowcol_to_cell_fast(0, col)[:-1]
                    if kind is CellStringTuple:
                        out.append(f'<c r="{name}{number}"{style} t="s"><v>{cell.string}</v></c>')
                    else:
                        out.append(f'<c r="{name}{number}"{style}><v>{cell.number:.16G}</v></c>')
                else:  # any other kind of cell: XlsxWriter's own routine, after what is pending
                    write("".join(out))
                    out.clear()
                    self._write_cell(row, col, cell)
            out.append("</row>")
            if len(out) > 4096:
                write("".join(out))
                out.clear()
        write("".join(out))


def _spans(table: dict) -> dict[int, str]:
    """The ``spans`` of each block of 16 rows: its first and last used column, counted from 1
    (``Worksheet._calculate_spans`` for a sheet without comments)."""
    bounds: dict[int, tuple[int, int]] = {}
    for row, cells in table.items():
        if cells:
            low, high = min(cells), max(cells)
            known = bounds.get(row // 16)
            bounds[row // 16] = (min(low, known[0]), max(high, known[1])) if known else (low, high)
    return {block: f"{low + 1}:{high + 1}" for block, (low, high) in bounds.items()}
