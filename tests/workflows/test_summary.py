"""checks.reports.summary: summary.md, the GitHub job summary, escaping and the gate."""

from __future__ import annotations

import json

import pytest
from reportdata import findings_doc, write_reports

from checks.reports import summary
from lo_audit.ci import summary as summary_program
from common.errors import InputError

MIB = 1024 * 1024


def test_writes_summary_and_step_summary(reports, tmp_path, monkeypatch):
    step = tmp_path / "step_summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    out = summary.write_summary(reports, site_url="https://audit.example/")
    text = out.read_text(encoding="utf-8")
    assert out == reports / "summary.md"
    assert 200 < step.stat().st_size < MIB
    assert step.read_text(encoding="utf-8").strip() == text.strip()
    assert "| Pages crawled | 412 |" in text
    assert "5 (3 errors, 1 warning, 1 notice)" in text  # the waived finding is not counted
    assert "| New since last run | 4 |" in text
    assert "| Fixed since last run | 1 |" in text
    assert "80% (4 of 5 topics), +10 since last run" in text
    assert "links 1" in text and "statutory 1" in text
    assert "[https&#58;//audit.example/](https://audit.example/)" in text
    assert "### New findings (4)" in text


def test_without_step_summary_only_the_file(reports):
    summary.write_summary(reports)
    assert (reports / "summary.md").stat().st_size > 200


def test_site_url_falls_back_to_run_info_then_env(reports, monkeypatch):
    assert "https://audit.exampleshire.example/" in summary.write_summary(reports).read_text()
    monkeypatch.setenv("LO_AUDIT_SITE_URL", "https://env.example/audit/")
    assert "https://env.example/audit/" in summary.write_summary(reports).read_text()


def test_github_pages_default(monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_REPOSITORY", "Exampleshire/local-offer-audit")
    assert summary.default_site_url() == "https://exampleshire.github.io/local-offer-audit/"
    monkeypatch.setenv("GITHUB_REPOSITORY", "Exampleshire/exampleshire.github.io")
    assert summary.default_site_url() == "https://exampleshire.github.io/"


def test_crawled_text_is_escaped(reports):
    doc = json.loads((reports / "findings.json").read_text())
    doc["findings"][0]["message"] = "Bad | <script>alert(1)</script> `tick` [x](javascript:alert(1)) *b* _i_"
    doc["findings"][0]["url"] = "javascript:alert(1)"
    doc["run"]["site_name"] = "Council <img src=x onerror=alert(1)>"
    (reports / "findings.json").write_text(json.dumps(doc))
    text = summary.write_summary(reports).read_text()
    assert "<script>" not in text and "<img" not in text
    assert "&#60;script&#62;" in text
    assert "](javascript:" not in text
    assert "&#124;" in text and "&#96;tick&#96;" in text and "&#91;x&#93;" in text
    row = next(line for line in text.splitlines() if "&#60;script&#62;" in line)
    assert row.count(" | ") == 3  # four cells: the pipe in the message did not split the row


def test_huge_findings_list_is_bounded(tmp_path, monkeypatch):
    reports = write_reports(tmp_path / "big", findings_doc(n_extra=30_000))
    step = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    text = summary.write_summary(reports).read_text(encoding="utf-8")
    assert len(text.encode()) < MIB and 200 < step.stat().st_size < MIB
    assert "30003 more new findings" in text or "more new findings" in text
    # even with a huge "top" list the text is cut at a line and says so
    huge = summary.limit_bytes(summary.render_summary(summary.load_findings(reports), top=30_000))
    assert len(huge.encode()) <= summary.MAX_BYTES
    assert huge.rstrip().endswith("see findings.json for the full list.)_")


def test_step_summary_already_nearly_full(reports, tmp_path, monkeypatch):
    step = tmp_path / "step.md"
    step.write_text("x" * (summary.MAX_BYTES - 100))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    summary.write_summary(reports)
    assert step.stat().st_size < MIB


def test_limit_bytes_keeps_utf8_whole():
    text = ("é" * 50 + "\n") * 100
    cut = summary.limit_bytes(text, 1000, note="\n(cut)\n")
    assert len(cut.encode()) <= 1000 and cut.endswith("(cut)\n")
    cut.encode("utf-8")


@pytest.mark.parametrize("content, message", [
    (None, "findings.json: not found"),
    ("{not json", "not valid JSON: line 1"),
    ('{"findings": {}}', "findings: expected a list, got a mapping"),
])
def test_input_errors_name_the_file(tmp_path, content, message):
    folder = tmp_path / "r"
    folder.mkdir()
    if content is not None:
        (folder / "findings.json").write_text(content)
    with pytest.raises(InputError, match=message) as err:
        summary.write_summary(folder)
    assert str(folder / "findings.json") in str(err.value)


def test_history_tolerates_junk(reports):
    (reports / "history.json").write_text("[1, 2, {\"score\": \"x\"}]")
    assert "80%" in summary.write_summary(reports).read_text()
    (reports / "history.json").write_text("{broken")
    assert summary.load_history(reports) == []


def test_gate(reports, capsys):
    doc = summary.load_findings(reports)
    assert len(summary.gate_failures(doc, "error")) == 3
    assert len(summary.gate_failures(doc, "error", new_only=True)) == 3
    assert len(summary.gate_failures(doc, "warning", new_only=True)) == 3
    assert len(summary.gate_failures(doc, "warning")) == 4
    assert summary.gate_failures(doc, "never") == []
    assert summary_program._main(["gate", str(reports), "--fail-on", "error"]) == 1
    assert summary_program._main(["gate", str(reports), "--fail-on", "never"]) == 0
    assert summary_program._main(["gate", str(reports / "missing")]) == 2
