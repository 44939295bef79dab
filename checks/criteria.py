"""The 11 Area SEND inspection criteria (Ofsted/CQC framework, 2023, updated June 2025)
and the phrases of pages that give evidence for them.

A page is evidence for a criterion when the topic classifier's rules
(``checks.topics.PhraseClassifier``) score it at the threshold or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from .topics import PhraseClassifier, Scored


@dataclass(frozen=True)
class Criterion:
    """One thing inspectors evaluate."""

    id: str
    group: str  # "impact" or "leaders"
    title: str
    phrases: tuple[str, ...]


def _c(id_: str, title: str, phrases: str) -> Criterion:
    return Criterion(id_, id_.split(".", 1)[0], title, tuple(p.strip() for p in phrases.split(";") if p.strip()))


CRITERIA: tuple[Criterion, ...] = (
    _c("impact.identification", "Needs are identified accurately and assessed in a timely and effective way",
       "early identification; identifying needs; identification of needs; needs assessment; ehc needs assessment;"
       " 20 weeks; assessment timescales; early help; health visitor; two year check; graduated approach;"
       " neurodevelopmental pathway; screening; request an assessment; assessment; assess; spot needs;"
       " identify needs; identified early; 20 week"),
    _c("impact.participation", "Children, young people and families take part in decisions about their plans and support",
       "co production; coproduction; co produced; person centred; one page profile; voice of the child;"
       " pupil voice; your views; have your say; participation; youth forum; young peoples forum;"
       " decisions about; all about me; views wishes and feelings; involve children; every decision; take part;"
       " your views; childs views; young voices; have a say; involved in; what you told us; tell us what you think;"
       " listen to families"),
    _c("impact.right-help", "Children and young people get the right help at the right time",
       "waiting times; waiting list; right help; right time; short breaks; therapy; how to get help; referral;"
       " self referral; drop in; support available; who can help; how to access"),
    _c("impact.next-steps", "Children and young people are well prepared for their next steps and achieve strong outcomes",
       "preparing for adulthood; transition; next steps; post 16; supported internship; apprenticeship;"
       " employment; outcomes; destinations; independent living; moving on"),
    _c("impact.inclusion", "Children and young people are valued, visible and included in their communities",
       "inclusion; inclusive; community; clubs; leisure; belonging; friendships; friends and community;"
       " accessible activities; exclusions; attendance; things to do"),
    _c("leaders.ambition", "Leaders are ambitious for children and young people with SEND",
       "send strategy; our vision; our ambition; ambition; ambitious; priorities; strategy; aspirations;"
       " improvement plan; outcomes framework; high expectations; our plan; goals; do well; want every child"),
    _c("leaders.engagement", "Leaders actively engage and work with children, young people and families",
       "parent carer forum; you said we did; have your say; consultation; feedback; co production; coproduction;"
       " survey; engagement; working with families; young peoples forum; participation"),
    _c("leaders.understanding", "Leaders have an accurate, shared understanding of local needs",
       "jsna; joint strategic needs assessment; needs analysis; local data; self evaluation; data dashboard;"
       " sufficiency; prevalence; send data; annual report; needs of children"),
    _c("leaders.commissioning", "Leaders commission services and provision that meet needs, including alternative provision",
       "commissioning; joint commissioning; commissioned services; commissioned; sufficiency; alternative provision;"
       " integrated care board; icb; commissioning strategy; specialist places; tender"),
    _c("leaders.evaluation", "Leaders evaluate services and make improvements",
       "quality assurance; evaluation; self evaluation; audit; annual report; improvement plan; monitoring;"
       " performance; inspection report; action plan; lessons learned; you said we did"),
    _c("leaders.multi-agency", "Leaders create an environment where effective practice and multi-agency working flourish",
       "multi agency; partnership; designated clinical officer; designated medical officer; joint working;"
       " integrated; team around the family; team around the child; local area partnership;"
       " send partnership board; education health and care"),
)


def criterion_ids() -> tuple[str, ...]:
    return tuple(c.id for c in CRITERIA)


def evidence_pages(pages: list[Any], scores: Mapping[str, Scored] | None = None) -> dict[str, list[tuple[int, Any]]]:
    """Criterion id -> (score, page) of the pages that are evidence for it, best first.

    ``scores`` (stored URL -> ``Scored``) saves scoring the pages again.
    """
    clf = PhraseClassifier({c.id: c.phrases for c in CRITERIA})
    out: dict[str, list[tuple[int, Any]]] = {c.id: [] for c in CRITERIA}
    for page in pages:
        scored = scores[page.url] if scores is not None else clf.score(page)
        for key in scored.matches(clf.threshold):
            out[key].append((scored.scores[key], page))
    for key in out:
        out[key].sort(key=lambda sp: (-sp[0], sp[1].url))
    return out
