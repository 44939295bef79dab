"""Nothing crawled or catalogued can notify people or link issues in what is posted to GitHub."""

from __future__ import annotations

import html
import re

from reportdata import as_report, findings_doc

from lo_audit.ci import github_issue as gi
from checks.reports import summary

HOSTILE = "@everyone @org/team see #123, GH-45 and owner/repo#6"


def _hostile_doc() -> dict:
    doc = findings_doc(name=f"Council {HOSTILE}")
    for f in doc["findings"]:
        f["message"] = f"{f['message']} {HOSTILE}"
        f["url"] = f["url"] and f["url"] + "/@someone"
    doc["findings"][0]["service_id"] = "@svc #7"
    return doc


def _live(text: str) -> list[str]:
    """Mentions and references GitHub would act on: @name, #digits, GH-digits, not preceded by a word char
    (link destinations ``](...)`` are not text, so they are left out)."""
    text = html.unescape(re.sub(r"\]\([^)\s]*\)", "]", text))  # GitHub reads &#35; as #
    return re.findall(r"(?<!\w)@[A-Za-z0-9_]|#\d|\bGH-\d", text, re.I)


def test_summary_and_step_summary_neutralise_mentions(tmp_path, monkeypatch):
    from reportdata import write_reports

    folder = write_reports(tmp_path / "reports", _hostile_doc())
    step = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    text = summary.write_summary(folder).read_text(encoding="utf-8")
    assert "everyone" in text and "org/team" in text  # still readable
    assert _live(text) == [] and _live(step.read_text(encoding="utf-8")) == []


def test_issue_body_neutralises_mentions():
    body = gi.build_issue_body(as_report(_hostile_doc()), site_url="https://audit.example/")
    assert body is not None and "everyone" in body
    shown = body.split("<!-- lo-audit-ids")[0]
    assert _live(shown) == [], _live(shown)
