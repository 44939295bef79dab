"""Evidence that a Local Offer covers a statutory topic or speaks to an inspection criterion.

Each subject (a topic of ``checks.knowledge.topics`` or a criterion of ``checks.knowledge.criteria``) has
*head* phrases (words that name it in a title or heading) and *terms* (specific words a
text about it uses). A page or document is read through its main content only
(``checks.index.boilerplate``), split into sections under its headings, and:

- **strong** evidence: its title (or h1), or one of its headings, names the subject, and
  the text under it is substantive: at least :data:`MIN_TERMS` different terms of the
  subject and :data:`MIN_PAGE_WORDS` words (:data:`MIN_SECTION_WORDS` under a heading);
- **weak** evidence: a title or heading names it but the text under it is thin, or the
  text uses :data:`WEAK_TERMS` of its terms without a heading about it;
- nothing otherwise. One word, however often repeated, is never evidence.

Both need a SEND context (:class:`Context`): the page itself speaks about special
educational needs or disabilities in at least two different ways, or it sits in a part of
the site (host and first folder) where at least :data:`CONTEXT_SHARE` of pages do. A
parking-fines appeal, a council jobs page or a roads strategy is therefore never evidence,
whatever words it uses.

The home page, search results, listings (pages that are mostly links) and duplicates
(same main text) are never evidence. Each item carries a quoted sentence.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from checks.index.boilerplate import MainContent, Repetition, main_content
from checks.index.pagecache import kept_per_text
from checks.knowledge.phrases import PhraseTable, Subject, words_of

MIN_TERMS = 2
MIN_PAGE_WORDS = 40
MIN_SECTION_WORDS = 20
WEAK_TERMS = 3
CONTEXT_SHARE = 0.3
CONTEXT_MIN_PAGES = 3
LISTING_LINK_SHARE = 0.6
MAX_ITEMS = 5
HUB_LINKS = 8
QUOTE_CHARS = 240

SEND_CONCEPTS: dict[str, re.Pattern] = {
    "sen": re.compile(r"special educational needs?|special needs|additional (?:learning )?needs|sen support|"
                      r"\bSEND?\b|\bSEND?Co\b|\bSENCO\b", re.I),
    "disability": re.compile(r"disabled (?:child|children|young|pupils?|students?|teenagers?)|"
                             r"(?:children|young people|pupils|students) with (?:a )?disabilit|learning disabilit", re.I),
    "ehc": re.compile(r"education,? health and care|\bEHC ?(?:needs )?(?:plan|assessment)s?\b|\bEHCPs?\b", re.I),
    "local-offer": re.compile(r"local offer", re.I),
    "neuro": re.compile(r"\bautis[mt]|\bADHD\b", re.I),
    "iass": re.compile(r"\bSENDIASS\b|\bIASS\b|information,? advice and support service", re.I),
    "forum": re.compile(r"parent carer forum", re.I),
}
"""Ways a text speaks of special educational needs and disabilities. Upper-case ``SEND`` and
``SEN`` only: in lower case ``send`` is a verb, common in programming manuals."""
_CASED = {"sen"}
CONTEXT_CONCEPTS = 2

SEARCH_PATH = re.compile(r"/search\b|/results?\.|/find\b|search\.page|results\.page", re.I)
SEARCH_PARAMS = {"q", "qt", "query", "s", "search", "keywords", "keyword", "term"}


@dataclass(frozen=True)
class Item:
    """One piece of evidence: a page (or document), where on it, how strong, and a quote."""

    url: str
    title: str
    kind: str  # page or document
    strength: str  # strong or weak
    heading: str  # the title or heading that names the subject ("" for text only)
    quote: str
    terms: tuple[str, ...]
    words: int
    hub: bool = False  # a section page that mostly points to other pages: shown after the articles

    @property
    def rank(self) -> tuple:
        return (self.strength != "strong", self.hub, -len(self.terms), self.heading == "", -min(self.words, 400),
                self.url)

    def to_dict(self) -> dict:
        return {"url": self.url, "title": self.title, "kind": self.kind, "strength": self.strength,
                "heading": self.heading, "quote": self.quote, "terms": list(self.terms)}


@dataclass
class Result:
    """Every subject's evidence items, best first (at most one per page)."""

    subjects: tuple[Subject, ...]
    items: dict[str, list[Item]] = field(default_factory=dict)

    def status(self, subject_id: str) -> str:
        """``strong``, ``weak`` or ``none``."""
        items = self.items.get(subject_id) or []
        return "strong" if any(i.strength == "strong" for i in items) else ("weak" if items else "none")

    def strong_pages(self, subject_id: str) -> list[str]:
        return [i.url for i in self.items.get(subject_id, []) if i.strength == "strong"]


# ----------------------------------------------------------------------------- SEND context
def send_concepts(text: str) -> set[str]:
    """The :data:`SEND_CONCEPTS` that ``text`` speaks of."""
    found = set()
    for name, pattern in SEND_CONCEPTS.items():
        for m in pattern.finditer(text):
            word = m.group(0)
            if name in _CASED and word.lower() in ("send", "sen", "senco", "sendco") and not word.isupper() \
                    and word not in ("SENCo", "SENDCo"):
                continue
            found.add(name)
            break
    return found


def has_own_context(content: MainContent) -> bool:
    """The page itself speaks of SEND in at least :data:`CONTEXT_CONCEPTS` different ways."""
    return len(send_concepts(own_text(content))) >= CONTEXT_CONCEPTS


@lru_cache(maxsize=65_536)
def section_key(url: str) -> str:
    """Host and first folder: the part of a site a page belongs to."""
    parts = urlsplit(url)
    first = parts.path.strip("/").split("/", 1)[0] if "/" in parts.path.strip("/") else ""
    return f"{parts.netloc.lower()}/{first}"


class Context:
    """Which pages are read in a SEND context (see the module docstring).

    ``concepts`` maps each page's URL to how many :data:`SEND_CONCEPTS` it speaks of. A page
    with :data:`CONTEXT_CONCEPTS` has its own context; a part of the site (host and first
    folder) gives it to all its pages when at least :data:`CONTEXT_SHARE` of them mention SEND
    at all and at least :data:`CONTEXT_MIN_PAGES` have their own context (plain-English Local
    Offer pages often say "special needs" once and nothing more).
    """

    def __init__(self, concepts: Mapping[str, int]) -> None:
        self.own = {url: n >= CONTEXT_CONCEPTS for url, n in concepts.items()}
        totals, mentions, marked = Counter(), Counter(), Counter()
        for url, n in concepts.items():
            key = section_key(url)
            totals[key] += 1
            mentions[key] += n >= 1
            marked[key] += n >= CONTEXT_CONCEPTS
        self.sections = {k for k, n in totals.items()
                         if marked[k] >= CONTEXT_MIN_PAGES and mentions[k] >= CONTEXT_SHARE * n}

    def __call__(self, url: str) -> bool:
        return self.own.get(url, False) or section_key(url) in self.sections


# ----------------------------------------------------------------------------- exclusions
def is_search(url: str, title: str = "") -> bool:
    parts = urlsplit(url)
    params = {k.lower() for k in parse_qs(parts.query, keep_blank_values=True)}
    return bool(SEARCH_PATH.search(parts.path) or params & SEARCH_PARAMS or
                re.match(r"\s*search results?\b", title or "", re.I))


JOB_ADVERT = re.compile(r"\bsalary\b|closing date|job reference|\bvacanc(?:y|ies)\b|hours per week|"
                        r"apply for this (?:job|role|post)|\bpro rata\b|\bjob description\b", re.I)


def is_job_advert(content: MainContent) -> bool:
    """A vacancy (salary, closing date, job reference...): about a job, not about a service."""
    return is_job_text(own_text(content))


def is_job_text(text: str) -> bool:
    """:func:`is_job_advert` of a page's :func:`own_text`."""
    return len({m.group(0).lower() for m in JOB_ADVERT.finditer(text)}) >= 2


def own_text(content: MainContent) -> str:
    """A page's titles and main text: what it says itself."""
    return " ".join(content.titles) + "\n" + content.text


def is_listing(content: MainContent, link_texts: Iterable[str]) -> bool:
    """A list of other pages: the link text is at least :data:`LISTING_LINK_SHARE` of the main
    text, or most of its headings (at least three) are links (search results, directory
    categories, an organisation's services)."""
    texts = [" ".join(t.split()).lower() for t in link_texts]
    total = len(content.text.split())
    linked = sum(len(t.split()) for t in texts)
    if total > 0 and linked >= LISTING_LINK_SHARE * total:
        return True
    heads = [" ".join(s.heading.split()).lower() for s in content.sections[1:]]
    linked_heads = sum(h in set(texts) for h in heads)
    return linked_heads >= 3 and linked_heads >= 0.5 * len(heads)


# ----------------------------------------------------------------------------- scoring
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])|\n+")


class Scorer:
    """Scores main content against subjects (two phrase tables: heads and terms)."""

    def __init__(self, subjects: Iterable[Subject]) -> None:
        self.subjects = tuple(subjects)
        self.by_id = {s.id: s for s in self.subjects}
        self.heads = PhraseTable({s.id: s.heads for s in self.subjects})
        self.terms = PhraseTable({s.id: s.terms for s in self.subjects})

    def named(self, text: str) -> set[str]:
        """Subjects whose head phrases ``text`` (a title or heading) contains, longest phrase first:
        "Personal health budgets" names personal budgets, not health."""
        chosen, end = [], 0
        for hit in sorted(self.heads.hits(words_of(text)), key=lambda h: (h.start, -h.length)):
            if hit.start >= end:
                chosen.append(hit)
                end = hit.start + hit.length
            elif chosen and hit.start == chosen[-1].start and hit.length == chosen[-1].length:
                chosen.append(hit)
        return self.heads.present(chosen)

    def support(self, text: str) -> dict[str, set[str]]:
        """Subject -> distinct terms found in ``text``."""
        return self.terms.distinct(self.terms.hits(words_of(text)))

    def quote(self, subject_id: str, text: str) -> str:
        """The sentence of ``text`` with the most different terms of the subject (earliest on a tie)."""
        best, best_n = "", 0
        for sentence in _SENTENCE.split(text):
            sentence = " ".join(sentence.split())
            if len(sentence.split()) < 4:
                continue
            n = len(self.support(sentence).get(subject_id, ()))
            if n > best_n:
                best, best_n = sentence, n
        if not best:
            best = next((s for s in (" ".join(x.split()) for x in _SENTENCE.split(text)) if len(s.split()) >= 4), "")
        return best if len(best) <= QUOTE_CHARS else best[: QUOTE_CHARS - 1].rstrip() + "…"

    def score(self, content: MainContent, url: str, title: str, kind: str = "page") -> dict[str, Item]:
        """Subject -> the best item this page gives it (strong or weak); needs the SEND context checked first."""
        out: dict[str, Item] = {}
        whole = content.sections[0] if content.sections else None
        if whole is None:
            return out
        page_support = self.support(" ".join(content.titles) + "\n" + content.text)
        candidates: list[tuple[str, str, str, int, int]] = []  # subject, heading, text, words, minimum words
        for name in content.titles:
            for sid in self.named(name):
                candidates.append((sid, name, content.text, whole.words, MIN_PAGE_WORDS))
        for section in content.sections[1:]:
            for sid in self.named(section.heading):
                candidates.append((sid, section.heading, section.text, section.words, MIN_SECTION_WORDS))
        for sid, heading, text, words, minimum in candidates:
            found = self.support(text).get(sid, set())
            strong = len(found) >= MIN_TERMS and words >= minimum
            item = Item(url, title, kind, "strong" if strong else "weak", heading,
                        self.quote(sid, text) or heading, tuple(sorted(found)), words)
            if sid not in out or item.rank < out[sid].rank:
                out[sid] = item
        for sid, found in page_support.items():
            if sid not in out and len(found) >= WEAK_TERMS:
                out[sid] = Item(url, title, kind, "weak", "", self.quote(sid, content.text), tuple(sorted(found)),
                                whole.words)
        return out


# ----------------------------------------------------------------------------- a whole crawl
def _doc_title(page: Any) -> str:
    return (page.title or "").strip() or urlsplit(page.final_url or page.url).path.rsplit("/", 1)[-1]


def readable_documents(site: Any) -> list[Any]:
    """Documents (PDF, Word) that answered 2xx and whose text was read, one per URL."""
    seen, out = set(), []
    for page in site.pages:
        if page.kind == "document" and 200 <= page.status < 300 and not page.guard and (page.main_text or "").strip():
            key = site.identity(page)
            if key not in seen:
                seen.add(key)
                out.append(page)
    return out


@dataclass
class Reading:
    """The main content of every page and document of a crawl, with the SEND context."""

    contents: dict[str, MainContent]  # stored URL -> main content
    context: Context
    eligible: list[Any]  # pages and documents that may be evidence
    kinds: dict[str, str]  # stored URL -> page or document
    excluded: dict[str, str]  # stored URL -> why it is never evidence
    hubs: set[str] = field(default_factory=set)  # stored URLs of section pages with many links (ranked last)


def read_site(site: Any, ctx: Any = None) -> Reading:
    """Main content of the crawl's articles (records too) and documents, once.

    With a check run's ``ctx``, the SEND concepts and job-advert words of each page's text
    are kept in the store between checks (``checks.index.pagecache``): an unchanged page
    is not searched again."""
    this = (sys.modules[__name__],)  # its source is the version of the values kept
    concepts = kept_per_text(ctx, "evidence.send-concepts", this, lambda t: sorted(send_concepts(t)))
    job_text = kept_per_text(ctx, "evidence.job-advert", this, is_job_text)
    pages = list(site.content_pages)
    repetition = Repetition(pages)
    contents = {p.url: main_content(p, repetition) for p in pages}
    documents = readable_documents(site)
    contents.update({d.url: main_content(d) for d in documents})
    own = {site.url_of(p): len(concepts(own_text(contents[p.url]))) for p in [*pages, *documents]}
    excluded: dict[str, str] = {}
    digests: dict[str, str] = {}
    for page in [*pages, *documents]:
        content = contents[page.url]
        reason = ""
        if page.kind == "html" and site.is_home(page):
            reason = "home page"
        elif page.kind == "html" and site.is_record(page):
            reason = "service record"
        elif is_search(site.url_of(page), page.title):
            reason = "search results"
        elif job_text(own_text(content)):
            reason = "job advert"
        elif page.kind == "html" and is_listing(content, (l.text for l in site.links_by_source.get(page.url, [])
                                                           if l.region in ("main", "body"))):
            reason = "listing"
        else:
            digest = " ".join(content.text.lower().split())
            if digest and digest in digests:
                reason = "duplicate of " + digests[digest]
            elif digest:
                digests[digest] = site.url_of(page)
        if reason:
            excluded[page.url] = reason
    eligible = [p for p in [*pages, *documents] if p.url not in excluded]
    hubs = {p.url for p in pages if p.url not in excluded and _is_hub(contents[p.url], site.links_by_source.get(p.url, []))}
    return Reading(contents, Context(own), eligible, {p.url: p.kind for p in [*pages, *documents]}, excluded, hubs)


def _is_hub(content: MainContent, links: list) -> bool:
    """A section page: at least :data:`HUB_LINKS` links in its content, a fifth of its words."""
    texts = [l.text for l in links if l.region in ("main", "body")]
    words = len(content.text.split())
    return len(texts) >= HUB_LINKS and sum(len(t.split()) for t in texts) >= 0.2 * max(words, 1)


def site_reading(ctx: Any) -> Reading:
    """:func:`read_site` of the run, once per check run (``ctx.shared``)."""
    if "reading" not in ctx.shared:
        ctx.shared["reading"] = read_site(ctx.site, ctx)
    return ctx.shared["reading"]


def evaluate(site: Any, reading: Reading, subjects: Iterable[Subject], titles: Mapping[str, str] | None = None) -> Result:
    """Every subject's evidence over the crawl (items best first, one per page, at most :data:`MAX_ITEMS`... kept all)."""
    scorer = Scorer(subjects)
    items: dict[str, list[Item]] = defaultdict(list)
    for page in reading.eligible:
        url = site.url_of(page)
        if not reading.context(url):
            continue
        content = reading.contents[page.url]
        title = (titles or {}).get(page.url) or content.title or _doc_title(page)
        kind = "document" if page.kind == "document" else "page"
        hub = page.url in reading.hubs
        for sid, item in scorer.score(content, url, title, kind).items():
            items[sid].append(replace(item, hub=True) if hub else item)
    for sid in items:
        items[sid].sort(key=lambda i: i.rank)
    return Result(scorer.subjects, {s.id: items.get(s.id, []) for s in scorer.subjects})
