"""links.*: links that lead nowhere, the long way round, or to the wrong kind of place."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote, urlsplit

import phonenumbers

from crawler.model import Link, Page

from checks.pipeline.context import RuleContext
from checks.reports.finding import Finding
from checks.pipeline.registry import rule
from checks.index.siteindex import SiteIndex, is_document_url

_HTTP_KINDS = ("page", "external", "document")
_DOMAIN = re.compile(r"(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.I)


def _pairs(site: SiteIndex, kinds: Iterable[str] = _HTTP_KINDS) -> Iterator[tuple[Page, str, list[Link]]]:
    """(source page, target, links) once per pair, for links on content pages."""
    if kinds == _HTTP_KINDS:
        return iter(site.http_link_pairs)
    return iter(site.link_pairs(kinds))


class _Groups:
    """Link findings grouped by target: one finding per target, listing every page that links to it.

    A broken link in a shared footer is one finding (with ``evidence.pages``), not one per
    page. The finding's ``url`` is the first linking page in sort order (it decides the
    owner); its subject is the target alone, so the finding keeps its id while pages are
    added or fixed.
    """

    def __init__(self) -> None:
        self.pages: dict[str, dict[str, None]] = {}  # key -> linking pages (a dict: a set that keeps order)
        self.info: dict[str, tuple] = {}

    def add(self, key: str, url: str, *info) -> None:
        self.pages.setdefault(key, {})[url] = None
        self.info.setdefault(key, info)

    def items(self) -> Iterator[tuple[str, str, list[str], tuple]]:
        """(key, first page, all pages sorted, info of the first sighting) per target."""
        for key in sorted(self.pages):
            pages = sorted(self.pages[key])
            yield key, pages[0], pages, self.info[key]


def _on(pages: list[str], what: str = "link") -> str:
    article = "An" if what[:1] in "aeiou" else "A"
    return f"{article} {what} on this page" if len(pages) == 1 else f"{article} {what} on {len(pages)} pages"


def _where(pages: list[str]) -> dict:
    return {"pages": pages, "page_count": len(pages)}


def _failed(status: int, error: str) -> bool:
    return status >= 400 or (status == 0 and bool(error) and error != "refused-private")


def _is_document(site: SiteIndex, target: str, links: list[Link]) -> bool:
    return any(l.kind == "document" for l in links) or _document_target(site, target)


def _document_target(site: SiteIndex, target: str) -> bool:
    """The target's address or its crawled page is a document (once per target and check)."""
    known = site.memo.setdefault("document_target", {})
    if target not in known:
        page = site.page(target)
        known[target] = is_document_url(target) or (page is not None and page.kind == "document")
    return known[target]


@rule("links.broken", "error", include_documents=False)
def broken(ctx: RuleContext) -> Iterable[Finding]:
    """Broken links

    Finds links whose target does not work: an internal page that answered 400 or more
    or could not be fetched (timeout, DNS, TLS, connection error), or an outside page whose
    status check answered 400 or more or failed. Links added by JavaScript count too
    (``evidence.scripted`` says so). One finding per target, listing every page that
    links to it (``evidence.pages``), so a broken link in a shared footer is fixed once.

    **Why it matters.** A family following a link to a service or a form and landing on an
    error page loses trust in the whole Local Offer; inspectors read the site before they visit.

    **How to fix.** Change the link to the page's current address, or remove it. For outside
    sites, find the organisation's new page.

    **Options.** ``include_documents`` (default false): also report PDF and Word links here;
    by default they are reported once, by ``links.document``. Targets the crawler refused to
    check because they resolve to private addresses (``refused-private``) are not reported.
    """
    site = ctx.site
    with_docs = ctx.option("include_documents")
    groups = _Groups()
    for page, target, links in _pairs(site):
        status, error, known = site.target_status(target)
        if not (known and _failed(status, error)) or (not with_docs and _is_document(site, target, links)):
            continue
        groups.add(target, site.url_of(page), status, error, links)
    for target, url, pages, (status, error, links) in groups.items():
        what = f"status {status}" if status else (error or "no response")
        yield ctx.finding(target, f"{_on(pages)} leads to a page that does not work ({what}).",
                          url=url, expected="a working page (status 200)", found=f"{target} answers {what}",
                          fix="Update the link to the page's current address, or remove it"
                              + (f" (on all {len(pages)} pages)." if len(pages) > 1 else "."),
                          evidence={"target": target, "status": status, "error": error,
                                    "scripted": all(l.scripted for l in links), "text": links[0].text, **_where(pages)})


def _chain(page: Page) -> list[dict]:
    chain = [{"url": u, "status": s} for u, s in page.redirects]
    final = page.final_url or page.url
    if not chain or chain[-1]["url"] != final:
        chain.append({"url": final, "status": page.status})
    return chain


def _hops(page: Page) -> int:
    return sum(1 for _, s in page.redirects if 300 <= s < 400) or max(0, len(page.redirects) - 1)


@rule("links.redirect", "warning", min_hops=2)
def redirect(ctx: RuleContext) -> Iterable[Finding]:
    """Links through a chain of redirects

    Finds links to internal pages that only arrive after two or more redirects.

    **Why it matters.** Each hop slows the page down (badly on mobile data), and long chains
    usually mean the site was reorganised and links were never updated; the next change
    may break them.

    **How to fix.** Point the link straight at the final address shown in ``evidence.chain``.

    **Options.** ``min_hops`` (default 2): the number of redirects that makes a finding.
    """
    site = ctx.site
    min_hops = ctx.option("min_hops")
    groups = _Groups()
    for page, target, _ in _pairs(site):
        dest = site.by_url.get(target)
        if dest is not None and _hops(dest) >= min_hops:
            groups.add(target, site.url_of(page), dest)
    for target, url, pages, (dest,) in groups.items():
        chain = _chain(dest)
        yield ctx.finding(target,
                          f"{_on(pages)} goes through {_hops(dest)} redirects before it arrives.",
                          url=url, expected="a direct link", found=" → ".join(c["url"] for c in chain),
                          fix=f"Link straight to {chain[-1]['url']}.",
                          evidence={"target": target, "chain": chain, "hops": _hops(dest), **_where(pages)})


def _insecure(site: SiteIndex, target: str) -> str:
    """Why a link target is insecure, or "" (once per target and check)."""
    known = site.memo.setdefault("insecure", {})
    if target not in known:
        known[target] = _insecure_reason(site, target)
    return known[target]


def _insecure_reason(site: SiteIndex, target: str) -> str:
    page = site.by_url.get(target)
    chain = [u for u, _ in page.redirects] + [page.final_url or page.url] if page else []
    status = site.link_status.get(target)
    final = (page.final_url if page else "") or (status.final_url if status else "")
    if target.startswith("http://"):
        host = urlsplit(target).hostname or ""
        if final.startswith("https://") or host in site.https_hosts:
            return "http link to a site that serves https"
    for a, b in zip(chain, chain[1:]):
        if a.startswith("https://") and b.startswith("http://"):
            return "redirect from https to http"
    return ""


@rule("links.insecure", "warning")
def insecure(ctx: RuleContext) -> Iterable[Finding]:
    """Links that use http:// where https:// works

    Finds ``http://`` links to sites that serve the page over ``https://`` (the target
    redirects to https, or the host serves other pages over https), and links whose
    redirect chain drops from https back to http.

    **Why it matters.** Unencrypted links can be read or changed on the way, and browsers
    warn families about "not secure" pages, which puts them off using a service.

    **How to fix.** Change the link to start with ``https://``; report a https→http
    redirect to whoever runs the target site.

    **Options.** None.
    """
    site = ctx.site
    groups = _Groups()
    for page, target, _ in _pairs(site):
        why = _insecure(site, target)
        if why:
            groups.add(target, site.url_of(page), why)
    for target, url, pages, (why,) in groups.items():
        yield ctx.finding(target, f"{_on(pages)} is not secure ({why}).",
                          url=url, expected="an https:// link", found=target,
                          fix="Change the link to its https:// address.",
                          evidence={"target": target, "problem": why, **_where(pages)})


@rule("links.soft-404", "error")
def soft_404(ctx: RuleContext) -> Iterable[Finding]:
    """Pages that say "page not found" but answer as if they worked

    Finds pages that answered 200 (OK) while their title, main heading or short main text
    reads like an error page: "page not found", "we can't find that page", "no longer
    exists", "404".

    **Why it matters.** Search engines keep listing such pages and link checkers think the
    links to them work, so dead links stay on the Local Offer unnoticed.

    **How to fix.** Make the server answer 404 (or 410) for missing pages, and update the
    links that lead here (``evidence.linked_from``).

    **Options.** None.
    """
    site = ctx.site
    for page in site.ok_pages:
        matched = site.soft_404_text(page)
        if not matched:
            continue
        url, sources = site.url_of(page), sorted(site.inlinks_to(page))
        yield ctx.finding(
            url, "This page says it cannot be found, but the server reports it as working.",
            url=url, expected="status 404 for a missing page", found=f"status {page.status}: {matched[:120]}",
            fix="Make the server answer 404 for missing pages and fix the links that lead here.",
            evidence={"status": page.status, "matched_text": matched[:200], "inlinks": len(sources),
                      "linked_from": sources[:10]})


def _fragment_ok(fragment: str, page: Page, anchors: frozenset[str] | None = None) -> bool:
    frag = unquote(fragment)
    if frag.lower() in ("", "top") or frag.startswith(("!", "/", ":~:")):
        return True
    anchors = frozenset(page.anchors) if anchors is None else anchors
    return frag in anchors or fragment in anchors


@rule("links.anchor", "warning")
def anchor(ctx: RuleContext) -> Iterable[Finding]:
    """Links to a part of a page that is not there

    Finds links with a ``#fragment`` whose target page was crawled and has no element with
    that ``id`` (or ``<a name>``). ``#top`` and JavaScript routes (``#!``, ``#/``) are ignored.

    **Why it matters.** The link opens the top of a long page instead of the section the
    reader needs, so they may think the information is missing.

    **How to fix.** Change the fragment to the section's id, or add the id to the heading.

    **Options.** None.
    """
    site = ctx.site
    groups = _Groups()
    anchors: dict[str, frozenset[str]] = {}  # a long page's ids, looked up once per target page
    for link in site.links:
        if not link.fragment or link.source not in site.content_urls or link.kind != "page":
            continue
        dest = site.page(link.target)
        if dest is None or not site.is_ok_html(dest):
            continue
        if dest.url not in anchors:
            anchors[dest.url] = frozenset(dest.anchors)
        if _fragment_ok(link.fragment, dest, anchors[dest.url]):
            continue
        groups.add(f"{link.target}#{link.fragment}", site.url_of(site.by_url[link.source]), link.target, link.fragment)
    for key, url, pages, (target, fragment) in groups.items():
        yield ctx.finding(key,
                          f"{_on(pages)} points to a section (#{fragment}) that the target page does not have.",
                          url=url, expected=f"an element with id \"{fragment}\"", found=f"no such id on {target}",
                          fix="Change the link to an existing section, or add the id to the right heading.",
                          evidence={"target": target, "fragment": fragment, **_where(pages)})


def mailto_problem(href: str) -> str:
    """What is wrong with a ``mailto:`` href, or "" when it looks right."""
    addresses = unquote(href.split(":", 1)[1] if ":" in href else href).split("?", 1)[0].strip()
    if not addresses:
        return "no email address"
    for address in addresses.split(","):
        address = address.strip()
        if re.search(r"\s", address):
            return "the address contains spaces"
        if re.search(r"[\[(]\s*at\s*[\])]", address, re.I):
            return "the address is written with [at] instead of @"
        if address.count("@") != 1:
            return "no @ in the address" if "@" not in address else "more than one @"
        local, domain = address.split("@")
        if not local:
            return "nothing before the @"
        if not _DOMAIN.fullmatch(domain) or ".." in domain:
            return f"'{domain}' is not a valid email domain"
    return ""


def tel_problem(href: str) -> str:
    """What is wrong with a ``tel:`` href, or "" when it is a valid UK (or international) number."""
    number = unquote(href.split(":", 1)[1] if ":" in href else href).strip()
    if not re.search(r"\d", number):
        return "no phone number"
    if re.search(r"[A-Za-z]", number.split(";", 1)[0]):
        return "the number contains letters"
    try:
        parsed = phonenumbers.parse(number.split(";", 1)[0], "GB")
    except phonenumbers.NumberParseException:
        return "not a phone number"
    return "" if phonenumbers.is_valid_number(parsed) else "not a valid phone number"


def _scheme_links(ctx: RuleContext, scheme: str) -> Iterator[tuple[str, str, list[str]]]:
    """(href, first page, every page) per distinct ``mailto:``/``tel:`` href on content pages."""
    site = ctx.site
    if "scheme_links" not in site.memo:  # one pass over the links for both schemes
        by_scheme: dict[str, _Groups] = {"mailto": _Groups(), "tel": _Groups()}
        for link in site.links:
            if link.source not in site.content_urls:
                continue
            href = (link.href or link.target).strip()
            head = href[:7].lower()
            for name, groups in by_scheme.items():
                if link.kind == name or head.startswith(name + ":"):
                    groups.add(href, site.url_of(site.by_url[link.source]))
        site.memo["scheme_links"] = by_scheme
    groups = site.memo["scheme_links"].get(scheme)
    if groups is None:
        raise ValueError(f"no links of scheme {scheme!r} are gathered (mailto, tel)")
    for href, url, pages, _ in groups.items():
        yield href, url, pages


def _broken_links(ctx: RuleContext, scheme: str, problem_of, what: str, expected: str, fix: str) -> Iterator[Finding]:
    """One finding per ``scheme:`` link whose target ``problem_of`` says cannot work."""
    for href, url, pages in _scheme_links(ctx, scheme):
        problem = problem_of(href)
        if problem:
            yield ctx.finding(href, f"{_on(pages, what)} is broken: {problem}.", url=url, expected=expected,
                              found=href, fix=fix, evidence={"href": href, "problem": problem, **_where(pages)})


@rule("links.mailto", "error")
def mailto(ctx: RuleContext) -> Iterable[Finding]:
    """Email links that cannot work

    Checks every ``mailto:`` link: it must hold an address with one ``@``, no spaces,
    something before the ``@`` and a valid domain after it (``[at]`` spellings fail).

    **Why it matters.** A parent who taps "email us" and gets an error, or an email that
    bounces, may never reach the service.

    **How to fix.** Correct the address in the link (``evidence.problem`` says what is wrong).

    **Options.** None.
    """
    return _broken_links(ctx, "mailto", mailto_problem, "email link", "mailto:name@example.gov.uk",
                         "Correct the email address in the link.")


@rule("links.tel", "error")
def tel(ctx: RuleContext) -> Iterable[Finding]:
    """Phone links that cannot work

    Checks every ``tel:`` link with the ``phonenumbers`` library (region GB): the number
    must be a valid UK number, or a valid international number written with ``+``.

    **Why it matters.** On a phone, families tap the number to call; a wrong number means
    they cannot reach the service.

    **How to fix.** Write the link as ``tel:+44...`` or the full UK number with its area code.

    **Options.** None.
    """
    return _broken_links(ctx, "tel", tel_problem, "phone link", "a valid UK phone number, e.g. tel:+441173701875",
                         "Correct the number in the link, including the area code.")


@rule("links.document", "error")
def document(ctx: RuleContext) -> Iterable[Finding]:
    """Links to documents that cannot be opened

    Finds links to PDF, Word and other office documents whose status is 400 or more (or
    that could not be fetched).

    **Why it matters.** Policies, the short breaks statement and application forms are often
    documents; a missing one can stop a family applying for support.

    **How to fix.** Upload the current version and update the link, or remove the link.

    **Options.** None.
    """
    site = ctx.site
    groups = _Groups()
    for page, target, links in _pairs(site):
        if not _is_document(site, target, links):
            continue
        status, error, known = site.target_status(target)
        if known and _failed(status, error):
            groups.add(target, site.url_of(page), status, error)
    for target, url, pages, (status, error) in groups.items():
        dest = site.page(target)
        what = f"status {status}" if status else (error or "no response")
        yield ctx.finding(target, f"A document linked from {'this page' if len(pages) == 1 else f'{len(pages)} pages'} "
                          f"cannot be opened ({what}).",
                          url=url, expected="the document opens (status 200)", found=f"{target} answers {what}",
                          fix="Upload the current document and update the link, or remove it.",
                          evidence={"target": target, "status": status, "error": error,
                                    "content_type": dest.content_type if dest else "", **_where(pages)})
