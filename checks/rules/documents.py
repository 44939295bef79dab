"""documents.*: PDF and Word files the Local Offer publishes, read for accessibility basics and age.

The crawler reads every PDF and Word (DOCX) file on the crawled hosts within the scope
(``crawler.documents``: text, title, language, dates, tags, whether pages are scanned images).
These rules report what the Public Sector Bodies (Websites and Mobile Applications)
Accessibility Regulations 2018 expect of documents that a tool can check; a person still has
to check reading order, alternative text and tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from crawler.model import Page

from checks.pipeline.context import RuleContext
from checks.pipeline.memo import kept_value
from checks.reports.finding import Finding
from checks.pipeline.registry import rule

KINDS = {"pdf": "PDF", "docx": "Word document"}


def read_documents(ctx: RuleContext) -> list[tuple[Page, dict]]:
    """(page, what was read) of every document that answered 200 and was read, one per address."""
    site, seen, out = ctx.site, set(), []
    for page in site.pages:
        info = (page.meta or {}).get("document")
        if page.kind != "document" or page.status != 200 or page.guard or not isinstance(info, dict):
            continue
        key = site.identity(page)
        if key not in seen:
            seen.add(key)
            out.append((page, info))
    return out


def _readable(info: dict) -> bool:
    return not info.get("error") and info.get("kind") in KINDS


def _name(info: dict) -> str:
    return KINDS.get(str(info.get("kind")), "document")


def _evidence(page: Page, info: dict, **extra) -> dict:
    return {"kind": info.get("kind", ""), "title": info.get("title", ""), "document_pages": info.get("pages", 0), **extra}


@rule("documents.untagged", "warning")
def untagged(ctx: RuleContext) -> Iterable[Finding]:
    """Untagged PDFs

    Finds PDFs without tags (no structure tree, or not marked as tagged). Tags tell screen
    readers what is a heading, a list, a table or an image, and in which order to read.

    **Why it matters.** An untagged PDF is read as one stream of text, or not at all, by
    screen readers; the accessibility regulations expect documents published since
    September 2018 to meet WCAG 2.2 AA, which an untagged PDF cannot.

    **How to fix.** Publish the information as a web page, or export the PDF again from
    the source document with "tagged PDF" (accessibility) turned on, then check it.

    **Options.** None.
    """
    for page, info in read_documents(ctx):
        if _readable(info) and info.get("kind") == "pdf" and info.get("tagged") is False:
            url = ctx.site.url_of(page)
            yield ctx.finding(
                url, "This PDF has no tags, so screen readers cannot follow it.",
                url=url, expected="a tagged PDF (structure tree)", found="no tags",
                fix="Publish it as a web page, or export it again as a tagged PDF.", evidence=_evidence(page, info))


@rule("documents.no-title", "warning")
def no_title(ctx: RuleContext) -> Iterable[Finding]:
    """Documents without a title

    Finds PDFs and Word documents whose properties give no title. Screen readers and
    browsers announce the title (a PDF otherwise shows its file name).

    **Why it matters.** WCAG 2.4.2 (page titled) applies to documents: without a title a
    user cannot tell which document is open.

    **How to fix.** Set the title in the document's properties (File, Properties) and, for
    a PDF, choose to show the document title rather than the file name.

    **Options.** None.
    """
    for page, info in read_documents(ctx):
        if _readable(info) and not (info.get("title") or "").strip():
            url = ctx.site.url_of(page)
            yield ctx.finding(url, f"This {_name(info)} has no title in its properties.", url=url,
                              expected="a title in the document properties", found="no title",
                              fix="Set the title in the document properties.", evidence=_evidence(page, info))


@rule("documents.no-language", "warning")
def no_language(ctx: RuleContext) -> Iterable[Finding]:
    """Documents without a language

    Finds PDFs and Word documents that do not say which language they are written in.

    **Why it matters.** WCAG 3.1.1 (language of page): screen readers pick their voice and
    pronunciation from it; without it English text may be read with the wrong rules.

    **How to fix.** Set the document's language (English, United Kingdom) in the source
    document before exporting, or in the PDF's properties.

    **Options.** None.
    """
    for page, info in read_documents(ctx):
        if _readable(info) and not (info.get("lang") or "").strip():
            url = ctx.site.url_of(page)
            yield ctx.finding(
                url, f"This {_name(info)} does not say what language it is in.",
                url=url, expected="a document language (e.g. en-GB)", found="no language",
                fix="Set the document language to English (United Kingdom).", evidence=_evidence(page, info))


@rule("documents.scanned", "error")
def scanned(ctx: RuleContext) -> Iterable[Finding]:
    """Scanned documents without text

    Finds PDFs whose pages are images with little or no text: a scan or a photograph of a
    printed page.

    **Why it matters.** Nobody using a screen reader, a magnifier that reflows text or a
    translation tool can read it, and search cannot find it.

    **How to fix.** Publish the text itself, as a web page or an accessible document.
    Running text recognition (OCR) on the scan is a stopgap that still needs checking.

    **Options.** None.
    """
    for page, info in read_documents(ctx):
        if _readable(info) and info.get("scanned"):
            url = ctx.site.url_of(page)
            yield ctx.finding(
                url, "This PDF is scanned images with no text to read.", url=url,
                expected="text that can be read, searched and enlarged", found="images of pages without text",
                fix="Publish the text as a web page or an accessible document.",
                evidence=_evidence(page, info, images=info.get("images", 0)))


@rule("documents.unreadable", "notice")
def unreadable(ctx: RuleContext) -> Iterable[Finding]:
    """Documents the audit could not read

    Lists PDFs and Word files that could not be opened within the audit's limits (damaged,
    password-protected, too slow or too large to read safely), so their text was not checked
    for the statutory topics and their accessibility was not checked.

    **Why it matters.** If the audit cannot open a document, some families' software may
    not either; and its content does not count as evidence.

    **How to fix.** Open the document yourself; publish it again without a password, or as
    a web page.

    **Options.** None.
    """
    for page, info in read_documents(ctx):
        if info.get("error") and info.get("error") != "unsupported":
            url = ctx.site.url_of(page)
            yield ctx.finding(url, f"The audit could not read this {_name(info)}.", url=url,
                              expected="a document that opens", found=str(info.get("error")),
                              fix="Check that the document opens without a password, or publish it as a web page.",
                              evidence=_evidence(page, info, error=info.get("error")))


def _own_date(info: dict) -> date | None:
    for key in ("modified", "created"):
        try:
            return date.fromisoformat(str(info.get(key) or "")[:10])
        except ValueError:
            continue
    return None


@rule("documents.stale", "warning")
def stale(ctx: RuleContext) -> Iterable[Finding]:
    """Old documents

    Finds PDFs and Word documents whose own date (last modified, else created, as the file
    records it) is older than ``checks.stale_months`` (12 by default). The web server's
    date is not used: it changes whenever files are copied.

    **Why it matters.** Policies, statements and forms change every year; an old travel
    policy or short breaks statement gives families wrong rules and dates.

    **How to fix.** Review the document; publish the current version, or remove the old one
    and its links.

    **Options.** None (see ``checks.stale_months``).
    """
    months = int(ctx.setting("stale_months", 12))
    cutoff = ctx.today - relativedelta(months=months)
    for url, own_date, name, evidence in kept_value(ctx, "documents.stale:dated", lambda: _dated(ctx)):
        dated = date.fromisoformat(own_date)
        if dated < cutoff:
            yield ctx.finding(
                url, f"This {name} was last changed on {dated:%-d %B %Y}.", url=url,
                expected=f"a document changed since {cutoff:%-d %B %Y}", found=f"dated {dated.isoformat()}",
                fix="Review it and publish the current version, or remove it.",
                evidence={**evidence, "last_updated": dated.isoformat(), "threshold_months": months})


def _dated(ctx: RuleContext) -> list[tuple[str, str, str, dict]]:
    """``(url, own date, kind name, evidence)`` of every readable document with its own date:
    what ``documents.stale`` compares with the date, kept between checks of the same crawl."""
    return [(ctx.site.url_of(page), dated.isoformat(), _name(info), _evidence(page, info))
            for page, info in read_documents(ctx) if _readable(info) and (dated := _own_date(info)) is not None]
