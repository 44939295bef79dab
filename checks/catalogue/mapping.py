"""Column mappings for CSV and XLSX catalogues: which heading holds which field.

A mapping file (YAML) looks like::

    columns:
      id: Service ID
      name: Service name
      owner.team: Team
      contacts.phones: [Phone, Mobile]
    separator: ";"      # splits multi-valued cells (default ";")
    sheet: Services      # XLSX only; default the first sheet
    header_row: 1        # the row holding the headings (default 1)

Without a mapping file the headings must be the field names themselves.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from checks.errors import CatalogueError
from common.yamlio import read_yaml, where

from checks.schemas import load_schema, schema_problems

FIELDS: tuple[str, ...] = tuple(load_schema("mapping")["properties"]["columns"]["properties"])
MULTI_FIELDS = frozenset({"topics", "expected_urls", "contacts.phones", "contacts.emails"})
JOINED_FIELDS = frozenset({"contacts.address"})


@dataclass(frozen=True)
class Mapping:
    """Field (dotted, e.g. ``owner.team``) → column headings, plus how to read the sheet."""

    columns: dict[str, tuple[str, ...]]
    separator: str = ";"
    sheet: str = ""
    header_row: int = 1
    source: str = ""
    by_heading: bool = field(default=False, compare=False)
    """True for the implicit mapping (headings are field names)."""

    def heading(self, field_name: str) -> str:
        """The heading(s) a field is read from, for messages."""
        return " / ".join(self.columns.get(field_name, ()))


def _age_problems(columns: dict, file: str, lines: dict) -> list[str]:
    if "age_range" in columns and ({"age_range.min", "age_range.max"} & set(columns)):
        return [f"{where(file, lines, ('columns', 'age_range'))}: map either age_range (text like \"0-25\") "
                "or age_range.min and age_range.max, not both"]
    return []


def load_mapping(path: str) -> Mapping:
    """Read and validate a mapping file; raise ``CatalogueError`` listing every problem."""
    data, lines = read_yaml(path, CatalogueError, "column mapping")
    locate = (lambda p: where(path, lines, p) if p else f"{path}:1")
    problems = schema_problems(data, load_schema("mapping"), locate)
    columns = data.get("columns") if isinstance(data, dict) else None
    if isinstance(columns, dict):
        problems += _age_problems(columns, path, lines)
    if problems:
        raise CatalogueError(f"{path}: {len(problems)} problem(s) in the column mapping", problems)
    cols = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in columns.items()}
    return Mapping(columns=cols, separator=data.get("separator", ";"), sheet=data.get("sheet", ""),
                   header_row=data.get("header_row", 1), source=path)


def key(heading: object) -> str:
    """Headings are matched ignoring case and repeated spaces."""
    return " ".join(str(heading or "").split()).casefold()


def implicit_mapping(header: list[str], where_header: str, base: Mapping | None = None) -> Mapping:
    """The mapping when there is no file: every heading must be a field name."""
    problems, columns = [], {}
    for heading in header:
        name = " ".join(str(heading or "").split())
        if not name:
            continue
        if name in FIELDS:
            columns[name] = (name,)
            continue
        close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(f"{where_header}, column {name!r}: not a catalogue field{hint}; "
                        "name the columns after the fields or give a column mapping file (--mapping)")
    problems += [f"{where_header}: no {f!r} column" for f in ("id", "name") if f not in columns]
    if problems:
        raise CatalogueError(f"{where_header}: {len(problems)} problem(s) in the headings", problems)
    return Mapping(columns=columns, by_heading=True)
