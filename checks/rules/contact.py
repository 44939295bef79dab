"""contact.*: a record's phone, email, postcode and website against the catalogue.

Values are compared normalised (phones in international form, emails in lower case,
postcodes in standard form, websites without scheme, ``www.`` or trailing slash): a
different format is never a finding, a different value is. The record's values come
from its whole content (main text, sidebars and contact panels, labelled fields,
``tel:``/``mailto:`` links, schema.org data), and each finding says where they were found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from crawler.extract.emails import normalise_email
from crawler.extract.phones import display_phone, normalise_phone, phones_as_written, referral_phones
from crawler.extract.postcodes import normalise_postcode

from checks.catalogue.model import Service
from checks.pipeline.context import RuleContext
from checks.index.matching import Match, record_contacts, website_key
from checks.reports.finding import Finding
from checks.pipeline.registry import rule
from checks.index.siteindex import SiteIndex
from checks.rules.service import active_matches, service_fields

KINDS = {  # kind of contact detail -> (what it is called, the catalogue's values, normalise)
    "phone": ("phone number", lambda s: list(s.phones), normalise_phone),
    "email": ("email address", lambda s: list(s.emails), normalise_email),
    "postcode": ("postcode", lambda s: [s.postcode], normalise_postcode),
    "website": ("website", lambda s: [s.website], website_key),
}


def _contacts(ctx: RuleContext, m: Match) -> dict[str, dict[str, list[str]]]:
    cache = ctx.shared.setdefault("record_contacts", {})
    if m.page.url not in cache:
        cache[m.page.url] = record_contacts(m.page, ctx.site)
    return cache[m.page.url]


def _expected(s: Service, wanted: Callable[[Service], list[str]], normalise) -> dict[str, str]:
    return {key: raw for raw in wanted(s) if raw for key in [normalise(raw)] if key}


def _compare(ctx: RuleContext, kind: str, fix: str) -> Iterable[Finding]:
    """One finding per service whose catalogue value is not among the record's values."""
    what, wanted, normalise = KINDS[kind]
    site = ctx.site
    for m in active_matches(ctx):
        expected = _expected(m.service, wanted, normalise)
        if not expected:
            continue
        found = _contacts(ctx, m)[kind]
        missing = [raw for key, raw in expected.items() if key not in found]
        if missing:
            yield _finding(ctx, kind, m, site, missing, found, fix)


def as_written(kind: str, page, values: list[str]) -> list[str]:
    """Phone numbers as the page writes them (its text, then its contact panel), else in
    national form; other values as they are. Comparison stays on the normalised values."""
    if kind != "phone":
        return values
    written = phones_as_written(f"{page.main_text or ''}\n{page.meta.get('panel_text') or ''}")
    return [written.get(v) or display_phone(v) for v in values]


def _finding(ctx: RuleContext, kind: str, m: Match, site: SiteIndex, missing: list[str],
             found: dict[str, list[str]], fix: str) -> Finding:
    s, values, what = m.service, sorted(found), KINDS[kind][0]
    shown = ", ".join(as_written(kind, m.page, values)) or "none"
    message = (f"The record for \"{s.name}\" does not show the {what} in the catalogue."
               if values else f"The record for \"{s.name}\" shows no {what}.")
    return ctx.finding(s.id, message, url=site.url_of(m.page),
                       expected=", ".join(missing), found=shown, fix=fix,
                       evidence={"expected": missing, "found": values, "sources": {v: found[v] for v in values},
                                 "match": m.evidence(site)}, **service_fields(s))


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
    return _compare(ctx, "phone", "Put the right phone number on the record (or correct the catalogue).")


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
    return _compare(ctx, "email", "Put the right email address on the record (or correct the catalogue).")


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
    return _compare(ctx, "postcode", "Correct the postcode on the record (or in the catalogue).")


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
    return _compare(ctx, "website",
                    "Link to the service's current website from the record (or correct the catalogue).")


@rule("contact.extra", "warning", needs_catalogue=True)
def extra(ctx: RuleContext) -> Iterable[Finding]:
    """Record shows a phone number or email address the catalogue does not have

    For each matched service whose record shows every phone number (or email address) of
    the catalogue, reports any other phone number (or email address) the record's own
    content shows: main text, sidebars and contact panels, labelled fields, ``tel:`` and
    ``mailto:`` links, schema.org data (the site's header and footer are not the record's).
    Compared normalised, so the same number written another way is not extra. A record
    whose catalogue value is wrong is reported by ``contact.phone`` or ``contact.email``
    instead; a service with no phone (or email) in the catalogue is not checked here.
    A number or address that the catalogue gives for another service, or a number the
    record introduces with referral words ("To refer, call the Family Information Service
    on ..."), is a way in through someone else, not an old value: it is left out (the
    finding's evidence lists it under ``not_extra`` when other values are reported).

    **Why it matters.** An old number or address left on a record beside the new one
    sends families to a line nobody answers.

    **How to fix.** Remove the old value from the record, or add it to the catalogue if it
    is current.

    **Options.** None.
    """
    owners = _catalogue_owners(ctx)
    for m in active_matches(ctx):
        s = m.service
        extras: dict[str, dict[str, list[str]]] = {}
        referrals: dict[str, str] = {}
        referred = referral_phones(f"{m.page.main_text or ''}\n{m.page.meta.get('panel_text') or ''}")
        for kind in ("phone", "email"):
            _, wanted, normalise = KINDS[kind]
            expected = _expected(s, wanted, normalise)
            found = _contacts(ctx, m)[kind]
            if expected and all(key in found for key in expected):
                more = {}
                for v, src in found.items():
                    if v in expected:
                        continue
                    other = next((o for o in owners.get((kind, v), ()) if o.id != s.id), None)
                    if other is not None:
                        referrals[v] = f"the catalogue's {KINDS[kind][0]} for \"{other.name}\""
                    elif kind == "phone" and v in referred:
                        referrals[v] = "introduced as the way to refer"
                    else:
                        more[v] = src
                if more:
                    extras[kind] = more
        if not extras:
            continue
        yield make_extra(ctx, m, extras, referrals)


def _catalogue_owners(ctx: RuleContext) -> dict[tuple[str, str], list[Service]]:
    """``(kind, normalised value) -> services`` whose catalogue entry gives that phone or email:
    a record that shows another service's number is pointing families to it, not keeping an
    old number."""
    cache = ctx.shared.get("catalogue_contact_owners")
    if cache is None:
        cache = {}
        for s in ctx.catalogue.services if ctx.catalogue else ():
            for kind in ("phone", "email"):
                _, wanted, normalise = KINDS[kind]
                for key in _expected(s, wanted, normalise):
                    cache.setdefault((kind, key), []).append(s)
        ctx.shared["catalogue_contact_owners"] = cache
    return cache


def make_extra(ctx: RuleContext, m: Match, extras: dict, referrals: dict[str, str] | None = None) -> Finding:
    s, site = m.service, ctx.site
    return ctx.finding(s.id, f"The record for \"{s.name}\" also shows contact details the catalogue does not have.",
                       url=site.url_of(m.page), expected="only the catalogue's phone numbers and email addresses",
                       found=", ".join(v for kind in extras for v in as_written(kind, m.page, sorted(extras[kind]))),
                       fix="Remove the old contact details from the record, or add them to the catalogue.",
                       evidence={"extra": {kind: sorted(v) for kind, v in extras.items()},
                                 "sources": {v: src for kind in extras for v, src in extras[kind].items()},
                                 **({"not_extra": referrals} if referrals else {}),
                                 "match": m.evidence(site)}, **service_fields(s))
