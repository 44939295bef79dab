"""The 11 Area SEND inspection criteria (Ofsted/CQC framework, 2023, updated June 2025)
and the phrases of pages that give evidence for them.

Evidence for a criterion is decided by ``checks.index.evidence`` from :data:`EVIDENCE`: per
criterion, *head* phrases that name it in a title or heading, and *terms* a text about it
uses.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.knowledge.phrases import Subject, phrase_list


@dataclass(frozen=True)
class Criterion:
    """One thing inspectors evaluate."""

    id: str
    group: str  # "impact" or "leaders"
    title: str


def _c(id_: str, title: str) -> Criterion:
    return Criterion(id_, id_.split(".", 1)[0], title)


CRITERIA: tuple[Criterion, ...] = (
    _c("impact.identification", "Needs are identified accurately and assessed in a timely and effective way"),
    _c("impact.participation", "Children, young people and families take part in decisions about their plans and support"),
    _c("impact.right-help", "Children and young people get the right help at the right time"),
    _c("impact.next-steps", "Children and young people are well prepared for their next steps and achieve strong outcomes"),
    _c("impact.inclusion", "Children and young people are valued, visible and included in their communities"),
    _c("leaders.ambition", "Leaders are ambitious for children and young people with SEND"),
    _c("leaders.engagement", "Leaders actively engage and work with children, young people and families"),
    _c("leaders.understanding", "Leaders have an accurate, shared understanding of local needs"),
    _c("leaders.commissioning", "Leaders commission services and provision that meet needs, including alternative provision"),
    _c("leaders.evaluation", "Leaders evaluate services and make improvements"),
    _c("leaders.multi-agency", "Leaders create an environment where effective practice and multi-agency working flourish"),
)


def criterion_ids() -> tuple[str, ...]:
    return tuple(c.id for c in CRITERIA)


# ----------------------------------------------------------------------------- evidence phrases
EVIDENCE: dict[str, tuple[str, str]] = {
    "impact.identification": (
        "identifying needs; identifying send; early identification; early help; needs assessment; ehc needs assessment;"
        " request an assessment; ask for an assessment; asking for an assessment; assessment timescales;"
        " how needs are identified; spotting needs; spot needs early; neurodevelopmental pathway; autism assessment;"
        " autism and attention assessments; two year check; developmental check; 20 week timeline; identified;"
        " identification; spotting",
        "identify; identified; identifying; early; needs assessment; 20 weeks; 20 week; timescale; on time;"
        " health visitor; two year check; screening; graduated approach; assess plan do review; senco; concerns;"
        " educational psychologist; referral; assessment; diagnosis; waiting"),
    "impact.participation": (
        "co production; coproduction; person centred; your views; having your say; have your say; all about me;"
        " one page profile; voice of the child; pupil voice; young peoples forum; youth forum; involving you;"
        " taking part in decisions; being involved; getting involved; young voices; participation;"
        " your say; involving children and young people",
        "views; wishes and feelings; co production; coproduction; co produced; person centred; take part;"
        " decisions about; one page profile; all about me; voice; involved in; have your say; participation;"
        " youth forum; young peoples forum; listen; your say; meetings; annual review"),
    "impact.right-help": (
        "waiting times; waiting list; how to get help; getting help; get the right help; right help;"
        " who can help; how to access; referrals; how to refer; self referral; drop in; urgent help; crisis;"
        " how to get support; how to get it",
        "waiting time; waiting times; wait; weeks; referral; refer; self refer; drop in; appointment; triage; urgent;"
        " same day; duty; support available; contact; gp; who can help; phone"),
    "impact.next-steps": (
        "preparing for adulthood; next steps; post 16 options; options after 16; after year 11; leaving school;"
        " options at 16; moving on;"
        " employment; supported internships; apprenticeships; outcomes; destinations; becoming an adult;"
        " independent living; adult life; work and training; colleges and learning after 16",
        "preparing for adulthood; employment; supported internship; apprenticeship; college; post 16;"
        " independent living; housing; destinations; outcomes; paid work; year 9; adult; further education;"
        " training; sixth form; job; university"),
    "impact.inclusion": (
        "inclusion; inclusive; included; belonging; community; friendships; friends and community;"
        " accessible activities; inclusive activities; things to do; clubs; leisure; attendance; exclusions;"
        " reducing exclusions; friends relationships and community",
        "inclusion; inclusive; included; include; community; friends; friendship; belong; belonging; clubs;"
        " activities; accessible; exclusion; excluded; attendance; valued; welcome; join in; take part;"
        " volunteering; meet new people"),
    "leaders.ambition": (
        "send strategy; our vision; our ambition; our ambitions; our priorities; our plan; our plans;"
        " send improvement plan; local area strategy; send and inclusion strategy; strategy for send; our goals;"
        " what we want to achieve; our aims; our commitment; our commitments; our plan for",
        "vision; ambition; ambitious; aspiration; aspirations; priorities; priority; goals; goal; outcomes;"
        " high expectations; every child; strategy; improve; achieve; do well; best possible; plan"),
    "leaders.engagement": (
        "you said we did; have your say; consultation; consultations; parent carer forum; working with families;"
        " co production; coproduction; feedback; tell us what you think; get involved; engagement; survey; surveys;"
        " what you told us; listening to families; working together with families; who writes it",
        "you said; we did; feedback; survey; consultation; forum; co production; coproduction; views; told us;"
        " listen; parent carer forum; engage; young people; families; comment; comments; events"),
    "leaders.understanding": (
        "jsna; joint strategic needs assessment; needs analysis; local needs; understanding needs; send data;"
        " what we know; our data; needs of children; sufficiency; how we know what is needed; local picture;"
        " send in numbers; facts and figures; dashboard; data",
        "data; needs; number of; jsna; joint strategic needs assessment; analysis; trends; sufficiency; prevalence;"
        " census; per cent; increase; forecast; local needs; study; gaps; listen to families"),
    "leaders.commissioning": (
        "commissioning; joint commissioning; commissioned services; how we buy services; sufficiency;"
        " how we commission; commission services; commissioning services;"
        " specialist places; which services to buy; commissioning strategy; market position statement;"
        " how we decide which services",
        "commission; commissioned; commissioning; joint; icb; integrated care board; buy; contract; provider;"
        " providers; sufficiency; places; gaps; alternative provision; tender; market; services to buy"),
    "leaders.evaluation": (
        "self evaluation; self evaluation summary; how we check; quality assurance; annual report; evaluation;"
        " monitoring; how well are we doing; how we are doing; performance; inspection; inspections;"
        " what we have learned; audit; how we check our services work; reviewing services",
        "evaluate; evaluation; review; quality assurance; audit; monitor; monitoring; self evaluation; self check;"
        " strengths; weaknesses; improve; inspection; ofsted; cqc; annual report; action plan; performance;"
        " measure; impact"),
    "leaders.multi-agency": (
        "multi agency; working together; partnership; partnerships; send partnership board; local area partnership;"
        " designated clinical officer; designated medical officer; team around the child; team around the family;"
        " joint working; integrated; who we work with; our partners",
        "multi agency; partnership; partners; designated clinical officer; designated medical officer; health;"
        " social care; education; together; joint; integrated; board; icb; team around; work together; share;"
        " meet each month"),
}
"""Criterion id -> (head phrases, terms), each ``;``-separated (see ``checks.index.evidence``)."""


def subjects() -> tuple[Subject, ...]:
    """The criteria as ``Subject``s."""
    return tuple(Subject(c.id, c.title, *map(phrase_list, EVIDENCE[c.id])) for c in CRITERIA)
