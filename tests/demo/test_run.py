"""``lo-audit demo`` wiring: the resolved data files and the summary (the audit is faked)."""

from __future__ import annotations

from checks.reports.files import write_findings
from checks.reports.finding import Finding, Severity
from checks.reports.result import CheckResult

import json
from argparse import Namespace

import yaml

from lo_audit.config import load
from lo_audit.demo import run as demo_run
from lo_audit.demo.server import DemoSite


def _args(tmp_path, **extra):
    return Namespace(db=str(tmp_path / "d.sqlite"), out=str(tmp_path / "reports"), site_dir=str(tmp_path / "site"),
                     docs_dir=str(tmp_path / "docs"), browser=None, quiet=True, serve=False, port=0, **extra)


def test_resolved_config_loads_and_points_at_the_demo(tmp_path):
    with DemoSite() as site:
        path = demo_run.resolve_data(site, _args(tmp_path), tmp_path / "work")
        cfg = load(path)
        assert list(cfg.crawl.start_urls) == site.start_urls
        assert list(cfg.crawl.allow_hosts) == site.allow_hosts
        assert cfg.crawl.allow_private and cfg.crawl.rate == 0
        assert cfg.checks.today == "2026-11-01"
        assert cfg.crawl.db == str(tmp_path / "d.sqlite")
        assert cfg.reports.out == str(tmp_path / "reports")
        assert cfg.site.dir == str(tmp_path / "site") and cfg.site.docs_dir == str(tmp_path / "docs")
        assert cfg.site.name == "Exampleshire SEND Local Offer"
        assert all(site.bases["cms"] in o.pattern or site.bases["dir"] in o.pattern for o in cfg.checks.owners)
        catalogue = (tmp_path / "work" / "catalogue.yml").read_text()
        assert "{dir}" not in catalogue and site.bases["dir"] in catalogue
        waivers = yaml.safe_load((tmp_path / "work" / "waivers.yml").read_text())["waivers"]
        assert sorted(w["expires"] for w in waivers)[0] < "2026-11-01" < sorted(w["expires"] for w in waivers)[-1]


def test_catalogue_and_waivers_pass_the_loaders(tmp_path):
    with DemoSite() as site:
        cfg = load(demo_run.resolve_data(site, _args(tmp_path), tmp_path / "work"))
    from checks.catalogue import load_catalogue

    catalogue = load_catalogue(cfg.checks.catalogue, "yaml", "")
    assert len(catalogue.services) >= 60
    owners = {s.owner for s in catalogue.services}
    assert {"SEND Information Team", "Children's Health Therapies", "Short Breaks Team",
            "Preparing for Adulthood Team", "Education Inclusion Service"} <= owners
    from checks.triage.waivers import load_waivers

    assert len(load_waivers(cfg.checks.waivers)) == 2


def test_run_demo_prints_a_summary(tmp_path, monkeypatch, capsys):
    def fake_audit(config_path, args, site=None):
        out = tmp_path / "reports"
        out.mkdir()
        findings = (Finding("links.broken", "a", Severity.ERROR, "Broken."),
                    Finding("content.stale", "b", Severity.WARNING, "Old."))
        waived = (Finding("content.stale", "c", Severity.WARNING, "Old.", waived="accepted"),)
        pages = {"crawled": 250, "html": 250, "rendered": 80, "documents": 0, "errors": 0}
        write_findings(CheckResult(findings, waived, metrics={"pages": pages}, today="2026-11-01",
                                   generated_at="2026-11-01T00:00:00+00:00"),
                       out)

    monkeypatch.setattr(demo_run, "audit", fake_audit)
    assert demo_run.run_demo(_args(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "Pages crawled: 250" in out and "1 errors" in out and "links 1" in out
    assert "findings.csv" in out and "lo-audit serve --site-dir" in out
