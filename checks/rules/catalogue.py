"""catalogue.*: defects in the service catalogue itself (a feed or a spreadsheet).

The catalogue is data from outside: a real Open Referral UK feed or an exported
spreadsheet has duplicate ids, malformed values and records nobody has checked for
years. Without ``--strict-catalogue`` the loader keeps every usable record and lists each
defect (``Catalogue.problems``); these rules report them, each naming the record, the
field and where it is in the source (feed index, spreadsheet row, YAML line).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta

from crawler.extract.ages import find_age_range

from checks.catalogue.fields import age_scope_problem
from checks.catalogue.model import Problem, Service
from checks.catalogue.quality import CatalogueReport, RecordView, feed_completeness, site_completeness
from checks.pipeline.context import RuleContext
from checks.pipeline.memo import kept_value
from checks.reports.finding import Finding
from checks.pipeline.registry import rule
from checks.rules._common import clip

_EXPECTED = {
    "id": "an id no other record uses", "name": "the service's name",
    "contacts.emails": "an email address such as name@example.org.uk",
    "owner.email": "an email address such as name@example.org.uk",
    "contacts.phones": "a UK phone number such as 0117 496 0123",
    "contacts.website": "a web address starting with https://",
    "expected_urls": "a web address starting with https://",
    "contacts.postcode": "a UK postcode such as BS1 4DJ",
    "age_range": "ages from 0 to 25 or above, the lower first (e.g. 5-11, 16+)",
    "last_reviewed": "a real date (YYYY-MM-DD, or 03/02/2024 in a spreadsheet)",
    "status": "active, inactive, defunct or temporarily closed",
    "contacts": "a phone number or an email address",
}
_SOCIAL = ("facebook.com", "twitter.com", "x.com", "instagram.com", "youtube.com", "linkedin.com", "tiktok.com")


def _label(p: Problem) -> str:
    return f"the record {p.record_name!r}" if p.record_name else "a record"


def _evidence(p: Problem) -> dict:
    return {"where": p.where, **p.position, "record_index": p.index, "record_id": p.record_id,
            "record_name": p.record_name, "field": p.field, "value": clip(p.value, 300),
            "kept": p.kept, **({"other": p.other} if p.other else {})}


def _finding(ctx: RuleContext, p: Problem, subject: str, message: str, fix: str, severity: str | None = None) -> Finding:
    service = ctx.catalogue.by_id().get(p.service_id) if p.service_id else None
    owner = {"owner": service.owner, "owner_email": service.owner_email} if service else {}
    return ctx.finding(subject, message, severity=severity,
                       expected=_EXPECTED.get(p.field, ""), found=clip(p.value, 200) if p.value else "(nothing)",
                       fix=fix, evidence=_evidence(p), service_id=p.service_id, **owner)


def _problems(ctx: RuleContext, kind: str) -> list[Problem]:
    return [p for p in ctx.catalogue.problems if p.kind == kind] if ctx.catalogue else []


def _place(p: Problem) -> str:
    """Where the record is, without the file's path (finding ids must not change with it)."""
    return ", ".join(f"{k} {v}" for k, v in p.position.items() if k != "column") or f"record {p.index}"


def _record_key(p: Problem) -> str:
    return p.service_id or p.record_id or f"({p.record_name or _place(p)})"


@rule("catalogue.duplicate-id", "warning", needs_catalogue=True)
def duplicate_id(ctx: RuleContext) -> Iterable[Finding]:
    """Two catalogue records share one id

    Finds catalogue records whose id an earlier record already uses. Real feeds do this
    (two different services exported under one id). When the two records describe
    different services, both are audited: the later one under the id with ``#2`` added
    (``#3`` for a third...), which is the ``service_id`` of its findings. When the later
    record repeats the earlier one exactly, the repeat is left out.

    ``evidence.where`` names the record (feed index, spreadsheet row or YAML line) and
    ``evidence.other`` the earlier record with the same id.

    **Why it matters.** Systems that read the feed (the Local Offer directory, the Open
    Referral UK tools, other councils' finders) take an id to mean one service: one of the
    two may vanish or overwrite the other.

    **How to fix.** Give each service its own id in the system the catalogue comes from.

    **Options.** None (its severity can be changed in ``checks.rules``).
    """
    for p in _problems(ctx, "duplicate-id"):
        subject = p.service_id or f"{p.record_id} repeated at {_place(p)}"
        yield _finding(ctx, p, subject, f"{p.where}: {_label(p)}: {p.message}.",
                       fix="Give each service its own id in the system the catalogue is exported from.")


@rule("catalogue.invalid-field", "warning", needs_catalogue=True)
def invalid_field(ctx: RuleContext) -> Iterable[Finding]:
    """A catalogue value is malformed

    Finds values in catalogue records that cannot be right: an email address, phone
    number, web address or postcode that is not one; ages the wrong way round, negative,
    impossibly high, or starting above 25 (outside the Local Offer's range); a date that
    is not a real date, or an assured date in the future; an unknown status. The value is
    left out and the rest of the record is still audited (so a bad email is never
    compared with the website).

    **Why it matters.** Families copy these details; a directory that shows them sends
    people to a dead end, and the audit cannot compare a value it cannot read.

    **How to fix.** Correct the value in the system the catalogue comes from;
    ``evidence.where`` names the record and field, and ``found`` the value as written.

    **Options.** None (its severity can be changed in ``checks.rules``).
    """
    for p in _problems(ctx, "invalid-field"):
        subject = f"{_record_key(p)}|{p.field}|{p.value}"
        kept = "the rest of the record is audited" if p.kept else "the record is not audited"
        yield _finding(ctx, p, subject, f"{p.where}: {_label(p)}: {p.message.rstrip('.')}.",
                       fix=f"Correct the {p.field or 'record'} in the catalogue's source; until then {kept}.")
    yield from _future_dates(ctx)
    yield from _ages_out_of_scope(ctx)


def _ages_out_of_scope(ctx: RuleContext) -> Iterable[Finding]:
    for s in ctx.catalogue.services if ctx.catalogue else ():
        if (message := age_scope_problem(s.age_min, s.age_max)) is None:
            continue
        value = f"{s.age_min}-{s.age_max}" if s.age_max is not None else f"{s.age_min}+"
        p = Problem("invalid-field", -1, s.original_id or s.id, s.name, "age_range", s.source, {}, message, value, s.id)
        yield _finding(ctx, p, f"{s.id}|age_range|{value}", f"{s.source}: {_label(p)}: {message}.",
                       fix="Correct the ages in the catalogue's source, or leave the service out of the Local Offer.")


def _future_dates(ctx: RuleContext) -> Iterable[Finding]:
    for s in ctx.catalogue.services if ctx.catalogue else ():
        reviewed = _date(s.last_reviewed)
        if reviewed and reviewed > ctx.today:
            p = Problem("invalid-field", -1, s.original_id or s.id, s.name, "last_reviewed", s.source, {},
                        f"assured date {reviewed.isoformat()} is after the audit date {ctx.today.isoformat()}",
                        s.last_reviewed, s.id)
            yield _finding(ctx, p, f"{s.id}|last_reviewed|{s.last_reviewed}", f"{s.source}: {_label(p)}: {p.message}.",
                           fix="Correct the assured or review date in the catalogue's source.")


def _had_contact(ctx: RuleContext, service: Service) -> bool:
    return any(p.service_id == service.id and p.field in ("contacts.phones", "contacts.emails")
               for p in ctx.catalogue.problems)


@rule("catalogue.missing-field", "error", needs_catalogue=True)
def missing_field(ctx: RuleContext) -> Iterable[Finding]:
    """A catalogue record lacks its id, its name, or any way to contact the service

    Finds records without an id or a name (an error: the record cannot be audited and is
    left out), and open services with neither a phone number nor an email address (a
    warning: phone numbers written only in an ORUK feed's description count). A record
    whose only contact was malformed is reported once, by ``catalogue.invalid-field``.

    **Why it matters.** A record without a name or id cannot be matched or tracked; a
    service without a contact leaves families with no way to ask about it. The Open
    Referral UK validator counts services with a contact for the same reason.

    **How to fix.** Fill in the missing detail in the system the catalogue comes from.

    **Options.** None (its severity can be changed in ``checks.rules``).
    """
    for p in _problems(ctx, "missing-field"):
        subject = f"{_record_key(p)}|{p.field}"
        yield _finding(ctx, p, subject, f"{p.where}: {_label(p)} has no {p.field}; it is left out of the audit.",
                       fix=f"Give the record its {p.field} in the catalogue's source.")
    for s in ctx.catalogue.services if ctx.catalogue else ():
        if s.status != "active" or s.phones or s.emails or _had_contact(ctx, s):
            continue
        p = Problem("missing-field", -1, s.original_id or s.id, s.name, "contacts", s.source, {},
                    "no phone number or email address", "", s.id)
        yield _finding(ctx, p, f"{s.id}|contacts", f"{s.source}: {_label(p)} has no phone number or email address.",
                       fix="Add the service's phone number or email address in the catalogue's source.",
                       severity="warning")


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def assured_months(ctx: RuleContext) -> int:
    """The ``months`` option of ``catalogue.not-assured`` as configured (default 12)."""
    configured = (getattr(ctx.config, "rules", None) or {}).get(not_assured.id)
    options = {**not_assured.options, **(getattr(configured, "options", None) or {})}
    return int(options["months"])


@rule("catalogue.not-assured", "warning", needs_catalogue=True, months=12)
def not_assured(ctx: RuleContext) -> Iterable[Finding]:
    """A catalogue record has not been assured or reviewed for over 12 months

    Finds open services whose assured date (ORUK ``assured_date``, or the vendor's
    ``pc_metadata.date_assured``; ``last_reviewed`` in YAML and spreadsheets) is more than
    ``months`` (default 12) before the audit date. When some records of a catalogue carry
    a date, a record without one is reported too; a catalogue with no dates at all is not
    (its completeness on the Services page shows 0% assured instead).

    **Why it matters.** Open Referral UK asks publishers to check each record at least
    yearly; an unchecked record is where closed services and old phone numbers hide.

    **How to fix.** Check the record with the service and record the date you did.

    **Options.** ``months`` (default 12).
    """
    if not ctx.catalogue:
        return
    months = int(ctx.option("months"))
    cutoff = ctx.today - relativedelta(months=months)
    dated = any(_date(s.last_reviewed) for s in ctx.catalogue.services)
    dropped = {p.service_id for p in ctx.catalogue.problems if p.field == "last_reviewed"}
    for s in ctx.catalogue.services:
        reviewed = _date(s.last_reviewed)
        if s.closed or (reviewed and reviewed >= cutoff) or (not reviewed and (not dated or s.id in dropped)):
            continue
        found = f"assured {reviewed.isoformat()}" if reviewed else "no assured date"
        message = (f"was last assured on {reviewed:%-d %B %Y}, more than {months} months before the audit"
                   if reviewed else "has no assured or review date")
        yield ctx.finding(s.id, f"{s.source}: the record {s.name!r} {message}.",
                          expected=f"assured since {cutoff:%-d %B %Y}", found=found,
                          fix="Check the record with the service and record the date it was checked.",
                          evidence={"where": s.source, "record_id": s.original_id or s.id, "record_name": s.name,
                                    "field": "last_reviewed", "value": s.last_reviewed,
                                    "age_days": (ctx.today - reviewed).days if reviewed else None, "months": months},
                          service_id=s.id, owner=s.owner, owner_email=s.owner_email)


# --------------------------------------------------------------------------- metrics.catalogue
def _host(url: str) -> str:
    """``host`` or ``host:port`` (a port other than 80/443), without ``www.``."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}:{port}" if port and port not in (80, 443) else host


def _web_link(site, page_url: str, own_hosts: set[str]) -> bool:
    for link in site.links_by_source.get(page_url, ()):
        host = _host(link.target)
        if link.kind == "external" and link.region in ("main", "aside", "body") and host not in own_hosts \
                and not host.split(":")[0].endswith(_SOCIAL):
            return True
    return False


def own_hosts(site) -> set[str]:
    """The crawl's allowed hosts as ``_host`` writes them (a port kept: loopback hosts differ by it)."""
    return {_host(f"http://{h}") for h in site.run.get("allow_hosts") or ()}


def record_view(site, url: str, own_hosts: set[str]) -> RecordView | None:
    """What the record page at ``url`` shows, or None when it was not crawled."""
    page = site.page(url)
    if page is None:
        return None
    return RecordView(contact=bool(page.phones or page.emails), web=_web_link(site, page.url, own_hosts),
                      ages=find_age_range(page.main_text) is not None, location=bool(page.postcodes))


def catalogue_metrics(ctx: RuleContext) -> dict:
    """``metrics.catalogue``: the feed's completeness beside what the matched record pages show."""
    catalogue = ctx.catalogue
    months = assured_months(ctx)
    counts = Counter(p.kind for p in catalogue.problems)
    report = CatalogueReport(source=catalogue.source, records=catalogue.records or len(catalogue.services),
                             services=len(catalogue.services), problems=dict(sorted(counts.items())),
                             feed=feed_completeness(catalogue, ctx.today, months), site=None, assured_months=months)
    return {**report.to_dict(), "site": kept_value(ctx, "metrics:catalogue:site", lambda: _site_completeness(ctx))}


def _site_completeness(ctx: RuleContext) -> dict | None:
    """``metrics.catalogue.site``: the feed's measures over the record pages the services were
    found on (None when none was); not dated, so kept between checks of the same crawl."""
    found = [s for s in ctx.metrics.get("services") or () if s.get("status") in ("found", "closed-listed") and s.get("url")]
    if not found:
        return None
    hosts = own_hosts(ctx.site)
    views = [v for s in found if (v := record_view(ctx.site, s["url"], hosts)) is not None]
    return site_completeness(views).to_dict()
