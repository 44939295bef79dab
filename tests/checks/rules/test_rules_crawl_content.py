"""crawl.* and content.* rules."""

from __future__ import annotations

from crawler.model import LinkStatus
from checks.rules import content as content_rules, crawl as crawl_rules
from rules_storekit import CMS, by_subject, link, page, run_rule


def test_guard_groups_by_guard_and_template_and_skips_robots(make_ctx):
    cal = [page(f"{CMS}/events?month={m}", status=0, guard="calendar", template="www.example.gov.uk/events?month=N")
           for m in range(100)]
    pages = cal + [page(f"{CMS}/private", status=0, guard="robots"),
                   page(f"{CMS}/deep", status=0, guard="max-depth")]
    found = run_rule(crawl_rules.guard, make_ctx(pages=pages))
    assert len(found) == 2
    calendar = next(f for f in found if f.evidence["guard"] == "calendar")
    assert calendar.evidence["count"] == 100 and len(calendar.evidence["examples"]) == 5
    assert calendar.url == calendar.subject == sorted(p.url for p in cal)[0]
    assert all(f.evidence["guard"] != "robots" for f in found)


def test_timeout_server_error_loop_and_failing_host(make_ctx):
    loop = f"{CMS}/loop"
    pages = [page(f"{CMS}/slow", status=0, error="timeout"), page(f"{CMS}/boom", status=502),
             page(f"{CMS}/nf", status=404),
             page(loop, status=301, error="redirect loop", redirects=((loop, 301), (f"{CMS}/loop2", 301), (loop, 301))),
             page("https://dir.example.org/a", status=0, guard="host-failing"),
             page("https://dir.example.org/b", status=0, guard="host-failing"), page(f"{CMS}/fine")]
    ctx = make_ctx(pages=pages, statuses=[LinkStatus("https://dir.example.org/c", 0, error="host-failing")])
    assert [f.url for f in run_rule(crawl_rules.timeout, ctx)] == [f"{CMS}/slow"]
    assert [(f.url, f.evidence["status"]) for f in run_rule(crawl_rules.server_error, ctx)] == [(f"{CMS}/boom", 502)]
    loops = run_rule(crawl_rules.redirect_loop, ctx)
    assert [f.url for f in loops] == [loop] and len(loops[0].evidence["chain"]) == 3
    host = run_rule(crawl_rules.host_failing, ctx)
    assert [(f.subject, f.url, f.evidence["failures"]) for f in host] == [
        ("dir.example.org", "https://dir.example.org/", 3)]
    assert run_rule(crawl_rules.guard, ctx) == []


def test_stale_uses_threshold_and_today(make_ctx):
    pages = [page(f"{CMS}/old", last_updated="2025-05-31", last_updated_source="text"),
             page(f"{CMS}/fresh", last_updated="2025-06-02", last_updated_source="text"),
             page(f"{CMS}/hdr", last_updated="2020-01-01", last_updated_source="header"),
             page(f"{CMS}/err", status=404, last_updated="2010-01-01")]
    ctx = make_ctx(pages=pages)
    found = by_subject(run_rule(content_rules.stale, ctx))
    assert set(found) == {f"{CMS}/old", f"{CMS}/hdr"}
    ev = found[f"{CMS}/old"].evidence
    assert ev == {"last_updated": "2025-05-31", "source": "text", "raw": "", "age_days": 366, "threshold_months": 12}
    assert set(by_subject(run_rule(content_rules.stale, ctx, ignore_sources=["header"]))) == {f"{CMS}/old"}
    assert [f.url for f in run_rule(content_rules.stale, ctx, threshold_months=24)] == [f"{CMS}/hdr"]


def test_no_date_skips_home_dated_and_error_pages(make_ctx):
    pages = [page(f"{CMS}/"), page(f"{CMS}/undated"), page(f"{CMS}/dated", last_updated="2026-01-01"),
             page(f"{CMS}/gone", status=404), page(f"{CMS}/file.pdf", kind="document")]
    ctx = make_ctx(pages=pages)
    assert [f.url for f in run_rule(content_rules.no_date, ctx)] == [f"{CMS}/undated"]
    assert {f.url for f in run_rule(content_rules.no_date, ctx, skip_home=False)} == {f"{CMS}/", f"{CMS}/undated"}


def test_redirect_duplicates_are_one_page(make_ctx):
    pages = [page(f"{CMS}/a-old", final_url=f"{CMS}/a", redirects=((f"{CMS}/a-old", 301),)), page(f"{CMS}/a")]
    assert [f.url for f in run_rule(content_rules.no_date, make_ctx(pages=pages))] == [f"{CMS}/a"]


def test_orphan_only_sitemap_pages_without_inlinks(make_ctx):
    hidden, linked, self_only = f"{CMS}/hidden", f"{CMS}/linked", f"{CMS}/self"
    pages = [page(f"{CMS}/", found_via="start"), page(hidden, found_via="sitemap", in_sitemap=True),
             page(linked, found_via="sitemap", in_sitemap=True), page(self_only, found_via="sitemap"),
             page(f"{CMS}/doc.pdf", kind="document")]
    links = [link(f"{CMS}/", linked), link(self_only, self_only), link(f"{CMS}/doc.pdf", self_only)]
    ctx = make_ctx(pages=pages, links=links, sitemap=[(hidden, "2024-01-02"), (linked, ""), (self_only, "")])
    found = by_subject(run_rule(content_rules.orphan, ctx))
    assert set(found) == {hidden, self_only}
    assert found[hidden].evidence == {"lastmod": "2024-01-02"}
