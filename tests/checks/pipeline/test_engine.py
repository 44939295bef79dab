"""The check engine on a real store with small rules registered for the test."""

from __future__ import annotations

import logging

import pytest

from checks.pipeline.engine import run_checks
from checks.reports.finding import Finding, Severity
from checks.pipeline.registry import rule
from lo_audit.config import OwnerRule, RuleConfig
from checks.errors import CatalogueError
from common.errors import ConfigError
from crawler.errors import StoreError

from checks_testkit import SITE, make_cfg


@pytest.fixture
def test_rules(isolated_rules):
    @rule("testing.errors", "error")
    def http_errors(ctx):
        """Pages answering 4xx."""
        for page in ctx.store.pages():
            if page.status >= 400:
                yield Finding("testing.errors", page.url, Severity.ERROR, f"{page.url} answers {page.status}",
                              url=page.url, evidence={"limit": ctx.options["limit"]})
        ctx.metrics["testing"] = {"today": ctx.today.isoformat(), "limit": ctx.options["limit"]}

    http_errors_options = isolated_rules["testing.errors"].options
    http_errors_options["limit"] = 1

    @rule("testing.services", "warning", needs_catalogue=True)
    def per_service(ctx):
        """One finding per catalogue service."""
        return [Finding("testing.services", s.id, Severity.WARNING, f"check {s.name}", service_id=s.id,
                        url=f"{SITE}/health") for s in ctx.catalogue.services]

    @rule("testing.broken", "notice")
    def broken(ctx):
        """Always fails."""
        raise RuntimeError("boom")

    @rule("axetest.axe", "warning", prefix=True)
    def axe(ctx):
        """Emits sub-ids."""
        yield Finding("axetest.color-contrast", "c", Severity.WARNING, "contrast", url=f"{SITE}/")
        yield Finding("axetest.image-alt", "i", Severity.WARNING, "alt", url=f"{SITE}/health")
    return isolated_rules


def test_runs_rules_on_the_store(tmp_path, small_store, test_rules, caplog):
    caplog.set_level(logging.INFO, "checks.pipeline.engine")
    cfg = make_cfg(tmp_path, small_store, today="2024-06-01",
                   rules={"testing.errors": RuleConfig(options={"limit": 7})})
    result = run_checks(cfg)
    errors = [f for f in result.findings if f.rule == "testing.errors"]
    assert [f.url for f in errors] == [f"{SITE}/gone"] and errors[0].evidence == {"limit": 7}
    assert result.metrics["testing"] == {"today": "2024-06-01", "limit": 7}
    assert result.metrics["pages"] == {"crawled": 4, "html": 3, "rendered": 1, "documents": 1, "errors": 1}
    assert result.today == "2024-06-01"
    assert result.rules_run == ("axetest.axe", "testing.errors")
    assert {"rule": "testing.services", "reason": "needs a service catalogue (checks.catalogue)"} in result.skipped
    assert any(s["rule"] == "testing.broken" and "RuntimeError: boom" in s["reason"] for s in result.skipped)
    assert "rules enabled (3): axetest.axe, testing.broken, testing.errors" in caplog.text
    assert "rule testing.broken failed and was skipped" in caplog.text
    assert [f.severity for f in result.findings] == sorted((f.severity for f in result.findings), key=lambda s: -s.rank)
    assert "secret" not in repr(result.run) and "sid" not in repr(result.run)
    assert result.run["settings"] == {"max_pages": 10}
    assert result.headline().startswith("3 findings (1 errors, 2 warnings, 0 notices): 3 new, 0 fixed, 0 waived; 4 pages")


def test_severity_overrides_and_disabled_rules(tmp_path, small_store, test_rules):
    cfg = make_cfg(tmp_path, small_store, rules={
        "axetest.color-contrast": RuleConfig(severity="error"),
        "axetest.image-alt": RuleConfig(enabled=False),
        "testing.errors": RuleConfig(severity="notice"),
        "testing.broken": RuleConfig(enabled=False),
    })
    result = run_checks(cfg)
    assert {(f.rule, f.severity.value) for f in result.findings} == {
        ("axetest.color-contrast", "error"), ("testing.errors", "notice")}
    assert {"rule": "testing.broken", "reason": "disabled in the configuration"} in result.skipped


def test_prefix_rule_severity_applies_to_every_sub_id(tmp_path, small_store, test_rules):
    result = run_checks(make_cfg(tmp_path, small_store, rules={"axetest.axe": RuleConfig(severity="notice")}))
    assert {f.severity.value for f in result.findings if f.family == "axetest"} == {"notice"}


def test_unknown_rule_ids_are_a_config_error_with_close_matches(tmp_path, small_store, test_rules):
    cfg = make_cfg(tmp_path, small_store, rules={"testing.eror": RuleConfig(), "nothing.like-it": RuleConfig()})
    with pytest.raises(ConfigError) as info:
        run_checks(cfg)
    assert "checks.rules.testing.eror: unknown rule id; did you mean 'testing.errors'" in info.value.problems[0]
    assert "checks.rules.nothing.like-it: unknown rule id" in info.value.problems[1]


def test_catalogue_rules_and_owners(tmp_path, small_store, test_rules):
    catalogue = tmp_path / "c.yml"
    catalogue.write_text("services:\n  - {id: a, name: A, owner: {team: Health, email: h@example.gov.uk}}\n"
                         "  - {id: b, name: B}\n")
    owners = (OwnerRule(pattern=f"{SITE}/gon*", owner="Web team", email="web@example.gov.uk"),
              OwnerRule(pattern="*", owner="Everyone else"))
    result = run_checks(make_cfg(tmp_path, small_store, catalogue=str(catalogue), owners=owners,
                                 default_owner="LO team"))
    owner = {(f.rule, f.subject): (f.owner, f.owner_email) for f in result.findings}
    assert owner[("testing.services", "a")] == ("Health", "h@example.gov.uk")
    assert owner[("testing.services", "b")] == ("Everyone else", "")   # no service owner: URL rules
    assert owner[("testing.errors", f"{SITE}/gone")] == ("Web team", "web@example.gov.uk")
    assert "testing.services" in result.rules_run


def test_missing_store_and_bad_catalogue_are_input_errors(tmp_path, small_store, test_rules):
    with pytest.raises(StoreError, match="no crawl store here"):
        run_checks(make_cfg(tmp_path, tmp_path / "nope.sqlite"))
    bad = tmp_path / "c.yml"
    bad.write_text("services:\n  - {id: a}\n")
    with pytest.raises(CatalogueError, match="services.0.name: missing"):
        run_checks(make_cfg(tmp_path, small_store, catalogue=str(bad)))


def test_duplicate_subjects_count_once(tmp_path, small_store, isolated_rules):
    @rule("testing.twice", "warning")
    def twice(ctx):
        """Reports the same subject twice."""
        return [Finding("testing.twice", "x", Severity.WARNING, "one"), Finding("testing.twice", "x", Severity.WARNING, "two")]

    result = run_checks(make_cfg(tmp_path, small_store))
    assert [f.message for f in result.findings] == ["one"]


def test_unfinished_crawl_withholds_site_wide_absence_findings(tmp_path, small_store):
    """A crawl that stopped early has not seen the whole site: "no page about X" findings are
    withheld (one line each in ``skipped``), while page-level findings stay."""
    import sqlite3

    from checks.rules import all_rules

    SITE_WIDE_ABSENCE = {r.id for r in all_rules().values() if r.absence}
    assert SITE_WIDE_ABSENCE == {"statutory.topic-missing", "statutory.you-said-we-did",
                                 "statutory.accessibility-statement", "statutory.offline-access"}
    finished = run_checks(make_cfg(tmp_path, small_store, today="2024-06-01"))
    absences = {f.rule for f in finished.findings if f.rule in SITE_WIDE_ABSENCE}
    assert {"statutory.topic-missing", "statutory.accessibility-statement"} <= absences, "negative control"
    assert not any(s["rule"] in SITE_WIDE_ABSENCE for s in finished.skipped)

    with sqlite3.connect(small_store) as conn:
        conn.execute("UPDATE runs SET status='running', finished_at=NULL")
    partial = run_checks(make_cfg(tmp_path, small_store, today="2024-06-01"))
    assert partial.run["unfinished"]
    assert not [f for f in partial.findings if f.rule in SITE_WIDE_ABSENCE]
    notices = [s for s in partial.skipped if s["rule"] in SITE_WIDE_ABSENCE]
    assert {s["rule"] for s in notices} == absences and len(notices) == len(absences)
    assert all("did not finish" in s["reason"] for s in notices)
    assert [f.url for f in partial.findings if f.rule == "links.broken"] == \
        [f.url for f in finished.findings if f.rule == "links.broken"] != []
