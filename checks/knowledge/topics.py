"""Statutory topics of a Local Offer, the evidence phrases of each, and a keyword index of pages.

Coverage (``statutory.topic-missing``, ``metrics.statutory``) is decided by
``checks.index.evidence`` from :data:`EVIDENCE`: per topic, *head* phrases that name it in a
title or heading, and *terms* that a text about it uses (see :func:`subjects`).

The keyword classifier below (:class:`PhraseClassifier`, :func:`topic_index`) is the
older whole-page score; it only suggests which articles should link to a service
(``service.not-linked``), where finding more candidates is the aim.

Topic ids follow ``shared/domain/local-offer-law.md`` ("Topics the content must cover":
Schedule 2 to the SEND Regulations 2014 and Code of Practice 4.31-4.32). The phrase lists
are ours: words a family-facing page about the topic uses. ``checks.topic_synonyms`` adds
phrases per topic id.

How a page is scored for a phrase set (:class:`PhraseClassifier`):

- a phrase in the page title or h1: +3 (once);
- a phrase in another heading: +2 (once);
- each *distinct* phrase in the main text: +1 (at most 4).

A page is about a topic when its score reaches :data:`THRESHOLD` (4): a title match needs
at least one supporting phrase in the text, a heading match two, and text alone four
different phrases. A single passing mention never covers a topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from checks.knowledge.phrases import PhraseTable, Subject, phrase_list, words_of

THRESHOLD = 4
TITLE_WEIGHT, HEADING_WEIGHT, TEXT_CAP = 3, 2, 4


@dataclass(frozen=True)
class Topic:
    """One thing the Local Offer must cover."""

    id: str
    title: str
    source: str
    phrases: tuple[str, ...]
    scored: bool = True


def _t(id_: str, title: str, source: str, phrases: str, scored: bool = True) -> Topic:
    return Topic(id_, title, source, phrase_list(phrases), scored)


TOPICS: tuple[Topic, ...] = (
    _t("provision.in-area", "Education and training provision in the area", "SEND Regulations 2014, Schedule 2 para 1",
       "schools and settings; education settings; find a school; list of schools; school directory; early years provider;"
       " early years setting; nurseries; maintained school; academies; further education college; sixth form;"
       " local provision; provision in the area; special educational provision; commissioned services"),
    _t("provision.out-of-area", "Provision outside the area", "SEND Regulations 2014, Schedule 2 para 2",
       "out of area; outside the area; outside our area; out of county; outside the county; schools outside;"
       " nearby counties; other counties; neighbouring; further away; national schools; independent special school;"
       " independent specialist; non maintained special school; national specialist; regional specialist;"
       " residential special school; section 41; approved independent"),
    _t("provision.mainstream", "Support in mainstream schools and colleges", "SEND Regulations 2014, Schedule 2 para 3(a)",
       "mainstream school; mainstream setting; mainstream; ordinarily available; graduated approach; sen support;"
       " send support; assess plan do review; quality first teaching; curriculum support; reasonable adjustments"),
    _t("provision.special", "Special schools and specialist colleges", "SEND Regulations 2014, Schedule 2 para 3(b)",
       "special school; specialist school; specialist provision; specialist college; special post 16;"
       " section 41; specialist setting; special academy"),
    _t("provision.secured", "Resourced provision, units and alternative provision",
       "SEND Regulations 2014, Schedule 2 para 3(c)",
       "resourced provision; enhanced resource; specialist unit; alternative provision; pupil referral unit;"
       " designated specialist provision; specialist resource base; resource base; resourced unit; hospital school"),
    _t("funding", "How SEN support is funded", "SEND Regulations 2014, Schedule 2 para 3(d)",
       "notional sen budget; notional send budget; top up funding; high needs funding; high needs block;"
       " element 3; element 2; sen funding; send funding; how schools are funded; funding bands; banding; funding;"
       " funded; top up; high needs; school budget"),
    _t("provider.information", "Information about each school and provider", "SEND Regulations 2014, Schedule 2 para 5",
       "sen information report; send information report; information report; senco;"
       " special educational needs coordinator; special educational needs co ordinator; how the school supports;"
       " school accessibility plan; staff training; school offer; what each school offers; school summaries;"
       " how we teach; check progress; checks progress; special needs report; full report"),
    _t("assessment", "Identifying needs and EHC needs assessments", "SEND Code of Practice 4.31",
       "ehc needs assessment; education health and care needs assessment; needs assessment; request an assessment;"
       " statutory assessment; 20 weeks; ehc plan; education health and care plan; ehcp; identifying needs;"
       " identification of needs; annual review; draft plan"),
    _t("health", "Health services", "Children and Families Act 2014 s.30; SEND Code of Practice 4.31",
       "speech and language therapy; occupational therapy; physiotherapy; camhs; mental health; paediatric;"
       " paediatrician; neurodevelopmental; autism assessment; adhd; continence; school nurse; health visitor;"
       " wheelchair service; palliative; medical conditions; designated clinical officer; health services; nhs"),
    _t("social-care", "Social care and short breaks", "Children and Families Act 2014 s.30; SEND Code of Practice 4.31",
       "short breaks; short breaks statement; social care; children with disabilities team; disabled childrens team;"
       " disabled children team; social worker; carers assessment; respite; childrens social care"),
    _t("personal-budgets", "Personal budgets", "SEND Code of Practice chapter 9",
       "personal budget; direct payment; personal health budget; managed budget; notional arrangement"),
    _t("other-education", "Other education, such as sport and the arts", "SEND Code of Practice 4.32",
       "sport; arts; music service; music lessons; drama; swimming; outdoor education; forest school;"
       " home education; elective home education; education other than at school; eotas; hospital education;"
       " tuition; children missing education"),
    _t("training", "Training, apprenticeships and supported internships", "SEND Code of Practice 4.32",
       "apprenticeship; traineeship; supported internship; study programme; vocational; work experience;"
       " job coach; skills training; training provider; pre employment"),
    _t("travel", "Travel to school and college", "SEND Code of Practice 4.32",
       "home to school transport; school transport; travel assistance; travel training; transport;"
       " independent travel; bus pass; post 16 transport; travel support; passenger assistant;"
       " mileage allowance; personal transport budget; travel appeal; travel to school; travel to college;"
       " free travel; travel policy; travel trainer; travel on their own"),
    _t("transitions", "Moving between schools and phases", "SEND Code of Practice 4.32",
       "transition; moving to secondary; starting school; moving school; moving to primary; primary to secondary;"
       " changing schools; phase transfer; starting nursery; moving on to college; moving up"),
    _t("preparing-for-adulthood", "Preparing for adulthood", "Children and Families Act 2014 s.30; SEND Code of Practice 8",
       "preparing for adulthood; pfa; adult services; adult social care; independent living; supported living;"
       " employment; transition to adulthood; turning 18; mental capacity; becoming an adult; housing;"
       " friends and community; good health"),
    _t("higher-education", "Higher education", "SEND Code of Practice 4.32",
       "higher education; university; disabled students allowance; dsa; ucas; student finance; degree"),
    _t("advice-and-support", "Information, advice and support", "SEND Regulations 2014, Schedule 2",
       "sendiass; send information advice and support; information advice and support service; iass;"
       " parent carer forum; support group; parent support; ipsea; contact a family; independent supporter;"
       " advice line; helpline; independent advice"),
    _t("childcare", "Childcare", "SEND Code of Practice 4.32",
       "childcare; child care; childminder; free early education; funded childcare; 15 hours; 30 hours;"
       " holiday childcare; disability access fund; inclusion fund; wraparound care; after school care;"
       " breakfast club; family information service"),
    _t("leisure", "Leisure activities", "SEND Code of Practice 4.32",
       "leisure; things to do; activities; holiday activities; youth club; clubs; play scheme; playscheme;"
       " days out; sports club; holiday activities and food; max card; accessible activities; inclusive activities"),
    _t("complaints", "Complaints, mediation and appeals", "SEND Regulations 2014, Schedule 2; SEND Code of Practice 11",
       "complaint; disagreement resolution; mediation; tribunal; first tier tribunal; appeal; ombudsman;"
       " disagreement; resolving disagreements; make a complaint; mediation certificate"),
    _t("accessibility-strategy", "The accessibility strategy", "SEND Regulations 2014, Schedule 2",
       "accessibility strategy; access strategy; schools accessibility strategy; accessibility plans"),
    _t("strategy-and-inspection", "SEND strategy and inspection (useful, not statutory)", "Area SEND inspection practice",
       "send strategy; self evaluation; ofsted; cqc; area send inspection; inspection report;"
       " written statement of action; priority action plan; improvement plan; send inspection; inspection;"
       " action plan; self check", scored=False),
)


@dataclass(frozen=True)
class PageWords:
    """A page's words as the classifier reads them: title with h1, other headings, main text."""

    title: list[str]
    heads: list[str]
    body: list[str]

    @classmethod
    def of(cls, page: Any) -> "PageWords":
        return cls(words_of(" ".join([page.title, *(t for lvl, t in page.headings if lvl == 1)])),
                   words_of(" ".join(t for lvl, t in page.headings if lvl > 1)), words_of(page.main_text))


@dataclass(frozen=True)
class Scored:
    """One page's result under one classifier: score per key (non-zero only), keys in its title."""

    scores: dict[str, int]
    titled: list[str]

    def matches(self, threshold: int = THRESHOLD) -> list[str]:
        """Keys scoring ``threshold`` or more, best first."""
        return sorted((k for k, s in self.scores.items() if s >= threshold), key=lambda k: -self.scores[k])


@dataclass
class PhraseClassifier:
    """Scores pages against named phrase sets (topics or inspection criteria)."""

    sets: Mapping[str, Iterable[str]]
    threshold: int = THRESHOLD

    @cached_property
    def table(self) -> PhraseTable:
        return PhraseTable(self.sets)

    def score(self, page: Any, words: PageWords | None = None) -> Scored:
        """The page's scores and title keys; pass ``words`` to share them between classifiers."""
        words = words or PageWords.of(page)
        table = self.table
        title, heads = table.present(table.hits(words.title)), table.present(table.hits(words.heads))
        body = table.distinct(table.hits(words.body))
        scores = {}
        for key in table.keys:
            score = TITLE_WEIGHT * (key in title) + HEADING_WEIGHT * (key in heads)
            score += min(TEXT_CAP, len(body.get(key, ())))
            if score:
                scores[key] = score
        return Scored(scores, [k for k in table.keys if k in title])

    def matches(self, page: Any) -> list[str]:
        """Phrase-set keys ``page`` is about, best first."""
        return self.score(page).matches(self.threshold)


def topics(synonyms: Mapping[str, Iterable[str]] | None = None) -> tuple[Topic, ...]:
    """The topics with ``checks.topic_synonyms`` added to their phrases."""
    synonyms = synonyms or {}
    return tuple(Topic(t.id, t.title, t.source, t.phrases + tuple(synonyms.get(t.id, ())), t.scored) for t in TOPICS)


def topic_ids() -> tuple[str, ...]:
    return tuple(t.id for t in TOPICS)


@dataclass
class TopicIndex:
    """Which content pages are about which topic, for one crawl."""

    topics: tuple[Topic, ...]
    pages: list[Any]
    by_topic: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    titled: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def build(cls, pages: list[Any], synonyms: Mapping[str, Iterable[str]] | None = None) -> "TopicIndex":
        """Classify ``pages``."""
        tops = topics(synonyms)
        clf = PhraseClassifier({t.id: t.phrases for t in tops})
        index = cls(tops, pages, {t.id: [] for t in tops}, {t.id: [] for t in tops})
        for page in pages:
            scored = clf.score(page)
            for key in scored.matches(clf.threshold):
                index.by_topic[key].append((scored.scores[key], page))
            for key in scored.titled:
                index.titled[key].append(page)
        for key in index.by_topic:
            index.by_topic[key].sort(key=lambda sp: (-sp[0], sp[1].url))
        return index

    def pages_for(self, topic_id: str) -> list[Any]:
        """Pages about ``topic_id``, best first."""
        return [p for _, p in self.by_topic.get(topic_id, [])]


def topic_index(ctx: Any) -> TopicIndex:
    """The topic index of the run's articles, built once per run (``ctx.shared``).

    Service records are left out: a topic is covered by a page that explains it, not by a
    directory entry that happens to use its words.
    """
    if "topics" not in ctx.shared:
        synonyms = getattr(ctx.config, "topic_synonyms", None) or {}
        ctx.shared["topics"] = TopicIndex.build(ctx.site.articles, synonyms)
    return ctx.shared["topics"]


# ----------------------------------------------------------------------------- evidence phrases
EVIDENCE: dict[str, tuple[str, str]] = {
    "provision.in-area": (
        "schools and settings; schools and colleges; education settings; find a school; choosing a school;"
        " types of school; types of schools; early years settings; nurseries and early years; local schools;"
        " education provision; school places; nurseries schools and colleges; schools in our area; where children learn",
        "maintained school; academy; academies; nursery; nurseries; early years setting; early years provider;"
        " primary school; secondary school; special school; further education college; sixth form; pupil referral unit;"
        " resourced provision; free school; school place; childminder; local school; mainstream school; post 16 college;"
        " independent school; specialist college"),
    "provision.out-of-area": (
        "out of area; outside the area; out of county; outside the county; schools outside; independent special schools;"
        " independent specialist; non maintained special schools; national specialist; residential special schools;"
        " independent schools; further from home; provision outside; schools and colleges outside; colleges outside",
        "out of area; outside the area; out of county; outside the county; independent special school;"
        " non maintained; section 41; residential; neighbouring; approved independent; national; further away;"
        " specialist college; placement; other councils; other local authorities; boarding; travel further"),
    "provision.mainstream": (
        "mainstream; ordinarily available; sen support; send support in school; support in school; support at school;"
        " help in school; extra help at school; graduated approach; support in college; support at college; help at school;"
        " how schools plan support; support in early years",
        "mainstream; ordinarily available; sen support; graduated approach; assess plan do review; senco;"
        " reasonable adjustments; quality first teaching; teaching assistant; intervention; small group;"
        " learning support; support plan; extra help; class teacher; adapt; adapted; differentiated"),
    "provision.special": (
        "special school; specialist school; specialist provision; special post 16; specialist college; special academy;"
        " specialist setting; specialist schools",
        "special school; specialist; places; ehc plan; education health and care plan; complex needs; profound;"
        " severe learning; consult; naming a school; section 41; small classes; therapy; admissions"),
    "provision.secured": (
        "resourced provision; enhanced resource; specialist unit; alternative provision; pupil referral unit;"
        " resource base; resource bases; specialist resource; designated specialist provision; hospital school;"
        " learning support unit; units",
        "resourced provision; enhanced resource; unit; units; resource base; alternative provision; pupil referral unit;"
        " excluded; exclusion; medical needs; mainstream school; places; commissioned; full time; part time;"
        " hospital; return to school; small group"),
    "funding": (
        "funding; how schools are funded; high needs funding; send funding; sen funding; top up funding;"
        " notional sen budget; paying for support; how support is paid for; element 3; banding; funding bands",
        "notional sen budget; notional send budget; notional; high needs; top up; element 1; element 2; element 3;"
        " banding; band; 6000; school budget; budget; high needs block; per pupil; delegated; funding formula"),
    "provider.information": (
        "sen information report; send information report; information report; information reports; school offer;"
        " what schools offer; what each school offers; senco; sencos; special educational needs co ordinator;"
        " how schools support; what schools must publish; school send information",
        "sen information report; send information report; information report; senco; each school; every school;"
        " publish; website; school offer; accessibility plan; staff training; progress; curriculum;"
        " governors; governing body; how the school"),
    "assessment": (
        "needs assessment; ehc needs assessment; education health and care needs assessment; request an assessment;"
        " requesting an assessment; ask for an assessment; asking for an assessment; statutory assessment;"
        " ehc plan; ehc plans; education health and care plan; education health and care plans; ehcp;"
        " identifying needs; identifying special educational needs; identified; identification; annual review;"
        " annual reviews; 20 week timeline;"
        " how we decide",
        "needs assessment; ehc needs assessment; 20 weeks; 20 week; ehc plan; ehcp; education health and care plan;"
        " request an assessment; ask for an assessment; annual review; draft plan; final plan; educational psychologist;"
        " statutory assessment; 6 weeks; 16 weeks; evidence; decide; panel; sen support; advice from"),
    "health": (
        "health; health services; therapy; therapies; speech and language; occupational therapy; physiotherapy; camhs;"
        " mental health; emotional wellbeing; paediatric; paediatrics; community paediatrics; neurodevelopmental;"
        " autism assessment; autism and adhd; adhd; continence; school nursing; wheelchair; medical needs; nhs;"
        " sleep; hearing; vision; epilepsy; dental; equipment",
        "speech and language; occupational therapy; occupational therapist; physiotherapy; physiotherapist; camhs;"
        " mental health; paediatrician; paediatric; neurodevelopmental; gp; nhs; therapist; therapy; clinic;"
        " health visitor; school nurse; continence; wheelchair; designated clinical officer; autism assessment;"
        " sleep clinic; melatonin; audiology; eye clinic;"
        " adhd; hospital; diagnosis; equipment; medicine; medicines; nurse; health care plan; referral"),
    "social-care": (
        "short breaks; short break; social care; children with disabilities team; disabled childrens team;"
        " social worker; social workers; carers assessment; carers assessments; respite; short breaks statement;"
        " assessments for parent carers; young carers; childrens social care",
        "short breaks; short break; social care; social worker; carers assessment; respite; overnight;"
        " children with disabilities team; disabled childrens team; short breaks statement; eligibility; eligible;"
        " assessment; child in need; family link; young carer; young carers; carer; carers; personal care"),
    "personal-budgets": (
        "personal budget; personal budgets; direct payment; direct payments; personal health budget;"
        " personal health budgets",
        "personal budget; direct payment; personal health budget; managed budget; notional arrangement; third party;"
        " ehc plan; education health and care plan; personal assistant; employ; bank account; pay for; outcomes"),
    "other-education": (
        "school sport; sport in school; music; arts; drama; home education; elective home education; educated at home;"
        " education other than at school; eotas; hospital education; medical tuition; tuition;"
        " children missing education; outdoor education; forest school; education at home",
        "home education; elective home education; home educate; eotas; education other than at school; tuition;"
        " tutor; hospital; medical needs; music; instrument; instruments; arts; art; drama; dance; sport; sports;"
        " outdoor; children missing education; deregister; swimming; games; matches; music hub"),
    "training": (
        "apprenticeship; apprenticeships; supported internship; supported internships; traineeship; traineeships;"
        " training; work experience; supported employment; study programme; study programmes; job coach;"
        " vocational; employability; training providers; work and training",
        "apprenticeship; supported internship; traineeship; job coach; work experience; study programme;"
        " training provider; vocational; employability; qualification; qualifications; supported employment;"
        " employer; employers; work placement; paid work; skills; college"),
    "travel": (
        "school transport; home to school transport; travel assistance; travel training; travel support;"
        " travel to school; travel to college; travel to school and college; getting to school; transport to school;"
        " post 16 transport; independent travel; send transport; travel help; help with travel; school travel",
        "school transport; home to school; travel assistance; travel training; transport; bus pass; taxi; minibus;"
        " passenger assistant; mileage; personal transport budget; eligible; walking distance; travel appeal;"
        " independent travel; travel policy; nearest suitable school; post 16 transport; free travel"),
    "transitions": (
        "transition; transitions; moving to secondary; moving school; changing school; changing schools;"
        " starting school; moving up; moving from primary to secondary; phase transfer; starting nursery;"
        " moving on to college; starting college; moving between schools; new school",
        "primary to secondary; moving to secondary; year 6; starting school; new school; phase transfer;"
        " reception class; starting nursery; secondary school; transition visits; transition visit; transition plan;"
        " moving school; changing schools; next school; year 11; key stage; visits; new class; new teacher"),
    "preparing-for-adulthood": (
        "preparing for adulthood; pfa; becoming an adult; adult services; adult social care; turning 18;"
        " transition to adulthood; moving to adult services; moving to adult social care; independent living;"
        " supported living; growing up; adult life; living independently; living on your own",
        "preparing for adulthood; adult social care; adult services; independent living; supported living; housing;"
        " employment; friends and community; good health; year 9; turning 18; mental capacity; transition to adult;"
        " pfa; paid work; supported employment; 18th birthday; care act; adult; your own home; tenancy; benefits"),
    "higher-education": (
        "higher education; university; universities; disabled students allowance; disabled students allowances;"
        " going to university; student finance",
        "university; universities; higher education; disabled students allowance; dsa; ucas; student finance;"
        " degree; disability adviser; student support; needs assessment; halls; lecturer"),
    "advice-and-support": (
        "sendiass; information advice and support; iass; parent carer forum; support groups; support group;"
        " advice and support; independent advice; parent support; support for parents; support for families;"
        " where to get advice; helpline; helplines; ipsea; contact a family; independent supporter",
        "sendiass; information advice and support; iass; parent carer forum; support group; independent; impartial;"
        " confidential; free advice; free; helpline; ipsea; independent supporter; advice line; peer support;"
        " drop in; coffee morning; meet other parents; advice"),
    "childcare": (
        "childcare; child care; childminder; childminders; funded childcare; free early education; early education funding;"
        " free childcare; holiday childcare; after school clubs; breakfast clubs; wraparound care;"
        " family information service; disability access fund; inclusion fund; help with childcare costs",
        "childcare; childminder; nursery; nurseries; 15 hours; 30 hours; free early education; disability access fund;"
        " inclusion fund; ofsted registered; wraparound; after school; breakfast club; holiday club;"
        " family information service; tax free childcare; 2 year old; 3 and 4 year olds; personal care; childcare costs"),
    "leisure": (
        "leisure; things to do; activities; holiday activities; clubs; youth clubs; play schemes; playschemes;"
        " days out; sport and leisure; accessible activities; inclusive activities; fun; max card;"
        " activities and clubs; out and about",
        "activities; activity; club; clubs; youth club; play scheme; playscheme; holiday activities; swimming; sports;"
        " days out; max card; accessible; inclusive; leisure; cinema; park; trampolining; haf;"
        " holiday activities and food; relaxed; sessions; fun; discount"),
    "complaints": (
        "complaint; complaints; make a complaint; disagreement; disagreements; disagree; mediation; tribunal;"
        " send tribunal; first tier tribunal; appeals to the tribunal; resolving disagreements;"
        " disagreement resolution; if you are not happy; challenge a decision; ombudsman; appeals; appeal;"
        " local government and social care ombudsman",
        "mediation; tribunal; disagreement resolution; ombudsman; complaint; first tier tribunal; send tribunal;"
        " mediation certificate; local government and social care ombudsman; sendiass; appeal; disagreement;"
        " ehc plan; decision; mediator; 2 months; two months; complaints procedure"),
    "accessibility-strategy": (
        "accessibility strategy; access strategy; schools accessibility strategy; accessibility strategy for schools",
        "accessibility strategy; accessibility plan; accessibility plans; physical environment; curriculum;"
        " equality act; disabled pupils; schedule 10; improve access; access to the curriculum; written information;"
        " buildings; ramps"),
    "strategy-and-inspection": (
        "send strategy; self evaluation; inspection; inspections; area send inspection; ofsted; improvement plan;"
        " priority action plan; written statement of action; our plans",
        "strategy; inspection; ofsted; cqc; self evaluation; action plan; priorities; improvement; inspectors;"
        " outcome; inspection report"),
}
"""Topic id -> (head phrases, terms), each ``;``-separated (see ``checks.index.evidence``)."""


def subjects(synonyms: Mapping[str, Iterable[str]] | None = None) -> tuple[Subject, ...]:
    """The topics as ``Subject``s; ``checks.topic_synonyms`` count as heads and terms."""
    synonyms = synonyms or {}
    out = []
    for t in TOPICS:
        heads, terms = EVIDENCE[t.id]
        extra = tuple(synonyms.get(t.id, ()))
        out.append(Subject(t.id, t.title, phrase_list(heads) + extra, phrase_list(terms) + extra))
    return tuple(out)
