"""The statutory checklist and readiness map pages: status, quoted evidence, gaps first, escaped."""

from __future__ import annotations

from lo_audit.site.readiness import inspection_page, statutory_page

HOSTILE = "Call us <script>alert(1)</script> | [click](javascript:alert(1)) **now**"


def _item(url, title, quote, strength="strong", kind="page", heading=""):
    return {"url": url, "title": title, "quote": quote, "strength": strength, "kind": kind, "heading": heading,
            "terms": []}


STAT = {"score": 33, "covered": 1, "total": 3, "topics": [
    {"id": "travel", "title": "Travel to school and college", "source": "CoP 4.32", "covered": True, "status": "strong",
     "evidence": [_item("https://x.gov.uk/send/travel", "School transport", "Travel assistance can be a bus pass."),
                  _item("https://x.gov.uk/send/docs/policy.pdf", "Travel policy 2026", HOSTILE, kind="document")]},
    {"id": "leisure", "title": "Leisure activities", "source": "CoP 4.32", "covered": False, "status": "weak",
     "evidence": [_item("https://x.gov.uk/send/news", "News", "Our youth club reopens.", "weak")],
     "add": "A page about leisure activities."},
    {"id": "higher-education", "title": "Higher education", "source": "CoP 4.32", "covered": False,
     "status": "none", "evidence": [], "add": "A page about higher education."}]}
DUTIES = {"you-said-we-did": {"status": "incomplete", "url": "https://x.gov.uk/send/yswd", "title": "You said, we did",
                              "quote": "", "missing": ["the council's response and actions"]},
          "accessibility-statement": {"status": "ok", "url": "https://x.gov.uk/send/a11y", "title": "Accessibility",
                                      "quote": "This website is partially compliant.", "missing": []}}


def test_statutory_page_lists_gaps_then_weak_then_covered_with_quotes():
    text = statutory_page(STAT, DUTIES, "The guide")
    assert text.index("### Higher education") < text.index("### Leisure activities") < \
        text.index("### Travel to school and college")
    assert "**Gap**" in text and "**Weak evidence**" in text and "**Covered**" in text
    assert "“Travel assistance can be a bus pass.”" in text
    assert "(document)" in text and "What to add: A page about higher education." in text
    assert "**Coverage score: 33%** (1 of 3 topics covered; 1 with weak evidence only)" in text
    assert "Missing: the council" in text and "**Incomplete**" in text and "“This website is partially compliant.”" in text


def test_crawled_text_is_escaped():
    text = statutory_page(STAT, DUTIES, "The guide")
    assert "<script>" not in text and "](javascript:" not in text and "**now**" not in text


def test_readiness_map_statuses_and_advice():
    criteria = [
        {"id": "leaders.ambition", "title": "Leaders are ambitious", "group": "leaders", "status": "strong",
         "evidence": [_item("https://x.gov.uk/send/strategy", "Our SEND strategy", "Our vision is high.")]},
        {"id": "leaders.commissioning", "title": "Leaders commission services", "group": "leaders", "status": "none",
         "evidence": [], "add": "How services are commissioned."},
        {"id": "impact.inclusion", "title": "Included in communities", "group": "impact", "status": "some",
         "evidence": [_item("https://x.gov.uk/send/clubs", "Clubs", "Clubs for all.", "weak")], "add": "Clubs."}]
    text = inspection_page(criteria, "The guide")
    assert text.index("## Impact") < text.index("Included in communities") < text.index("## How leaders")
    assert text.index("Leaders commission services") < text.index("Leaders are ambitious")
    assert "**No evidence**" in text and "**Some evidence**" in text and "**Strong evidence**" in text
    assert "What to add: How services are commissioned." in text and "“Our vision is high.”" in text
    assert "(page, weak)" in text
