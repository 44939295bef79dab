"""Rule documentation pages: one page per family, an anchor per rule, docstring and findings."""

from checks.reports.finding import Severity
from checks.pipeline.registry import Rule

from lo_audit.site.generate import Context, generate, rule_href


def broken(ctx):
    """Broken links.

    A link on a Local Offer page leads to a page that does not answer, or answers
    with an error. Options: ``timeout`` seconds.
    """
    return []


def axe(ctx):
    """Accessibility problems found by axe-core."""
    return []


RULES = {"links.broken": Rule("links.broken", Severity.ERROR, broken, {"timeout": 20}),
         "a11y.axe": Rule("a11y.axe", Severity.WARNING, axe, prefix=True)}


def test_rule_pages_without_an_audit():
    pages = generate(None, RULES, Context())
    links = pages["rules/links.md"]
    assert "## Broken links {#links-broken}" in links
    assert "A link on a Local Offer page" in links and "`timeout`" in links
    assert "Findings in this audit" not in links
    assert "rules/index.md" in pages and "No audit has been run yet" in pages["index.md"]


def test_prefix_rules_collect_their_findings(tmp_path):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from synthetic import make_reports

    from lo_audit.site.data import load_audit

    audit = load_audit(make_reports(tmp_path, pages=10, owners=2))
    pages = generate(audit, RULES, Context())
    a11y = pages["rules/a11y.md"]
    assert "{#a11y-axe}" in a11y and "a11y.image-alt" in a11y
    assert rule_href("a11y.image-alt", RULES, "owners/x.md") == "../rules/a11y.md#a11y-axe"
    assert rule_href("content.stale", RULES, "changes.md") == "rules/content.md#content-stale"
    assert "## content.stale {#content-stale}" in pages["rules/content.md"]  # undocumented, still listed
