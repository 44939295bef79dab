"""content.*: pages that are out of date, undated, or that nobody links to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from checks.pipeline.context import RuleContext
from checks.pipeline.memo import kept_value
from checks.reports.finding import Finding
from checks.pipeline.registry import rule


def _parse(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso[:10])
    except (TypeError, ValueError):
        return None


@rule("content.stale", "warning", threshold_months=None, ignore_sources=())
def stale(ctx: RuleContext) -> Iterable[Finding]:
    """Pages not updated for a long time

    Finds pages whose "last updated" or "reviewed" date is older than
    ``checks.stale_months`` (default 12) before the audit date. The date comes from the
    page text, a ``<time>`` element, metadata, structured data or, as a marked fallback,
    the server's Last-Modified header (``evidence.source``).

    **Why it matters.** The SEND Code of Practice asks for a Local Offer that is up to date;
    out-of-date contact details, eligibility or waiting times send families the wrong way.

    **How to fix.** Check the page with the service, correct it, and update its review date.

    **Options.** ``threshold_months`` (default: ``checks.stale_months``);
    ``ignore_sources`` (e.g. ``[header]`` to trust only dates printed on the page).
    """
    months = ctx.option("threshold_months") or ctx.setting("stale_months", 12)
    ignore = set(ctx.option("ignore_sources") or ())
    cutoff = ctx.today - relativedelta(months=months)
    for url, last_updated, source, raw in kept_value(ctx, "content.stale:dated-pages", lambda: _dated_pages(ctx)):
        updated = date.fromisoformat(last_updated)
        if updated >= cutoff or source in ignore:
            continue
        yield ctx.finding(
            url, f"This page was last updated on {updated:%-d %B %Y}, more than {months} months ago.",
            url=url, expected=f"updated since {cutoff:%-d %B %Y}", found=f"last updated {updated.isoformat()}",
            fix="Check the page is still right, correct it, and update its review date.",
            evidence={"last_updated": updated.isoformat(), "source": source,
                      "raw": raw, "age_days": (ctx.today - updated).days, "threshold_months": months})


def _dated_pages(ctx: RuleContext) -> list[tuple[str, str, str, str]]:
    """``(url, last updated, its source, as written)`` of every content page with a date: what
    ``content.stale`` compares with the date, kept between checks of the same crawl."""
    site = ctx.site
    return [(site.url_of(page), updated.isoformat(), page.last_updated_source, page.last_updated_raw)
            for page in site.content_pages if (updated := _parse(page.last_updated)) is not None]


@rule("content.no-date", "notice", skip_home=True)
def no_date(ctx: RuleContext) -> Iterable[Finding]:
    """Pages with no "last updated" date

    Finds content pages (HTML pages that answered 200, service records included) that show
    no date of last update or review. Home pages (the start URLs and each host's root)
    are skipped by default: they are menus of other pages and rarely carry a date.

    **Why it matters.** Families cannot tell whether the information is current, and the
    audit cannot tell whether the page is stale.

    **How to fix.** Show "Last updated" or "Reviewed" with a date on the page (in a
    ``<time datetime="YYYY-MM-DD">`` element if you can).

    **Options.** ``skip_home`` (default true).
    """
    site = ctx.site
    skip_home = ctx.option("skip_home")
    for page in site.content_pages:
        if page.last_updated or (skip_home and site.is_home(page)):
            continue
        url = site.url_of(page)
        yield ctx.finding(url, "This page does not say when it was last updated.", url=url,
                          expected="a 'Last updated' or 'Reviewed' date", found="no date",
                          fix="Add a 'Last updated' date to the page and keep it current.", evidence={})


@rule("content.orphan", "warning")
def orphan(ctx: RuleContext) -> Iterable[Finding]:
    """Pages no other page links to

    Finds pages that the crawler found only through the sitemap: no other crawled page
    links to them (links from the page to itself, and from PDFs, do not count).

    **Why it matters.** Families browse; a page only reachable from search engines is
    effectively hidden, and orphan pages are usually forgotten and out of date.

    **How to fix.** Link to the page from the right article or menu, or remove it (and
    from the sitemap) if it is no longer needed.

    **Options.** None.
    """
    site = ctx.site
    for page in site.content_pages:
        if page.found_via != "sitemap" or site.inlinks_to(page) or site.is_home(page):
            continue
        url = site.url_of(page)
        lastmod = site.sitemap.get(page.url) or site.sitemap.get(url, "")
        yield ctx.finding(
            url, "No other page on the site links to this page; it is only in the sitemap.",
            url=url, expected="at least one link from another page", found="only listed in the sitemap",
            fix="Link to this page from the right article or menu, or remove it if it is no longer needed.",
            evidence={"lastmod": lastmod})
