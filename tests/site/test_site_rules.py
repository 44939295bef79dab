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


def test_a_rule_module_that_fails_to_load_fails_the_build(tmp_path):
    """A broken rule module must stop ``lo-audit build`` with one clear line, not drop its page."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(Path(__file__).parent))
    from synthetic import make_reports

    broken_tree = tmp_path / "broken"
    shutil.copytree(root / "checks", broken_tree / "checks", ignore=shutil.ignore_patterns("__pycache__"))
    links = broken_tree / "checks" / "rules" / "links.py"
    links.write_text(links.read_text(encoding="utf-8") + "\nundefined_name_in_a_rule_module\n", encoding="utf-8")
    project = tmp_path / "project"  # a copy: a failing test must not write into the checkout's docs/
    shutil.copytree(root / "docs", project / "docs", ignore=shutil.ignore_patterns(".audit-*", ".*.old-*"))
    shutil.copy(root / "mkdocs.yml", project / "mkdocs.yml")
    reports = make_reports(tmp_path / "reports", pages=5, owners=1)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(broken_tree), str(root)])}
    args = [sys.executable, "-m", "lo_audit.cli", "build", "--out", str(reports), "--site-dir", str(project / "site"),
            "--docs-dir", str(project / "docs")]
    done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert "rules cannot be loaded" in done.stderr and "links.py line" in done.stderr
    assert "undefined_name_in_a_rule_module" in done.stderr
    assert not (project / "site").exists()
