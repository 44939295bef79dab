"""``lo_audit.demo.groundtruth``: loading the truth and scoring findings against it."""

from __future__ import annotations

from lo_audit.demo.groundtruth import format_scores, load_truth, normalise_url, score

TRUTH = [
    {"rule": "links.broken", "url": "http://a/send/x/", "target": "http://b/p?b=2&a=1"},
    {"rule": "links.tel", "url": "http://a/send/y", "target": "tel:0117496"},
    {"rule": "contact.phone", "service_id": "he-002"},
    {"rule": "statutory.topic-missing", "topic": "leisure"},
    {"rule": "a11y.image-alt", "url": "http://a/send/z"},
    {"rule": "plain-language.acronym", "url": "http://a/send/j", "acronym": "SENCO"},
]


def _finding(rule, url="", **evidence):
    return {"rule": rule, "url": url, "subject": evidence.pop("subject", url), "evidence": evidence,
            "service_id": evidence.pop("service_id", "")}


PERFECT = [
    _finding("links.broken", "http://a/send/x", target="http://b/p?a=1&b=2#top", status=404),
    _finding("links.tel", "http://a/send/y", href="tel:0117496"),
    {"rule": "contact.phone", "url": "http://d/r", "service_id": "he-002", "evidence": {}},
    _finding("statutory.topic-missing", "", topic="leisure", subject="leisure"),
    _finding("a11y.image-alt", "http://a/send/first", pages=["http://a/send/first", "http://a/send/z"]),
    _finding("plain-language.acronym", "http://a/send/j", acronym="SENCO"),
    _finding("waivers.expired", "http://a/send/x"),
    _finding("crawl.guard", "http://a/cal?page=99"),
    _finding("crawl.timeout", "http://a/slow"),  # family not in the truth: not scored
]


def test_normalise_url():
    assert normalise_url("HTTP://A/send/x/?b=2&a=1#f") == "http://a/send/x?a=1&b=2"
    assert normalise_url("http://a/") == "http://a"
    assert normalise_url("tel:0117 496") == "tel:0117496"


def test_perfect_findings_score_one():
    scores = score(PERFECT, TRUTH)
    assert set(scores) == {"links", "contact", "statutory", "a11y", "plain-language"}
    for fam, s in scores.items():
        assert (s["recall"], s["precision"], s["fp"], s["fn"]) == (1.0, 1.0, 0, 0), fam
    assert "links" in format_scores(scores)


def test_missed_and_extra_findings_are_listed():
    findings = PERFECT[1:] + [_finding("links.broken", "http://a/send/other", target="http://b/q")]
    s = score(findings, TRUTH)["links"]
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 1)
    assert s["recall"] == 0.5 and s["precision"] == 0.5
    assert s["missed"][0]["rule"] == "links.broken" and s["extra"][0]["url"] == "http://a/send/other"


def test_acronym_must_match_too():
    findings = [_finding("plain-language.acronym", "http://a/send/j", acronym="APDR")]
    s = score(findings, TRUTH)["plain-language"]
    assert s["fn"] == 1 and s["fp"] == 1


def test_load_truth_fills_placeholders(tmp_path):
    path = tmp_path / "t.yml"
    path.write_text('findings:\n- {rule: links.broken, url: "{cms}/send/", target: "{ext}/x"}\n')
    truth = load_truth(path, {"cms": "http://127.0.0.1:1", "dir": "http://127.0.0.1:2", "ext": "http://127.0.0.1:3"})
    assert truth == [{"rule": "links.broken", "url": "http://127.0.0.1:1/send/", "target": "http://127.0.0.1:3/x"}]


def test_grouped_link_findings_are_scored_page_by_page():
    truth = [{"rule": "links.broken", "url": "http://a/p1", "target": "http://b/gone"},
             {"rule": "links.broken", "url": "http://a/p2", "target": "http://b/gone"}]
    both = _finding("links.broken", "http://a/p1", target="http://b/gone", pages=["http://a/p1", "http://a/p2"])
    s = score([both], truth)["links"]
    assert (s["tp"], s["fp"], s["fn"]) == (2, 0, 0)
    # a page listed that holds no faulty link is a false positive; a page left out is a miss
    wrong = _finding("links.broken", "http://a/p1", target="http://b/gone", pages=["http://a/p1", "http://a/p3"])
    s = score([wrong], truth)["links"]
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 1) and s["extra"][0]["url"] == "http://a/p3"
