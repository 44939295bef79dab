"""Every rule is documented, and every rule id of checks/CONTRACT.md is registered."""

from __future__ import annotations

import re
from pathlib import Path

from checks.rules import all_rules

ENGINE_RULES = {"waivers.expired"}


def _contract_ids() -> set[str]:
    text = (Path(__file__).resolve().parents[3] / "checks" / "CONTRACT.md").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^\| ([a-z0-9-]+\.[a-z0-9.<>-]+) \|", text, re.M)}


def test_every_rule_has_a_title_and_a_body():
    for rule in all_rules().values():
        lines = rule.doc.splitlines()
        assert lines and lines[0].strip(), f"{rule.id} has no title"
        body = "\n".join(lines[1:]).strip()
        assert len(body) > 80, f"{rule.id} has no documentation body"
        assert "**How to fix.**" in body and "**Why it matters.**" in body and "**Options.**" in body, rule.id


def test_contract_rule_ids_are_registered():
    ids = _contract_ids()
    assert "links.broken" in ids and len(ids) > 30
    rules = all_rules()
    missing = {i for i in ids if not i.startswith("a11y.") and i not in ENGINE_RULES and i not in rules}
    assert not missing
    assert rules["a11y.axe"].prefix and rules["a11y.axe"].covers("a11y.image-alt")


def test_every_rule_runs_on_an_empty_and_a_small_site(make_ctx):
    from checks.catalogue.model import Service
    from checks.pipeline.engine import plan, run_rules
    from rules_storekit import CMS, link, page

    rules = all_rules()
    for ctx in (make_ctx(services=[]),
                make_ctx(pages=[page(f"{CMS}/", main_text="Welcome. " * 60), page(f"{CMS}/a", status=500)],
                         links=[link(f"{CMS}/", f"{CMS}/a")], services=[Service("s1", "Play Scheme")])):
        todo, skipped = plan(rules, {}, has_catalogue=True)
        findings, ran, failed = run_rules(todo, ctx, {})
        assert not failed and not skipped and len(ran) == len(rules)
        assert {"statutory", "inspection", "services"} <= set(ctx.metrics)
