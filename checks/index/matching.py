"""Match catalogue services to the service-record pages of the crawl: one global assignment.

1. **Keys, once.** Every catalogue value is normalised once (names to weighted tokens,
   phones to E.164, emails to lower case, websites to a URL key and a domain, postcodes
   to ``AB1 2CD``), and so is every record (its names, its contact values with the
   places they were found, the ids in its address and text).
2. **Candidates through indexes.** A service is only compared with records that share
   an expected URL, a contact value, an id or a distinctive name word with it (indexes by
   value), never with every record.
3. **Evidence per pair.** ``name``: a weighted token overlap of the service name with the
   record's heading or title (site-wide title parts such as "| Local Offer" removed).
   Words are weighted by rarity across all names, so the words that tell siblings apart
   ("Art" and "Walking" in "U3A Town - Art" / "U3A Town - Walking", "Gold" in "Zumba
   Gold", "Kirton" in "Kirton Youth Club") weigh most and shared family words least;
   identical names score 100, siblings far less. Contact evidence (email, phone, website,
   postcode) is worth more the fewer services and records share the value; an expected
   URL is decisive; an id in the record's URL or text counts once ids are seen to agree
   with the other evidence on this site (numbering is often unrelated).
4. **One assignment.** Each service gets at most one record and each record at most one
   service, maximising the total evidence (each pair counts its evidence above a
   baseline, so two weak pairs never beat one strong one), solved exactly with scipy's
   sparse bipartite matching.
5. **Doubt is reported, not guessed.** When the best alternative assignment for a service
   is within ``AMBIGUOUS_MARGIN`` points, the match is flagged ambiguous
   (``service.ambiguous``) and contact and age checks are not run on it.

Each :class:`Match` keeps its evidence: method, score, name score, the kinds of evidence
shared, the runner-up record and its score, and the signal that made the page a record.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from crawler.extract.emails import normalise_email
from crawler.extract.phones import normalise_phone
from crawler.extract.postcodes import normalise_postcode
from crawler.model import Page

from checks.catalogue.model import Service
from checks.index.siteindex import SiteIndex, norm_url, platform_of

DEFAULT_THRESHOLD = 85
"""Name score (0-100) at which a name alone is enough for a match."""
DEFAULT_CONTACT_THRESHOLD = 60
"""Name score at which a name backed by shared contact details (or an agreeing id) matches."""
CONTACT_POINTS = {"email": 40.0, "phone": 40.0, "website": 25.0, "postcode": 15.0}
"""Evidence points of a value shared by one service and one record (divided among sharers)."""
EXPECTED_URL_POINTS = 200.0
ID_POINTS = 40.0
NAME_FLOOR = 30.0
STRONG_TOTAL = 100.0
"""A name scoring at least NAME_FLOOR matches when name and other evidence reach
STRONG_TOTAL points: "Zumba" and a record "Zumba sessions" showing its own phone, email and
website. Siblings sharing contact details divide their points, so "Zumba" does not take
"Zumba Gold" through the club's shared phone and email."""
BASELINE = 50.0
"""Points a pair must exceed to be worth asserting (see step 4)."""
CLOSE_NAME_FLOOR = 70.0
"""A service and a record left over by the assignment whose names score at least this, and
that are each other's only candidate at this score, are matched (method ``close-name``)
when one name's words are all in the other ("Young Carers Sibling Group" and "Young Carers
Project - Sibling Group"); sibling names ("U3A Town - Art", "U3A Town - Walking") each have
a word the other lacks and stay apart. Nor are a service and a record that both give a phone,
an email or a website and share none of them ("Pinchmere North Walking" and a record
"Pinchmere Walking" with its own number and address): with names this loose, contact
details that all disagree say two services, not one whose every detail is wrong."""
AMBIGUOUS_MARGIN = 5.0
"""Assignments within this many points of the chosen one are too close to call."""
MAX_CANDIDATES = 20
"""Records fully scored per service (the best by shared name weight, plus all sharing a contact)."""
MAX_SHARERS = 20
"""A contact value shared by more services or records than this is not evidence."""
RARE_TOKENS = 2
"""Name words (the rarest) whose records are candidates: a service's record shares its
rarest words, and a few words keep the candidate lists short."""
COMMON_TOKEN_SHARE = 0.2
"""Name words on more than this share of all names are not used to find candidates."""
UNMATCHED_WORD_FACTOR = 0.9
"""A name with a word the other lacks is less likely the same service (see :func:`name_similarity`)."""
STOPWORDS = frozenset("the and of for a an in at to with on by or our your from".split())
ID_PARAMS = re.compile(r"^(?:id|.*[_-]id|.*Id|uuid|guid|ref|slug|service|record)$")
_SEPARATORS = re.compile(r"\s+[|–—:]\s+|\s+-\s+|\s+::\s+")


# ---------------------------------------------------------------------------- names
def normalise_name(text: str) -> str:
    """Lower case, ``&`` as "and", apostrophes dropped, punctuation as spaces.

    Unlike earlier versions no " - part" is cut off: in "U3A Town - Art" the last part is
    the distinguishing word. Site-wide title parts are removed by :func:`site_affixes`."""
    text = (text or "").lower().replace("&", " and ").replace("’", "").replace("'", "")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _stem(token: str) -> str:
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s*\)")


def name_variants(text: str) -> list[str]:
    """The name, and for a name with an acronym in brackets ("SEND Information, Advice and
    Support Service (SENDIASS)") the acronym and the name without it."""
    out = [text]
    found = _ACRONYM.search(text or "")
    if found and len(found.group(1)) >= 3:
        out += [found.group(1), (text[:found.start()] + text[found.end():]).strip()]
    return out


def name_tokens(text: str) -> frozenset[str]:
    """The name's words, normalised and crudely singular ("groups" = "group")."""
    return frozenset(_stem(t) for t in normalise_name(text).split())


def title_parts(title: str) -> list[str]:
    return [p for p in (x.strip() for x in _SEPARATORS.split(title or "")) if p]


def site_affixes(pages: Iterable[Page]) -> set[str]:
    """Title parts (first or last, split at ``|``, `` - ``, ``–``...) that at least half the
    pages of a host share: the site's name, not the record's."""
    by_host: dict[str, list[list[str]]] = defaultdict(list)
    for page in pages:
        by_host[urlsplit(page.final_url or page.url).netloc].append(title_parts(page.title))
    out: set[str] = set()
    for titles in by_host.values():
        counts = Counter(p for parts in titles if len(parts) > 1 for p in {parts[0], parts[-1]})
        out |= {normalise_name(p) for p, n in counts.items() if n >= max(3, len(titles) / 2)}
    return out


def record_names(page: Page, affixes: set[str] = frozenset()) -> list[str]:
    """The record's names: its h1s and its title without site-wide parts."""
    parts = [p for p in title_parts(page.title) if normalise_name(p) not in affixes]
    names = [*(t for level, t in page.headings if level == 1), " - ".join(parts)]
    names = [v for n in names for v in name_variants(n)]
    return list(dict.fromkeys(n for n in (normalise_name(x) for x in names) if n))


class NameWeights:
    """Word weights by rarity (inverse document frequency over every name seen), computed once."""

    def __init__(self, names: Iterable[frozenset[str]]) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        for tokens in names:
            self.df.update(tokens)
            self.n += 1
        self.weights = {t: self._weight(t, count) for t, count in self.df.items()}
        self.limit = max(50, self.n * COMMON_TOKEN_SHARE)

    def _weight(self, token: str, count: int) -> float:
        w = math.log(1 + (self.n + 1) / (count + 1))
        return w * 0.1 if token in STOPWORDS else w

    def weight(self, token: str) -> float:
        found = self.weights.get(token)
        return found if found is not None else self._weight(token, 0)

    def common(self, token: str) -> bool:
        return self.df.get(token, 0) > self.limit


def name_similarity(a: frozenset[str], b: frozenset[str], weights: NameWeights,
                    totals: tuple[float, float] | None = None) -> float:
    """Weighted Jaccard of two token sets, 0-100 (100: the same words), lowered by
    :data:`UNMATCHED_WORD_FACTOR` for each word (up to three) that only one name has, so
    that a common qualifier ("Lower", "East") still separates "Dunbury Parent Support
    Group" from "Dunbury Lower Parent Support Group". ``totals`` are the two sets'
    summed weights when already known."""
    if not a or not b:
        return 0.0
    weight = weights.weight
    common = sum(weight(t) for t in a & b)
    if not common:
        return 0.0
    wa, wb = totals if totals else (sum(weight(t) for t in a), sum(weight(t) for t in b))
    unmatched = sum(1 for t in a ^ b if t not in STOPWORDS)
    return 100.0 * common / (wa + wb - common) * UNMATCHED_WORD_FACTOR ** min(unmatched, 3)


# ---------------------------------------------------------------------------- contact values
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


def website_key(url: str) -> str | None:
    """A website compared without scheme, ``www.``, trailing slash or query order."""
    url = (url or "").strip()
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url
    try:
        return norm_url(url) if urlsplit(url).hostname else None
    except ValueError:
        return None


def _domain(key: str) -> str:
    return key.split("/", 1)[0]


CONTENT_REGIONS = ("main", "body", "aside")


def record_contacts(page: Page, site: SiteIndex | None = None) -> dict[str, dict[str, list[str]]]:
    """``{kind: {normalised value: [sources]}}`` of a record (phone, email, postcode, website).

    From the crawler's per-source contacts (``Page.meta["contacts"]``) when present, else
    from the older fields (extracted values, labelled fields, ``tel:``/``mailto:`` links);
    websites also from the record's links in its content and panels (source ``link``)."""
    out: dict[str, dict[str, list[str]]] = {k: {} for k in ("phone", "email", "postcode", "website")}
    stored = page.meta.get("contacts")
    links = site.links_by_source.get(page.url, []) if site else []
    if isinstance(stored, dict):
        for kind, values in stored.items():
            if kind in out and isinstance(values, dict):
                for value, sources in values.items():
                    key = website_key(value) if kind == "website" else value
                    if key:
                        out[kind].setdefault(key, []).extend(sources)
    else:
        legacy = {
            "phone": ([*page.phones, *field_values(page, "phone", "tel", "mobile")], normalise_phone),
            "email": ([*page.emails, *field_values(page, "email", "e-mail")], normalise_email),
            "postcode": ([*page.postcodes, *field_values(page, "postcode", "post code")], normalise_postcode),
            "website": (field_values(page, "website", "web site", "web address"), website_key),
        }
        for kind, (values, normalise) in legacy.items():
            for value in _values(values, normalise):
                out[kind].setdefault(value, []).append("text")
        for link in links:
            href = (link.href or link.target).strip()
            if href.lower().startswith("tel:") and (v := normalise_phone(href)):
                out["phone"].setdefault(v, []).append("tel")
            elif href.lower().startswith("mailto:") and (v := normalise_email(href)):
                out["email"].setdefault(v, []).append("mailto")
    for link in links:
        if link.kind in ("external", "page", "document") and link.region in CONTENT_REGIONS:
            if _other_record(link.target, page, site):
                continue
            if key := website_key(link.target):
                out["website"].setdefault(key, []).append("link")
    return out


def _other_record(target: str, page: Page, site: SiteIndex | None) -> bool:
    """True when ``target`` is another record of the crawled directory (an "Other services
    from this organisation" list, a related-services panel): such a link is not the
    service's own website."""
    if site is None:
        return False
    other = site.page(target)
    if other is not None:
        return site.identity(other) != site.identity(page) and site.is_record(other)
    if urlsplit(target).netloc != urlsplit(site.url_of(page)).netloc:
        return False
    return bool(platform_of(target)) or any(rx.search(target) for rx in site.record_patterns)


def page_phones(page: Page, site: SiteIndex | None = None) -> set[str]:
    """Phone numbers on a record (E.164), wherever the record shows them."""
    return set(record_contacts(page, site)["phone"])


def page_emails(page: Page, site: SiteIndex | None = None) -> set[str]:
    """Email addresses on a record, lower-cased, wherever the record shows them."""
    return set(record_contacts(page, site)["email"])


def page_postcodes(page: Page, site: SiteIndex | None = None) -> set[str]:
    """Postcodes on a record, normalised."""
    return set(record_contacts(page, site)["postcode"])


# ---------------------------------------------------------------------------- keys
@dataclass
class ServiceKeys:
    """One service's values, normalised once."""

    service: Service
    tokens: frozenset[str]
    values: dict[str, set[str]]
    expected: set[str]
    id_key: str
    variants: tuple[frozenset[str], ...] = ()
    """Other forms of the name (an acronym in brackets, the name without it)."""


@dataclass
class RecordKeys:
    """One record's values, normalised once."""

    page: Page
    identity: str
    url: str
    names: list[frozenset[str]]
    values: dict[str, set[str]]
    contacts: dict[str, dict[str, list[str]]]
    ids: set[str]
    signal: str


def service_keys(service: Service) -> ServiceKeys:
    websites = _values([service.website], website_key)
    values = {"phone": _values(service.phones, normalise_phone), "email": _values(service.emails, normalise_email),
              "postcode": _values([service.postcode], normalise_postcode), "website": websites,
              "domain": {_domain(k) for k in websites}}
    return ServiceKeys(service, name_tokens(service.name), values, {norm_url(u) for u in service.expected_urls if u},
                       (getattr(service, "original_id", "") or service.id).strip().lower(),
                       tuple(t for t in (name_tokens(v) for v in name_variants(service.name)[1:]) if t))


_ID_TOKEN = re.compile(r"(?<![\w-])([a-z0-9][a-z0-9_-]{5,63})(?![\w-])", re.I)


def url_ids(url: str) -> set[str]:
    """Ids an address shows: id-like query values, path segments, the ``123`` of ``123-slug``."""
    parts = urlsplit(url)
    ids = {v.lower() for k, v in parse_qsl(parts.query) if ID_PARAMS.match(k) and v}
    for segment in parts.path.split("/"):
        if not segment:
            continue
        ids.add(segment.lower())
        if m := re.match(r"^(\d+)[-_]", segment):
            ids.add(m.group(1))
    return ids


def text_ids(text: str) -> set[str]:
    """Id-like words in a record's text (letters and digits, at least six characters, a digit)."""
    return {m.lower() for m in _ID_TOKEN.findall(text or "") if any(ch.isdigit() for ch in m)}


def record_keys(page: Page, site: SiteIndex, affixes: set[str]) -> RecordKeys:
    contacts = record_contacts(page, site)
    values = {kind: set(found) for kind, found in contacts.items()}
    values["domain"] = {_domain(k) for k in values["website"]}
    url = site.url_of(page)
    ids = url_ids(url) | url_ids(page.url) | text_ids(page.main_text[:5000])
    return RecordKeys(page, site.identity(page), url, [name_tokens(n) for n in record_names(page, affixes)],
                      values, contacts, ids, site.record_signal(page))


# ---------------------------------------------------------------------------- evidence
@dataclass
class Pair:
    """The evidence one service has for one record."""

    record: int
    name: float = 0.0
    shared: dict[str, float] = field(default_factory=dict)
    expected: bool = False
    id_match: bool = False

    def total(self, use_ids: bool) -> float:
        points = self.name + sum(self.shared.values())
        if self.expected:
            points += EXPECTED_URL_POINTS
        if use_ids and self.id_match:
            points += ID_POINTS
        return points

    def eligible(self, threshold: float, contact_threshold: float, use_ids: bool) -> bool:
        """A name alone (``threshold``); a name (``contact_threshold``) with any shared
        contact or agreeing id; or a looser name (:data:`NAME_FLOOR`) whose score and other
        evidence together reach :data:`STRONG_TOTAL` (contacts few others share, the id)."""
        if self.expected:
            return True
        backing = sum(self.shared.values()) + (ID_POINTS if use_ids and self.id_match else 0.0)
        return (self.name >= threshold or (self.name >= contact_threshold and backing > 0)
                or (self.name >= NAME_FLOOR and self.name + backing >= STRONG_TOTAL)) and self.total(use_ids) > BASELINE

    def method(self, threshold: float, use_ids: bool) -> str:
        if self.expected:
            return "expected-url"
        if self.name >= threshold:
            return "name"
        return "id" if use_ids and self.id_match and not self.shared else "contact"


@dataclass(frozen=True)
class Match:
    """A service's record page and how it was found (see the module docstring)."""

    service: Service
    page: Page | None
    method: str = ""  # "expected-url" | "name" | "contact" | "id" | ""
    score: int = 0
    best_candidate: str = ""
    best_score: int = 0
    name_score: int = 0
    total: int = 0
    """All the pair's evidence points (name, contacts, id, expected URL); ``score`` is this capped at 100."""
    signals: tuple[str, ...] = ()
    runner_up: str = ""
    runner_up_score: int = 0
    ambiguous: bool = False
    record_signal: str = ""
    rivals: tuple[tuple[str, str, int], ...] = ()
    """For ambiguous services: ``(service id, record url, score)`` of the competing choices."""

    @property
    def found(self) -> bool:
        return self.page is not None

    def evidence(self, site: SiteIndex) -> dict:
        url = site.url_of(self.page) if self.page else ""
        return {"url": url, "method": self.method, "score": self.score, "total": self.total, "name_score": self.name_score,
                "signals": list(self.signals), "runner_up": self.runner_up, "runner_up_score": self.runner_up_score,
                "record_signal": self.record_signal}


class Matcher:
    """The indexes and evidence of one catalogue against one crawl."""

    def __init__(self, services: list[Service], site: SiteIndex, threshold: float, contact_threshold: float) -> None:
        self.site, self.threshold, self.contact_threshold = site, threshold, contact_threshold
        self.services = [service_keys(s) for s in services]
        affixes = site_affixes(site.content_pages)
        self.records = [record_keys(p, site, affixes) for p in site.records]
        self.weights = NameWeights([s.tokens for s in self.services] + [n for r in self.records for n in r.names])
        self.name_totals = [[sum(self.weights.weight(t) for t in n) for n in r.names] for r in self.records]
        self._index()

    def _index(self) -> None:
        self.by_value: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_token: dict[str, list[int]] = defaultdict(list)
        self.by_id: dict[str, list[int]] = defaultdict(list)
        self.by_url: dict[str, int] = {}
        for i, r in enumerate(self.records):
            for kind, values in r.values.items():
                for v in values:
                    self.by_value[(kind, v)].append(i)
            for token in set().union(*r.names) if r.names else ():
                self.by_token[token].append(i)
            for rid in r.ids:
                self.by_id[rid].append(i)
            for url in self.site.variants.get(r.identity, {r.page.url}) | {r.url}:
                self.by_url.setdefault(norm_url(url), i)
        self.service_count: Counter[tuple[str, str]] = Counter(
            (kind, v) for s in self.services for kind, values in s.values.items() for v in values)

    def closest_page(self, s: ServiceKeys) -> tuple[str, float]:
        """The content page that is not a record (an article, a page the record signals
        missed) whose heading or title is nearest the service's name, and its name score."""
        if not hasattr(self, "_page_names"):
            affixes = site_affixes(self.site.content_pages)
            self._page_names = [(p, [name_tokens(n) for n in record_names(p, affixes)]) for p in self.site.articles]
            self._page_tokens: dict[str, list[int]] = defaultdict(list)
            for i, (_, names) in enumerate(self._page_names):
                for token in set().union(*names) if names else ():
                    self._page_tokens[token].append(i)
        rare = sorted((t for t in s.tokens if t in self._page_tokens and not self.weights.common(t)),
                      key=lambda t: (len(self._page_tokens[t]), t))[:RARE_TOKENS]
        best_url, best = "", 0.0
        for i in sorted({i for t in rare for i in self._page_tokens[t][:200]}):
            page, names = self._page_names[i]
            score = max((name_similarity(s.tokens, n, self.weights) for n in names), default=0.0)
            if score > best:
                best_url, best = self.site.url_of(page), score
        return best_url, best

    def _expected_record(self, s: ServiceKeys) -> int | None:
        for url in s.expected:
            if url in self.by_url:
                return self.by_url[url]
        for url in s.service.expected_urls:
            page = self.site.page(url)
            if page is not None:
                key = norm_url(self.site.url_of(page))
                if key in self.by_url:
                    return self.by_url[key]
        return None

    def pairs(self, s: ServiceKeys) -> list[Pair]:
        """The service's candidate records with their evidence, best first."""
        shared: dict[int, dict[str, float]] = defaultdict(dict)
        for kind, values in s.values.items():
            points = CONTACT_POINTS.get("website" if kind == "domain" else kind, 0.0) * (0.4 if kind == "domain" else 1)
            label = "website" if kind == "domain" else kind
            for v in values:
                holders = self.by_value.get((kind, v), ())
                sharers = max(self.service_count[(kind, v)], len(holders))
                if not holders or sharers > MAX_SHARERS:
                    continue  # a value on this many records or services tells nothing apart
                value_points = points / sharers
                for i in holders:
                    if shared[i].get(label, 0.0) < value_points:
                        shared[i][label] = value_points
        overlap: dict[int, float] = {}
        rare = sorted((t for t in s.tokens if t in self.by_token and not self.weights.common(t)),
                      key=lambda t: (self.weights.df[t], t))[:RARE_TOKENS]
        for variant in s.variants:
            rare += [t for t in variant if t in self.by_token and not self.weights.common(t) and t not in rare][:1]
        get = overlap.get
        for token in rare:
            weight = self.weights.weight(token)
            for i in self.by_token[token]:
                overlap[i] = get(i, 0.0) + weight
        best = heapq.nlargest(MAX_CANDIDATES, overlap.items(), key=lambda kv: kv[1]) if len(overlap) > MAX_CANDIDATES \
            else overlap.items()
        chosen = {i for i, _ in best} | set(shared)
        expected = self._expected_record(s)
        if expected is not None:
            chosen.add(expected)
        ids = set(self.by_id.get(s.id_key, ())) if s.id_key else set()
        chosen |= ids if len(ids) <= 3 else set()
        out = []
        weight = self.weights.weight
        total = sum(weight(t) for t in s.tokens)
        for i in chosen:
            r = self.records[i]
            name = max((name_similarity(s.tokens, n, self.weights, (total, w)) for n, w in zip(r.names, self.name_totals[i])),
                       default=0.0)
            for variant in s.variants:
                name = max(name, max((name_similarity(variant, n, self.weights) for n in r.names), default=0.0))
            out.append(Pair(i, name, shared.get(i, {}), i == expected, i in ids and len(ids) <= 3))
        return out


def _solve(edges: dict[int, dict[int, float]], n_records: int) -> dict[int, int]:
    """Service row -> record column maximising the summed weights (weights > 0).

    Each service also gets a private "no record" column of weight 0, so every service
    can be matched and ``min_weight_full_bipartite_matching`` always finds a solution."""
    rows = sorted(edges)
    if not rows:
        return {}
    import numpy as np  # scipy is imported when there is something to match (its import takes ~0.5 s)
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    cap = max(w for row in edges.values() for w in row.values()) + 1.0
    data, ri, ci = [], [], []
    for k, row in enumerate(rows):
        for col, w in edges[row].items():
            data.append(cap - w)
            ri.append(k)
            ci.append(col)
        data.append(cap)
        ri.append(k)
        ci.append(n_records + k)
    matrix = csr_matrix((np.array(data), (np.array(ri), np.array(ci))), shape=(len(rows), n_records + len(rows)))
    _, cols = min_weight_full_bipartite_matching(matrix)
    return {rows[k]: int(c) for k, c in enumerate(cols) if c < n_records}


def _assign(matcher: Matcher, pairs: list[list[Pair]], use_ids: bool) -> tuple[dict[int, int], dict[int, dict[int, float]]]:
    edges: dict[int, dict[int, float]] = {}
    for si, candidates in enumerate(pairs):
        row = {p.record: p.total(use_ids) - BASELINE for p in candidates
               if p.eligible(matcher.threshold, matcher.contact_threshold, use_ids)}
        if row:
            edges[si] = row
    return _solve(edges, len(matcher.records)), edges


def _close_names(matcher: Matcher, pairs: list[list[Pair]], assigned: dict[int, int]) -> dict[int, int]:
    """Left-over services and records that are each other's only candidate at
    :data:`CLOSE_NAME_FLOOR` or more, one name's words all in the other's (see there)."""
    taken = set(assigned.values())
    by_record: dict[int, list[int]] = defaultdict(list)
    best: dict[int, list[Pair]] = {}
    for si, candidates in enumerate(pairs):
        close = [p for p in candidates if p.name >= CLOSE_NAME_FLOOR]
        best[si] = close
        for p in close:
            by_record[p.record].append(si)
    out: dict[int, int] = {}
    for si, close in best.items():
        if si in assigned or len(close) != 1:
            continue
        ri = close[0].record
        if ri in taken or by_record[ri] != [si]:
            continue
        s, record = matcher.services[si], matcher.records[ri]
        forms = (s.tokens, *s.variants)
        if any(a <= b or b <= a for a in forms for b in record.names) and not _contacts_disagree(s, record):
            out[si] = ri
    return out


IDENTIFYING = ("phone", "email", "website", "domain")
"""Contact kinds that tell one service from another (a postcode is shared by a building's services)."""


def _contacts_disagree(service: ServiceKeys, record: RecordKeys) -> bool:
    """Both give a phone, an email or a website, and they share none of them (nor a web domain)."""
    both = any(service.values[k] and record.values[k] for k in ("phone", "email", "website"))
    return both and not any(service.values[k] & record.values[k] for k in IDENTIFYING)


def _ids_agree(matcher: Matcher, pairs: list[list[Pair]], assigned: dict[int, int]) -> bool:
    """True when, among matched records whose address or text shows ids, most show their
    service's id: then this site's ids are the catalogue's, and they count as evidence."""
    showing = [(si, ri) for si, ri in assigned.items() if matcher.records[ri].ids]
    agree = sum(1 for si, ri in showing if matcher.services[si].id_key in matcher.records[ri].ids)
    return len(showing) >= 3 and agree >= 0.6 * len(showing)


def match_services(services: Iterable[Service], site: SiteIndex, threshold: int = DEFAULT_THRESHOLD,
                   contact_threshold: int = DEFAULT_CONTACT_THRESHOLD) -> dict[str, Match]:
    """Service id -> :class:`Match` (``page`` None when the service has no record).

    A service id used twice in a catalogue keeps its first service's match under that id
    (both services still take part in the assignment)."""
    services = list(services)
    matcher = Matcher(services, site, threshold, contact_threshold)
    pairs = [matcher.pairs(s) for s in matcher.services]
    assigned, edges = _assign(matcher, pairs, use_ids=False)
    use_ids = _ids_agree(matcher, pairs, assigned)
    if use_ids:
        assigned, edges = _assign(matcher, pairs, use_ids=True)
    close = _close_names(matcher, pairs, assigned)
    assigned.update(close)
    owner = {ri: si for si, ri in assigned.items()}
    out: dict[str, Match] = {}
    for si, s in enumerate(matcher.services):
        match = _match(matcher, si, pairs[si], assigned, owner, edges, use_ids)
        out.setdefault(s.service.id, match)
    return out


def _match(matcher: Matcher, si: int, candidates: list[Pair], assigned: dict[int, int], owner: dict[int, int],
           edges: dict[int, dict[int, float]], use_ids: bool) -> Match:
    s = matcher.services[si]
    by_record = {p.record: p for p in candidates}
    ranked = sorted(candidates, key=lambda p: (-p.total(use_ids), matcher.records[p.record].url))
    ri = assigned.get(si)
    rivals = _rivals(matcher, si, ri, edges, owner)
    if ri is None:
        best = ranked[0] if ranked else None
        url, score = (matcher.records[best.record].url, best.total(use_ids)) if best else ("", 0.0)
        page_url, page_score = matcher.closest_page(s)
        if page_score > score:
            url, score = page_url, page_score
        return Match(s.service, None, best_candidate=url, best_score=round(score), ambiguous=bool(rivals), rivals=rivals)
    pair, record = by_record[ri], matcher.records[ri]
    method = pair.method(matcher.threshold, use_ids)
    if ri not in edges.get(si, {}):
        method = "close-name"  # matched by _close_names, not by the assignment
    runner = next((p for p in ranked if p.record != ri), None)
    signals = (("expected-url",) if pair.expected else ()) + (("id",) if use_ids and pair.id_match else ()) + \
        tuple(sorted(pair.shared)) + (("name",) if pair.name >= matcher.contact_threshold else ())
    return Match(s.service, record.page, method, round(min(100.0, pair.total(use_ids))),
                 name_score=round(pair.name), total=round(pair.total(use_ids)), signals=signals,
                 runner_up=matcher.records[runner.record].url if runner else "",
                 runner_up_score=round(runner.total(use_ids)) if runner else 0, ambiguous=bool(rivals),
                 record_signal=record.signal, rivals=rivals)


def _rivals(matcher: Matcher, si: int, ri: int | None, edges: dict[int, dict[int, float]],
            owner: dict[int, int]) -> tuple[tuple[str, str, int], ...]:
    """Alternative assignments for service ``si`` within :data:`AMBIGUOUS_MARGIN` of the chosen one.

    Moving ``si`` to another eligible record ``r`` costs what ``si`` loses, plus (when ``r``
    belongs to service ``o``) what ``o`` loses by taking ``si``'s record instead (or nothing)."""
    row = edges.get(si, {})
    current = row.get(ri, 0.0) if ri is not None else 0.0
    out = []
    for r, w in row.items():
        if r == ri:
            continue
        o = owner.get(r)
        if o is None:
            loss = current - w
        else:
            other = edges.get(o, {})
            loss = current + other.get(r, 0.0) - w - (other.get(ri, 0.0) if ri is not None else 0.0)
        if loss < AMBIGUOUS_MARGIN:
            rival = matcher.services[o].service.id if o is not None else ""
            out.append((rival, matcher.records[r].url, round(w + BASELINE)))
    return tuple(sorted(out, key=lambda x: -x[2]))[:5]
