"""statutory.*: what the law says a Local Offer must contain."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from crawler.model import Page

from ..context import RuleContext
from ..model import Finding
from ..registry import rule
from ..evidence import MAX_ITEMS, Result, evaluate, site_reading
from ..topics import TOPICS, subjects
from ._common import make, option, page_title

YSWD = re.compile(
    r"you said[\s,.;:–-]*we (?:did|have done|are doing|will)|what you (?:have )?told us|"
    r"local offer (?:annual )?(?:report|review|feedback)|feedback (?:on|about) (?:the |our )?local offer", re.I)
OFFLINE = re.compile(
    r"other formats?|alternative formats?|different formats?|large print|easy read|braille|audio (?:version|format)|"
    r"paper cop(?:y|ies)|printed cop(?:y|ies)|print(?:ed)? version|in another language|"
    r"(?:without|no|don['’]?t have|do not have|can['’]?t get|cannot get) (?:access to )?(?:the )?(?:internet|online)(?: access)?|"
    r"not online|offline", re.I)
OFFLINE_WORDS = ("format", "print", "easy read", "braille", "audio", "cop", "another language", "internet", "online",
                 "offline")
"""Every phrase :data:`OFFLINE` finds contains one of these (lower case): a cheap test first."""
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")
"""The letters ``re.I`` matches to an ASCII letter that ``str.lower`` does not turn into it (İ ı ſ K)."""
A11Y_STATEMENT = re.compile(r"accessibility statement", re.I)


def _page_ref(ctx: RuleContext, page: Page) -> dict:
    return {"url": ctx.site.url_of(page), "title": page_title(page)}


def topic_evidence(ctx: RuleContext) -> Result:
    """Every topic's evidence (``checks.evidence``), once per run (``ctx.shared``)."""
    if "topic_evidence" not in ctx.shared:
        synonyms = getattr(ctx.config, "topic_synonyms", None) or {}
        ctx.shared["topic_evidence"] = evaluate(ctx.site, site_reading(ctx), subjects(synonyms))
    return ctx.shared["topic_evidence"]


def statutory_metrics(result: Result) -> dict:
    """``metrics.statutory`` (CONTRACT.md): the coverage score and each topic's status and evidence."""
    rows, extra = [], []
    for topic in TOPICS:
        items = result.items.get(topic.id, [])
        status = result.status(topic.id)
        row = {"id": topic.id, "title": topic.title, "source": topic.source, "covered": status == "strong",
               "status": status, "pages": [{"url": i.url, "title": i.title} for i in items[:MAX_ITEMS]],
               "evidence": [i.to_dict() for i in items[:3]],
               "add": f"A page about {topic.title[0].lower() + topic.title[1:]} ({topic.source})."}
        (rows if topic.scored else extra).append(row)
    covered = sum(r["covered"] for r in rows)
    return {"score": round(100 * covered / len(rows)) if rows else 0, "covered": covered, "total": len(rows),
            "weak": sum(r["status"] == "weak" for r in rows), "topics": rows, "unscored": extra}


@rule("statutory.topic-missing", "error")
def topic_missing(ctx: RuleContext) -> Iterable[Finding]:
    """Statutory topics the Local Offer does not cover

    Checks that the site has a page or document about each topic that Schedule 2 to the
    SEND Regulations 2014 and the SEND Code of Practice (4.31-4.32) require: provision in
    and outside the area, mainstream and special provision, funding, assessment, health,
    social care, personal budgets, training, travel, transitions, preparing for adulthood,
    higher education, advice and support, childcare, leisure, complaints, the accessibility
    strategy.

    Only the page's own main content counts: menus, headers, footers, sidebars, cookie text
    and blocks repeated across many pages of the site are left out. A topic is covered by a
    page or a PDF or Word document whose title or a heading names the topic and whose text
    under it says something about it (at least two of the topic's specific terms and a few
    sentences), on a page about special educational needs and disabilities. A single word,
    a passing mention or a link in a menu is not coverage; a heading with little under it,
    or a page that touches the topic without a heading about it, is *weak* evidence, shown
    on the statutory checklist and reported here, because it is not enough for the duty.
    The home page, search results, lists of links and duplicate pages are never evidence.
    Each covered topic shows its evidence on the checklist: the page and a quoted sentence.
    Add your own names for a topic with ``checks.topic_synonyms``. The share of topics
    covered is the statutory score (``metrics.statutory.score``). It is not the measure of
    the 2024 national study of all 151 Local Offers (coverage from 29% to 98%): that study
    read each site by hand against its own categories, so set the two side by side only as a
    rough guide.

    **Why it matters.** These are legal duties. Inspectors read the Local Offer before they
    visit, and families cannot use support they cannot find.

    **How to fix.** Write a page on the topic (what is available, who it is for, how to get it,
    who to contact) with a title that says what it is about, or publish the document.

    **Options.** None (see ``checks.topic_synonyms``).
    """
    result = topic_evidence(ctx)
    ctx.metrics["statutory"] = statutory_metrics(result)
    for topic in TOPICS:
        status = result.status(topic.id)
        if not topic.scored or status == "strong":
            continue
        name = topic.title[0].lower() + topic.title[1:]
        weak = [i for i in result.items.get(topic.id, [])][:3]
        evidence = {"topic": topic.id, "title": topic.title, "source": topic.source, "status": status,
                    "weak": [i.to_dict() for i in weak]}
        if status == "weak":
            where = weak[0]
            yield make("statutory.topic-missing", topic.id,
                       f"The Local Offer only touches on {name}: no page or document is about it.",
                       expected=f"a page about {topic.title.lower()}",
                       found=f"weak evidence only, e.g. {where.title or where.url}: \"{where.quote}\"",
                       fix=f"Publish a page about {topic.title.lower()} ({topic.source}), or give the page above "
                           "a heading about it and say what is available, for whom and how to get it.",
                       evidence=evidence)
        else:
            yield make("statutory.topic-missing", topic.id,
                       f"The Local Offer has no page about {name}.",
                       expected=f"a page about {topic.title.lower()}", found="no page found",
                       fix=f"Publish a page about {topic.title.lower()} ({topic.source}).", evidence=evidence)


def _date_of(page: Page) -> date | None:
    try:
        return date.fromisoformat(page.last_updated[:10])
    except ValueError:
        return None


def _latest_year(page: Page) -> int:
    text = " ".join([page.title, *(t for _, t in page.headings), page.main_text[:1000]])
    return max((int(y) for y in re.findall(r"\b(20\d\d)\b", text)), default=0)


def _yswd_pages(ctx: RuleContext) -> list[Page]:
    hits = []
    for page in ctx.site.content_pages:
        heads = " ".join([page.title, *(t for lvl, t in page.headings if lvl <= 2), page.url.replace("-", " ")])
        if YSWD.search(heads):
            hits.append(page)
    return sorted(hits, key=lambda p: (_date_of(p) or date.min, _latest_year(p)), reverse=True)


@rule("statutory.you-said-we-did", "error", max_age_months=12)
def you_said_we_did(ctx: RuleContext) -> Iterable[Finding]:
    """No recent "You said, we did"

    Looks for a page publishing families' comments on the Local Offer and the council's
    response ("You said, we did", "What you told us", a Local Offer annual report), found by
    its title, main headings or address. Reports when there is none, or when the newest one
    is older than 12 months (by its "last updated" date; when it shows none, by the latest
    year in its title, headings or opening text).

    **Why it matters.** Regulation 56 of the SEND Regulations 2014 requires the council to
    publish comments about its Local Offer and its response, including the action it will
    take, at least once a year. Fewer than half of Local Offers showed recent comments in the
    2024 national study; inspectors look for it as evidence of working with families.

    **How to fix.** Publish this year's feedback and what you did about it, and date the page.

    **Options.** ``max_age_months`` (default 12).
    """
    months = option(ctx, "statutory.you-said-we-did", "max_age_months")
    cutoff = ctx.today - relativedelta(months=months)
    pages = _yswd_pages(ctx)
    if not pages:
        yield make("statutory.you-said-we-did", "you-said-we-did",
                   "The Local Offer does not publish families' feedback and the council's response (\"You said, we did\").",
                   expected="a 'You said, we did' page updated in the last year", found="no such page",
                   fix="Publish the comments families made about the Local Offer and what you did about them.",
                   evidence={"last_updated": ""})
        return
    best, url = pages[0], ctx.site.url_of(pages[0])
    updated = _date_of(best)
    if updated is not None and updated >= cutoff or updated is None and _latest_year(best) >= cutoff.year:
        return
    found = f"last updated {updated.isoformat()}" if updated else "no date on the page"
    yield make("statutory.you-said-we-did", "you-said-we-did",
               "The newest \"You said, we did\" page is more than a year old or undated.", url=url,
               expected=f"feedback published since {cutoff:%-d %B %Y}", found=found,
               fix="Publish this year's feedback and your response, and show the date on the page.",
               evidence={"last_updated": updated.isoformat() if updated else "", "pages": [ctx.site.url_of(p) for p in pages[:5]]})


def _mentions_offline(text: str) -> bool:
    """``OFFLINE.search(text)``, skipping the slow search when none of :data:`OFFLINE_WORDS` is there."""
    lower = text.lower()
    if not _ODD_CASE.search(text) and not any(word in lower for word in OFFLINE_WORDS):
        return False
    return bool(OFFLINE.search(text))


@rule("statutory.offline-access", "warning")
def offline_access(ctx: RuleContext) -> Iterable[Finding]:
    """No word on getting the information offline or in other formats

    Looks for any page saying how people without internet access, or who need another
    format (large print, easy read, braille, audio, paper copies, other languages), can get
    the Local Offer's information.

    **Why it matters.** The Local Offer must be accessible to everyone (SEND Regulations
    2014, regulation 57, wording to confirm); many families have no reliable internet or need
    other formats.

    **How to fix.** Add a short section (on the home page or "About the Local Offer") with a
    phone number and how to ask for printed, large-print, easy read or translated copies.

    **Options.** None.
    """
    for page in ctx.site.content_pages:
        if _mentions_offline(" ".join([page.title, *(t for _, t in page.headings), page.main_text])):
            return
    yield make("statutory.offline-access", "offline-access",
               "No page says how to get the Local Offer's information without the internet or in another format.",
               expected="a statement on offline access and other formats", found="none found",
               fix="Say how families can get the information by phone, on paper, or in other formats and languages.",
               evidence={})


def _statement_found(ctx: RuleContext) -> bool:
    site = ctx.site
    for page in site.content_pages:
        if A11Y_STATEMENT.search(page_title(page)) or A11Y_STATEMENT.search(page.title) or \
                "accessibility-statement" in page.url.lower():
            return True
    for link in site.links:
        if link.source in site.content_urls and (A11Y_STATEMENT.search(link.text or "") or
                                                 "accessibility-statement" in link.target.lower()):
            status, error, known = site.target_status(link.target)
            if not known or (status and status < 400):
                return True
    return False


@rule("statutory.accessibility-statement", "error")
def accessibility_statement(ctx: RuleContext) -> Iterable[Finding]:
    """No accessibility statement

    Looks for an accessibility statement: a page titled "Accessibility statement" (or at an
    ``accessibility-statement`` address), or a working link to one (for example the council's
    statement on its main website).

    **Why it matters.** The Public Sector Bodies (Websites and Mobile Applications)
    Accessibility Regulations 2018 require every public sector website to publish one,
    saying how accessible it is and how to report problems.

    **How to fix.** Publish a statement (GOV.UK has a model one) and link to it from the
    footer of every page.

    **Options.** None.
    """
    if not _statement_found(ctx):
        yield make("statutory.accessibility-statement", "accessibility-statement",
                   "The Local Offer has no accessibility statement and does not link to one.",
                   expected="an accessibility statement linked from every page", found="none found",
                   fix="Publish an accessibility statement and link to it from the footer.", evidence={})
