"""End to end: crawl the demo, run the checks, score the findings against the ground truth.

Prints recall and precision per family and asserts at least 0.95 for each. Needs the
crawler (``crawler.crawl.crawl``), the checks (``checks.engine.run_checks``) and a
Chromium for the script-only parts of the demo.
"""

from __future__ import annotations

import json
from argparse import Namespace

import pytest

from lo_audit.demo.content import data_path
from lo_audit.demo.groundtruth import format_scores, load_truth, score
from lo_audit.demo.run import resolve_data
from lo_audit.demo.server import DemoSite

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_recall_and_precision_per_family(tmp_path, capsys):
    from checks.engine import run_checks
    from checks.reports import write_reports
    from crawler.crawl import crawl
    from lo_audit.config import load
    from lo_audit.progress import reporter

    args = Namespace(db=str(tmp_path / "crawl.sqlite"), out=str(tmp_path / "reports"),
                     site_dir=str(tmp_path / "site"), docs_dir=str(tmp_path / "docs"), browser=None, quiet=True)
    with DemoSite() as site:
        cfg = load(resolve_data(site, args, tmp_path / "demo"))
        crawl(cfg.crawl, browser=None, progress=reporter(quiet=True))
        result = run_checks(cfg)
        write_reports(result, cfg)
        truth = load_truth(data_path("ground_truth.yml"), site.bases)
        admin_requests = site.requested("/kb5/exampleshire/directory/admin/")
    assert not admin_requests, "robots.txt disallows the admin pages, but they were fetched"
    data = json.loads((tmp_path / "reports" / "findings.json").read_text(encoding="utf-8"))
    findings = data["findings"] + data.get("waived", [])
    scores = score(findings, truth)
    with capsys.disabled():
        print("\n" + format_scores(scores))
    low = {fam: (s["recall"], s["precision"]) for fam, s in scores.items()
           if s["recall"] < 0.95 or s["precision"] < 0.95}
    assert not low, f"families below 0.95 recall/precision: {low}"
