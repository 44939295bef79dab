"""The one reader and writer of ``findings.json`` and ``history.json`` (checks/CONTRACT.md).

Every program that reads or writes these two files comes here: the reports folder, the
comparison with the previous run, summary.md, the site, the CI programs (merge, the
GitHub issue, the history branch), the demo's scoring and the benchmark's digest. Both
files are checked against their JSON Schema (``checks/schemas/findings.schema.json``,
``history.schema.json``) when read, and a file that breaks it raises ``ReportFileError``
naming the file and the field. Findings come back as typed ``Finding`` records inside a
``CheckResult``; history entries as ``HistoryPoint`` records.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from checks.reports.finding import Finding, Severity
from checks.reports.result import CheckResult
from checks.schemas import load_schema, schema_problems
from common import jsonfast
from common.errors import InputError

FINDINGS = "findings.json"
HISTORY = "history.json"


class ReportFileError(InputError):
    """findings.json or history.json is missing, not JSON, or breaks its schema.
    Raised by ``checks.reports.files``; the message names the file and the field."""


# --------------------------------------------------------------------------- history points
@dataclass(frozen=True)
class HistoryPoint:
    """One run in history.json: the compact summary the trend charts and summary.md use."""

    date: str
    generated_at: str = ""
    counts: dict = field(default_factory=lambda: {s.value: 0 for s in Severity})
    families: dict = field(default_factory=dict)
    new: int = 0
    fixed: int = 0
    persisting: int = 0
    waived: int = 0
    coverage: float | None = None
    pages: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "HistoryPoint":
        return cls(**d)

    @classmethod
    def of(cls, result: CheckResult) -> "HistoryPoint":
        """The history entry of one check run."""
        statutory = result.metrics.get("statutory") or {}
        return cls(
            date=result.today, generated_at=result.generated_at, counts=result.counts(),
            families=result.by_family(), new=result.new_count(), fixed=len(result.fixed),
            persisting=len(result.findings) - result.new_count(), waived=len(result.waived),
            coverage=statutory.get("score"), pages=(result.metrics.get("pages") or {}).get("crawled", 0),
        )


# --------------------------------------------------------------------------- reading
def _read_json(path: Path):
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReportFileError(f"{path}: not found") from None
    except OSError as exc:
        raise ReportFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return jsonfast.loads(data)
    except UnicodeDecodeError as exc:  # saved again by an editor in another encoding
        raise ReportFileError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ReportFileError(f"{path}: not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def _field(path: tuple) -> str:
    return ".".join(str(p) for p in path) or "(top level)"


def _check(data: object, schema: str, path: Path) -> None:
    problems = schema_problems(data, load_schema(schema), _field)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ReportFileError(f"{path}: " + "; ".join(problems[:3]) + more)


def findings_path(folder: str | Path) -> Path:
    """``folder/findings.json``."""
    return Path(folder) / FINDINGS


def history_path(folder: str | Path) -> Path:
    """``folder/history.json``."""
    return Path(folder) / HISTORY


def _as_file(path: str | Path, name: str) -> Path:
    path = Path(path)
    return path if path.suffix == ".json" else path / name


def read_findings(path: str | Path) -> CheckResult:
    """``findings.json`` (or a reports folder holding one) as a typed ``CheckResult``."""
    path = _as_file(path, FINDINGS)
    return findings_from_dict(_read_json(path), path)


def read_findings_data(path: str | Path) -> dict:
    """``findings.json`` (or a reports folder holding one) as parsed JSON, checked against
    the schema as :func:`read_findings` checks it (the same ``ReportFileError``), without
    making a ``Finding`` of every entry: for a reader that needs only a few of them."""
    path = _as_file(path, FINDINGS)
    data = _read_json(path)
    _check(data, "findings", path)
    return data


def findings_from_dict(data: object, source: str | Path = FINDINGS) -> CheckResult:
    """The parsed JSON of a ``findings.json`` as a ``CheckResult`` (checked against the
    schema; ``source`` names the file in error messages)."""
    _check(data, "findings", source)
    return CheckResult(
        findings=tuple(Finding.from_dict(f) for f in data["findings"]),
        waived=tuple(Finding.from_dict(f) for f in data["waived"]),
        fixed=tuple(Finding.from_dict(f) for f in data["fixed"]),
        metrics=data["metrics"], run=data["run"], today=data.get("today", ""),
        rules_run=tuple(data.get("rules_run", ())), skipped=tuple(data.get("skipped", ())),
        generated_at=data["generated_at"],
    )


def read_history(path: str | Path) -> list[HistoryPoint]:
    """``history.json`` (or a reports folder holding one) sorted by date; [] when there is none."""
    path = _as_file(path, HISTORY)
    if not path.exists():
        return []
    data = _read_json(path)
    _check(data, "history", path)
    return sorted((HistoryPoint.from_dict(d) for d in data), key=lambda p: p.date)


# --------------------------------------------------------------------------- writing
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


def json_text(data: object) -> str:
    """JSON as every report file is written: indented, UTF-8 as is, a newline at the end."""
    return jsonfast.dumps_indented(data)


def write_json(path: Path, data: object) -> None:
    """Write ``data`` as ``json_text``."""
    atomic_write(path, json_text(data))


def write_findings(result: CheckResult, path: str | Path, check: bool = False) -> Path:
    """Write ``result`` as ``findings.json`` (``path`` is the file or its folder).

    ``check``: first read the encoded text back against the schema, so that a run never
    publishes a findings.json that the next run (or the site) would refuse
    (``ReportFileError`` naming the file and field)."""
    path = _as_file(path, FINDINGS)
    data = result.to_dict()
    try:
        text, plain = jsonfast.dumps_indented_bytes(data)  # json_text's, as the file's bytes
    except UnicodeEncodeError:  # half of a character pair: checked as text, then refused by the write, as ever
        text, plain = json_text(data), False
    if check:  # orjson's own text has no number its reader reads otherwise: no search for long ones
        _check(jsonfast.loads_plain(text) if plain else jsonfast.loads(text), "findings", path)
    atomic_write(path, text)
    return path


def write_history(points: list[HistoryPoint], path: str | Path) -> Path:
    """Write ``points`` as ``history.json`` (``path`` is the file or its folder)."""
    path = _as_file(path, HISTORY)
    write_json(path, [p.to_dict() for p in points])
    return path
