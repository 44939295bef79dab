"""inspection.*: which Area SEND inspection criteria the Local Offer gives evidence for."""

from __future__ import annotations

from collections.abc import Iterable

from checks.pipeline.context import RuleContext
from checks.knowledge.criteria import CRITERIA, subjects
from checks.index.evidence import MAX_ITEMS, Result, evaluate, site_reading
from checks.reports.finding import Finding
from checks.pipeline.registry import rule

STATUS = {"strong": "strong", "weak": "some", "none": "none"}
"""Evidence status (``checks.index.evidence``) -> the readiness map's status."""

ADD: dict[str, str] = {
    "impact.identification": "How needs are spotted early and assessed: the route to an EHC needs assessment, "
                             "the 20-week timescale and how well it is met, the neurodevelopmental pathway.",
    "impact.participation": "How children, young people and families take part in decisions about their plans: "
                            "person-centred reviews, one-page profiles, how their views are recorded.",
    "impact.right-help": "How to get help and how long it takes: referral routes, self-referral, drop-ins and "
                         "current waiting times for therapies and assessments.",
    "impact.next-steps": "The preparing-for-adulthood offer: post-16 options, supported internships, "
                         "independent living, and the destinations young people reach.",
    "impact.inclusion": "How children are included in their community: inclusive clubs and activities, "
                        "attendance and exclusions support.",
    "leaders.ambition": "The partnership's SEND strategy: its vision, priorities and what it wants for children.",
    "leaders.engagement": "How leaders work with families: the parent carer forum, consultations, "
                          "and a dated \"You said, we did\".",
    "leaders.understanding": "What the partnership knows about local needs: a summary of the JSNA or SEND data, "
                             "with trends and gaps.",
    "leaders.commissioning": "How services and places are commissioned, jointly with health, to meet the needs "
                             "found, including alternative provision.",
    "leaders.evaluation": "How services are checked and improved: the self-evaluation summary, the annual "
                          "report, the inspection action plan and progress on it.",
    "leaders.multi-agency": "How education, health and care work together: the SEND partnership board, "
                            "the designated clinical officer, joint teams.",
}
"""Criterion id -> what to publish when evidence is missing or weak (the readiness map's advice)."""


def criterion_evidence(ctx: RuleContext) -> Result:
    """Every criterion's evidence (``checks.index.evidence``), once per run (``ctx.shared``)."""
    if "criterion_evidence" not in ctx.shared:
        ctx.shared["criterion_evidence"] = evaluate(ctx.site, site_reading(ctx), subjects())
    return ctx.shared["criterion_evidence"]


def inspection_metrics(result: Result) -> dict:
    """``metrics.inspection`` (CONTRACT.md): each criterion's status, best evidence and advice."""
    rows = []
    for c in CRITERIA:
        items = result.items.get(c.id, [])
        rows.append({"id": c.id, "title": c.title, "group": c.group, "status": STATUS[result.status(c.id)],
                     "pages": [{"url": i.url, "title": i.title} for i in items[:MAX_ITEMS]],
                     "evidence": [i.to_dict() for i in items[:3]], "add": ADD.get(c.id, "")})
    return {"criteria": rows}


@rule("inspection.evidence-missing", "warning")
def evidence_missing(ctx: RuleContext) -> Iterable[Finding]:
    """Inspection criteria with no evidence on the Local Offer

    Ofsted and CQC evaluate 11 things in an Area SEND inspection: five about the impact on
    children and young people (needs identified, taking part in decisions, the right help at
    the right time, prepared for next steps, included in their communities) and six about
    leaders (ambition, engagement with families, understanding of local needs,
    commissioning, evaluation, multi-agency working).

    For each, this rule reads the main content of every page and document (menus, footers
    and repeated blocks left out) in the same way as the statutory topics: *strong* evidence
    is a page whose title or a heading speaks to the criterion with substantive text under
    it; *some* evidence is a heading with little under it, or text that touches the
    criterion without a heading about it. The home page, search results, lists of links and
    duplicates never count. The readiness map on the site (``metrics.inspection``) shows
    each criterion's status, its best three pieces of evidence with a quoted sentence, and
    what to add. This rule reports the criteria with no evidence at all.

    **Why it matters.** Inspectors read the Local Offer before fieldwork. A criterion with no
    public evidence (a strategy, "You said, we did", waiting times, joint commissioning)
    is a question leaders will have to answer another way.

    **How to fix.** Publish what you already do: the SEND strategy, the self-evaluation
    summary, the parent carer forum's work, waiting times, the preparing-for-adulthood offer.

    **Options.** None.
    """
    result = criterion_evidence(ctx)
    ctx.metrics["inspection"] = inspection_metrics(result)
    for c in CRITERIA:
        if result.status(c.id) == "none":
            yield ctx.finding(c.id,
                              f"No page gives evidence that {c.title[0].lower() + c.title[1:]}.",
                              expected="at least one page speaking to this criterion", found="no page found",
                              fix=ADD.get(c.id) or "Publish what the partnership does on this, in plain language.",
                              evidence={"criterion": c.id, "title": c.title, "group": c.group})
