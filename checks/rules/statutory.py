"""statutory.*: what the law says a Local Offer must contain."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from crawler.model import Page

from checks.pipeline.context import RuleContext
from checks.pipeline.memo import kept_value
from checks.reports.finding import Finding
from checks.pipeline.registry import rule
from checks.index.boilerplate import MainContent
from checks.index.pagecache import kept_per_text
from checks.index.evidence import MAX_ITEMS, Result, evaluate, readable_documents, site_reading
from checks.knowledge.topics import TOPICS, subjects
from checks.rules._common import clip, page_title

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
YSWD_COMMENTS = re.compile(r"you said|you told us|told us|your (?:comments|feedback|views)|comments|feedback|"
                           r"survey|families said|parents said|young people said|what we heard|we heard", re.I)
YSWD_ACTIONS = re.compile(r"we did|we have (?:done|changed|made|added|updated|created|started|improved)|"
                          r"we (?:changed|made|added|updated|created|improved|now|will)|what we did|"
                          r"actions? (?:we|taken)|in response|our response", re.I)
STATEMENT_SECTIONS = {
    "compliance": re.compile(r"\b(?:fully|partially|partly|not) compliant\b|compliance status", re.I),
    "non-accessible": re.compile(r"non[- ]accessible|not (?:fully |yet )?accessible|inaccessible|"
                                 r"disproportionate burden|known (?:issues|limitations)", re.I),
    "report-a-problem": re.compile(r"report(?:ing)? (?:an? |any )?(?:accessibility )?problems?|"
                                   r"tell us about (?:a|any) problem|find (?:a|any) problem|feedback and contact", re.I),
    "enforcement": re.compile(r"enforcement procedure|enforcing the|equality and human rights commission|\bEHRC\b|"
                              r"equality advisory and support service|\bEASS\b|equality commission for northern ireland",
                              re.I),
    "prepared-reviewed": re.compile(r"statement was (?:prepared|written|last reviewed|reviewed|updated)|"
                                    r"prepared on|last reviewed (?:on )?|reviewed on|wrote this statement", re.I),
}
"""The GOV.UK model accessibility statement's sections, as words a statement uses for them."""
SECTION_NAMES = {"compliance": "a compliance status", "non-accessible": "the content that is not accessible",
                 "report-a-problem": "how to report a problem", "enforcement": "the enforcement procedure",
                 "prepared-reviewed": "when it was prepared and last reviewed"}


def _page_ref(ctx: RuleContext, page: Page) -> dict:
    return {"url": ctx.site.url_of(page), "title": page_title(page)}


def topic_evidence(ctx: RuleContext) -> Result:
    """Every topic's evidence (``checks.index.evidence``), once per run (``ctx.shared``)."""
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


@rule("statutory.topic-missing", "error", absence=True)
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
            yield ctx.finding(
                topic.id,
                f"The Local Offer only touches on {name}: no page or document is about it.",
                expected=f"a page about {topic.title.lower()}",
                found=f"weak evidence only, e.g. {where.title or where.url}: \"{where.quote}\"",
                fix=f"Publish a page about {topic.title.lower()} ({topic.source}), or give the page above "
                    "a heading about it and say what is available, for whom and how to get it.",
                evidence=evidence)
        else:
            yield ctx.finding(topic.id,
                              f"The Local Offer has no page about {name}.",
                              expected=f"a page about {topic.title.lower()}", found="no page found",
                              fix=f"Publish a page about {topic.title.lower()} ({topic.source}).", evidence=evidence)


def _date_of(page: Page) -> date | None:
    try:
        return date.fromisoformat(page.last_updated[:10])
    except ValueError:
        return None


def _latest_year(page: Page, content: MainContent | None = None) -> int:
    heads = [page.title, *(t for _, t in page.headings)] if content is None else \
        [*content.titles, *(s.heading for s in content.sections[1:])]
    text = " ".join([*heads, (content.text if content is not None else page.main_text)[:1000]])
    return max((int(y) for y in re.findall(r"\b(20\d\d)\b", text)), default=0)


def _pages_and_documents(ctx: RuleContext) -> list[tuple[Page, MainContent]]:
    """Content pages and read documents with their main content, without search results and listings."""
    reading = site_reading(ctx)
    return [(p, reading.contents[p.url]) for p in [*ctx.site.content_pages, *readable_documents(ctx.site)]
            if p.url in reading.contents and reading.excluded.get(p.url, "") not in ("search results", "listing")]


def _quote(text: str, pattern: re.Pattern, skip: Iterable[str] = ()) -> str:
    """The first sentence of ``text`` (not one of the ``skip`` lines, e.g. headings) that ``pattern`` finds."""
    skipped = set(skip)
    for line in text.splitlines():
        if line in skipped:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if pattern.search(sentence) and len(sentence.split()) >= 3:
                return clip(sentence, 240)
    return ""


def _body(content: MainContent) -> str:
    """The main text without its title lines."""
    return "\n".join(line for line in content.text.splitlines() if line not in content.titles)


def _yswd_pages(ctx: RuleContext) -> list[tuple[Page, MainContent]]:
    hits = []
    for page, content in _pages_and_documents(ctx):
        heads = " ".join([*content.titles, *(s.heading for s in content.sections[1:] if s.level <= 2),
                          page.url.replace("-", " ")])
        if YSWD.search(heads):
            hits.append((page, content))
    return sorted(hits, key=lambda pc: (_date_of(pc[0]) or date.min, _latest_year(*pc)), reverse=True)


def duty(ctx: RuleContext, key: str, **row) -> None:
    """Record a site-level duty's result in ``metrics.duties`` (CONTRACT.md)."""
    ctx.metrics.setdefault("duties", {})[key] = row


def _absent(ctx: RuleContext, key: str, lacks: str, message: str, *, expected: str, found: str, fix: str,
            evidence: dict | None = None, **row) -> Finding:
    """A site-level duty with nothing on the site for it: recorded as missing in
    ``metrics.duties`` (``lacks`` says what), and the finding of the rule saying so."""
    duty(ctx, key, status="missing", url="", title="", quote="", missing=[lacks], **row)
    return ctx.finding(key, message, expected=expected, found=found, fix=fix, evidence=evidence or {})


@rule("statutory.you-said-we-did", "error", absence=True, max_age_months=12)
def you_said_we_did(ctx: RuleContext) -> Iterable[Finding]:
    """No recent and complete "You said, we did"

    Looks for a page or document publishing families' comments on the Local Offer and the
    council's response ("You said, we did", "What you told us", a Local Offer annual report),
    found by its title, main headings or address. The newest one must:

    - be dated within the last 12 months (by its "last updated" date; when it shows none,
      by the latest year in its title, headings or opening text);
    - give the comments (what families, children and young people said or told us);
    - give the council's response and the action it took or will take ("we did", "we have
      changed", "we will").

    The finding says which of these is missing; the statutory checklist shows the page and a
    quoted sentence when all three are there.

    **Why it matters.** Regulation 56 of the SEND Regulations 2014 requires the council to
    publish comments about its Local Offer and its response, including the action it will
    take, at least once a year. Fewer than half of Local Offers showed recent comments in the
    2024 national study; inspectors look for it as evidence of working with families.

    **How to fix.** Publish this year's feedback and what you did about it, side by side, and
    date the page.

    **Options.** ``max_age_months`` (default 12).
    """
    months = ctx.option("max_age_months")
    cutoff = ctx.today - relativedelta(months=months)
    newest = kept_value(ctx, "statutory.you-said-we-did:newest", lambda: _yswd_newest(ctx))
    if newest is None:
        yield _absent(ctx, "you-said-we-did", "a page of families' comments and the council's response",
                      "The Local Offer does not publish families' feedback and the council's response "
                      "(\"You said, we did\").",
                      expected="a 'You said, we did' page updated in the last year", found="no such page",
                      fix="Publish the comments families made about the Local Offer and what you did about them.",
                      evidence={"last_updated": ""})
        return
    url = newest["url"]
    updated = date.fromisoformat(newest["updated"]) if newest["updated"] else None
    missing = []
    if not (updated is not None and updated >= cutoff or updated is None and newest["latest_year"] >= cutoff.year):
        missing.append(f"a date in the last {months} months" + (f" (last updated {updated.isoformat()})" if updated
                                                                 else " (no date on the page)"))
    missing += newest["lacks"]
    quote = newest["quote"]
    duty(ctx, "you-said-we-did", status="incomplete" if missing else "ok", url=url, title=newest["title"],
         quote=quote, missing=missing, last_updated=updated.isoformat() if updated else "")
    if not missing:
        return
    stale = missing[0].startswith("a date")
    yield ctx.finding(
        "you-said-we-did",
        ("The newest \"You said, we did\" page is more than a year old or undated." if stale and len(missing) == 1
         else "The newest \"You said, we did\" page lacks " + "; ".join(missing) + "."), url=url,
        expected=f"comments, the council's response and actions, published since {cutoff:%-d %B %Y}",
        found=("last updated " + updated.isoformat() if updated else "no date on the page") if stale
        else "missing: " + "; ".join(missing),
        fix="Publish this year's feedback and your response side by side, and show the date on the page.",
        evidence={"last_updated": updated.isoformat() if updated else "", "missing": missing, "quote": quote,
                  "pages": newest["pages"]})


def _yswd_newest(ctx: RuleContext) -> dict | None:
    """What ``statutory.you-said-we-did`` compares with the date, kept between checks of the
    same crawl: the newest such page's address, date, latest year, title, quote and what
    it lacks besides a date, and the first five pages found; None when there is none."""
    pages = _yswd_pages(ctx)
    if not pages:
        return None
    (best, content), url = pages[0], ctx.site.url_of(pages[0][0])
    updated = _date_of(best)
    text = _body(content)
    lacks = []
    if not YSWD_COMMENTS.search(text):
        lacks.append("the comments families made")
    if not YSWD_ACTIONS.search(text):
        lacks.append("the council's response and actions")
    heads = [sec.heading for sec in content.sections]
    quote = _quote(text, YSWD_ACTIONS, heads) or _quote(text, YSWD_COMMENTS, heads)
    return {"url": url, "updated": updated.isoformat() if updated else "", "latest_year": _latest_year(best, content),
            "title": content.title, "quote": quote, "lacks": lacks,
            "pages": [ctx.site.url_of(p) for p, _ in pages[:5]]}


def _mentions_offline(text: str) -> bool:
    """``OFFLINE.search(text)``, skipping the slow search when none of :data:`OFFLINE_WORDS` is there."""
    lower = text.lower()
    if not _ODD_CASE.search(text) and not any(word in lower for word in OFFLINE_WORDS):
        return False
    return bool(OFFLINE.search(text))


@rule("statutory.offline-access", "warning", absence=True)
def offline_access(ctx: RuleContext) -> Iterable[Finding]:
    """No word on getting the information offline or in other formats

    Looks, in the main content of every page and document, for a statement of how people
    without internet access, or who need another format (large print, easy read, braille,
    audio, paper copies, other languages), can get the Local Offer's information. The
    statutory checklist quotes the best one: a page whose title or heading is about it first.

    **Why it matters.** The Local Offer must be accessible to everyone (SEND Regulations
    2014, regulation 57, wording to confirm); many families have no reliable internet or need
    other formats.

    **How to fix.** Add a short section (on the home page or "About the Local Offer") with a
    phone number and how to ask for printed, large-print, easy read or translated copies.

    **Options.** None.
    """
    found = []
    mentions = kept_per_text(ctx, "statutory.offline-access", (sys.modules[__name__],), _mentions_offline)
    for page, content in _pages_and_documents(ctx):
        text = "\n".join([*content.titles, content.text])
        if mentions(text):  # kept between checks: an unchanged page is not searched again
            rank = 0 if any(_mentions_offline(t) for t in content.titles) else \
                1 if any(_mentions_offline(sec.heading) for sec in content.sections[1:]) else 2
            found.append((rank, -len(OFFLINE.findall(text)), page.url, page, content))
    if found:
        *_, page, content = min(found, key=lambda f: f[:3])
        heads = [sec.heading for sec in content.sections]
        duty(ctx, "offline-access", status="ok", url=ctx.site.url_of(page), title=content.title,
             quote=_quote(_body(content), OFFLINE, heads) or _quote(content.title, OFFLINE), missing=[])
        return
    yield _absent(ctx, "offline-access", "how to get the information without the internet or in another format",
                  "No page says how to get the Local Offer's information without the internet or in another format.",
                  expected="a statement on offline access and other formats", found="none found",
                  fix="Say how families can get the information by phone, on paper, or in other formats and languages.")


def _statement_pages(ctx: RuleContext) -> list[tuple[Page, MainContent]]:
    out = []
    for page, content in _pages_and_documents(ctx):
        if page.kind == "html" and (any(A11Y_STATEMENT.search(t) for t in [*content.titles, page_title(page), page.title])
                                    or "accessibility-statement" in page.url.lower()):
            out.append((page, content))
    return out


def _statement_link(ctx: RuleContext) -> str:
    site = ctx.site
    for link in site.links:
        if link.source in site.content_urls and (A11Y_STATEMENT.search(link.text or "") or
                                                 "accessibility-statement" in link.target.lower()):
            status, error, known = site.target_status(link.target)
            if not known or (status and status < 400):
                return link.target
    return ""


def statement_sections(text: str) -> dict[str, bool]:
    """Which sections of the GOV.UK model accessibility statement ``text`` has."""
    return {name: bool(pattern.search(text)) for name, pattern in STATEMENT_SECTIONS.items()}


@rule("statutory.accessibility-statement", "error", absence=True)
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
    pages = _statement_pages(ctx)
    if pages:
        return
    link = _statement_link(ctx)
    if link:
        duty(ctx, "accessibility-statement", status="linked", url=link, title="", quote="", missing=[],
             sections={})
        return
    yield _absent(ctx, "accessibility-statement", "an accessibility statement",
                  "The Local Offer has no accessibility statement and does not link to one.",
                  expected="an accessibility statement linked from every page", found="none found",
                  fix="Publish an accessibility statement and link to it from the footer.", sections={})


@rule("statutory.accessibility-statement-sections", "warning")
def accessibility_statement_sections(ctx: RuleContext) -> Iterable[Finding]:
    """Accessibility statement without the model statement's sections

    Reads the accessibility statement crawled on the site (a page titled "Accessibility
    statement") and checks it has the sections of the GOV.UK model statement: the
    compliance status (fully, partially or not compliant with WCAG), the content that is not
    accessible, how to report a problem, the enforcement procedure (the Equality and Human
    Rights Commission) and when the statement was prepared and last reviewed. A statement
    only linked on another website is not read (see ``statutory.accessibility-statement``).

    **Why it matters.** The 2018 accessibility regulations say what a statement must contain;
    the Government Digital Service monitors statements against the model.

    **How to fix.** Add the missing sections, following the GOV.UK model accessibility
    statement, and review the statement at least once a year.

    **Options.** None.
    """
    pages = _statement_pages(ctx)
    if not pages:
        return
    page, content = max(pages, key=lambda pc: sum(statement_sections("\n".join([*pc[1].titles, pc[1].text])).values()))
    text = "\n".join([*content.titles, *(s.heading for s in content.sections[1:]), content.text])
    sections = statement_sections(text)
    missing = [SECTION_NAMES[k] for k, ok in sections.items() if not ok]
    url = ctx.site.url_of(page)
    duty(ctx, "accessibility-statement", status="incomplete" if missing else "ok", url=url, title=content.title,
         quote=_quote(content.text, STATEMENT_SECTIONS["compliance"]) or _quote(content.text, A11Y_STATEMENT),
         missing=missing, sections=sections)
    if missing:
        yield ctx.finding(url,
                          "The accessibility statement lacks " + "; ".join(missing) + ".", url=url,
                          expected="the sections of the GOV.UK model accessibility statement",
                          found="missing: " + "; ".join(missing),
                          fix="Add the missing sections (see the GOV.UK model accessibility statement).",
                          evidence={"missing": missing, "sections": sections})
