"""Waivers: validation with file:line, matching by globs, expiry."""

from __future__ import annotations

from datetime import date

import pytest

from checks.reports.finding import Finding, Severity
from checks.triage.waivers import apply_waivers, load_waivers
from lo_audit.cli import main
from checks.errors import WaiverError

SITE = "https://lo.example.gov.uk"
FINDINGS = [
    Finding("links.redirect", "a", Severity.WARNING, "redirect", url=f"{SITE}/old/a"),
    Finding("links.broken", "b", Severity.ERROR, "broken", url=f"{SITE}/old/b"),
    Finding("contact.phone", "svc-1", Severity.ERROR, "phone", url=f"{SITE}/s/1", service_id="svc-1"),
    Finding("contact.email", "svc-2", Severity.ERROR, "email", url=f"{SITE}/s/2", service_id="svc-2"),
]


def write(tmp_path, text):
    path = tmp_path / "waivers.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_valid_waivers_waive_by_url_and_service_glob(tmp_path):
    waivers = load_waivers(write(tmp_path, f"""\
waivers:
  - rule: links.*
    url: {SITE}/old/*
    reason: Old section is being rebuilt
    who: Web team
    expires: "2024-12-31"
  - rule: contact.phone
    service: svc-*
    reason: The number changes next month
    who: Jo
    expires: 2024-06-01
"""))
    active, waived = apply_waivers(FINDINGS, waivers, date(2024, 6, 1))
    assert [f.rule for f in active] == ["contact.email"]
    assert {f.rule: f.waived for f in waived} == {"links.redirect": "Old section is being rebuilt",
                                                  "links.broken": "Old section is being rebuilt",
                                                  "contact.phone": "The number changes next month"}
    assert waivers[1].source == f"{tmp_path}/waivers.yml:7: waivers.1"


def test_expired_waiver_does_not_waive_and_warns(tmp_path):
    waivers = load_waivers(write(tmp_path, """\
waivers:
  - {rule: contact.phone, service: svc-1, reason: Temporary, who: Jo, expires: 2024-05-31}
"""))
    active, waived = apply_waivers(FINDINGS, waivers, date(2024, 6, 1))
    assert waived == []
    expired = [f for f in active if f.rule == "waivers.expired"]
    assert len(expired) == 1 and len(active) == 5
    (warning,) = expired
    assert warning.severity == Severity.WARNING and warning.url == f"{SITE}/s/1"
    assert "expired on 2024-05-31" in warning.message and warning.evidence["matched"] == 1
    assert warning.evidence["waiver"]["source"].endswith("waivers.yml:2: waivers.0")


def test_every_problem_named_with_line_and_field(tmp_path):
    path = write(tmp_path, """\
waivers:
  - rule: links.broken
    url: https://x/*
    reason: ok
    who: me
    expires: 2024-02-30
  - rule: links.broken
    reason: no target
    who: me
    expires: soon
  - url: https://x/
    reason: ""
    who: me
    expires: 2025-01-01
    note: extra
""")
    with pytest.raises(WaiverError) as info:
        load_waivers(path)
    problems = info.value.problems
    expected = [
        ("waivers.yml:6: waivers.0.expires", "not a real date"),
        ("waivers.yml:7: waivers.1", "give the url"),
        ("waivers.yml:10: waivers.1.expires", "expected a date as YYYY-MM-DD, got text 'soon'"),
        ("waivers.yml:15: waivers.2.note", "unknown key"),
        ("waivers.yml:12: waivers.2.reason", "must not be empty"),
        ("waivers.yml:11: waivers.2.rule", "missing (required)"),
    ]
    for where, message in expected:
        assert any(where in p and message in p for p in problems), (where, message, problems)
    assert len(problems) == len(expected), problems


def test_broken_and_missing_files(tmp_path):
    with pytest.raises(WaiverError, match="waivers file not found"):
        load_waivers(str(tmp_path / "nope.yml"))
    with pytest.raises(WaiverError, match=r"waivers.yml:3: not valid YAML"):
        load_waivers(write(tmp_path, "waivers:\n  - {rule: [\n"))
    with pytest.raises(WaiverError, match="expected a mapping with a 'waivers:' list"):
        load_waivers(write(tmp_path, "- rule: x\n"))


def test_check_command_reports_waiver_problems_with_exit_2(tmp_path, capsys):
    from checks_testkit import build_store
    from crawler.model import Page

    db = build_store(tmp_path / "crawl.sqlite", [Page(url=f"{SITE}/", status=200)])
    path = write(tmp_path, "waivers:\n  - {rule: x.y, url: '*', reason: r, who: w, expires: tomorrow}\n")
    code = main(["check", "--db", str(db), "--out", str(tmp_path / "out"), "--waivers", path])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "waivers.yml:2: waivers.0.expires: expected a date as YYYY-MM-DD" in err


def test_engine_waives_and_configures_expired_warnings(tmp_path, small_store, isolated_rules):
    from checks.pipeline.engine import run_checks
    from checks.pipeline.registry import rule
    from checks_testkit import make_cfg
    from lo_audit.config import RuleConfig

    @rule("testing.all", "error")
    def all_pages(ctx):
        """One finding per page."""
        return [Finding("testing.all", p.url, Severity.ERROR, "m", url=p.url) for p in ctx.store.pages()]

    path = write(tmp_path, f"""\
waivers:
  - {{rule: "testing.*", url: "{SITE}/gone", reason: Known, who: Jo, expires: 2024-12-31}}
  - {{rule: testing.all, url: "{SITE}/deep", reason: Old, who: Jo, expires: 2024-01-01}}
""")
    cfg = make_cfg(tmp_path, small_store, waivers=path, today="2024-06-01")
    result = run_checks(cfg)
    assert [(f.url, f.waived) for f in result.waived] == [(f"{SITE}/gone", "Known")]
    assert f"{SITE}/deep" in {f.url for f in result.findings if f.rule == "testing.all"}
    (expired,) = [f for f in result.findings if f.rule == "waivers.expired"]
    assert expired.severity == Severity.WARNING and expired.owner == "Local Offer team"
    quiet = run_checks(cfg.override("checks", rules={"waivers.expired": RuleConfig(severity="notice")}))
    assert [f.severity for f in quiet.findings if f.rule == "waivers.expired"] == [Severity.NOTICE]
    off = run_checks(cfg.override("checks", rules={"waivers.expired": RuleConfig(enabled=False)}))
    assert not [f for f in off.findings if f.rule == "waivers.expired"]


def test_a_waiver_matching_any_page_of_a_grouped_link_finding_applies(tmp_path, static_server):
    """A broken link in a shared sidebar is one links.broken finding listing every page that
    holds it. A waiver for the page being rebuilt (not the first page in the list) waives it;
    a waiver for a page that does not hold the link does not (negative control)."""
    import yaml

    from checks.pipeline.engine import run_checks
    from crawler.crawl import crawl
    from lo_audit.config import load

    def page(title, links=""):
        return (200, "text/html; charset=utf-8", (
            f"<!doctype html><html lang='en'><head><title>{title}</title></head><body><main><h1>{title}</h1>"
            f"<p>Information for families.</p>{links}</main><aside><a href='/old-leaflet'>Our leaflet</a></aside>"
            "</body></html>").encode())

    root = static_server({
        "/": page("Home", "<a href='/about'>About</a> <a href='/rebuild/health'>Health</a>"),
        "/about": page("About"),
        "/rebuild/health": page("Health"),
        "/elsewhere": page("Elsewhere"),
    })
    (tmp_path / "lo-audit.yml").write_text(yaml.safe_dump({
        "crawl": {"start_urls": [root + "/"], "db": str(tmp_path / "crawl.sqlite"), "rate": 0, "render": "never",
                  "a11y": False, "check_external": False},
        "checks": {"today": "2026-11-01", "waivers": str(tmp_path / "waivers.yml")},
        "reports": {"out": str(tmp_path / "reports")}}))
    cfg = load(tmp_path / "lo-audit.yml")
    crawl(cfg.crawl)

    def broken(glob):
        write(tmp_path, f"""\
waivers:
  - {{rule: links.broken, url: "{glob}", reason: Section being rebuilt, who: Web team, expires: 2026-12-31}}
""")
        result = run_checks(cfg)
        return ([f for f in result.findings if f.rule == "links.broken"],
                [f for f in result.waived if f.rule == "links.broken"])

    active, waived = broken(root + "/elsewhere*")
    (finding,) = active
    assert not waived, "negative control: the glob matches no page holding the link"
    assert finding.url == root + "/" and finding.evidence["page_count"] == 3
    assert root + "/rebuild/health" in finding.evidence["pages"]
    active, waived = broken(root + "/rebuild/*")
    assert not active and [f.waived for f in waived] == ["Section being rebuilt"]


def test_an_expiry_date_followed_by_a_line_break_is_refused_with_its_line_and_field(tmp_path, capsys):
    """``expires: |`` gives "2026-12-31\\n": the schema's date pattern must refuse it (a
    ``$`` alone lets one final line break through), not the date parser later on."""
    from checks_testkit import build_store
    from crawler.model import Page

    path = write(tmp_path, "waivers:\n  - rule: links.broken\n    url: https://x/*\n    reason: ok\n    who: me\n"
                           "    expires: |\n      2026-12-31\n")
    with pytest.raises(WaiverError) as info:
        load_waivers(path)
    assert any("waivers.0.expires" in p and "expected a date as YYYY-MM-DD" in p for p in info.value.problems)
    db = build_store(tmp_path / "crawl.sqlite", [Page(url=f"{SITE}/", status=200)])
    code = main(["check", "--db", str(db), "--out", str(tmp_path / "out"), "--waivers", path])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "waivers.0.expires: expected a date as YYYY-MM-DD" in err
