"""checks.reports.files: the one typed reader and writer of findings.json and history.json,
the one severity order and ``--fail-on`` gate, and the one ``md_link`` argument order."""

from __future__ import annotations

import json

import pytest

from checks.reports.files import (
    HistoryPoint, ReportFileError, read_findings, read_history, write_findings, write_history,
)
from checks.reports.finding import Finding, Severity, gate
from checks.reports.result import CheckResult
from common.errors import InputError
from common.markdown import md_link
from lo_audit.errors import exit_status


def _result() -> CheckResult:
    broken = Finding("links.broken", "https://lo.example/a -> https://lo.example/gone", Severity.ERROR,
                     "Link to a page that does not exist.", url="https://lo.example/a", expected="a page",
                     found="404", fix="Change the link.",
                     evidence={"target": "https://lo.example/gone", "status": 404, "pages": ["https://lo.example/a"]},
                     owner="Web team", owner_email="web@lo.example", status="persisting")
    stale = Finding("content.stale", "https://lo.example/b", Severity.WARNING, "Old page.", url="https://lo.example/b",
                    evidence={"last_updated": "2020-01-01"})
    waived = Finding("plain-language.reading-age", "https://lo.example/c", Severity.NOTICE, "Hard to read.",
                     url="https://lo.example/c", waived="accepted until May")
    fixed = Finding("links.broken", "https://lo.example/d -> x", Severity.ERROR, "Was broken.", status="fixed")
    pages = {"crawled": 3, "html": 3, "rendered": 0, "documents": 0, "errors": 0}
    return CheckResult(findings=(broken, stale), waived=(waived,), fixed=(fixed,), metrics={"pages": pages},
                       run={"site_name": "Exampleshire", "status": "complete"}, today="2026-11-01",
                       rules_run=("links.broken", "content.stale"), skipped=({"rule": "a11y", "reason": "off"},),
                       generated_at="2026-11-01T06:00:00+00:00")


def _fields(f: Finding) -> tuple:
    return (f.rule, f.subject, f.severity, f.message, f.url, f.expected, f.found, f.fix, f.evidence, f.service_id,
            f.owner, f.owner_email, f.status, f.waived)


def test_findings_round_trip_typed(tmp_path):
    result = _result()
    path = write_findings(result, tmp_path)
    assert path == tmp_path / "findings.json"
    back = read_findings(tmp_path)
    for name in ("findings", "waived", "fixed"):
        got, want = getattr(back, name), getattr(result, name)
        assert all(isinstance(f, Finding) and isinstance(f.severity, Severity) for f in got)
        assert [_fields(f) for f in got] == [_fields(f) for f in want]  # evidence included
    assert back == result and back.to_dict() == result.to_dict()
    assert (back.metrics, back.run, back.skipped) == (result.metrics, result.run, result.skipped)


@pytest.mark.parametrize("change, field", [
    (lambda d: d["findings"][0].update(severity="fatal"), "findings.0.severity"),
    (lambda d: d["findings"][1].pop("rule"), "findings.1.rule"),
    (lambda d: d["findings"][0].update(rule="links.broken`<b>"), "findings.0.rule"),
    (lambda d: d.pop("generated_at"), "generated_at"),
    (lambda d: d.update(fixed={}), "fixed"),
])
def test_a_malformed_findings_file_is_refused_naming_file_and_field(tmp_path, change, field):
    data = _result().to_dict()
    change(data)
    (tmp_path / "findings.json").write_text(json.dumps(data))
    with pytest.raises(ReportFileError) as err:
        read_findings(tmp_path / "findings.json")
    assert str(err.value).startswith(f"{tmp_path / 'findings.json'}: ") and f" {field}: " in str(err.value)
    assert isinstance(err.value, InputError) and exit_status(err.value) == 2


def test_not_json_and_missing(tmp_path):
    (tmp_path / "findings.json").write_text("{nope")
    with pytest.raises(ReportFileError, match="findings.json: not valid JSON: line 1"):
        read_findings(tmp_path)
    with pytest.raises(ReportFileError, match="other.json: not found"):
        read_findings(tmp_path / "other.json")


def test_history_round_trip_and_order(tmp_path):
    later = HistoryPoint.of(_result())
    earlier = HistoryPoint(date="2026-10-25", generated_at="2026-10-25T06:00:00+00:00",
                           counts={"error": 3, "warning": 0, "notice": 1}, coverage=None, pages=2)
    write_history([later, earlier], tmp_path)
    back = read_history(tmp_path)
    assert back == [earlier, later]  # sorted by date
    assert later.counts == {"error": 1, "warning": 1, "notice": 0} and later.total == 2
    assert (later.new, later.fixed, later.persisting, later.waived) == (1, 1, 1, 1)
    assert read_history(tmp_path / "none" / "history.json") == []


def test_a_malformed_history_is_refused_naming_file_and_field(tmp_path):
    point = HistoryPoint(date="2026-11-01").to_dict()
    point["counts"]["error"] = "many"
    (tmp_path / "history.json").write_text(json.dumps([HistoryPoint(date="2026-10-01").to_dict(), point]))
    with pytest.raises(ReportFileError) as err:
        read_history(tmp_path)
    assert f"{tmp_path / 'history.json'}: 1.counts.error: expected a whole number" in str(err.value)
    (tmp_path / "history.json").write_text(json.dumps([{"date": "2026-11-01", "score": 80}]))
    with pytest.raises(ReportFileError, match=r"history.json: 0.counts: missing \(required\)"):
        read_history(tmp_path)


def test_one_severity_order():
    assert sorted(Severity, key=lambda s: -s.rank) == [Severity.ERROR, Severity.WARNING, Severity.NOTICE]
    assert [Severity.rank_of(v) for v in ("error", Severity.WARNING, "notice", "fatal", None)] == [3, 2, 1, 0, 0]


def test_the_gate():
    result = _result()  # active: a persisting error, a new warning
    assert gate(result.findings, "never") == []
    assert [f.rule for f in gate(result.findings, "error")] == ["links.broken"]
    assert gate(result.findings, "error", new_only=True) == []
    assert [f.rule for f in gate(result.findings, "warning", new_only=True)] == ["content.stale"]
    assert len(gate(result.findings, "notice")) == 2
    assert gate(result.waived, "notice") == []  # waived findings never fail a run


def test_md_link_takes_text_then_url():
    assert md_link("Home page", "https://lo.example/") == "[Home page](https://lo.example/)"
    assert md_link("Home page", "javascript:alert(1)") == "Home page (javascript&#58;alert&#40;1&#41;)"


def test_summary_from_the_result_in_memory_equals_the_one_read_back(tmp_path):
    """The reports folder makes summary.md from the result it has just written; the text is
    the same as when summary.md is made by reading findings.json and history.json back."""
    from checks.reports.summary import write_summary

    result = _result()
    result = CheckResult(findings=(*result.findings, result.findings[1].with_(status="new", subject="other")),
                         waived=result.waived, fixed=result.fixed,
                         metrics={**result.metrics, "statutory": {"score": 75, "covered": 6, "total": 8, "topics": []}},
                         run={**result.run, "status": "stopped", "council": "Exampleshire <b>@team</b>"},
                         today=result.today, rules_run=result.rules_run, skipped=result.skipped,
                         generated_at=result.generated_at)
    points = [HistoryPoint(date="2026-10-25", coverage=50.0), HistoryPoint.of(result)]
    read_back, in_memory = tmp_path / "read", tmp_path / "memory"
    write_findings(result, read_back)
    write_history(points, read_back)
    in_memory.mkdir()
    a = write_summary(read_back, step_summary=False).read_text(encoding="utf-8")
    b = write_summary(in_memory, step_summary=False, result=result, history=points).read_text(encoding="utf-8")
    assert a == b and "Warning: the crawl did not finish" in a and "+25 since last run" in a


def test_the_reports_never_publish_a_findings_file_the_next_run_would_refuse(tmp_path):
    bad = _result()
    bad = CheckResult(findings=(bad.findings[0].with_(status="gone"),), metrics=bad.metrics,
                      generated_at=bad.generated_at)
    with pytest.raises(ReportFileError, match=r"findings\.json: findings\.0\.status: expected one of"):
        write_findings(bad, tmp_path, check=True)
    assert not (tmp_path / "findings.json").exists()
    write_findings(bad, tmp_path)  # the plain writer (tests, tools) still writes what it is given
    with pytest.raises(ReportFileError):
        read_findings(tmp_path)
