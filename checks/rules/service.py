"""service.*: the service catalogue against the service records on the site."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from crawler.extract.ages import OPEN_MAX, find_age_range, parse_age_range
from crawler.model import Page

from checks.catalogue.model import Service
from checks.pipeline.context import RuleContext
from checks.index.matching import DEFAULT_CONTACT_THRESHOLD, DEFAULT_THRESHOLD, Match, field_values, match_services
from checks.reports.finding import Finding
from checks.pipeline.registry import rule
from checks.index.siteindex import SiteIndex, norm_url
from checks.knowledge.phrases import normalise_text
from checks.knowledge.topics import topic_index
from checks.rules._common import page_title

MATCH_OPTIONS = ("threshold", "contact_threshold")


def service_matches(ctx: RuleContext) -> dict[str, Match]:
    """Service id -> match, computed once per run with ``service.missing``'s options."""
    if "matches" not in ctx.shared:
        opts = dict(missing.options)
        configured = (getattr(ctx.config, "rules", None) or {}).get(missing.id)
        opts.update({k: v for k, v in (getattr(configured, "options", None) or {}).items() if k in MATCH_OPTIONS})
        services = ctx.catalogue.services if ctx.catalogue else ()
        ctx.shared["matches"] = match_services(services, ctx.site, opts["threshold"], opts["contact_threshold"])
        ctx.metrics["services"] = _metrics(ctx, ctx.shared["matches"])
    return ctx.shared["matches"]


def _metrics(ctx: RuleContext, found: dict[str, Match]) -> list[dict]:
    rows = []
    for sid, m in found.items():
        status = "closed-listed" if m.found and m.service.closed else "found" if m.found else "missing"
        rows.append({"id": sid, "name": m.service.name, "owner": m.service.owner, "status": status,
                     "url": ctx.site.url_of(m.page) if m.page else "", "score": m.score if m.found else m.best_score,
                     "method": m.method, "catalogue_status": m.service.status, "ambiguous": m.ambiguous,
                     "record_signal": m.record_signal})
    return rows


def service_fields(s: Service) -> dict:
    """Finding fields every service finding carries."""
    return {"service_id": s.id, "owner": s.owner, "owner_email": s.owner_email}


def active_matches(ctx: RuleContext) -> Iterable[Match]:
    """Matched services that are not closed, and whose match is not in doubt
    (``service.ambiguous``): their records are compared with the catalogue."""
    return (m for m in service_matches(ctx).values() if m.found and not m.service.closed and not m.ambiguous)


@rule("service.missing", "error", needs_catalogue=True, threshold=DEFAULT_THRESHOLD,
      contact_threshold=DEFAULT_CONTACT_THRESHOLD)
def missing(ctx: RuleContext) -> Iterable[Finding]:
    """Catalogue services with no page on the Local Offer

    Matches the catalogue's services to the site's service records as one assignment:
    each service to at most one record and each record to at most one service, choosing
    the pairs with the most evidence in total. Evidence is an ``expected_urls`` entry
    (decisive), the name (the record's heading or title against the service name, with
    the rarer words weighing more, so "Zumba" and "Zumba Gold", or "U3A Town - Art" and
    "U3A Town - Walking", stay apart), shared email, phone, website or postcode (worth less
    when many services share it), and the service's id in the record's address or text
    once ids are seen to agree on the site. A name scoring at least ``threshold`` is a
    match on its own; one scoring at least ``contact_threshold`` needs a shared contact
    detail or id; a looser one (at least 30) needs contact details few others share, or the
    id, strong enough together with the name. An open service with no record is reported, with the closest record in
    ``evidence.best_candidate``; closed services are not expected on the site. When the
    choice is too close to call, ``service.ambiguous`` is reported instead.

    Service records are recognised by address on Open Objects/Idox kb5
    (``service.page?id=``), Outpost/Scout (``/services/<id>-<slug>``), Open Place
    (``/service/<id>``), Jadu (``/directory-record/<id>/<name>``) and Placecube/Drupal style
    directories (``/service-directory/<name>``); by ``checks.service_url_patterns`` and
    ``checks.service_markers``; by a CMS content type named "service" (Drupal
    ``node--type-service``) or a content type with labelled contact fields; and by
    schema.org ``Service``, ``Organization`` or ``LocalBusiness`` data naming the page's
    subject (a site name before or after the heading is allowed). ``evidence.match`` says which signal
    made the page a record and how the match was made.

    **Why it matters.** Families (and inspectors) can only use services they can find; a
    commissioned service missing from the Local Offer is invisible.

    **How to fix.** Add the service to the directory, or set ``expected_urls`` in the
    catalogue if its record has a different name; close it in the catalogue if it has ended.

    **Options.** ``threshold`` (default 85) and ``contact_threshold`` (default 60): name
    scores (0-100) for a match; they apply to every service and contact rule.
    """
    for m in service_matches(ctx).values():
        s = m.service
        if m.found or s.closed or m.ambiguous:
            continue
        yield ctx.finding(
            s.id, f"The service \"{s.name}\" is in the catalogue but has no page on the Local Offer.",
            url=s.expected_urls[0] if s.expected_urls else "", expected=f"a service record for \"{s.name}\"",
            found=f"closest: {m.best_candidate} ({m.best_score}%)" if m.best_candidate else "no similar record",
            fix="Add the service to the directory, or put its record's address in the catalogue's expected_urls.",
            evidence={"expected_urls": list(s.expected_urls), "best_candidate": m.best_candidate,
                      "score": m.best_score, "match": {"url": "", "method": "", "score": m.best_score}},
            **service_fields(s))


@rule("service.unlisted", "warning", needs_catalogue=True)
def unlisted(ctx: RuleContext) -> Iterable[Finding]:
    """Service records that are not in the catalogue

    Lists service-record pages that no catalogue service matches (see ``service.missing``
    for how records are recognised and matched).

    **Why it matters.** Either the catalogue is incomplete (nobody owns the record, so nobody
    keeps it current) or the record is for a service that has ended.

    **How to fix.** Add the service to the catalogue with its owner, or remove the record.

    **Options.** None.
    """
    site = ctx.site
    matches = service_matches(ctx).values()
    taken = {site.identity(m.page) for m in matches if m.page is not None}
    in_doubt = {norm_url(url) for m in matches if m.ambiguous for _, url, _ in m.rivals}
    for page in site.records:
        if norm_url(site.url_of(page)) in in_doubt:
            continue  # named in a service.ambiguous finding: a person decides
        if site.identity(page) in taken:
            continue
        url, title = site.url_of(page), page_title(page)
        yield ctx.finding(
            url, f"The service record \"{title}\" is not in the service catalogue.",
            url=url, expected="every record in the catalogue", found=title,
            fix="Add the service and its owner to the catalogue, or remove the record if the service has ended.",
            evidence={"record_title": title, "record_signal": site.record_signal(page)})


@rule("service.ambiguous", "warning", needs_catalogue=True)
def ambiguous(ctx: RuleContext) -> Iterable[Finding]:
    """Services whose record cannot be told apart with confidence

    Reported when the best way to pair a catalogue service with a record is within a few
    points of another (see ``service.missing`` for the evidence): two records of the same
    name and no contact detail to choose between them, or two services that fit one
    record equally well. Rather than guess, the audit names the candidates
    (``evidence.candidates``: record, competing service, score) for a person to judge.
    Contact and age checks are not run on such a service, and the candidate records are
    not reported as unlisted.

    **Why it matters.** A wrong guess would send a service owner to fix someone else's
    record, or hide a missing service behind its namesake.

    **How to fix.** Put the record's address in the catalogue's ``expected_urls`` (or give
    the records distinct names or contact details).

    **Options.** None.
    """
    site = ctx.site
    for m in service_matches(ctx).values():
        if not m.ambiguous or m.service.closed:
            continue
        s = m.service
        chosen = site.url_of(m.page) if m.page else ""
        candidates = ([{"url": chosen, "service_id": s.id, "score": m.score}] if chosen else []) + \
            [{"url": url, "service_id": rival, "score": score} for rival, url, score in m.rivals]
        names = ", ".join(c["url"] for c in candidates)
        yield ctx.finding(
            s.id, f"The record for \"{s.name}\" cannot be told apart from a similar one.",
            url=chosen or candidates[0]["url"], expected=f"one clear record for \"{s.name}\"",
            found=f"{len(candidates)} close candidates: {names}",
            fix="Add the record's address to expected_urls in the catalogue, or make the records distinct.",
            evidence={"candidates": candidates, "match": m.evidence(site)}, **service_fields(s))


def _host(url: str) -> str:
    """Host and port: two hosts on one name (``127.0.0.1:8001``/``:8002``) are different sites."""
    return urlsplit(url).netloc.lower()


def _directory_hosts(site: SiteIndex) -> set[str]:
    return {_host(site.url_of(p)) for p in site.records}


def _cms_articles(site: SiteIndex) -> list[Page]:
    """Article pages on the CMS hosts (hosts without records), or all articles on a one-host site."""
    hosts = _directory_hosts(site)
    cms = [p for p in site.articles if _host(site.url_of(p)) not in hosts]
    return cms or site.articles


def topic_articles(ctx: RuleContext, topic: str) -> list[Page]:
    """CMS articles about ``topic``: classified so, or with the topic's words in their address or title."""
    site, index = ctx.site, topic_index(ctx)
    classified = {site.identity(p) for p in index.pages_for(topic)}
    words = normalise_text(topic.replace(".", " "))
    out = []
    for page in _cms_articles(site):
        named = words and (words in normalise_text(urlsplit(site.url_of(page)).path) or
                           words in normalise_text(page_title(page) + " " + page.title))
        if site.identity(page) in classified or named:
            out.append(page)
    return out


def _links_to_record(site: SiteIndex, article: Page, record: Page) -> bool:
    own = site.variants.get(site.identity(record), {record.url})
    return any(l.target in own or (site.page(l.target) is not None and site.identity(site.page(l.target)) ==
                                   site.identity(record)) for l in site.links_by_source.get(article.url, []))


@rule("service.not-linked", "warning", needs_catalogue=True)
def not_linked(ctx: RuleContext) -> Iterable[Finding]:
    """Service records not linked from the articles about their topic

    For each open service found on the site, takes its catalogue ``topics`` and finds the
    CMS articles about them: pages the topic classifier places in that topic (see
    ``statutory.topic-missing``) or whose address or title contains the topic's words
    (so a category such as ``autism`` works too). Service records and directory listing
    pages are not articles when the site has a separate CMS host. If such articles exist
    and none links directly to the service's record (under any of its addresses), the
    service is reported with the best article that should link to it. Services without
    topics, or whose topics have no article at all, are not reported here
    (``statutory.topic-missing`` covers absent statutory topics).

    **Why it matters.** Families read the article about, say, speech and language therapy and
    follow its links; before an inspection every service is asked to check that it is
    linked from the right articles.

    **How to fix.** Add a link to the service's record from the article in ``evidence.topic_article``.

    **Options.** None.
    """
    site = ctx.site
    for m in active_matches(ctx):
        s = m.service
        articles = {topic: topic_articles(ctx, topic) for topic in s.topics}
        articles = {topic: pages for topic, pages in articles.items() if pages}
        if not articles or any(_links_to_record(site, a, m.page) for pages in articles.values() for a in pages):
            continue
        topic, pages = next(iter(articles.items()))
        url = site.url_of(m.page)
        yield ctx.finding(s.id, f"The record for \"{s.name}\" is not linked from any article about {topic}.",
                          url=url, expected=f"a link from an article about {topic}",
                          found=f"{len(pages)} article(s) about {topic}, none linking here",
                          fix=f"Link to this record from {site.url_of(pages[0])}.",
                          evidence={"topic": topic, "topic_article": site.url_of(pages[0]), "service_page": url,
                                    "articles": [site.url_of(a) for a in pages[:5]], "match": m.evidence(site)},
                          **service_fields(s))


@rule("service.closed-listed", "error", needs_catalogue=True)
def closed_listed(ctx: RuleContext) -> Iterable[Finding]:
    """Closed services still on the Local Offer

    Reports services whose catalogue status is closed, inactive or defunct but whose record
    is still on the site (matched as in ``service.missing``).

    **Why it matters.** Families phone, refer or travel to a service that no longer exists,
    and lose time they may not have.

    **How to fix.** Remove or archive the record, and point families to what replaced it.

    **Options.** None.
    """
    site = ctx.site
    for m in service_matches(ctx).values():
        if not (m.found and m.service.closed):
            continue
        s, url = m.service, site.url_of(m.page)
        yield ctx.finding(s.id, f"The service \"{s.name}\" is {s.status} but still listed on the Local Offer.",
                          url=url, expected="no record for a closed service", found=f"record at {url}",
                          fix="Remove or archive the record and say what replaced the service.",
                          evidence={"status": s.status, "match": m.evidence(site)}, **service_fields(s))


def record_ages(page: Page) -> tuple[int, int] | None:
    """The record's age range: from an "Age" field, else the first age range in its main
    text, else in its sidebar or contact panel."""
    for value in field_values(page, "age"):
        found = parse_age_range(value)
        if found:
            return found
    return find_age_range(page.main_text) or find_age_range(page.meta.get("panel_text") or "")


def _ages_text(low: int, high: int) -> str:
    return f"{low}+" if high >= OPEN_MAX else f"{low}–{high}"


@rule("service.age-mismatch", "warning", needs_catalogue=True, tolerance_years=0)
def age_mismatch(ctx: RuleContext) -> Iterable[Finding]:
    """Age range on the record differs from the catalogue

    Compares the catalogue's age range (``age_min``-``age_max``; an empty end is open) with
    the record's: its "Age range" field, else the first age range in its text ("ages 5 to
    11", "0-25", "under 5s", "16+", "Year 7 to 11"). Records that give no age are not
    reported.

    **Why it matters.** Families rule themselves out (or in) by age; a wrong range means
    eligible children miss out or families waste a referral.

    **How to fix.** Correct whichever is wrong: the record or the catalogue.

    **Options.** ``tolerance_years`` (default 0): differences this small are ignored.
    """
    site, tol = ctx.site, ctx.option("tolerance_years") or 0
    for m in active_matches(ctx):
        s = m.service
        if s.age_min is None and s.age_max is None:
            continue
        expected = (s.age_min or 0, OPEN_MAX if s.age_max is None else s.age_max)
        found = record_ages(m.page)
        if found is None or all(abs(a - b) <= tol for a, b in zip(expected, found)):
            continue
        yield ctx.finding(s.id, f"The record for \"{s.name}\" gives a different age range from the catalogue.",
                          url=site.url_of(m.page), expected=_ages_text(*expected), found=_ages_text(*found),
                          fix="Correct the age range on the record or in the catalogue.",
                          evidence={"expected": list(expected), "found": list(found), "match": m.evidence(site)},
                          **service_fields(s))
