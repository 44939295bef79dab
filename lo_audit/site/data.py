"""Reading the reports folder (``findings.json``, ``history.json``, ``pages.csv``) for the site.

The shapes are those of ``checks/CONTRACT.md``. Reading is tolerant of missing optional
parts (no history, no catalogue, no metrics) because the site must build in every case;
a file that exists but cannot be read raises ``BuildError`` naming it.
"""

from __future__ import annotations

import csv
import re
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common.errors import BuildError

SEVERITIES = ("error", "warning", "notice")
MAX_PAGES_ROWS = 5000


@dataclass
class Audit:
    """Everything the generated pages show, read from one reports folder."""

    reports_dir: Path
    findings: list[dict] = field(default_factory=list)
    waived: list[dict] = field(default_factory=list)
    fixed: list[dict] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    run: dict = field(default_factory=dict)
    generated_at: str = ""
    today: str = ""
    history: list[dict] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)
    pages_columns: list[str] = field(default_factory=list)

    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.get("severity", "notice") for f in self.findings)
        return {s: counts.get(s, 0) for s in SEVERITIES}

    def by_family(self) -> dict[str, int]:
        counts = Counter(family_of(f) for f in self.findings)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def family_of(finding: dict) -> str:
    return finding.get("family") or str(finding.get("rule", "other")).split(".", 1)[0]


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BuildError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except OSError as exc:
        raise BuildError(f"{path}: cannot be read ({exc.strerror})") from None


def _findings_list(data: dict, key: str, path: Path) -> list[dict]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(f, dict) for f in value):
        raise BuildError(f"{path}: field '{key}' must be a list of findings")
    return value


def _read_history(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    data = _read_json(path)
    if isinstance(data, dict):
        data = data.get("runs") or []
    runs = [run for run in data if isinstance(run, dict)] if isinstance(data, list) else []
    return sorted(runs, key=lambda run: history_point(run)[0])  # by date, whatever order the file has


def _read_pages(path: Path) -> tuple[list[dict], list[str]]:
    if not path.is_file():
        return [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # the reports' CSVs start with a BOM
            reader = csv.DictReader(fh)
            rows = [{k: _cell_text(v) for k, v in row.items()} for _, row in zip(range(MAX_PAGES_ROWS + 1), reader)]
            return rows, list(reader.fieldnames or [])
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        raise BuildError(f"{path}: cannot be read as CSV ({exc})") from None


def _cell_text(value):
    """A CSV cell as written before the reports defused it (``'=x`` back to ``=x``: the
    site escapes it anyway, and people should see the page's real title)."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return value[1:]
    return value


def load_audit(reports_dir: str | Path) -> Audit | None:
    """The audit in ``reports_dir``, or ``None`` when no ``findings.json`` is there yet."""
    reports_dir = Path(reports_dir)
    path = reports_dir / "findings.json"
    if not path.is_file():
        return None
    data = _read_json(path)
    if not isinstance(data, dict):
        raise BuildError(f"{path}: expected an object with 'findings', 'metrics' and 'run'")
    pages, columns = _read_pages(reports_dir / "pages.csv")
    metrics = data.get("metrics") if isinstance(data.get("metrics"), dict) else {}
    return Audit(
        reports_dir=reports_dir,
        findings=_findings_list(data, "findings", path),
        waived=_findings_list(data, "waived", path),
        fixed=_findings_list(data, "fixed", path),
        metrics=metrics,
        run=data.get("run") if isinstance(data.get("run"), dict) else {},
        generated_at=str(data.get("generated_at") or ""),
        today=str(data.get("today") or ""),
        history=_read_history(reports_dir / "history.json"),
        pages=pages,
        pages_columns=columns,
    )


def history_point(run: dict) -> tuple[str, dict[str, int]]:
    """(date label, counts by severity plus ``total``) of one history entry.

    Accepts the counts at the top level or under ``by_severity``/``severity``/``counts``.
    """
    label = next((str(run[k]) for k in ("date", "generated_at", "finished_at", "when", "run") if run.get(k)), "?")
    counts = next((run[k] for k in ("by_severity", "severity", "counts", "findings") if isinstance(run.get(k), dict)), run)
    values = {s: _int(counts.get(s)) for s in SEVERITIES}
    values["total"] = _int(run.get("total")) or sum(values.values())
    return (label[:10] if re.match(r"\d{4}-\d{2}-\d{2}", label) else label[:16]), values


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
