"""contact.*: a record's phone, email, postcode and website against the catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from crawler.extract.emails import normalise_email
from crawler.extract.phones import normalise_phone
from crawler.extract.postcodes import normalise_postcode
from crawler.model import Page

from ..catalogue.model import Service
from ..context import RuleContext
from ..matching import Match, field_values, page_emails, page_phones, page_postcodes
from ..model import Finding
from ..registry import RULES, rule
from ..siteindex import SiteIndex, norm_url
from .service import active_matches, service_fields

Values = Callable[[Page, SiteIndex], set[str]]


def _compare(ctx: RuleContext, rule_id: str, what: str, wanted: Callable[[Service], list[str]],
             normalise: Callable[[str], str | None], on_page: Values, fix: str) -> Iterable[Finding]:
    """One finding per service whose catalogue ``what`` is not among the record's values."""
    site = ctx.site
    for m in active_matches(ctx):
        s = m.service
        raw = [v for v in wanted(s) if v]
        expected = {normalise(v): v for v in raw if normalise(v)}
        if not expected:
            continue
        found = on_page(m.page, site)
        missing = [raw_v for key, raw_v in expected.items() if key not in found]
        if not missing:
            continue
        yield _finding(rule_id, what, m, site, missing, sorted(found), fix)


def _finding(rule_id: str, what: str, m: Match, site: SiteIndex, missing: list[str], found: list[str],
             fix: str) -> Finding:
    s, shown = m.service, ", ".join(found) or "none"
    message = (f"The record for \"{s.name}\" does not show the {what} in the catalogue."
               if found else f"The record for \"{s.name}\" shows no {what}.")
    return Finding(rule=rule_id, subject=s.id, severity=RULES[rule_id].severity, message=message, url=site.url_of(m.page),
                   expected=", ".join(missing), found=shown, fix=fix,
                   evidence={"expected": missing, "found": found, "match": m.evidence(site)}, **service_fields(s))


@rule("contact.phone", "error", needs_catalogue=True)
def phone(ctx: RuleContext) -> Iterable[Finding]:
    """Phone number on the record differs from the catalogue

    Checks that every phone number in the catalogue appears on the service's record (in
    its text, a labelled field such as "Telephone", or a ``tel:`` link). Numbers are
    compared in international form, so ``0117 370 1875``, ``(0117) 3701875`` and
    ``+44 117 370 1875`` are the same number; extensions are ignored.

    **Why it matters.** The phone number is how most families make first contact; a wrong one
    is a dead end.

    **How to fix.** Correct the record, or the catalogue if the record is right.

    **Options.** None.
    """
    return _compare(ctx, "contact.phone", "phone number", lambda s: list(s.phones), normalise_phone,
                    page_phones, "Put the right phone number on the record (or correct the catalogue).")


@rule("contact.email", "error", needs_catalogue=True)
def email(ctx: RuleContext) -> Iterable[Finding]:
    """Email address on the record differs from the catalogue

    Checks that every email address in the catalogue appears on the service's record (text,
    an "Email" field, or a ``mailto:`` link), compared without regard to case; ``[at]``
    spellings are read as ``@``.

    **Why it matters.** Messages to an old address go unanswered, and families conclude the
    service does not reply.

    **How to fix.** Correct the record, or the catalogue if the record is right.

    **Options.** None.
    """
    return _compare(ctx, "contact.email", "email address", lambda s: list(s.emails), normalise_email,
                    page_emails, "Put the right email address on the record (or correct the catalogue).")


@rule("contact.postcode", "warning", needs_catalogue=True)
def postcode(ctx: RuleContext) -> Iterable[Finding]:
    """Postcode on the record differs from the catalogue

    Checks that the catalogue's postcode appears on the service's record, compared in
    standard form (capitals, one space before the last three characters).

    **Why it matters.** Families use the postcode to plan the journey; a wrong one sends them
    to the wrong place.

    **How to fix.** Correct the record's address, or the catalogue.

    **Options.** None.
    """
    return _compare(ctx, "contact.postcode", "postcode", lambda s: [s.postcode], normalise_postcode,
                    lambda page, site: page_postcodes(page), "Correct the postcode on the record (or in the catalogue).")


def website_key(url: str) -> str | None:
    """A website compared without scheme, ``www.``, trailing slash or query order."""
    url = (url or "").strip()
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url
    return norm_url(url) if urlsplit(url).hostname else None


def page_websites(page: Page, site: SiteIndex) -> set[str]:
    """Web addresses on a record: its "Website" field and its links."""
    links = [l.target for l in site.links_by_source.get(page.url, []) if l.kind in ("external", "page", "document")]
    values = [*field_values(page, "website", "web site", "web address"), *links]
    return {k for k in (website_key(v) for v in values) if k}


@rule("contact.website", "warning", needs_catalogue=True)
def website(ctx: RuleContext) -> Iterable[Finding]:
    """Website on the record differs from the catalogue

    Checks that the service's own website in the catalogue appears on its record (as a
    "Website" field or a link), compared without ``http(s)://``, ``www.`` or a trailing slash.

    **Why it matters.** The website is where families find opening times, forms and news;
    an old address may now belong to someone else.

    **How to fix.** Correct the link on the record, or the catalogue.

    **Options.** None.
    """
    return _compare(ctx, "contact.website", "website", lambda s: [s.website], website_key, page_websites,
                    "Link to the service's current website from the record (or correct the catalogue).")
