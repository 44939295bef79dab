"""The reports folder: files, findings.json schema, per-owner files, history, exit status."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from checks.pipeline.engine import run_checks
from checks.reports.files import HistoryPoint
from checks.reports.finding import Finding, Severity
from checks.pipeline.registry import rule
from checks.reports.folder import HISTORY_KEEP, PAGE_COLUMNS, exit_status, slug, write_reports
from checks.reports.result import CheckResult
from checks_testkit import SITE, make_cfg
from lo_audit.cli import main
from lo_audit.config import ChecksConfig, OwnerRule

SCHEMA = json.loads((Path(__file__).parents[3] / "checks/schemas/findings.schema.json").read_text())


@pytest.fixture
def report_rules(isolated_rules):
    @rule("testing.mixed", "warning")
    def mixed(ctx):
        """A finding of each severity, on pages of two owners."""
        ctx.metrics["statutory"] = {"score": 50, "covered": 1, "total": 2, "topics": []}
        return [
            Finding("testing.mixed", "e", Severity.ERROR, "Broken link.", url=f"{SITE}/health", expected="200",
                    found="404", fix="Fix the link.", evidence={"target": f"{SITE}/gone"}),
            Finding("testing.mixed", "w", Severity.WARNING, "Stale page.", url=f"{SITE}/", fix="Review it."),
            Finding("testing.mixed", "n", Severity.NOTICE, "Long sentence.", url=f"{SITE}/policy.pdf"),
        ]
    return isolated_rules


def _cfg(tmp_path, store, **checks):
    owners = (OwnerRule(pattern=f"{SITE}/health*", owner="Health & Wellbeing", email="h@example.gov.uk"),)
    return make_cfg(tmp_path, store, today="2024-06-01", owners=owners, **checks)


def test_every_report_file_is_written(tmp_path, small_store, report_rules):
    cfg = _cfg(tmp_path, small_store)
    out = write_reports(run_checks(cfg), cfg)
    assert out == tmp_path / "reports"
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"findings.json", "findings.csv", "pages.csv", "history.json", "owners/health-wellbeing.csv",
            "owners/health-wellbeing.xlsx", "owners/local-offer-team.csv", "owners/local-offer-team.xlsx"} <= names
    assert not [n for n in names if n.endswith(".tmp")]

    data = json.loads((out / "findings.json").read_text())
    jsonschema.validate(data, SCHEMA)
    assert [f["severity"] for f in data["findings"]] == ["error", "warning", "notice"]
    assert data["metrics"]["pages"]["crawled"] == 4 and data["today"] == "2024-06-01"

    rows = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8-sig")))
    assert [r["severity"] for r in rows] == ["error", "warning", "notice"]
    assert json.loads(rows[0]["evidence"]) == {"target": f"{SITE}/gone"} and rows[0]["owner"] == "Health & Wellbeing"


def test_pages_csv(tmp_path, small_store, report_rules):
    cfg = _cfg(tmp_path, small_store)
    out = write_reports(run_checks(cfg), cfg)
    with (out / "pages.csv").open(encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == PAGE_COLUMNS
        pages = {r["url"]: r for r in reader}
    assert len(pages) == 5
    assert pages[f"{SITE}/gone"]["inlinks"] == "2" and pages[f"{SITE}/gone"]["status"] == "404"
    health = pages[f"{SITE}/health"]
    assert (health["title"], health["last_updated"], health["rendered"], health["render_reason"]) == \
        ("Health", "2023-01-02", "1", "sample")
    assert pages[f"{SITE}/deep"]["guard"] == "max-depth" and pages[f"{SITE}/"]["found_via"] == "start"


def test_owner_files(tmp_path, small_store, report_rules):
    cfg = _cfg(tmp_path, small_store)
    out = write_reports(run_checks(cfg), cfg)
    with (out / "owners/health-wellbeing.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Severity", "Rule", "Page URL", "What is wrong", "Expected", "Found", "How to fix",
                       "Link target", "Other pages with this problem", "Service", "Status"]
    assert rows[1:] == [["error", "testing.mixed", f"{SITE}/health", "Broken link.", "200", "404", "Fix the link.",
                         f"{SITE}/gone", "", "", "new"]]
    ws = openpyxl.load_workbook(out / "owners/local-offer-team.xlsx").active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "Severity" and [v[3] for v in values[1:]] == ["Stale page.", "Long sentence."]
    assert ws.freeze_panes == "A2"


def test_stale_owner_files_are_removed(tmp_path, small_store, report_rules):
    cfg = _cfg(tmp_path, small_store)
    (tmp_path / "reports/owners").mkdir(parents=True)
    (tmp_path / "reports/owners/old-team.csv").write_text("x")
    write_reports(run_checks(cfg), cfg)
    assert not (tmp_path / "reports/owners/old-team.csv").exists()


def test_history_keeps_one_entry_per_date_and_at_most_104(tmp_path, small_store, report_rules):
    cfg = _cfg(tmp_path, small_store)
    out = tmp_path / "reports"
    out.mkdir()
    old = [HistoryPoint(date=f"2020-01-{i % 28 + 1:02d}-{i}").to_dict() for i in range(HISTORY_KEEP + 5)]
    (out / "history.json").write_text(json.dumps(old))
    write_reports(run_checks(cfg), cfg)
    write_reports(run_checks(cfg), cfg)  # same date again: replaces, not appends
    history = json.loads((out / "history.json").read_text())
    assert len(history) == HISTORY_KEEP
    last = history[-1]
    assert history[-2]["date"] != "2024-06-01" and last["date"] == "2024-06-01"
    assert last["counts"] == {"error": 1, "warning": 1, "notice": 1} and last["families"] == {"testing": 3}
    assert (last["coverage"], last["pages"], last["fixed"]) == (50, 4, 0)
    assert last["new"] == 0  # second run: every finding persists


def _result(*severities, status="new"):
    return CheckResult(findings=tuple(Finding("a.b", str(i), Severity(s), "m", status=status)
                                      for i, s in enumerate(severities)))


@pytest.mark.parametrize("fail_on, fail_on_new, result, code", [
    ("error", False, _result("warning", "notice"), 0),
    ("error", False, _result("error"), 1),
    ("warning", False, _result("warning"), 1),
    ("warning", False, _result("notice"), 0),
    ("never", False, _result("error"), 0),
    ("error", True, _result("error", status="persisting"), 0),
    ("error", True, _result("error", status="new"), 1),
    ("error", False, CheckResult(findings=(), waived=_result("error").findings), 0),
])
def test_exit_status(fail_on, fail_on_new, result, code):
    assert exit_status(result, ChecksConfig(fail_on=fail_on, fail_on_new=fail_on_new)) == code


def test_check_command_end_to_end(tmp_path, small_store, report_rules, capsys):
    out = tmp_path / "out"
    assert main(["check", "--db", str(small_store), "--out", str(out), "--today", "2024-06-01"]) == 1
    assert capsys.readouterr().out.startswith("3 findings (1 errors, 1 warnings, 1 notices)")
    assert main(["check", "--db", str(small_store), "--out", str(out), "--fail-on-new"]) == 0
    assert main(["-q", "check", "--db", str(small_store), "--out", str(out), "--fail-on", "never"]) == 0
    assert main(["check", "--db", str(tmp_path / "none.sqlite"), "--out", str(out)]) == 2
    assert "no crawl store here" in capsys.readouterr().err


def test_slug():
    assert [slug(s) for s in ("Health & Wellbeing", "  ", "SEND Team 2")] == ["health-wellbeing", "unassigned",
                                                                             "send-team-2"]


def test_checking_again_keeps_workbooks_byte_for_byte_until_a_finding_changes(tmp_path, small_store, report_rules,
                                                                             monkeypatch):
    """Each check replaces the whole folder; the workbooks of the folder it replaces are
    carried over when their rows are the same (second and third run: every finding persisting)."""
    import checks.reports.folder as folder

    written, real = [], folder.xlsx_bytes
    monkeypatch.setattr(folder, "xlsx_bytes", lambda sheets, *a, **k: written.append(sheets[0][0]) or real(sheets, *a, **k))
    cfg = _cfg(tmp_path, small_store)
    books = []
    for _ in range(3):
        written.clear()
        out = write_reports(run_checks(cfg), cfg)
        books.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.xlsx"))})
    assert len(books[0]) == 3 and books[0] != books[1]  # the first run's findings were new
    assert books[1] == books[2] and written == []  # the third run wrote no workbook
    cold = write_reports(run_checks(cfg), _cfg(tmp_path / "elsewhere", small_store))  # no folder to reuse
    fresh = {p.relative_to(cold).as_posix(): p.read_bytes() for p in sorted(cold.rglob("*.xlsx"))}
    assert fresh == books[2]
    next_day = make_cfg(tmp_path, small_store, today="2024-06-02", owners=cfg.checks.owners)
    out = write_reports(run_checks(next_day), next_day)
    again = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.xlsx"))}
    assert again.keys() == books[2].keys() and all(again[k] != books[2][k] for k in again)  # dated that day
