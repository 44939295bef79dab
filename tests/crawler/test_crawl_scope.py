"""URL normalisation, templates and guards; credentials, backoff and external link checks."""

from __future__ import annotations

import json
import sqlite3

from crawlsite import Route, page

from crawler.crawl import crawl
from crawler.guards import CALENDAR_HOST_LIMIT, CALENDAR_LIMIT, MAX_FACETED, Guards, calendar_parts
from crawler.store import StoreReader
from crawler.urls import link_kind, normalise, template_of
from lo_audit.config import DEFAULT_STRIP_PARAMS


def test_normalise():
    strip = DEFAULT_STRIP_PARAMS
    assert normalise("HTTP://Example.GOV.uk:80/a/index.html?b=2&a=1&utm_source=x#top", strip) == \
        "http://example.gov.uk/a/?a=1&b=2"
    assert normalise("https://example.gov.uk", strip) == "https://example.gov.uk/"
    assert normalise("https://x.uk/kb5/s/d/service.page?id=7&PHPSESSID=abc&utm_medium=y", strip) == \
        "https://x.uk/kb5/s/d/service.page?id=7"
    assert normalise("https://x.uk:8443/a/") == "https://x.uk:8443/a/"


def test_templates_and_kinds():
    assert template_of("https://x.uk/kb5/s/d/service.page?id=abc123") == "x.uk/kb{n}/s/d/service.page?id"
    assert template_of("https://x.uk/send/health/speech") == template_of("https://x.uk/send/health/autism")
    assert template_of("https://x.uk/news/2024/item") != template_of("https://x.uk/send/item")
    allowed = frozenset({"x.uk"})
    assert [link_kind(u, allowed) for u in ("https://x.uk/a", "https://y.uk/", "https://y.uk/f.PDF",
                                            "mailto:a@b.uk", "tel:01", "javascript:void(0)")] == \
        ["page", "external", "document", "mailto", "tel", "other"]


def test_guards_param_explosion_and_per_template():
    guards = Guards(max_pages=1000, max_depth=10, max_per_pattern=5)
    verdicts = [guards.check(f"https://x.uk/svc?id={i}", 1) for i in range(8)]
    assert verdicts.count("max-per-pattern") == 3
    guards = Guards(max_pages=10_000, max_depth=10, max_per_pattern=10_000)
    facets = [guards.check(f"https://x.uk/search?a={i}&b={i % 7}&c={i % 3}", 1) for i in range(300)]
    assert "param-explosion" in facets and facets.count("") == MAX_FACETED
    records = [guards.check(f"https://x.uk/service.page?id={i}&channel={i % 2}", 1) for i in range(300)]
    assert records.count("") == 300  # one parameter varies: records, not a faceted search
    assert Guards(2, 10, 10).check("https://x.uk/a", 11) == "max-depth"


def test_calendar_views_of_one_path_are_one_calendar():
    keys = {calendar_parts(u)[0] for u in ("https://x.uk/events/?month=2026-11", "https://x.uk/events/2026/11/",
                                           "https://x.uk/events/2026/11/23/", "https://x.uk/events?year=2026&m=11")}
    assert keys == {"x.uk/events"}
    guards = Guards(max_pages=10_000, max_depth=10, max_per_pattern=10_000)
    months = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2027-{m:02d}" for m in range(1, 13)]
    verdicts = [guards.check(f"https://x.uk/events/?month={m}", 1) for m in months]
    verdicts += [guards.check(f"https://x.uk/events/{m.replace('-', '/')}/", 1) for m in months]
    assert verdicts.count("") == CALENDAR_LIMIT
    others = [guards.check(f"https://x.uk/{name}/?month=2026-{m:02d}", 1) for name in ("a", "b", "c") for m in range(1, 13)]
    assert others.count("") == CALENDAR_HOST_LIMIT - CALENDAR_LIMIT


def test_credentials_only_to_allowed_hosts_and_redacted(make_site, crawl_cfg, monkeypatch):
    monkeypatch.setenv("LO_TEST_TOKEN", "s3cret")
    site = make_site({"/": Route(page("Home", "<a href='/next'>next</a>")), "/next": Route(page("Next", ""))})
    cfg = crawl_cfg(site.url("/"), headers={"X-Token": "${LO_TEST_TOKEN}"}, cookies={"session": "${LO_TEST_TOKEN}"})
    crawl(cfg)
    assert all(r.headers.get("x-token") == "s3cret" for r in site.requests)
    assert all("session=s3cret" in r.headers.get("cookie", "") for r in site.requests)
    assert site.requests[0].headers["user-agent"].startswith("LocalOfferAudit/")
    with sqlite3.connect(cfg.db) as conn:
        settings = conn.execute("SELECT settings FROM runs").fetchone()[0]
    assert "s3cret" not in settings and "LO_TEST_TOKEN" not in settings
    assert json.loads(settings)["headers"] == {"X-Token": "<redacted>"}


def test_retry_after_honoured(make_site, crawl_cfg):
    calls = []

    def busy(request):
        calls.append(request)
        return Route("busy", status=429, headers={"Retry-After": "0"}) if len(calls) < 2 else Route(page("Ok", ""))

    site = make_site({"/": Route(page("Home", "<a href='/busy'>b</a>")), "/busy": busy})
    cfg = crawl_cfg(site.url("/"))
    crawl(cfg)
    assert StoreReader(cfg.db).page(site.url("/busy")).status == 200 and len(calls) == 2


def test_canonical_recorded_and_crawled(make_site, crawl_cfg):
    record = page("Record", "<p>x</p>", head="<link rel='canonical' href='/service.page?id=1'>")
    site = make_site({"/": Route(page("Home", "<a href='/service.page?id=1&channel=2'>rec</a>")),
                      "/service.page": Route(record)})
    cfg = crawl_cfg(site.url("/"))
    crawl(cfg)
    reader = StoreReader(cfg.db)
    dup = reader.page(site.url("/service.page?channel=2&id=1"))
    assert dup.canonical == site.url("/service.page?id=1")
    assert reader.page(site.url("/service.page?id=1")) is not None


def test_external_links_status_checked(make_site, crawl_cfg):
    other = make_site({"/ok": Route(page("Ok", "")), "/gone": Route("gone", status=404)})
    site = make_site({"/": Route(page("Home", f"<a href='{other.url('/ok')}'>ok</a> <a href='{other.url('/gone')}'>gone"
                                              "</a> <a href='javascript:void(0)'>js</a> <a href='file:///etc/passwd'>f</a>"))})
    refused = crawl_cfg(site.url("/"), check_external=True)
    crawl(refused)
    statuses = StoreReader(refused.db).link_statuses()
    assert {s.error for s in statuses.values()} == {"refused-private"} and not other.requests

    allowed = crawl_cfg(site.url("/"), check_external=True, allow_private=True, db=refused.db + ".2")
    result = crawl(allowed)
    statuses = StoreReader(allowed.db).link_statuses()
    assert statuses[other.url("/ok")].status == 200 and statuses[other.url("/gone")].status == 404
    assert statuses[other.url("/ok")].checked_by == "crawler" and result.external_checked == 2
    assert not any(url.startswith(("javascript", "file")) for url in statuses)


def test_meta_refresh_offsite_is_recorded_without_rendering_and_onsite_is_followed(make_site, crawl_cfg, tmp_path):
    """A page that is not rendered still shows its ``<meta http-equiv="refresh">`` in the raw
    HTML: one to another website is recorded (and reported), one inside the site is followed."""
    from lo_audit.cli import main

    away = "http://127.0.0.2:9/foreign?x=1"
    site = make_site({
        "/": Route(page("Home", "<a href='/away'>a</a> <a href='/moved'>b</a> <a href='/reload'>c</a>")),
        "/away": Route(page("Away", "<p>Old page.</p>", head=f"<meta http-equiv='Refresh' content='0;url={away}'>")),
        "/moved": Route(page("Moved", "<p>Moved.</p>", head="<meta http-equiv='refresh' content=\"5; URL='/new-home'\">")),
        "/reload": Route(page("Reload", "<p>News.</p>", head="<meta http-equiv='refresh' content='300'>")),
        "/new-home": Route(page("New home", "<p>Here now.</p>")),
    })
    cfg = crawl_cfg(site.url("/"), render="never")
    crawl(cfg)
    pages = {p.url: p for p in StoreReader(cfg.db).pages()}
    assert pages[site.url("/away")].meta.get("offsite_navigation") == [away]
    assert site.url("/new-home") in pages, "a refresh inside the site is followed like a link"
    assert not any(p.meta.get("offsite_navigation") for u, p in pages.items() if u != site.url("/away"))
    out = tmp_path / "reports"
    assert main(["-q", "check", "--db", cfg.db, "--out", str(out), "--fail-on", "never"]) == 0
    findings = json.loads((out / "findings.json").read_text())["findings"]
    assert [f["url"] for f in findings if f["rule"] == "crawl.offsite-navigation"] == [site.url("/away")]
