"""End to end through the real command: ``lo-audit demo`` crawls the demo, checks it,
writes the reports and builds the site; then the findings are scored against the
ground truth (recall and precision per family are printed), and the outputs the
issues promise are checked.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from lo_audit.demo.content import data_path
from lo_audit.demo.groundtruth import format_scores, load_truth, score_report

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo_run(demo_runs):
    """The second of two ``lo-audit demo`` runs (see ``tests/conftest.py``)."""
    work, statuses = demo_runs
    return work, statuses[-1]


def _ports(work: Path) -> dict[str, str]:
    ports = json.loads((work / ".lo-audit" / "demo" / "ports.json").read_text())
    return {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}


def test_demo_exits_0_and_writes_the_reports(demo_run):
    work, status = demo_run
    assert status == 0
    for name in ("findings.json", "findings.csv", "pages.csv", "summary.md"):
        assert (work / "reports" / name).stat().st_size > 0, name


def test_recall_and_precision_per_family(demo_run, capsys):
    work, _ = demo_run
    truth = load_truth(data_path("ground_truth.yml"), _ports(work))
    scores = score_report(work / "reports", truth)
    with capsys.disabled():
        print("\n" + format_scores(scores))
    assert len(scores) >= 5
    low = {fam: (s["recall"], s["precision"]) for fam, s in scores.items()
           if s["recall"] < 0.95 or s["precision"] < 0.95}
    assert not low, f"families below 0.95 recall/precision: {low}"


def test_job_summary_is_written_within_github_limits(demo_run):
    work, _ = demo_run
    for n in (1, 2):
        size = (work / f"step-summary-{n}.md").stat().st_size
        assert 200 <= size < 2**20


def test_a_second_run_keeps_finding_ids_and_history(demo_runs):
    """Each demo makes the same four weekly runs afresh: same ids, same statuses, same history dates."""
    work, statuses = demo_runs
    assert statuses == [0, 0]
    first = json.loads((work / "reports-first" / "findings.json").read_text())
    second = json.loads((work / "reports" / "findings.json").read_text())
    assert {f["id"]: f["status"] for f in first["findings"]} == {f["id"]: f["status"] for f in second["findings"]}
    history = json.loads((work / "reports" / "history.json").read_text())
    assert [e["date"] for e in history] == ["2026-10-11", "2026-10-18", "2026-10-25", "2026-11-01"]


def test_the_weekly_runs_show_fixes_and_new_faults(demo_run):
    """The demo's history is a real trend: earlier faults fixed, new ones appearing."""
    work, _ = demo_run
    history = json.loads((work / "reports" / "history.json").read_text())
    errors = [e["counts"]["error"] for e in history]
    assert errors[0] > errors[1] > errors[2], errors  # fixes week by week
    assert all(e["fixed"] > 0 for e in history[1:]), history
    assert history[-1]["new"] >= 1  # the travel team's phone link broke in the final week
    data = json.loads((work / "reports" / "findings.json").read_text())
    assert data["metrics"]["compared_with"] == "2026-10-25"
    new = [f for f in data["findings"] if f["status"] == "new"]
    assert [(f["rule"], f["evidence"].get("href")) for f in new] == [("links.tel", "tel:0117496")]
    fixed_targets = {f["evidence"].get("target", "").rsplit("/", 1)[-1] for f in data["fixed"]}
    assert "holiday-scheme-2025" in fixed_targets
    # only what changed on the site counts as fixed: an earlier week's catalogue has no review dates after it
    assert {f["rule"] for f in data["fixed"]} == {"links.broken"}
    assert all("catalogue" not in e["families"] for e in history), [e["families"] for e in history]


def test_site_has_at_least_20_pages_and_five_families(demo_run):
    work, _ = demo_run
    pages = list((work / "site").rglob("index.html"))
    assert len(pages) >= 20
    families = {f["family"] for f in json.loads((work / "reports" / "findings.json").read_text())["findings"]}
    assert len(families) >= 5, families


def test_robots_disallowed_pages_were_not_fetched(demo_run):
    work, _ = demo_run
    with sqlite3.connect(work / ".lo-audit" / "demo.sqlite") as conn:
        rows = conn.execute("SELECT guard, status FROM pages WHERE url LIKE '%/directory/admin/%'").fetchall()
    assert rows and all(guard == "robots" and not status for guard, status in rows)
