"""CSV and XLSX catalogues: rows → catalogue records through a column mapping."""

from __future__ import annotations

from dataclasses import dataclass

from checks.errors import CatalogueError

from checks.catalogue.mapping import JOINED_FIELDS, MULTI_FIELDS, Mapping, implicit_mapping, key, load_mapping
from checks.catalogue.fields import fix_website, iso_date
from checks.catalogue.model import Catalogue
from checks.catalogue.tables import Rows, cell_text, read_csv, read_xlsx
from checks.catalogue.document import build_catalogue


@dataclass(frozen=True)
class RowLocator:
    """Messages name ``services.csv row 4, column 'Phone' (contacts.phones)``."""

    file: str
    rows: tuple[int, ...]
    mapping: Mapping

    def origin(self, index: int) -> str:
        return f"{self.file} row {self.rows[index]}"

    def position(self, path: tuple) -> dict:
        field = ".".join(str(p) for p in path[2:] if not isinstance(p, int))
        heading = self.mapping.heading(field) or self.mapping.heading(field + ".min") if field else ""
        return {"row": self.rows[path[1]], **({"column": heading} if heading else {})}

    def at(self, path: tuple) -> str:
        if len(path) < 2:
            return self.file
        field = ".".join(str(p) for p in path[2:] if not isinstance(p, int))
        if not field:
            return self.origin(path[1])
        heading = self.mapping.heading(field) or self.mapping.heading(field + ".min") or self.mapping.heading(field.rsplit(".", 1)[0])
        column = f", column {heading!r}" if heading else ""
        return f"{self.origin(path[1])}{column} ({field})"


def resolve(mapping: Mapping, header: list[str], where_header: str) -> dict[str, list[int]]:
    """Field → column indexes; every mapped heading missing from the header is a problem."""
    positions = {}
    for i, heading in enumerate(header):
        positions.setdefault(key(heading), i)
    out, problems = {}, []
    for field, headings in mapping.columns.items():
        for heading in headings:
            if key(heading) in positions:
                out.setdefault(field, []).append(positions[key(heading)])
            else:
                problems.append(f"{where_header}: column {heading!r} (mapped to {field}) not found")
    if problems:
        found = ", ".join(repr(h) for h in header if h)
        raise CatalogueError(f"{where_header}: {len(problems)} mapped column(s) missing; the columns are: {found}",
                             problems)
    return out


def _put(record: dict, field: str, value: object) -> None:
    head, _, tail = field.partition(".")
    if tail:
        record.setdefault(head, {})[tail] = value
    else:
        record[head] = value


def _value(field: str, cells: list[str], separator: str) -> object:
    if field in MULTI_FIELDS:
        return [part.strip() for cell in cells for part in cell.split(separator) if part.strip()]
    if field in JOINED_FIELDS:
        return ", ".join(c for c in cells if c)
    text = next((c for c in cells if c), "")
    if field in ("age_range.min", "age_range.max") and text.lstrip("-").isdigit():
        return int(text)
    if field == "last_reviewed" and text:
        return iso_date(text) or text
    if field == "contacts.website":
        return fix_website(text)
    return text


def to_record(row: list[object], columns: dict[str, list[int]], separator: str) -> dict:
    """One catalogue record from one row (empty cells are left out)."""
    record: dict = {}
    for field, indexes in columns.items():
        phone = field == "contacts.phones"
        cells = [cell_text(row[i] if i < len(row) else None, phone) for i in indexes]
        value = _value(field, cells, separator)
        if value not in ("", []):
            _put(record, field, value)
    return record


def _read(path: str, fmt: str, mapping: Mapping | None) -> tuple[list[str], Rows]:
    sheet, header_row = (mapping.sheet, mapping.header_row) if mapping else ("", 1)
    return read_xlsx(path, sheet, header_row) if fmt == "xlsx" else read_csv(path, header_row)


def load_table(path: str, fmt: str, mapping_path: str = "", strict: bool = True) -> Catalogue:
    """Read a CSV or XLSX catalogue through its mapping and validate it (``strict``: see
    ``build_catalogue``; the mapping and the headings are always strict)."""
    mapping = load_mapping(mapping_path) if mapping_path else None
    header, rows = _read(path, fmt, mapping)
    where_header = f"{path} row {mapping.header_row if mapping else 1}"
    mapping = mapping or implicit_mapping(header, where_header)
    columns = resolve(mapping, header, where_header)
    doc = {"services": [to_record(row, columns, mapping.separator) for _, row in rows]}
    locator = RowLocator(path, tuple(n for n, _ in rows), mapping)
    return build_catalogue(doc, locator, path, strict=strict)
