"""A rule knows its own id: the context it is given makes its findings and reads its options."""

from __future__ import annotations

from datetime import date

import pytest

from checks.pipeline.context import RuleContext, UnboundRuleError
from checks.pipeline.engine import run_checks, withhold_absences
from checks.pipeline.registry import DuplicateRuleError, Rule, rule
from checks.reports.finding import Finding, Severity
from checks.rules import all_rules
from crawler.store import StoreReader

from checks_testkit import SITE, make_cfg


def _ctx(store) -> RuleContext:
    return RuleContext(store=StoreReader(store), catalogue=None, config=None, today=date(2024, 6, 1))


def test_a_rule_makes_findings_without_repeating_its_id(isolated_rules, small_store):
    @rule("testing.bound", "notice", limit=2)
    def bound(ctx):
        """Pages, up to ``limit``."""
        for page in sorted(ctx.store.pages(), key=lambda p: p.url)[: ctx.option("limit")]:
            yield ctx.finding(page.url, "seen", url=page.url)

    assert isinstance(bound, Rule) and isolated_rules["testing.bound"] is bound
    found = list(bound(_ctx(small_store)))  # called directly: bound to its rule, default options
    assert [(f.rule, f.severity) for f in found] == [("testing.bound", Severity.NOTICE)] * 2
    found = list(bound(_ctx(small_store).for_rule(bound, {"limit": 1})))
    assert len(found) == 1 and found[0].subject == f"{SITE}/"


def test_the_engine_binds_each_rule_and_its_configured_options(tmp_path, isolated_rules, small_store):
    from lo_audit.config import RuleConfig

    @rule("testing.opts", "warning", limit=5)
    def opts(ctx):
        """Reports its option."""
        yield ctx.finding("x", f"limit {ctx.option('limit')}")

    result = run_checks(make_cfg(tmp_path, small_store, rules={"testing.opts": RuleConfig(options={"limit": 9})}))
    assert [(f.rule, f.message) for f in result.findings] == [("testing.opts", "limit 9")]


def test_an_id_the_rule_does_not_own_is_an_error(isolated_rules, small_store):
    @rule("testing.plain", "warning")
    def plain(ctx):
        """Tries to speak for another rule."""
        yield ctx.finding("x", "other", rule_id="testing.other")

    @rule("fam.axe", "warning", prefix=True)
    def family(ctx):
        """A prefix rule: sub-ids of its family only."""
        yield ctx.finding("a", "ok", rule_id="fam.image-alt")
        yield ctx.finding("b", "not ours", rule_id="other.image-alt")

    with pytest.raises(UnboundRuleError, match="testing.plain cannot emit findings of 'testing.other'"):
        list(plain(_ctx(small_store)))
    found = []
    with pytest.raises(UnboundRuleError, match="other.image-alt"):
        for f in family(_ctx(small_store)):
            found.append(f)
    assert [f.rule for f in found] == ["fam.image-alt"]


def test_an_undeclared_option_or_an_unbound_context_is_an_error(isolated_rules, small_store):
    @rule("testing.typo", "warning", max_examples=3)
    def typo(ctx):
        """Reads an option it does not declare."""
        return [ctx.finding("x", str(ctx.option("max_example")))]

    with pytest.raises(UnboundRuleError, match="no option 'max_example' .*max_examples"):
        typo(_ctx(small_store))
    with pytest.raises(UnboundRuleError, match="not bound"):
        _ctx(small_store).finding("x", "no rule")
    with pytest.raises(UnboundRuleError, match="not bound"):
        _ctx(small_store).option("limit")


def test_a_rule_id_registered_twice_is_refused(isolated_rules):
    rule("testing.once")(lambda ctx: [])
    with pytest.raises(DuplicateRuleError, match="testing.once"):
        rule("testing.once")(lambda ctx: [])


def test_site_wide_absence_is_declared_by_the_rule(isolated_rules):
    absent = rule("testing.absent", "error", absence=True)(lambda ctx: [])
    rule("testing.present", "error")(lambda ctx: [])
    findings = [Finding("testing.absent", "a", Severity.ERROR, "none"), Finding("testing.present", "p", Severity.ERROR, "bad")]
    kept, notices = withhold_absences(findings, True, isolated_rules.values())
    assert [f.rule for f in kept] == ["testing.present"] and [n["rule"] for n in notices] == [absent.id]
    assert withhold_absences(findings, False, isolated_rules.values()) == (findings, [])


def test_the_real_absence_rules():
    assert {r.id for r in all_rules().values() if r.absence} == {
        "statutory.topic-missing", "statutory.you-said-we-did", "statutory.accessibility-statement",
        "statutory.offline-access"}
