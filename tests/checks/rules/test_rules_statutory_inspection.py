"""statutory.* and inspection.* rules, the topic classifier and the criteria."""

from __future__ import annotations

from checks.knowledge.criteria import criterion_ids
from checks.knowledge.topics import TOPICS, PhraseClassifier, topic_ids
from lo_audit.config import ChecksConfig
from checks.rules import inspection as inspection_rules, statutory as statutory_rules
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


TRAVEL = ("Children with special educational needs and disabilities (SEND) may get free home to school transport.\n"
          "Travel assistance can be a bus pass, a place on a minibus or a taxi with a passenger assistant.\n"
          "We also offer travel training so that young people can learn to travel on their own.\n"
          "Your child may be eligible if they live beyond the statutory walking distance from the nearest suitable "
          "school, or if their special educational needs mean they cannot walk there safely.\n"
          "Apply online before 31 May. If we say no, you can ask for a travel appeal within 20 working days.\n"
          "If your child has an EHC plan, the SEN team will tell you about transport when the plan names a school.")
COMPLAINTS = ("If you disagree with a decision about your child's special educational needs, talk to us first.\n"
              "Disagreement resolution is a free meeting with an independent person who helps you and the school "
              "or council agree.\nBefore you appeal to the SEND Tribunal you must contact a mediation adviser "
              "and get a mediation certificate.\nYou have two months from the date of our decision letter to "
              "appeal to the First-tier Tribunal about an EHC plan.\nTo make a complaint about a service, use the council's "
              "complaints procedure. The Local Government and Social Care Ombudsman can look at it afterwards.")


def _site(make_ctx, extra=(), config=None):
    pages = [page(f"{CMS}/", title="SEND Local Offer", main_text="Welcome to the SEND Local Offer."),
             page(f"{CMS}/travel", title="Home to school transport | SEND Local Offer",
                  headings=((1, "School transport"),), main_text="School transport\n" + TRAVEL),
             page(f"{CMS}/complaints", title="Complaints and mediation | SEND Local Offer",
                  headings=((1, "Complaints, mediation and appeals"),),
                  main_text="Complaints, mediation and appeals\n" + COMPLAINTS), *extra]
    return make_ctx(pages=pages, config=config)


def test_topic_missing_and_metrics(make_ctx):
    ctx = _site(make_ctx)
    found = by_subject(run_rule(statutory_rules.topic_missing, ctx))
    assert "travel" not in found and "complaints" not in found and "health" in found
    assert "strategy-and-inspection" not in found
    assert found["health"].url == "" and set(found["health"].evidence) >= {"topic", "title", "source"}
    m = ctx.metrics["statutory"]
    assert m["total"] == 22 and m["covered"] == 2 and m["score"] == round(200 / 22)
    travel = next(t for t in m["topics"] if t["id"] == "travel")
    assert travel["covered"] and travel["status"] == "strong"
    assert travel["pages"] == [{"url": f"{CMS}/travel", "title": "School transport"}]
    quote = travel["evidence"][0]["quote"]
    assert quote in TRAVEL.replace("\n", " ") and "travel" in quote.lower()


def test_a_passing_mention_is_weak_and_reported(make_ctx):
    news = page(f"{CMS}/news/leaflet", title="New leaflet", headings=((1, "Our new leaflet"),),
                main_text="Our new leaflet for families of children with special educational needs (SEND) is out. It explains "
                          "short breaks for disabled children, respite and social care in plain words, and it lists the social worker "
                          "for each area.")
    ctx = _site(make_ctx, [news])
    found = by_subject(run_rule(statutory_rules.topic_missing, ctx))
    assert found["social-care"].evidence["status"] == "weak"
    assert found["social-care"].evidence["weak"][0]["url"] == f"{CMS}/news/leaflet"
    row = next(t for t in ctx.metrics["statutory"]["topics"] if t["id"] == "social-care")
    assert row["status"] == "weak" and not row["covered"]


def test_topic_synonyms_from_config(make_ctx):
    wobble = page(f"{CMS}/wobble", title="Wobble club", headings=((1, "Wobble club"),),
                  main_text="Wobble club is for disabled children and young people with SEND aged 5 to 18.\n"
                            "Every Saturday we run activities at the leisure centre: swimming, trampolining and "
                            "games in a relaxed, inclusive session with trained staff.\n"
                            "Brothers and sisters are welcome too. Sessions cost £2 and you can book by phone.")
    ctx = _site(make_ctx, [wobble], ChecksConfig(topic_synonyms={"leisure": ("wobble club",)}))
    assert "leisure" not in by_subject(run_rule(statutory_rules.topic_missing, ctx))
    assert "leisure" in by_subject(run_rule(statutory_rules.topic_missing, _site(make_ctx, [wobble])))


def test_you_said_we_did(make_ctx):
    assert run_rule(statutory_rules.you_said_we_did, _site(make_ctx))[0].found == "no such page"
    old = page(f"{CMS}/yswd", title="You said, we did", last_updated="2024-03-01")
    found = run_rule(statutory_rules.you_said_we_did, _site(make_ctx, [old]))
    assert [(f.url, f.evidence["last_updated"]) for f in found] == [(f"{CMS}/yswd", "2024-03-01")]
    body = "You said: the website was hard to search.\nWe did: we added a new search with the parent carer forum."
    recent = page(f"{CMS}/feedback-2026", title="You said, we did 2025 to 2026", last_updated="2026-02-01",
                  main_text=body)
    assert run_rule(statutory_rules.you_said_we_did, _site(make_ctx, [old, recent])) == []
    undated_recent = page(f"{CMS}/ysw", title="You said we did: spring 2026", main_text=body)
    assert run_rule(statutory_rules.you_said_we_did, _site(make_ctx, [undated_recent])) == []
    empty = page(f"{CMS}/ysw-2026", title="You said, we did", headings=((1, "You said, we did"),),
                 last_updated="2026-03-01", main_text="You said, we did\nThis page will be updated soon.")
    found = run_rule(statutory_rules.you_said_we_did, _site(make_ctx, [empty]))
    assert found[0].evidence["missing"] == ["the comments families made", "the council's response and actions"]
    comments_only = page(f"{CMS}/ysw-2026", title="What you told us", last_updated="2026-03-01",
                         main_text="Families told us the website was hard to search and the forms were too long.")
    found = run_rule(statutory_rules.you_said_we_did, _site(make_ctx, [comments_only]))
    assert found[0].evidence["missing"] == ["the council's response and actions"]


def test_offline_access_and_accessibility_statement(make_ctx):
    ctx = _site(make_ctx)
    assert [f.subject for f in run_rule(statutory_rules.offline_access, ctx)] == ["offline-access"]
    assert [f.subject for f in run_rule(statutory_rules.accessibility_statement, ctx)] == ["accessibility-statement"]
    about = page(f"{CMS}/about", title="About", main_text="If you do not have access to the internet, call us for a printed copy.")
    statement = page(f"{CMS}/accessibility-statement", title="Accessibility statement")
    assert run_rule(statutory_rules.offline_access, _site(make_ctx, [about])) == []
    assert run_rule(statutory_rules.accessibility_statement, _site(make_ctx, [statement])) == []
    footer = make_ctx(pages=[page(f"{CMS}/")], links=[link(f"{CMS}/", "https://council.example.org/a11y",
                                                             text="Accessibility statement")])
    assert run_rule(statutory_rules.accessibility_statement, footer) == []


def test_inspection_evidence(make_ctx):
    strategy = page(f"{CMS}/strategy", title="Our SEND strategy", headings=((1, "Our SEND strategy 2025 to 2028"),),
                    main_text="Our SEND strategy 2025 to 2028\nOur vision is that every child with special educational "
                              "needs and disabilities (SEND) does well at school and in life.\nWe have high "
                              "expectations. Our priorities are to spot needs early, to give the right help at the "
                              "right time, to issue EHC plans on time and to prepare young people for adult life.\nWe want every child to "
                              "achieve their goals, and we check each year that the plan is working.")
    ctx = _site(make_ctx, [strategy])
    found = by_subject(run_rule(inspection_rules.evidence_missing, ctx))
    assert "leaders.ambition" not in found and "leaders.commissioning" in found
    assert found["leaders.commissioning"].evidence["criterion"] == "leaders.commissioning"
    rows = {r["id"]: r for r in ctx.metrics["inspection"]["criteria"]}
    assert len(rows) == 11 and rows["leaders.ambition"]["group"] == "leaders"
    assert rows["leaders.ambition"]["status"] == "strong" and rows["leaders.commissioning"]["status"] == "none"
    assert rows["leaders.ambition"]["pages"][0]["url"] == f"{CMS}/strategy"
    quote = rows["leaders.ambition"]["evidence"][0]["quote"]
    assert quote in strategy.main_text.replace("\n", " ") and rows["leaders.ambition"]["evidence"][0]["terms"]
    assert rows["leaders.commissioning"]["add"]


MODEL_STATEMENT = ("This statement applies to the SEND Local Offer for children with special educational needs.\n"
                   "Compliance status\nThis website is partially compliant with the Web Content Accessibility "
                   "Guidelines version 2.2 AA standard, due to the non-compliances listed below.\n"
                   "Non-accessible content\nSome older PDF documents are not accessible to screen readers.\n"
                   "Reporting accessibility problems with this website\nIf you find a problem, email us.\n"
                   "Enforcement procedure\nThe Equality and Human Rights Commission (EHRC) is responsible for "
                   "enforcing the accessibility regulations.\n"
                   "Preparation of this accessibility statement\nThis statement was prepared on 1 May 2026. It was "
                   "last reviewed on 1 October 2026.")


def test_accessibility_statement_sections_follow_the_model(make_ctx):
    complete = page(f"{CMS}/accessibility-statement", title="Accessibility statement", main_text=MODEL_STATEMENT)
    ctx = _site(make_ctx, [complete])
    assert run_rule(statutory_rules.accessibility_statement, ctx) == []
    assert run_rule(statutory_rules.accessibility_statement_sections, ctx) == []
    assert ctx.metrics["duties"]["accessibility-statement"]["status"] == "ok"
    thin = page(f"{CMS}/accessibility-statement", title="Accessibility statement",
                main_text="We want everyone to use this website. Some documents are not accessible yet. "
                          "If you find a problem, tell us about a problem by email.")
    ctx = _site(make_ctx, [thin])
    found = run_rule(statutory_rules.accessibility_statement_sections, ctx)
    assert [f.url for f in found] == [f"{CMS}/accessibility-statement"]
    assert found[0].evidence["missing"] == ["a compliance status", "the enforcement procedure",
                                            "when it was prepared and last reviewed"]
    assert ctx.metrics["duties"]["accessibility-statement"]["status"] == "incomplete"


def test_offline_access_shows_its_evidence(make_ctx):
    about = page(f"{CMS}/offline", title="Get this information without the internet",
                 main_text="You do not need the internet to use the Local Offer.\nCall us and we will post you a "
                           "printed copy of any page, in large print or easy read if you need it.")
    ctx = _site(make_ctx, [about])
    assert run_rule(statutory_rules.offline_access, ctx) == []
    row = ctx.metrics["duties"]["offline-access"]
    assert row["url"] == f"{CMS}/offline" and "printed copy" in row["quote"]
    assert run_rule(statutory_rules.offline_access, _site(make_ctx))[0].evidence == {}


def _document(url: str, **info) -> "page":
    base = {"kind": "pdf", "title": "Short breaks statement", "lang": "en-GB", "tagged": True, "scanned": False,
            "error": "", "pages": 4, "modified": "2026-05-01", "created": "2026-04-01"}
    base.update(info)
    return page(url, kind="document", content_type="application/pdf", title=base["title"],
                main_text="Short breaks statement", meta={"document": base})


def test_document_accessibility_basics(make_ctx):
    docs = [_document(f"{CMS}/docs/good.pdf"),
            _document(f"{CMS}/docs/untagged.pdf", tagged=False, lang=""),
            _document(f"{CMS}/docs/untitled.docx", kind="docx", title="", tagged=None),
            _document(f"{CMS}/docs/scan.pdf", scanned=True, tagged=False),
            _document(f"{CMS}/docs/old.pdf", modified="2019-02-01"),
            _document(f"{CMS}/docs/locked.pdf", error="encrypted", title="", lang="", tagged=None)]
    ctx = make_ctx(pages=[page(f"{CMS}/", title="SEND Local Offer"), *docs])
    urls = {rule: sorted(f.url.rsplit("/", 1)[1] for f in run_rule(rule, ctx)) for rule in
            ("documents.untagged", "documents.no-title", "documents.no-language", "documents.scanned",
             "documents.stale", "documents.unreadable")}
    assert urls == {"documents.untagged": ["scan.pdf", "untagged.pdf"], "documents.no-title": ["untitled.docx"],
                    "documents.no-language": ["untagged.pdf"], "documents.scanned": ["scan.pdf"],
                    "documents.stale": ["old.pdf"], "documents.unreadable": ["locked.pdf"]}
