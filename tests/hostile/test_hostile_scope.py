"""Scope safety on hostile input: private and link-local targets are never contacted, and a
host that keeps hanging is given up after ``crawl.host_failure_limit`` failures, with a
``crawl.host-failing`` finding."""

from __future__ import annotations

import json
import time

from hostilesite import Route, Site, hang, page

from crawler.crawl import crawl
from crawler.store import StoreReader
from lo_audit.cli import main
from lo_audit.config import CrawlConfig

PRIVATE = ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin", "http://192.168.1.1/",
           "http://[fe80::1]/", "http://127.0.0.1:9/x")


def config(db: str, start: str, **overrides) -> CrawlConfig:
    base = CrawlConfig(start_urls=(start,), db=db, rate=0, render="never", a11y=False, timeout=1)
    return CrawlConfig(**{**base.__dict__, **overrides})


def test_private_and_link_local_targets_are_refused_without_a_connection(tmp_path):
    links = "".join(f"<a href='{url}'>x</a>" for url in PRIVATE)
    site = Site({"/": Route(page("Home", links + "<a href='file:///etc/passwd'>f</a>"))})
    try:
        cfg = config(str(tmp_path / "crawl.sqlite"), site.url("/"), check_external=True)
        result = crawl(cfg)
    finally:
        site.close()
    statuses = StoreReader(cfg.db).link_statuses()
    assert set(statuses) == set(PRIVATE)
    assert {(s.error, s.status, s.checked_by) for s in statuses.values()} == {("refused-private", 0, "crawler")}
    assert result.external_checked == len(PRIVATE)
    assert site.paths() == ["/robots.txt", "/sitemap.xml", "/"]


def test_hanging_host_is_given_up_with_a_finding(tmp_path):
    hangs = {f"/slow/{i}": Route(stream=hang) for i in range(12)}
    site = Site({"/": Route(page("Home", "".join(f"<a href='/slow/{i}'>{i}</a>" for i in range(12)))), **hangs})
    started = time.monotonic()
    try:
        cfg = config(str(tmp_path / "crawl.sqlite"), site.url("/"), check_external=False, host_failure_limit=3,
                     concurrency=1)
        crawl(cfg)
    finally:
        site.close()
    assert time.monotonic() - started < 60
    assert sum(1 for p in site.paths() if p.startswith("/slow/")) == 3
    guards = [p.guard for p in StoreReader(cfg.db).pages() if p.url.startswith(site.url("/slow/"))]
    assert guards.count("host-failing") == 9

    assert main(["-q", "check", "--db", cfg.db, "--out", str(tmp_path / "reports"), "--fail-on", "never"]) == 0
    found = json.loads((tmp_path / "reports/findings.json").read_text())["findings"]
    failing = [f for f in found if f["rule"] == "crawl.host-failing"]
    assert len(failing) == 1 and failing[0]["evidence"]["failures"] == 9
    assert {f["url"] for f in found if f["rule"] == "crawl.timeout"} == {site.url(f"/slow/{i}") for i in range(3)}


def test_record_ids_that_look_like_years_are_all_fetched(tmp_path):
    """/p/1900 to /p/2099 are records, not a calendar: nothing about them says date."""
    ids = range(1900, 2100)
    routes = {"/": Route(page("Records", "".join(f"<a href='/p/{i}'>Record {i}</a> " for i in ids)))}
    routes.update({f"/p/{i}": Route(page(f"Record {i}", "<p>A service record.</p>")) for i in ids})
    site = Site(routes)
    try:
        # a generous timeout: on a loaded machine a 1 s timeout fails requests, and failures are not the point here
        cfg = config(str(tmp_path / "crawl.sqlite"), site.url("/"), check_external=False, timeout=20)
        crawl(cfg)
    finally:
        site.close()
    pages = {p.url: p for p in StoreReader(cfg.db).pages()}
    assert [u for u, p in pages.items() if p.guard] == []
    assert sum(1 for p in site.paths() if p.startswith("/p/")) == len(ids)


def test_calendars_still_need_only_calendar_evidence():
    from crawler.guards import CALENDAR_LIMIT, Guards

    guards = Guards(max_pages=10_000, max_depth=10, max_per_pattern=10_000)
    months = [guards.check(f"https://x.uk/whats-on/2026/{m:02d}/", 1) for m in range(1, 13)]
    years = [guards.check(f"https://x.uk/whats-on/{y}/", 1) for y in range(2027, 2040)]
    assert months.count("") == CALENDAR_LIMIT and set(years) == {"calendar"}
    far = [guards.check(f"https://x.uk/events/{y}/", 1) for y in (1901, 2090)]
    assert far == ["calendar", "calendar"], "a bare year under a calendar word is a calendar"
    dated = [guards.check(f"https://x.uk/diary?date={y}-01-01", 1) for y in (1950, 2099)]
    assert dated == ["calendar", "calendar"]
    assert [guards.check(f"https://x.uk/docs/{y}", 1) for y in (1900, 2099)] == ["", ""]
