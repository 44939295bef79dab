"""``lo-audit run`` against a hostile site ends in bounded time, obeys robots.txt, stays out
of traps, reports every fault as a finding, keeps markup from crawled pages inert on the
built site and never writes or leaks the staging credentials."""

from __future__ import annotations

import html
import json
import re
import sqlite3

import pytest
from hostile_audit_kit import SECRET, AuditRun
from hostilesite import DIALOG_SCRIPTS, DISALLOWED, ENDLESS_SCRIPTS, LIVE_MARKUP

pytestmark = pytest.mark.browser

MAX_TRAP_REQUESTS = 60
LIVE = re.compile("|".join(re.escape(m) for m in LIVE_MARKUP), re.I)


def findings(run: AuditRun) -> list[dict]:
    return json.loads((run.reports / "findings.json").read_text(encoding="utf-8"))["findings"]


def by_rule(run: AuditRun, rule: str) -> list[dict]:
    return [f for f in findings(run) if f["rule"] == rule]


def pages(run: AuditRun) -> dict[str, sqlite3.Row]:
    with sqlite3.connect(run.db) as conn:
        conn.row_factory = sqlite3.Row
        return {row["url"]: row for row in conn.execute("SELECT * FROM pages")}


def test_audit_finishes_in_bounded_time_without_crashing(hostile_audit):
    assert hostile_audit.exit_status == 1, hostile_audit.output[-2000:]  # error findings, not a crash
    assert hostile_audit.elapsed_s < 120, f"crawl + check + build took {hostile_audit.elapsed_s:.0f} s"
    assert "Traceback" not in hostile_audit.output
    assert (hostile_audit.site / "audit/index.html").is_file()
    with sqlite3.connect(hostile_audit.db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT status FROM runs").fetchall() == [("complete",)]


def test_robots_txt_obeyed_by_http_and_browser(hostile_audit):
    main = hostile_audit.sites.main
    assert not [p for p in main.paths() if p.startswith(DISALLOWED)]
    assert pages(hostile_audit)[main.url("/private/secret")]["guard"] == "robots"
    assert main.count("/dialogs/alert") == 1  # the page whose script asks for /private/data.json was rendered


def test_calendar_and_search_traps_are_left_quickly(hostile_audit):
    trapped = hostile_audit.sites.main.trap_requests()
    assert 5 < len(trapped) <= MAX_TRAP_REQUESTS, trapped
    guards = {f["evidence"]["guard"] for f in by_rule(hostile_audit, "crawl.guard")}
    assert {"calendar", "param-explosion", "too-large"} <= guards


def test_every_fault_is_a_finding(hostile_audit):
    url = hostile_audit.sites.main.url
    assert {f["url"] for f in by_rule(hostile_audit, "links.soft-404")} == {url("/old-service")}
    assert {f["url"] for f in by_rule(hostile_audit, "crawl.server-error")} == {url("/error"), url("/bad-gateway")}
    assert {f["url"] for f in by_rule(hostile_audit, "crawl.redirect-loop")} == {url("/loop-a"), url("/chain/0")}
    assert {f["url"] for f in by_rule(hostile_audit, "crawl.timeout")} == \
        {url("/hang"), url("/hang-declared"), url("/trickle")}
    broken = {f["evidence"]["target"]: f["evidence"] for f in by_rule(hostile_audit, "links.broken")}
    assert broken[url("/members")]["status"] == 401 and broken[url("/staff")]["status"] == 403
    assert broken[hostile_audit.sites.tls.url("/secure")]["error"] == "tls"
    assert broken[hostile_audit.sites.external.url("/gone")]["status"] == 404
    too_large = next(f for f in by_rule(hostile_audit, "crawl.guard") if f["evidence"]["guard"] == "too-large")
    assert too_large["evidence"]["count"] == 2


def test_encodings_and_wrong_content_types(hostile_audit):
    stored, url = pages(hostile_audit), hostile_audit.sites.main.url
    assert stored[url("/latin1")]["title"] == "Café and crèche"
    assert stored[url("/meta-charset")]["title"] == "Naïve \u2019quotes\u2019"
    assert stored[url("/bad-utf8")]["title"].startswith("Broken") and stored[url("/bad-utf8")]["status"] == 200
    assert stored[url("/pdf-as-html")]["kind"] == "document" and not stored[url("/pdf-as-html")]["main_text"]
    assert stored[url("/html-as-pdf")]["kind"] == "document"


def test_dialogs_are_answered_and_pages_rendered(hostile_audit):
    stored, url = pages(hostile_audit), hostile_audit.sites.main.url
    with sqlite3.connect(hostile_audit.db) as conn:
        scripted = {row[0] for row in conn.execute("SELECT target FROM links WHERE scripted=1")}
    for kind in DIALOG_SCRIPTS:
        page = stored[url(f"/dialogs/{kind}")]
        assert page["rendered"] == 1 and "render_error" not in json.loads(page["meta"]), kind
        assert url(f"/after/{kind}") in scripted, kind
    assert json.loads(stored[url("/dialogs/storm")]["meta"])["dialogs"] == 30
    for name in ENDLESS_SCRIPTS:  # never-ending scripts: the render times out, the page is kept
        page = stored[url(f"/js/{name}")]
        assert (page["status"], json.loads(page["meta"]).get("render_error")) == (200, "render-timeout"), name


def test_script_schemes_are_never_fetched(hostile_audit):
    with sqlite3.connect(hostile_audit.db) as conn:
        kinds = dict(conn.execute("SELECT href, kind FROM links WHERE href LIKE 'javascript:%' "
                                  "OR href LIKE 'data:%' OR href LIKE 'file:%'").fetchall())
        checked = [row[0] for row in conn.execute("SELECT url FROM link_status")]
    assert len(kinds) == 3 and set(kinds.values()) == {"other"}
    assert not [u for u in checked if not u.startswith(("http://", "https://"))]


def test_no_live_markup_from_crawled_pages_on_the_site(hostile_audit):
    shown = False
    for path in hostile_audit.site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        match = LIVE.search(text)
        assert not match, f"{path}: {text[max(match.start() - 100, 0):match.end() + 60]}"
        shown |= "<script>alert(1)</script>" in html.unescape(text)
    assert shown, "the planted title should be shown, as text"
    index = (hostile_audit.site / "search/search_index.json").read_text(encoding="utf-8")
    assert "<script>alert" not in index and "<img src" not in index


def test_credentials_never_written_and_only_sent_to_allowed_hosts(hostile_audit):
    main, external = hostile_audit.sites.main, hostile_audit.sites.external
    assert SECRET not in hostile_audit.output
    for path in [p for p in hostile_audit.folder.rglob("*") if p.is_file()]:
        assert SECRET.encode() not in path.read_bytes(), path
    with sqlite3.connect(hostile_audit.db) as conn:
        settings = json.loads(conn.execute("SELECT settings FROM runs").fetchone()[0])
    assert settings["headers"] == {"Authorization": "<redacted>"} and settings["cookies"] == {"staging": "<redacted>"}
    assert all(r.headers.get("authorization") == f"Bearer {SECRET}" for r in main.requests)
    assert external.requests and not [r for r in external.requests
                                      if "authorization" in r.headers or "cookie" in r.headers]
    checked = [r.path for r in external.requests if r.path != "/robots.txt"]
    # one status check per external link (a HEAD; a failed HEAD is confirmed by a GET), nothing crawled
    assert sorted(set(checked)) == ["/gone", "/ok"] and checked.count("/ok") == 1 and checked.count("/gone") == 2
