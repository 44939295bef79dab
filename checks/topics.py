"""Statutory topics of a Local Offer and a keyword classifier of pages into them.

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

from .phrases import PhraseTable, normalise_text, words_of  # noqa: F401 - normalise_text re-exported

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
    return Topic(id_, title, source, tuple(p.strip() for p in phrases.split(";") if p.strip()), scored)


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

    def scores(self, page: Any) -> dict[str, int]:
        """Score of ``page`` for every phrase set with a non-zero score."""
        return self.score(page).scores

    def matches(self, page: Any) -> list[str]:
        """Phrase-set keys ``page`` is about, best first."""
        return self.score(page).matches(self.threshold)

    def title_matches(self, page: Any) -> list[str]:
        """Keys whose phrases appear in the page's title or h1 (the page's main subject)."""
        return self.score(page).titled


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
    def build(cls, pages: list[Any], synonyms: Mapping[str, Iterable[str]] | None = None,
              scores: Mapping[str, Scored] | None = None) -> "TopicIndex":
        """Classify ``pages``; ``scores`` (stored URL -> ``Scored``) saves scoring them again."""
        tops = topics(synonyms)
        clf = PhraseClassifier({t.id: t.phrases for t in tops})
        index = cls(tops, pages, {t.id: [] for t in tops}, {t.id: [] for t in tops})
        for page in pages:
            scored = scores[page.url] if scores is not None else clf.score(page)
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
        from .classify import content_scores

        synonyms = getattr(ctx.config, "topic_synonyms", None) or {}
        scores = {url: by_topic for url, (by_topic, _) in content_scores(ctx).items()}
        ctx.shared["topics"] = TopicIndex.build(ctx.site.articles, synonyms, scores)
    return ctx.shared["topics"]
