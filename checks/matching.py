"""Match catalogue services to the service-record pages of the crawl.

For each service, in this order:

1. ``expected-url``: one of the service's ``expected_urls`` (compared normalised) is a
   crawled page that answered 200 (score 100).
2. ``name``: the best record whose title or h1 scores at least ``threshold`` with
   rapidfuzz's ``token_set_ratio`` against the service name (both lower-cased, ``&`` read
   as "and", punctuation and site-name suffixes such as " | Local Offer" removed). When
   several records score alike (within 3 points), the one sharing the most contact
   details (phone, email, postcode) with the catalogue wins, then the closer full-name
   ``ratio``.
3. ``contact``: no name reaches the threshold, but a record scoring at least
   ``contact_threshold`` shares a phone, email or postcode with the service.

Each record is matched to at most one service (best scores first), so two catalogue
entries cannot both claim one page and a missing service is not hidden by a near-namesake.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from rapidfuzz import fuzz

from crawler.extract.emails import normalise_email
from crawler.extract.phones import normalise_phone
from crawler.extract.postcodes import normalise_postcode
from crawler.model import Page

from .catalogue.model import Service
from .siteindex import SiteIndex, norm_url

DEFAULT_THRESHOLD = 85
DEFAULT_CONTACT_THRESHOLD = 60
_TIE = 3


@dataclass(frozen=True)
class Match:
    """A service's record page and how it was found."""

    service: Service
    page: Page | None
    method: str = ""  # "expected-url" | "name" | "contact" | ""
    score: int = 0
    best_candidate: str = ""
    best_score: int = 0

    @property
    def found(self) -> bool:
        return self.page is not None

    def evidence(self, site: SiteIndex) -> dict:
        url = site.url_of(self.page) if self.page else ""
        return {"url": url, "method": self.method, "score": self.score}


def normalise_name(text: str) -> str:
    """Lower case, ``&`` as "and", apostrophes dropped, punctuation as spaces, no site suffix."""
    text = re.split(r"\s+[|–—]\s+|\s+-\s+(?=[^-]*$)", text or "")[0]
    text = text.lower().replace("&", " and ").replace("’", "").replace("'", "")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def record_names(page: Page) -> list[str]:
    names = [page.title, *(t for level, t in page.headings if level == 1)]
    return [n for n in (normalise_name(x) for x in names) if n]


def _values(values: Iterable[str], normalise) -> set[str]:
    return {v for v in (normalise(x) for x in values if x) if v}


def field_values(page: Page, *labels: str) -> list[str]:
    """Values of ``Page.meta["fields"]`` whose label contains one of ``labels`` (any case)."""
    fields = page.meta.get("fields") or {}
    out = []
    for label, value in fields.items():
        if any(word in str(label).lower() for word in labels):
            out.extend(value if isinstance(value, list) else [value])
    return [str(v) for v in out if v]


def page_phones(page: Page, site: SiteIndex | None = None) -> set[str]:
    """Phone numbers on a record (E.164): extracted, in labelled fields, in ``tel:`` links."""
    hrefs = [l.href or l.target for l in (site.links_by_source.get(page.url, []) if site else [])
             if (l.href or l.target).lower().startswith("tel:")]
    return _values([*page.phones, *field_values(page, "phone", "tel", "mobile"), *hrefs], normalise_phone)


def page_emails(page: Page, site: SiteIndex | None = None) -> set[str]:
    """Email addresses on a record, lower-cased: extracted, in fields, in ``mailto:`` links."""
    hrefs = [l.href or l.target for l in (site.links_by_source.get(page.url, []) if site else [])
             if (l.href or l.target).lower().startswith("mailto:")]
    return _values([*page.emails, *field_values(page, "email", "e-mail"), *hrefs], normalise_email)


def page_postcodes(page: Page) -> set[str]:
    """Postcodes on a record, normalised."""
    return _values([*page.postcodes, *field_values(page, "postcode", "post code")], normalise_postcode)


def service_contacts(service: Service) -> tuple[set[str], set[str], set[str]]:
    """The service's (phones, emails, postcodes), normalised."""
    return (_values(service.phones, normalise_phone), _values(service.emails, normalise_email),
            _values([service.postcode], normalise_postcode))


def contact_overlap(service: Service, page: Page, site: SiteIndex | None = None) -> int:
    """How many kinds of contact detail (phone, email, postcode) the record shares with the service."""
    phones, emails, postcodes = service_contacts(service)
    return (bool(phones & page_phones(page, site)) + bool(emails & page_emails(page, site))
            + bool(postcodes & page_postcodes(page)))


def name_score(service: Service, page: Page) -> int:
    name = normalise_name(service.name)
    return max((round(fuzz.token_set_ratio(name, n)) for n in record_names(page)), default=0)


def _rank(service: Service, page: Page, site: SiteIndex) -> tuple[int, int, float]:
    name = normalise_name(service.name)
    ratio = max((fuzz.ratio(name, n) for n in record_names(page)), default=0.0)
    return name_score(service, page), contact_overlap(service, page, site), ratio


def _expected(service: Service, site: SiteIndex) -> Page | None:
    for url in service.expected_urls:
        page = site.page(url) or site.page(norm_url(url))
        if page is not None and site.is_ok_html(page):
            return next((p for p in site.content_pages if site.identity(p) == site.identity(page)), page)
    return None


def _candidates(service: Service, site: SiteIndex, taken: set[str]) -> list[tuple[tuple, Page]]:
    ranked = [(_rank(service, p, site), p) for p in site.records if site.identity(p) not in taken]
    if not ranked:
        return []
    top = max(r[0] for r, _ in ranked)
    close = [(r, p) for r, p in ranked if r[0] >= top - _TIE]
    return sorted(close, key=lambda rp: (rp[0][1], rp[0][0], rp[0][2]), reverse=True) + \
        sorted([(r, p) for r, p in ranked if r[0] < top - _TIE], key=lambda rp: rp[0], reverse=True)


def match_services(services: Iterable[Service], site: SiteIndex, threshold: int = DEFAULT_THRESHOLD,
                   contact_threshold: int = DEFAULT_CONTACT_THRESHOLD) -> dict[str, Match]:
    """Service id -> :class:`Match` (``page`` None when the service has no record)."""
    services = list(services)
    out: dict[str, Match] = {}
    taken: set[str] = set()
    for service in services:
        page = _expected(service, site)
        if page is not None:
            out[service.id] = Match(service, page, "expected-url", 100)
            taken.add(site.identity(page))
    proposals = []
    for service in services:
        if service.id in out:
            continue
        for (score, overlap, _), page in _candidates(service, site, set())[:5]:
            if score >= threshold or (score >= contact_threshold and overlap):
                proposals.append((score + 5 * overlap, score, overlap, service.id, page))
    for _, score, overlap, sid, page in sorted(proposals, key=lambda p: (-p[0], p[3], p[4].url)):
        if sid in out or site.identity(page) in taken:
            continue
        method = "name" if score >= threshold else "contact"
        out[sid] = Match(next(s for s in services if s.id == sid), page, method, score)
        taken.add(site.identity(page))
    for service in services:
        if service.id not in out:
            best = _candidates(service, site, set())
            page = best[0][1] if best else None
            out[service.id] = Match(service, None, best_candidate=site.url_of(page) if page else "",
                                    best_score=best[0][0][0] if best else 0)
    return out
