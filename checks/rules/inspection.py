"""inspection.*: which Area SEND inspection criteria the Local Offer gives evidence for."""

from __future__ import annotations

from collections.abc import Iterable

from ..classify import content_scores
from ..context import RuleContext
from ..criteria import CRITERIA, evidence_pages
from ..model import Finding
from ..registry import rule
from ._common import make, page_title


@rule("inspection.evidence-missing", "warning")
def evidence_missing(ctx: RuleContext) -> Iterable[Finding]:
    """Inspection criteria with no evidence on the Local Offer

    Ofsted and CQC evaluate 11 things in an Area SEND inspection: five about the impact on
    children and young people (needs identified, taking part in decisions, the right help at
    the right time, prepared for next steps, included in their communities) and six about
    leaders (ambition, engagement with families, understanding of local needs,
    commissioning, evaluation, multi-agency working). For each, this rule looks for pages
    whose title, headings and text speak to it (the same scoring as the statutory topics)
    and reports the criteria no page speaks to. The readiness map on the site
    (``metrics.inspection``) lists the pages found for each.

    **Why it matters.** Inspectors read the Local Offer before fieldwork. A criterion with no
    public evidence (a strategy, "You said, we did", waiting times, joint commissioning)
    is a question leaders will have to answer another way.

    **How to fix.** Publish what you already do: the SEND strategy, the self-evaluation
    summary, the parent carer forum's work, waiting times, the preparing-for-adulthood offer.

    **Options.** None.
    """
    scores = {url: by_criterion for url, (_, by_criterion) in content_scores(ctx).items()}
    found = evidence_pages(ctx.site.content_pages, scores)
    ctx.metrics["inspection"] = {"criteria": [
        {"id": c.id, "title": c.title, "group": c.group,
         "pages": [{"url": ctx.site.url_of(p), "title": page_title(p)} for _, p in found[c.id][:5]]}
        for c in CRITERIA]}
    for c in CRITERIA:
        if not found[c.id]:
            yield make("inspection.evidence-missing", c.id,
                       f"No page gives evidence that {c.title[0].lower() + c.title[1:]}.",
                       expected="at least one page speaking to this criterion", found="no page found",
                       fix="Publish what the partnership does on this, in plain language.",
                       evidence={"criterion": c.id, "title": c.title, "group": c.group})
