"""The ground truth is consistent with the contract, the catalogue and the running demo."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from demo_walker import LinkParser, fetch
from lo_audit.demo.content import catalogue, data_path, record_for_service, records
from lo_audit.demo.groundtruth import load_truth

CONTRACT = Path(__file__).resolve().parents[2] / "checks" / "CONTRACT.md"
LAW = Path(__file__).resolve().parents[3] / "shared" / "domain" / "local-offer-law.md"


def _truth(site):
    return load_truth(data_path("ground_truth.yml"), site.bases)


def test_placeholders_are_resolved(site):
    for item in _truth(site):
        for value in item.values():
            assert "{" not in str(value), item


def test_every_rule_is_in_the_contract(site):
    contract = CONTRACT.read_text(encoding="utf-8")
    ids = set(re.findall(r"^\| ([a-z0-9-]+\.[a-z0-9<>. -]+?) \|", contract, re.M))
    for item in _truth(site):
        rule = item["rule"]
        assert rule in ids or (rule.startswith("a11y.") and "a11y.<axe rule id>" in ids), rule


def test_every_family_of_planted_defect_is_there(site):
    rules = {t["rule"] for t in _truth(site)}
    for rule in ("links.broken", "links.redirect", "links.soft-404", "links.anchor", "links.mailto", "links.tel",
                 "links.document", "content.stale", "content.no-date", "content.orphan", "service.missing",
                 "service.unlisted", "service.not-linked", "service.closed-listed", "service.age-mismatch",
                 "contact.phone", "contact.email", "contact.postcode", "contact.website",
                 "statutory.topic-missing", "plain-language.reading-age", "plain-language.acronym",
                 "plain-language.long-sentence", "a11y.image-alt", "a11y.color-contrast"):
        assert rule in rules, rule


def test_page_urls_exist_and_targets_are_broken_as_planted(site):
    for item in _truth(site):
        rule, url, target = item["rule"], item.get("url", ""), item.get("target", "")
        if url:
            page = fetch(url)
            assert page.status == 200, (rule, url, page.status)
        if rule in ("links.broken", "links.document"):
            assert fetch(target).status in (404, 500), item
        elif rule == "links.redirect":
            first = fetch(target)
            assert first.status in (301, 302) and fetch(first.location).status in (301, 302), item
        elif rule == "links.anchor":
            parser = LinkParser()
            parser.feed(fetch(target).body.decode())
            linked = [h for h in _hrefs(url) if h.startswith(target + "#")]
            assert linked and all(h.split("#", 1)[1] not in parser.ids for h in linked), item
        elif rule in ("links.mailto", "links.tel"):
            assert target in _hrefs(url), item
        elif rule == "links.soft-404":
            assert b"find that page" in fetch(url).body


def _hrefs(url: str) -> list[str]:
    from urllib.parse import urljoin

    parser = LinkParser()
    parser.feed(fetch(url).body.decode())
    return [urljoin(url, h) for h in parser.links]


def test_service_truth_matches_the_catalogue_and_records():
    truth = yaml.safe_load(data_path("ground_truth.yml").read_text())["findings"]
    by_id = {s["id"]: s for s in catalogue()}
    for item in truth:
        if item.get("service_id"):
            assert item["service_id"] in by_id, item
    missing = {t["service_id"] for t in truth if t["rule"] == "service.missing"}
    assert missing == {s["id"] for s in catalogue() if record_for_service(s["id"]) is None}
    closed = {t["service_id"] for t in truth if t["rule"] == "service.closed-listed"}
    assert closed == {s["id"] for s in catalogue() if s["status"] == "closed"}
    unlisted = {t["url"].split("id=")[1] for t in truth if t["rule"] == "service.unlisted"}
    assert unlisted == {r.id for r in records() if not r.service_id}


def test_records_differ_from_the_catalogue_only_where_planted():
    truth = yaml.safe_load(data_path("ground_truth.yml").read_text())["findings"]
    planted = {(t["rule"], t.get("service_id")) for t in truth}
    for s in catalogue():
        r = record_for_service(s["id"])
        if r is None:
            continue
        c = s["contacts"]
        checks = {
            "contact.phone": r.phone in c["phones"],
            "contact.email": r.email in c["emails"],
            "contact.postcode": r.postcode == c["postcode"],
            "contact.website": r.website == c["website"],
            "service.age-mismatch": (r.age_min, r.age_max) == (s["age_range"]["min"], s["age_range"]["max"]),
        }
        for rule, same in checks.items():
            assert same != ((rule, s["id"]) in planted), (rule, s["id"])


def test_missing_topics_are_statutory_topic_ids():
    law = LAW.read_text(encoding="utf-8") if LAW.exists() else ""
    truth = yaml.safe_load(data_path("ground_truth.yml").read_text())["findings"]
    topics = [t["topic"] for t in truth if t["rule"] == "statutory.topic-missing"]
    assert len(topics) == 3
    for topic in topics:
        assert not law or f"| {topic} |" in law, topic
