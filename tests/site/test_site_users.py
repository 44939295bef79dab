"""What each reader of the site needs: the manager's overview, owners' pages, parents' guides.

One site is built (real MkDocs) from a synthetic reports folder with a history, an owner
name with an apostrophe, a hostile ``site.name``, a reading age of 35.3, ISO dates in
messages and crawled pages about the guides' topics.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from checks.reports.finding import finding_id

from conftest import project_copy, site_config
from synthetic import BASE, make_reports

HOSTILE_NAME = 'Exampleshire <script>alert(9)</script> & "Co"'
APOSTROPHE = "Children's Health Therapies"
SHORT_BREAKS_URL = f"{BASE}/send/social-care/short-breaks"


def _text(path: Path) -> str:
    """The visible text of a built page (tags dropped, entities decoded, spaces collapsed)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def _plant(reports: Path) -> None:
    data = json.loads((reports / "findings.json").read_text(encoding="utf-8"))
    f0 = data["findings"][0]
    data["findings"] += [
        dict(f0, id=finding_id("plain-language.reading-age", "p5"), subject="p5", rule="plain-language.reading-age", family="plain-language",
             severity="notice", message="Reading age 35.3 is above 12.", found="reading age 35.3",
             expected="reading age 12 or lower", evidence={"reading_age": 35.3, "threshold": 12},
             owner=APOSTROPHE, url=f"{BASE}/send/page-5", status="new"),
        dict(f0, id=finding_id("content.stale", "p6"), subject="p6", rule="content.stale", family="content", severity="warning",
             message="This page was last updated on 2024-08-02.", found="last updated 2024-08-02",
             evidence={"last_updated": "2024-08-02"}, owner=APOSTROPHE, url=f"{BASE}/send/page-6"),
        dict(f0, id=finding_id("links.broken", "footer"), subject="footer", rule="links.broken", family="links", severity="error",
             message="A link on 30 pages leads to a page that does not work (status 404).", owner=APOSTROPHE,
             url=f"{BASE}/send/page-0", status="new",
             evidence={"target": f"{BASE}/old-leaflet.pdf", "status": 404,
                       "pages": [f"{BASE}/send/page-{i}" for i in range(30)], "page_count": 30}),
    ]
    data["metrics"]["compared_with"] = "2026-11-14"
    data["today"] = "2026-11-21"
    (reports / "findings.json").write_text(json.dumps(data), encoding="utf-8")
    with (reports / "pages.csv").open("a", encoding="utf-8", newline="") as fh:
        fh.write(f"{SHORT_BREAKS_URL},Short breaks | Exampleshire,200,text/html,0,2026-01-02,3\r\n")


@pytest.fixture(scope="module")
def user_site(tmp_path_factory):
    from lo_audit.site.build import build_site

    project = project_copy(tmp_path_factory.mktemp("users"))
    reports = make_reports(project / "reports", pages=40, owners=5)
    _plant(reports)
    # work folders left by builds that were killed (process ids that cannot be alive)
    leftovers = [project / ".site.build-999999999-x", project / ".site.old-999999999-y",
                 project / "docs" / ".audit.new-999999999-z", project / "docs" / ".audit-new-legacy"]
    for folder in leftovers:
        folder.mkdir(parents=True)
        (folder / "stale.html").write_text("old", encoding="utf-8")
    old = time.time() - 7200
    os.utime(leftovers[-1], (old, old))
    cfg = site_config(project, reports)
    cfg = replace(cfg, site=replace(cfg.site, name=HOSTILE_NAME))
    site = build_site(cfg)
    return project, site, leftovers


def test_leftovers_of_killed_builds_are_removed(user_site):
    _, _, leftovers = user_site
    assert [p for p in leftovers if p.exists()] == []


def test_site_name_is_escaped_like_crawled_text(user_site):
    _, site, _ = user_site
    for page in (site / "index.html", site / "audit" / "index.html"):
        raw = page.read_text(encoding="utf-8")
        assert "<script>alert(9)" not in raw
        assert "&lt;script&gt;alert(9)&lt;/script&gt;" in raw
        title = re.search(r"<title>(.*?)</title>", raw, re.S).group(1)
        assert "alert(9)" in html.unescape(title) and "<script>" not in title


def test_owner_names_keep_apostrophes_and_capitals_in_the_menu(user_site):
    _, site, _ = user_site
    text = _text(site / "audit" / "owners" / "index.html")
    assert APOSTROPHE in text
    assert "Children s health therapies" not in text
    nav = site.joinpath("audit/owners/index.html").read_text(encoding="utf-8")
    assert "Local Offer team" in html.unescape(nav) and "Local offer team" not in nav


def test_overview_says_what_changed_and_what_to_fix_first(user_site):
    _, site, _ = user_site
    text = _text(site / "audit" / "index.html")
    assert "Compared with the audit of 14 November 2026" in text
    for words in ("New since the last audit", "Also found last time (persisting)", "Fixed since the last audit",
                  "Fix these first"):
        assert words in text
    first = text.split("Fix these first")[-1].split("Headline numbers", 1)[0]
    assert "Pages leading there" in first and "Who fixes it" in first
    assert first.count("Service ") >= 1  # errors about a catalogue service come first
    changes = _text(site / "audit" / "changes" / "index.html")
    assert "compared with the audit of 14 November 2026" in changes and "Fixed (1)" in changes


def test_home_page_shows_the_latest_audit(user_site):
    _, site, _ = user_site
    text = _text(site / "index.html")
    assert "Latest audit: 21 November 2026" in text
    assert re.search(r"found \d+ errors ?, \d+ warnings and \d+ notices", text)
    assert re.search(r"Since the audit of 14 November 2026: \d+ new, 1 fixed", text)


def test_dates_reading_ages_and_grouped_links_on_owner_pages(user_site):
    _, site, _ = user_site
    text = _text(site / "audit" / "owners" / "children-s-health-therapies" / "index.html")
    assert f"{APOSTROPHE}: to-do list" in text
    assert "last updated 2 August 2024" in text and "2024-08-02" not in text
    assert "35.3" not in text and "over 21" in text and "GOV.UK aims for a reading age of 9" in text
    assert "Pages (30)" in text and "and 25 more" in text


def test_rule_pages_show_option_names_as_written(user_site):
    _, site, _ = user_site
    text = _text(site / "audit" / "rules" / "links" / "index.html")
    assert "include_documents" in text and "&#95;" not in text and "&#" not in text


def test_family_guides_link_to_the_councils_own_page(user_site):
    _, site, _ = user_site
    raw = next((site / "guides" / "families").glob("*short-breaks/index.html")).read_text(encoding="utf-8")
    assert f'href="{SHORT_BREAKS_URL}"' in raw
    assert "--8&lt;--" not in raw and "--8<--" not in raw
    text = _text(next((site / "guides" / "families").glob("*choosing-a-school-or-college/index.html")))
    assert "Read more on" not in text and "8<" not in text  # nothing found on this topic: no link


def test_fix_these_first_ranks_services_then_reach():
    from lo_audit.site.data import Audit
    from lo_audit.site.overview import fix_first

    def err(i, **kw):
        return {"id": str(i), "rule": "links.broken", "severity": "error", "url": f"{BASE}/p{i}", **kw}

    audit = Audit(reports_dir=Path("."), findings=[
        err(1), err(2, evidence={"pages": [f"{BASE}/q{j}" for j in range(30)]}), err(3, service_id="svc-1"),
        err(4), {"id": "w", "rule": "content.stale", "severity": "warning", "url": f"{BASE}/home"}],
        pages=[{"url": f"{BASE}/p1", "inlinks": "12"}, {"url": f"{BASE}/p4", "inlinks": "2"},
               {"url": f"{BASE}/home", "inlinks": "400"}])
    assert [(f["id"], reach) for f, reach in fix_first(audit)] == [("3", 1), ("2", 30), ("1", 12), ("4", 2)]
