"""``lo-audit merge`` on the reports of two real demo runs: one comparative site."""

from __future__ import annotations

import json

import pytest

from lo_audit.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_merge_of_two_demo_runs_builds_a_comparison(demo_runs):
    work, _ = demo_runs
    site = work / "merged-site"
    status = main(["merge", str(work / "reports-first"), str(work / "reports"), "--site-dir", str(site)])
    assert status == 0
    index = (site / "index.html").read_text(encoding="utf-8")
    score = json.loads((work / "reports" / "findings.json").read_text())["metrics"]["statutory"]["score"]
    assert "Exampleshire" in index
    assert f"{score}" in index or f"{round(score)}" in index
    assert len(list(site.rglob("index.html"))) >= 3
