"""service.* and contact.* rules, and the service matching behind them."""

from __future__ import annotations

import pytest

from checks.catalogue.model import Service
from checks.index.matching import match_services, normalise_name, site_affixes
from checks.rules import contact as contact_rules, service as service_rules
from rules_storekit import CMS, DIR, by_subject, link, page, run_rule

KB5 = f"{DIR}/kb5/exampleshire/directory/service.page?id="
SLT, AUT, OLD, STRAY, FS1, FS2, ODD = (KB5 + x for x in ("slt", "aut", "old", "stray", "fs1", "fs2", "odd"))
HEALTH = f"{CMS}/send/health-services"


def record(url: str, title: str, fields: dict | None = None, **kw):
    return page(url, title=f"{title} | Exampleshire Local Offer", headings=((1, title),),
                meta={"fields": fields or {}}, **kw)


SERVICES = [
    Service("svc-slt", "Speech and Language Therapy", owner="Health team", topics=("health",),
            phones=("+44 117 370 1875",), emails=("SLT@Example.gov.uk",), postcode="BS1 4AB",
            website="https://www.slt.example.org", age_min=5, age_max=11),
    Service("svc-aut", "Autism Outreach Team", topics=("health",), phones=("01454 868126",),
            emails=("autism@example.gov.uk",), postcode="BS2 0JA", age_min=5, age_max=16,
            website="https://autism.example.org"),
    Service("svc-portage", "Portage Home Visiting", topics=("childcare",)),
    Service("svc-old", "Old Youth Club", status="closed"),
    Service("svc-fs", "Family Support", phones=("0117 496 0123",)),
    Service("svc-odd", "Sensory Impairment Service", expected_urls=(ODD,)),
]


@pytest.fixture
def ctx(make_ctx):
    pages = [
        page(f"{CMS}/"),
        page(HEALTH, title="Health services", headings=((1, "Health services"), (2, "Speech and language therapy")),
             main_text="Speech and language therapy, occupational therapy and CAMHS support children."),
        record(SLT, "Speech & Language Therapy",
               {"Telephone": "0117 370 1875", "Email": "slt@example.gov.uk", "Age range": "ages 5 to 11",
                "Postcode": "bs1 4ab"}, main_text="We help children aged 5 to 11."),
        record(SLT + "&familychannel=2", "Speech & Language Therapy", {"Telephone": "0117 370 1875"}),
        record(AUT, "Autism Outreach Team", {"Telephone": "0117 496 0999", "Postcode": "BS2 0JA"},
               main_text="For children and young people aged 0-25."),
        record(OLD, "Old Youth Club"),
        record(STRAY, "Stray Service"),
        record(FS1, "Family Support"),
        record(FS2, "Family Support Service", phones=("+441174960123",)),
        record(ODD, "SIS (vision and hearing)"),
    ]
    links = [link(HEALTH, SLT), link(SLT, "http://slt.example.org/"),
             link(AUT, "https://www.autism.example.org/", kind="external")]
    return make_ctx(pages=pages, links=links, services=SERVICES)


def test_matching_methods(ctx):
    matches = match_services(SERVICES, ctx.site)
    assert matches["svc-slt"].method == "name" and matches["svc-slt"].page.url == SLT
    assert matches["svc-odd"].method == "expected-url" and matches["svc-odd"].score == 100
    fs = matches["svc-fs"]
    assert fs.ambiguous and {fs.page.url, *(url for _, url, _ in fs.rivals)} == {FS1, FS2}, \
        "the same name without a phone, or a longer name with the phone: too close to call"
    assert not matches["svc-portage"].found
    assert normalise_name("Speech & Language Therapy") == "speech and language therapy"
    assert "exampleshire local offer" in site_affixes(ctx.site.content_pages), "a title part on most pages is the site's"
    assert matches["svc-slt"].record_signal == "url:kb5" and matches["svc-slt"].name_score == 100


def test_missing_unlisted_closed(ctx):
    missing = run_rule(service_rules.missing, ctx)
    assert [(f.subject, f.service_id) for f in missing] == [("svc-portage", "svc-portage")]
    assert set(missing[0].evidence) >= {"expected_urls", "best_candidate", "score"}
    unlisted = run_rule(service_rules.unlisted, ctx)
    assert sorted(f.url for f in unlisted) == [STRAY], "duplicate SLT URL is the same record; FS1/FS2 are in doubt"
    assert [f.subject for f in run_rule(service_rules.ambiguous, ctx)] == ["svc-fs"]
    assert by_subject(unlisted)[STRAY].evidence == {"record_title": "Stray Service", "record_signal": "url:kb5"}
    closed = run_rule(service_rules.closed_listed, ctx)
    assert [(f.subject, f.url, f.evidence["status"]) for f in closed] == [("svc-old", OLD, "closed")]
    assert closed[0].evidence["match"]["method"] == "name"


def test_metrics_services(ctx):
    run_rule(service_rules.missing, ctx)
    rows = {r["id"]: r for r in ctx.metrics["services"]}
    assert rows["svc-slt"]["status"] == "found" and rows["svc-slt"]["url"] == SLT
    assert rows["svc-portage"]["status"] == "missing" and rows["svc-old"]["status"] == "closed-listed"
    assert rows["svc-slt"]["owner"] == "Health team" and 0 <= rows["svc-slt"]["score"] <= 100


def test_not_linked(ctx):
    found = run_rule(service_rules.not_linked, ctx)
    assert [f.subject for f in found] == ["svc-aut"]
    assert found[0].evidence["topic"] == "health" and found[0].evidence["topic_article"] == HEALTH
    assert found[0].evidence["service_page"] == AUT


def test_age_mismatch(ctx):
    found = run_rule(service_rules.age_mismatch, ctx)
    assert [(f.subject, f.expected, f.found) for f in found] == [("svc-aut", "5–16", "0–25")]


def test_contacts_compared_normalised(ctx):
    phone = run_rule(contact_rules.phone, ctx)
    assert [f.subject for f in phone] == ["svc-aut"], "0117 370 1875 equals +44 117 370 1875"
    assert phone[0].evidence["expected"] == ["01454 868126"] and phone[0].evidence["found"] == ["+441174960999"]
    email = run_rule(contact_rules.email, ctx)
    assert [f.subject for f in email] == ["svc-aut"] and email[0].found == "none"
    assert run_rule(contact_rules.postcode, ctx) == []
    assert run_rule(contact_rules.website, ctx) == [], "scheme, www and trailing slash are ignored"


def test_contact_mismatch_postcode_and_website(make_ctx):
    svc = Service("s1", "Play Scheme", postcode="BS1 4AB", website="https://play.example.org")
    rec = record(KB5 + "p", "Play Scheme", {"Postcode": "BS9 9ZZ", "Website": "https://other.example.org"})
    ctx = make_ctx(pages=[rec], services=[svc])
    pc = run_rule(contact_rules.postcode, ctx)
    assert [(f.expected, f.found) for f in pc] == [("BS1 4AB", "BS9 9ZZ")]
    assert pc[0].evidence["match"].items() >= {"url": KB5 + "p", "method": "name", "score": 100,
                                               "record_signal": "url:kb5", "runner_up": ""}.items()
    assert [f.subject for f in run_rule(contact_rules.website, ctx)] == ["s1"]


def test_other_platforms_and_config_patterns(make_ctx):
    from lo_audit.config import ChecksConfig

    pages = [page("https://scout.example.org/services/42"), page("https://op.example.org/o/dir/service/7"),
             page(f"{CMS}/custom/rec-1"), page(f"{CMS}/services"), page(f"{CMS}/send/marked", meta={"markers": [".record"]})]
    ctx = make_ctx(pages=pages, config=ChecksConfig(service_url_patterns=(r"/custom/rec-\d+$",)))
    assert {p.url for p in ctx.site.records} == {pages[0].url, pages[1].url, pages[2].url, pages[4].url}
