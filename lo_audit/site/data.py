"""Reading the reports folder (``findings.json``, ``history.json``, ``pages.csv``) for the site.

The shapes are those of ``checks/CONTRACT.md``; ``findings.json`` and ``history.json`` are
read by ``checks.reports.files`` (checked against their schemas). Missing optional parts
(no history, no catalogue, no metrics) are fine because the site must build in every case;
a file that exists but cannot be read raises ``ReportFileError`` naming it and the field:
an input error (exit status 2, one line), for the file is to be fixed or written again by
``lo-audit check``, not the build.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from checks.reports.files import HistoryPoint, ReportFileError, findings_path, history_path, read_findings, read_history
from checks.reports.finding import Severity
from checks.reports.folder import FORMULA_START

SEVERITIES = tuple(s.value for s in Severity)
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
    history: list[HistoryPoint] = field(default_factory=list)
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


def _read_pages(path: Path) -> tuple[list[dict], list[str]]:
    if not path.is_file():
        return [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:  # the reports' CSVs start with a BOM
            reader = csv.DictReader(fh)
            rows = [{k: _cell_text(v) for k, v in row.items()} for _, row in zip(range(MAX_PAGES_ROWS + 1), reader)]
            return rows, list(reader.fieldnames or [])
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        raise ReportFileError(f"{path}: cannot be read as CSV ({exc})") from None


def _cell_text(value):
    """A CSV cell as written before the reports defused it (``'=x`` back to ``=x``: the
    site escapes it anyway, and people should see the page's real title)."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def load_audit(reports_dir: str | Path) -> Audit | None:
    """The audit in ``reports_dir``, or ``None`` when no ``findings.json`` is there yet."""
    reports_dir = Path(reports_dir)
    if not findings_path(reports_dir).is_file():
        return None
    result = read_findings(findings_path(reports_dir))
    history = read_history(history_path(reports_dir))
    pages, columns = _read_pages(reports_dir / "pages.csv")
    return Audit(
        reports_dir=reports_dir,
        findings=[f.to_dict() for f in result.findings],
        waived=[f.to_dict() for f in result.waived],
        fixed=[f.to_dict() for f in result.fixed],
        metrics=result.metrics,
        run=result.run,
        generated_at=result.generated_at,
        today=result.today,
        history=history,
        pages=pages,
        pages_columns=columns,
    )


def history_point(point: HistoryPoint) -> tuple[str, dict[str, int]]:
    """(date, counts by severity plus ``total``) of one history entry, for the trend chart."""
    return point.date[:10], {**{s: point.counts.get(s, 0) for s in SEVERITIES}, "total": point.total}
