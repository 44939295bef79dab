"""Owners of findings, and history across two runs (new, persisting, fixed)."""

from __future__ import annotations

import json

from checks.catalogue.model import Catalogue, Service
from checks.pipeline.engine import run_checks
from checks.reports.result import CheckResult
from checks.triage.history import mark, read_previous
from checks.reports.finding import Finding, Severity
from checks.triage.owners import assign_owners
from checks.pipeline.registry import rule
from checks.reports.folder import write_reports
from checks_testkit import SITE, make_cfg
from lo_audit.config import ChecksConfig, OwnerRule

CFG = ChecksConfig(default_owner="Local Offer team", default_owner_email="lo@example.gov.uk", owners=(
    OwnerRule(pattern=f"{SITE}/health/*", owner="Health", email="health@example.gov.uk"),
    OwnerRule(pattern=f"{SITE}/*", owner="Web"),
))
CATALOGUE = Catalogue(services=(Service(id="s1", name="S1", owner="Portage team", owner_email="p@example.gov.uk"),
                                Service(id="s2", name="S2")))


def f(url="", service_id="", owner=""):
    return Finding("x.y", url + service_id, Severity.WARNING, "m", url=url, service_id=service_id, owner=owner)


def test_owner_order_service_then_url_pattern_then_default():
    got = assign_owners([f(f"{SITE}/health/a", "s1"), f(f"{SITE}/health/a", "s2"), f(f"{SITE}/x"),
                         f("https://elsewhere.org/"), f(""), f(f"{SITE}/x", owner="Set by rule")], CATALOGUE, CFG)
    assert [(g.owner, g.owner_email) for g in got] == [
        ("Portage team", "p@example.gov.uk"), ("Health", "health@example.gov.uk"), ("Web", ""),
        ("Local Offer team", "lo@example.gov.uk"), ("Local Offer team", "lo@example.gov.uk"), ("Set by rule", "")]


def test_mark_without_history_makes_everything_new():
    active, waived, fixed = mark([f("a")], [f("b")], None)
    assert [x.status for x in active + waived] == ["new", "new"] and fixed == []


def test_mark_against_a_previous_run():
    previous = CheckResult(findings=(f("a"), f("gone")), waived=(f("was-waived"),))
    active, waived, fixed = mark([f("a"), f("b"), f("was-waived")], [], previous)
    assert [(x.url, x.status) for x in active] == [("a", "persisting"), ("b", "new"), ("was-waived", "persisting")]
    assert [(x.url, x.status) for x in fixed] == [("gone", "fixed")]


def test_unreadable_previous_findings_count_as_none(tmp_path, caplog):
    (tmp_path / "findings.json").write_text("{not json")
    assert read_previous(tmp_path) is None
    assert "cannot read the previous findings" in caplog.text


def test_two_runs_new_persisting_fixed(tmp_path, small_store, isolated_rules):
    wanted = {"urls": ["a", "b"]}

    @rule("testing.pages", "error")
    def pages(ctx):
        """Reports the URLs in ``wanted``."""
        return [Finding("testing.pages", u, Severity.ERROR, f"problem {u}", url=f"{SITE}/{u}") for u in wanted["urls"]]

    cfg = make_cfg(tmp_path, small_store, today="2024-06-01")
    first = run_checks(cfg)
    write_reports(first, cfg)
    assert [x.status for x in first.findings] == ["new", "new"]
    wanted["urls"] = ["b", "c"]
    second = run_checks(cfg.override("checks", today="2024-06-08"))
    assert {x.subject: x.status for x in second.findings} == {"b": "persisting", "c": "new"}
    assert [(x.subject, x.status) for x in second.fixed] == [("a", "fixed")]
    write_reports(second, cfg)
    saved = json.loads((tmp_path / "reports" / "findings.json").read_text())
    assert [x["subject"] for x in saved["fixed"]] == ["a"]
    history = json.loads((tmp_path / "reports" / "history.json").read_text())
    assert [(h["date"], h["new"], h["fixed"]) for h in history] == [("2024-06-01", 2, 0), ("2024-06-08", 1, 1)]


def test_a_previous_finding_whose_rule_ends_in_a_line_break_is_not_carried_over(tmp_path, small_store, isolated_rules):
    """A hand-edited findings.json whose rule id ends in a line break is refused when read
    (as any other broken previous file), instead of coming back as a "fixed" finding whose
    id the check then refuses to write (the run stopped with a message about a temporary file)."""
    wanted = {"urls": ["a", "b"]}

    @rule("testing.pages", "error")
    def pages(ctx):
        """Reports the URLs in ``wanted``."""
        return [Finding("testing.pages", u, Severity.ERROR, f"problem {u}", url=f"{SITE}/{u}") for u in wanted["urls"]]

    cfg = make_cfg(tmp_path, small_store, today="2024-06-01")
    write_reports(run_checks(cfg), cfg)
    path = tmp_path / "reports" / "findings.json"
    data = json.loads(path.read_text())
    data["findings"][0]["rule"] += "\n"
    path.write_text(json.dumps(data))
    assert read_previous(tmp_path / "reports") is None
    wanted["urls"] = ["b"]
    second = run_checks(cfg.override("checks", today="2024-06-08"))
    write_reports(second, cfg)
    saved = json.loads(path.read_text())
    assert [x["status"] for x in saved["findings"]] == ["new"] and saved["fixed"] == []


def test_a_previous_findings_file_that_is_not_utf8_counts_as_none(tmp_path, caplog):
    """A findings.json saved again by an editor in Windows-1252 (é as one byte): a warning
    and every finding new, not a traceback."""
    (tmp_path / "findings.json").write_bytes(b'{"findings": [], "message": "caf\xe9"}')
    assert read_previous(tmp_path) is None
    assert "cannot read the previous findings" in caplog.text and "UTF-8" in caplog.text
