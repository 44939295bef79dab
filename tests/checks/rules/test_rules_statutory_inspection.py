"""statutory.* and inspection.* rules, the topic classifier and the criteria."""

from __future__ import annotations

from checks.criteria import criterion_ids
from checks.topics import TOPICS, PhraseClassifier, topic_ids
from lo_audit.config import ChecksConfig
from rules_storekit import CMS, by_subject, link, page, run_rule

CONTRACT_TOPICS = {"provision.in-area", "provision.out-of-area", "provision.mainstream", "provision.special",
                   "provision.secured", "funding", "provider.information", "assessment", "health", "social-care",
                   "personal-budgets", "other-education", "training", "travel", "transitions",
                   "preparing-for-adulthood", "higher-education", "advice-and-support", "childcare", "leisure",
                   "complaints", "accessibility-strategy", "strategy-and-inspection"}


def test_topic_and_criterion_ids_follow_the_contract():
    assert set(topic_ids()) == CONTRACT_TOPICS
    assert [t.id for t in TOPICS if not t.scored] == ["strategy-and-inspection"]
    assert set(criterion_ids()) == {"impact.identification", "impact.participation", "impact.right-help",
                                    "impact.next-steps", "impact.inclusion", "leaders.ambition",
                                    "leaders.engagement", "leaders.understanding", "leaders.commissioning",
                                    "leaders.evaluation", "leaders.multi-agency"}


def test_classifier_needs_more_than_a_passing_mention():
    clf = PhraseClassifier({t.id: t.phrases for t in TOPICS})
    strong = page(f"{CMS}/short-breaks", title="Short breaks", headings=((1, "Short breaks"),),
                  main_text="Short breaks give parents a rest. Read our short breaks statement.")
    passing = page(f"{CMS}/news", title="News", main_text="Our new leaflet mentions short breaks.")
    assert "social-care" in clf.matches(strong)
    assert "social-care" not in clf.matches(passing)


def _site(make_ctx, extra=(), config=None):
    pages = [page(f"{CMS}/", title="SEND Local Offer"),
             page(f"{CMS}/travel", title="Home to school transport", headings=((1, "School transport"),),
                  main_text="Travel assistance and travel training for children with SEND."),
             page(f"{CMS}/complaints", title="Complaints and mediation",
                  main_text="How to make a complaint, mediation and appeals to the tribunal."), *extra]
    return make_ctx(pages=pages, config=config)


def test_topic_missing_and_metrics(make_ctx):
    ctx = _site(make_ctx)
    found = by_subject(run_rule("statutory.topic-missing", ctx))
    assert "travel" not in found and "complaints" not in found and "health" in found
    assert "strategy-and-inspection" not in found
    assert found["health"].url == "" and set(found["health"].evidence) >= {"topic", "title", "source"}
    m = ctx.metrics["statutory"]
    assert m["total"] == 22 and m["covered"] == 2 and m["score"] == round(200 / 22)
    travel = next(t for t in m["topics"] if t["id"] == "travel")
    assert travel["covered"] and travel["pages"] == [{"url": f"{CMS}/travel", "title": "School transport"}]


def test_topic_synonyms_from_config(make_ctx):
    extra = [page(f"{CMS}/wobble", title="Wobble club", main_text="Wobble club and more wobble club.")]
    ctx = _site(make_ctx, extra, ChecksConfig(topic_synonyms={"leisure": ("wobble club",)}))
    assert "leisure" not in by_subject(run_rule("statutory.topic-missing", ctx))


def test_you_said_we_did(make_ctx):
    assert run_rule("statutory.you-said-we-did", _site(make_ctx))[0].found == "no such page"
    old = page(f"{CMS}/yswd", title="You said, we did", last_updated="2024-03-01")
    found = run_rule("statutory.you-said-we-did", _site(make_ctx, [old]))
    assert [(f.url, f.evidence["last_updated"]) for f in found] == [(f"{CMS}/yswd", "2024-03-01")]
    recent = page(f"{CMS}/feedback-2026", title="You said, we did 2025 to 2026", last_updated="2026-02-01")
    assert run_rule("statutory.you-said-we-did", _site(make_ctx, [old, recent])) == []
    undated_recent = page(f"{CMS}/ysw", title="You said we did: spring 2026")
    assert run_rule("statutory.you-said-we-did", _site(make_ctx, [undated_recent])) == []


def test_offline_access_and_accessibility_statement(make_ctx):
    ctx = _site(make_ctx)
    assert [f.subject for f in run_rule("statutory.offline-access", ctx)] == ["offline-access"]
    assert [f.subject for f in run_rule("statutory.accessibility-statement", ctx)] == ["accessibility-statement"]
    about = page(f"{CMS}/about", title="About", main_text="If you do not have access to the internet, call us for a printed copy.")
    statement = page(f"{CMS}/accessibility-statement", title="Accessibility statement")
    assert run_rule("statutory.offline-access", _site(make_ctx, [about])) == []
    assert run_rule("statutory.accessibility-statement", _site(make_ctx, [statement])) == []
    footer = make_ctx(pages=[page(f"{CMS}/")], links=[link(f"{CMS}/", "https://council.example.org/a11y",
                                                             text="Accessibility statement")])
    assert run_rule("statutory.accessibility-statement", footer) == []


def test_inspection_evidence(make_ctx):
    strategy = page(f"{CMS}/strategy", title="Our SEND strategy",
                    main_text="Our vision and our ambition: high expectations and clear priorities for every child.")
    ctx = _site(make_ctx, [strategy])
    found = by_subject(run_rule("inspection.evidence-missing", ctx))
    assert "leaders.ambition" not in found and "leaders.commissioning" in found
    assert found["leaders.commissioning"].evidence["criterion"] == "leaders.commissioning"
    rows = {r["id"]: r for r in ctx.metrics["inspection"]["criteria"]}
    assert len(rows) == 11 and rows["leaders.ambition"]["group"] == "leaders"
    assert rows["leaders.ambition"]["pages"][0]["url"] == f"{CMS}/strategy"
