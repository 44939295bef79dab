"""crawl.*: what stopped the crawler, so gaps in the audit are visible."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from crawler.model import Page

from checks.pipeline.context import RuleContext
from checks.reports.finding import Finding
from checks.pipeline.registry import rule

NOT_A_FAULT = frozenset({"robots", "host-failing"})
"""Guards not reported by ``crawl.guard``: robots.txt exclusions are the site owner's
choice; failing hosts have ``crawl.host-failing``."""


def _template(page: Page) -> str:
    if page.template:
        return page.template
    parts = urlsplit(page.url)
    return f"{parts.netloc}{parts.path}"


@rule("crawl.guard", "notice", max_examples=5)
def guard(ctx: RuleContext) -> Iterable[Finding]:
    """Pages the crawler stopped at on purpose

    Lists URLs that a trap guard stopped: too deep, too many pages, too many pages of one
    URL template, a calendar, a query-parameter explosion, a page too large, or the time
    budget running out. URLs are grouped: one finding per guard and URL template, with the
    number of URLs and examples, so 100 calendar pages make one finding. Pages excluded by
    robots.txt are not reported (that is the site owner's choice, not a fault).

    **Why it matters.** The audit did not look at these pages, so problems on them are not
    in the report. Endless calendars or search pages also trap search engines.

    **How to fix.** If the pages matter, raise the limit (``crawl.max_pages``,
    ``crawl.max_depth``, ``crawl.max_per_pattern``) or add start URLs; if they are a trap,
    mark them ``nofollow`` or exclude them in robots.txt.

    **Options.** ``max_examples`` (default 5): URLs listed per finding.
    """
    groups: dict[tuple[str, str], list[Page]] = defaultdict(list)
    for page in ctx.site.pages:
        if page.guard and page.guard not in NOT_A_FAULT:
            groups[(page.guard, _template(page))].append(page)
    limit = ctx.option("max_examples")
    for (name, template), pages in sorted(groups.items()):
        urls = sorted(p.url for p in pages)
        yield ctx.finding(
            urls[0],
            f"The crawler stopped at {len(urls)} page(s) like this one (guard: {name}), so they were not checked.",
            url=urls[0], expected="every page checked", found=f"{len(urls)} URL(s) stopped by '{name}'",
            fix="Raise the crawl limit or add a start URL if these pages matter; otherwise no action.",
            evidence={"guard": name, "count": len(urls), "template": template, "examples": urls[:limit]})


def _is_timeout(page: Page) -> bool:
    return "timeout" in page.error.lower() or "timed out" in page.error.lower()


@rule("crawl.timeout", "warning")
def timeout(ctx: RuleContext) -> Iterable[Finding]:
    """Pages that took too long to answer

    Finds URLs whose request timed out (``crawl.timeout`` seconds, default 20).

    **Why it matters.** Families on slow connections give up long before the crawler does;
    a page that never loads is as good as missing.

    **How to fix.** Ask the website's supplier why the page is slow (large images, slow
    searches, an overloaded server).

    **Options.** None.
    """
    for page in ctx.site.pages:
        if _is_timeout(page):
            yield ctx.finding(page.url, "This page did not answer in time.", url=page.url,
                              expected="an answer within the time limit", found=page.error,
                              fix="Ask the website supplier why the page is so slow.", evidence={"error": page.error})


@rule("crawl.server-error", "error")
def server_error(ctx: RuleContext) -> Iterable[Finding]:
    """Pages that fail with a server error

    Finds crawled URLs that answered 500 or more (the server failed). Links to them are also
    reported by ``links.broken``, once per linking page.

    **Why it matters.** The page is unavailable to everyone; server errors often hit whole
    sections (a directory's search or records) at once.

    **How to fix.** Send the URL and time to the website supplier; check the server's error log.

    **Options.** None.
    """
    for page in ctx.site.pages:
        if page.status >= 500 and not page.guard:
            yield ctx.finding(page.url, f"This page fails with a server error (status {page.status}).",
                              url=page.url, expected="status 200", found=f"status {page.status}",
                              fix="Report the error to the website supplier.", evidence={"status": page.status})


def _loops(page: Page) -> bool:
    err = page.error.lower().replace("-", " ")
    urls = [u for u, _ in page.redirects]
    return "redirect" in err and ("loop" in err or "too many" in err) or len(urls) != len(set(urls))


@rule("crawl.redirect-loop", "error")
def redirect_loop(ctx: RuleContext) -> Iterable[Finding]:
    """Pages that redirect in a circle

    Finds URLs whose redirects come back to a URL already visited, or that redirect more
    times than the crawler allows.

    **Why it matters.** The browser shows "too many redirects" and the page never opens.

    **How to fix.** Correct the redirect rules on the server (often a loop between http and
    https, or with and without ``www``).

    **Options.** None.
    """
    for page in ctx.site.pages:
        if _loops(page):
            chain = [{"url": u, "status": s} for u, s in page.redirects]
            yield ctx.finding(page.url, "This page redirects in a circle and never opens.",
                              url=page.url, expected="one redirect to a working page",
                              found=" → ".join(c["url"] for c in chain) or page.error,
                              fix="Correct the server's redirect rules for this address.",
                              evidence={"chain": chain, "error": page.error})


@rule("crawl.host-failing", "error")
def host_failing(ctx: RuleContext) -> Iterable[Finding]:
    """Websites that stopped answering during the crawl

    Finds hosts the crawler gave up on after many failed requests in a row
    (``crawl.host_failure_limit``); their remaining pages were not checked.

    **Why it matters.** If part of the Local Offer (often the service directory, on its own
    host) is down or blocks visitors, families cannot use it and the audit is incomplete.

    **How to fix.** Check the site is up and does not block the crawler (firewall, rate limits);
    then crawl again.

    **Options.** None.
    """
    failures: dict[str, list[str]] = defaultdict(list)
    for page in ctx.site.pages:
        if page.guard == "host-failing" or page.error == "host-failing":
            failures[urlsplit(page.url).netloc].append(page.url)
    for status in ctx.site.link_status.values():
        if status.error == "host-failing":
            failures[urlsplit(status.url).netloc].append(status.url)
    for host, urls in sorted(failures.items()):
        root = f"{urlsplit(urls[0]).scheme}://{host}/"
        yield ctx.finding(host, f"The website {host} kept failing, so the crawler stopped visiting it.",
                          url=root, expected="the host answers", found=f"{len(urls)} URL(s) not checked",
                          fix="Check the website is up and does not block the crawler, then crawl again.",
                          evidence={"host": host, "failures": len(urls), "examples": sorted(urls)[:5]})


@rule("crawl.offsite-navigation", "warning")
def offsite_navigation(ctx: RuleContext) -> Iterable[Finding]:
    """Pages that send the browser to another website by themselves

    Finds pages that, once loaded in a browser, move the visitor to another website without
    a click: a script setting ``location``, a ``<meta http-equiv="refresh">``, or a redirect
    reached that way. The crawler refuses such moves (it audits only the allowed hosts), so
    the page is checked as it was before it moved, and the target is listed here.

    **Why it matters.** Families land on a site they did not choose, often before they can
    read the page; an unexpected jump to another site is also how hijacked pages behave.

    **How to fix.** If the page has moved for good, link to the new address or ask for a
    server redirect; if the script or refresh is unexpected, ask the website supplier to
    remove it and check the page has not been tampered with.

    **Options.** None.
    """
    for page in ctx.site.pages:
        targets = page.meta.get("offsite_navigation") if isinstance(page.meta, dict) else None
        if targets:
            targets = [str(t) for t in targets]
            yield ctx.finding(page.url,
                              f"This page moves the browser to another website by itself ({targets[0]}).",
                              url=page.url, expected="the page stays on the Local Offer until a link is followed",
                              found=", ".join(targets[:3]),
                              fix="Replace the script or refresh with a link, or remove it if it is unexpected.",
                              evidence={"targets": targets})
