"""A deterministic corpus of realistic directory records, a catalogue and a ground truth.

Names come from families of siblings, as on real directories: one U3A's many groups
("U3A Fenbury - Art", "U3A Fenbury - Walking"), "Zumba" and "Zumba Gold", "Youth Club"
and "Fenbury Youth Club", a library's "Rhyme Time" and "Lego Club". Siblings share their
organisation's phone, email, website and postcode, so contacts do not tell them apart.

``build(platform, count, seed)`` picks the services, then plants differences between the
catalogue and the site, each recorded in ``Corpus.truth``:

- ``missing``: in the catalogue, no record (often a sibling of one that has a record);
- ``unlisted``: a record the catalogue does not have (a sibling name again);
- ``phone``, ``email``, ``website``, ``postcode``, ``age``: the record shows another value;
- ``extra``: the record shows the catalogue's phone and an old number as well.

Records name themselves a little differently from the catalogue ("&" for "and", ": "
for " - ", capitals, an added "(Fenshire)" or "sessions"), and every record writes its
values in its own way (phone formats, email case and
``[at]`` spellings, postcode spacing, website with or without ``www.``/``https``/slash,
ages as "5-11", "ages 5 to 11", "from 16"...): none of that may be reported.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

TOWNS = ("Amberley Fen", "Brackwater", "Cold Ashby", "Dunmere", "Elmstead Marsh", "Fenbury", "Gresham Cross",
         "Harrowfield", "Ivywell", "Kirton Fen", "Longmarsh", "Millbeck", "Northolme", "Oakhurst", "Pinchley",
         "Quarrington", "Rushmoor Fen", "Stow Green")
U3A_GROUPS = ("Art", "Walking", "Chess", "Spanish", "Gardening", "Photography", "Book Club", "Local History",
              "Singing", "Bridge", "Tai Chi", "French")
ACTIVITIES = ("Zumba", "Yoga", "Swimming", "Gymnastics", "Football", "Trampolining", "Dance", "Boccia",
              "Climbing", "Cycling", "Drama", "Music")
VARIANTS = ("{a}", "{a} Gold", "{a} Kids", "{a} for Teens", "Adapted {a}")
CONDITIONS = ("Autism", "ADHD", "Down Syndrome", "Dyslexia", "Epilepsy", "Cerebral Palsy", "Hearing Impairment",
              "Visual Impairment")
GROUP_KINDS = ("Support Group", "Parent Support Group", "Family Network", "Drop-in", "Coffee Morning",
               "Sibling Group", "Teen Group", "Dads Group")
LEISURE = ("Swimming Lessons", "Disability Swim", "Holiday Camp")
TOWN_CLUBS = ("Youth Club", "Scouts", "Play Scheme", "Saturday Club", "Men's Shed", "Toy Library", "Baby Sensory",
              "Community Larder", "Parent Carer Forum")
LIBRARY = ("Rhyme Time", "Lego Club", "Homework Club")
THERAPIES = ("Speech and Language Therapy - Early Years", "Speech and Language Therapy - School Age",
             "Occupational Therapy", "Paediatric Occupational Therapy", "Physiotherapy", "Children's Physiotherapy",
             "Wheelchair Service", "Continence Service", "Sleep Clinic", "Portage", "Portage Plus",
             "Educational Psychology", "Sensory Support Service", "Hearing Support Team", "Vision Support Team")
DRAMA_PHONES = ("0113 496", "0114 496", "0116 496", "0117 496", "0118 496", "0121 496", "0131 496", "0141 496",
                "0151 496", "0161 496", "020 7946", "029 2018", "028 9018")
AGES = ((0, 5), (0, 25), (5, 11), (11, 16), (16, 25), (0, 4), (4, 11), (13, 19), (8, 18), (16, None), (11, None),
        (5, 18), (2, 11))
PLANTS = {"missing": 12, "unlisted": 12, "phone": 12, "email": 12, "website": 10, "postcode": 10, "age": 10,
          "extra": 8}
CATEGORIES = ("missing", "unlisted", "phone", "email", "website", "postcode", "age", "extra")


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


@dataclass(frozen=True)
class Org:
    key: str
    phone: str
    email: str
    website: str
    postcode: str


@dataclass(frozen=True)
class Service:
    """A service as the catalogue has it (values in the catalogue's own writing)."""

    id: str
    name: str
    org: str
    phone: str
    email: str
    website: str
    postcode: str
    address: str
    age_min: int | None
    age_max: int | None


@dataclass(frozen=True)
class Record:
    """What the site shows for one record (values as written on the page)."""

    rid: str
    name: str
    phone: str
    email: str
    website: str
    postcode: str
    address: str
    ages: str
    description: str
    service_id: str = ""
    extra_phone: str = ""
    email_style: str = "plain"
    phone_link: bool = True
    category: str = ""


@dataclass
class Corpus:
    platform: str
    services: list[Service]
    records: list[Record]
    truth: dict[str, set[str]] = field(default_factory=dict)
    """Category -> service ids (``unlisted``: record ids)."""


def _names() -> list[tuple[str, str]]:
    """(name, organisation key) of every name in every family, in a fixed order."""
    out = [(f"U3A {t} - {g}", f"u3a-{t}") for t in TOWNS for g in U3A_GROUPS]
    out += [(v.format(a=a), f"club-{a}") for a in ACTIVITIES for v in VARIANTS]
    out += [(f"{c} {k}", f"cond-{c}") for c in CONDITIONS for k in GROUP_KINDS]
    out += [(c, f"club-{c}") for c in TOWN_CLUBS] + [(f"{t} {c}", f"town-{t}-{c}") for t in TOWNS for c in TOWN_CLUBS]
    out += [(f"{t} Library - {x}", f"library-{t}") for t in TOWNS for x in LIBRARY]
    out += [(f"{t} Leisure Centre - {x}", f"leisure-{t}") for t in TOWNS for x in LEISURE]
    out += [(f"{t} Children's Centre", f"cc-{t}") for t in TOWNS] + [(f"{t} Family Hub", f"cc-{t}") for t in TOWNS]
    out += [(x, "nhs") for x in THERAPIES]
    return out


class _Numbers:
    def __init__(self, rng: random.Random) -> None:
        pool = [f"{p} {n:04d}" for p in DRAMA_PHONES for n in range(1000)]
        rng.shuffle(pool)
        self.pool = pool

    def take(self) -> str:
        return self.pool.pop()


def _postcode(rng: random.Random, town: int) -> str:
    area = ("PE", "LN", "NG", "DN")[town % 4]
    return f"{area}{town + 1} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _orgs(rng: random.Random, numbers: _Numbers) -> dict[str, Org]:
    orgs: dict[str, Org] = {}
    for _, key in _names():
        if key in orgs:
            continue
        slug = slugify(key)
        town = next((i for i, t in enumerate(TOWNS) if slugify(t) in slug), rng.randrange(len(TOWNS)))
        orgs[key] = Org(key, numbers.take(), f"{slug.replace('-', '.')}@{slug.split('-')[0]}.example.org.uk",
                        f"https://www.{slug}.example.org.uk/", _postcode(rng, town))
    return orgs


def _service(rng: random.Random, sid: str, name: str, org: Org, numbers: _Numbers) -> Service:
    shared = org.key.startswith(("u3a", "library", "cond", "cc"))
    phone = org.phone if shared else numbers.take()
    email = org.email if shared else f"{slugify(name)[:30].replace('-', '.')}@{org.email.split('@')[1]}"
    website = org.website if shared and rng.random() < 0.6 else f"{org.website}{slugify(name)}"
    low, high = rng.choice(AGES)
    town = next((t for t in TOWNS if t in name), rng.choice(TOWNS))
    return Service(sid, name, org.key, phone, email, website, org.postcode if shared else _postcode(rng, TOWNS.index(town)),
                   f"{rng.randint(1, 120)} {rng.choice(('High Street', 'Market Place', 'Church Lane', 'Station Road'))}, {town}",
                   low, high)


# --------------------------------------------------------------------------- how a site writes a value
def phone_as(number: str, rng: random.Random) -> str:
    digits = number.replace(" ", "")
    style = rng.randrange(6)
    if style == 0:
        return number
    if style == 1:
        return "+44 " + number[1:]
    if style == 2:
        area, _, rest = number.partition(" ")
        return f"({area}) {rest.replace(' ', '')}"
    if style == 3:
        return digits
    if style == 4:
        return f"{digits[:5]} {digits[5:]}"
    return f"+44 (0){number[1:]}"


def email_style(rng: random.Random) -> str:
    return rng.choice(("plain", "plain", "upper", "at", "parens", "mailto-only"))


def email_as(email: str, style: str) -> str:
    local, _, domain = email.partition("@")
    if style == "upper":
        return email.upper() if len(email) < 30 else local.capitalize() + "@" + domain
    if style == "at":
        return f"{local} [at] {domain}"
    if style == "parens":
        return f"{local}(at){domain.replace('.', '(dot)')}"
    return email


def website_as(url: str, rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 1:
        return url.replace("https://www.", "https://")
    if style == 2:
        return url.rstrip("/") if url.endswith("/") else url + "/"
    if style == 3:
        return url.replace("https://", "http://")
    return url


def postcode_as(code: str, rng: random.Random) -> str:
    return rng.choice((code, code.lower(), code.replace(" ", ""), code.replace(" ", "  ")))


def ages_as(low: int | None, high: int | None, rng: random.Random) -> str:
    low = low or 0
    if high is None:
        return rng.choice((f"{low}+", f"From {low} years", f"Ages {low} and over"))
    return rng.choice((f"{low}-{high}", f"Ages {low} to {high}", f"{low} to {high} years", f"{low} – {high} years old",
                       f"Aged {low}-{high}"))


def name_as(name: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08 and " and " in name:
        return name.replace(" and ", " & ")
    if roll < 0.16 and " - " in name:
        return name.replace(" - ", ": ")
    if roll < 0.22:
        return name.upper() if len(name) < 18 else name
    if roll < 0.27:
        return f"{name} (Fenshire)"
    if roll < 0.31:
        return f"{name} sessions"
    return name


def _other_postcode(code: str, rng: random.Random) -> str:
    while True:
        new = f"{code.split()[0]} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTU')}{rng.choice('WXYZ')}"
        if new != code:
            return new


def _record(rng: random.Random, rid: str, s: Service, numbers: _Numbers) -> Record:
    style = email_style(rng)
    return Record(rid, name_as(s.name, rng), phone_as(s.phone, rng), email_as(s.email, style),
                  website_as(s.website, rng), postcode_as(s.postcode, rng), s.address, ages_as(s.age_min, s.age_max, rng),
                  f"{s.name} meets every week. Everyone is welcome, and carers can come too.", s.id,
                  email_style=style, phone_link=rng.random() < 0.6)


def _plant(rng: random.Random, category: str, r: Record, s: Service, numbers: _Numbers) -> Record:
    if category == "phone":
        return replace(r, phone=phone_as(numbers.take(), rng), category=category)
    if category == "email":
        local, _, domain = s.email.partition("@")
        return replace(r, email=email_as(f"{local}.old@{domain}", r.email_style), category=category)
    if category == "website":
        return replace(r, website=f"https://{slugify(s.name)[:20]}.example.com/", category=category)
    if category == "postcode":
        return replace(r, postcode=_other_postcode(s.postcode, rng), category=category)
    if category == "age":
        low = (s.age_min or 0) + rng.choice((1, 2, 3))
        high = None if s.age_max is None else s.age_max + rng.choice((2, 4))
        return replace(r, ages=ages_as(low, high, rng), category=category)
    if category == "extra":
        return replace(r, extra_phone=phone_as(numbers.take(), rng), category=category)
    raise ValueError(category)


def build(platform: str, count: int, seed: int, make_id, make_rid) -> Corpus:
    """``count`` catalogue services and their site, with planted differences (see the module docstring).

    ``make_id(i, rng)`` gives a service's catalogue id, ``make_rid(i, service_id, rng)``
    a record's id on the site (the platform decides whether they agree)."""
    rng = random.Random(f"{platform}-{seed}")
    numbers = _Numbers(rng)
    orgs = _orgs(rng, numbers)
    names = _names()
    rng.shuffle(names)
    chosen, spare = names[:count], names[count:count + PLANTS["unlisted"] * 3]
    services = [_service(rng, make_id(i, rng), name, orgs[key], numbers) for i, (name, key) in enumerate(chosen)]
    truth: dict[str, set[str]] = {c: set() for c in CATEGORIES}
    order = list(range(len(services)))
    rng.shuffle(order)
    # siblings first: a missing service usually has a sibling record that must not stand in for it
    order.sort(key=lambda i: 0 if services[i].org.startswith(("u3a", "club", "cond", "library")) else 1)
    missing = set(order[:PLANTS["missing"]])
    truth["missing"] = {services[i].id for i in missing}
    rest = [i for i in order[PLANTS["missing"]:]]
    rng.shuffle(rest)
    planted: dict[int, str] = {}
    for category in ("phone", "email", "website", "postcode", "age", "extra"):
        for _ in range(PLANTS[category]):
            planted[rest.pop()] = category
    records = []
    for i, s in enumerate(services):
        if i in missing:
            continue
        r = _record(rng, make_rid(i, s.id, rng), s, numbers)
        if i in planted:
            r = _plant(rng, planted[i], r, s, numbers)
            truth[planted[i]].add(s.id)
        records.append(r)
    sibling_spare = sorted(spare, key=lambda nk: 0 if nk[1].startswith(("u3a", "club", "cond")) else 1)
    for k, (name, key) in enumerate(sibling_spare[:PLANTS["unlisted"]]):
        s = _service(rng, f"unlisted-{k}", name, orgs[key], numbers)
        r = replace(_record(rng, make_rid(count + k, "", rng), s, numbers), service_id="")
        records.append(r)
        truth["unlisted"].add(r.rid)
    rng.shuffle(records)
    return Corpus(platform, services, records, truth)
