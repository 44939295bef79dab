"""Catalogue-scaling benchmark: N catalogue services against a 5,000-page crawl store.

A synthetic store (real SQLite, written with the crawler's ``StoreWriter``) holds 5,000
directory records whose names come from families of siblings ("<Town> U3A - <Group>",
"<Activity> Gold", "<Town> Youth Club"...), each with contact details where the crawler
keeps them (``Page.meta["contacts"]``). The catalogue has N services: up to 4,000 of
them have a record (some with a changed phone or email), the rest are missing. The
service and contact rules are then run exactly as ``lo-audit check`` runs them, and
the time of each step is printed (wall clock, and the process's CPU time, which other
work on a shared machine does not inflate).

Run: ``python -m bench.catalogue`` (default: 1,000 and 10,000 services against 5,000
pages) or ``python -m bench.catalogue --services 10000 --pages 5000``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from checks.catalogue.model import Catalogue, Service
from checks.pipeline.context import RuleContext
from checks.pipeline.engine import run_rule
from checks.pipeline.registry import RULES
from checks.rules import all_rules
from crawler.model import Page
from crawler.store import StoreReader, StoreWriter
from lo_audit.config import ChecksConfig

HOST = "https://directory.example.gov.uk"
TOWNS = [f"{a}{b}" for a in ("Amber", "Brack", "Cold", "Dun", "Elm", "Fen", "Gres", "Harrow", "Ivy", "Kir", "Long",
                             "Mill", "North", "Oak", "Pinch", "Quarr", "Rush", "Stow", "Thorn", "Upper")
         for b in ("ley", "water", "bury", "mere", "ton")]
GROUPS = ("Art", "Walking", "Chess", "Spanish", "Gardening", "Photography", "Book Club", "Local History", "Singing",
          "Bridge", "Tai Chi", "French", "Youth Club", "Play Scheme", "Toy Library", "Rhyme Time", "Lego Club",
          "Zumba", "Zumba Gold", "Parent Support Group")
RULES_RUN = ("service.missing", "service.unlisted", "service.ambiguous", "service.closed-listed",
             "service.age-mismatch", "contact.phone", "contact.email", "contact.postcode", "contact.website",
             "contact.extra")


def names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(name, town) pairs: every town's groups, siblings of one another."""
    places = [(f"{t}{part}", t) for t in TOWNS for part in ("", " East", " West", " North", " South", " Green", " Upper", " Lower")]
    pool = [(f"{p} U3A - {g}" if i % 3 == 0 else f"{p} {g}", t) for p, t in places for i, g in enumerate(GROUPS)]
    rng.shuffle(pool)
    if count > len(pool):
        raise SystemExit(f"at most {len(pool)} services")
    return pool[:count]


def phone(n: int) -> str:
    prefixes = ("0113 496", "0114 496", "0116 496", "0117 496", "0118 496", "0121 496", "0131 496", "0141 496",
                "0151 496", "0161 496", "020 7946", "029 2018", "028 9018")
    return f"{prefixes[n // 1000 % len(prefixes)]} {n % 1000:04d}"


def catalogue(pool: list[tuple[str, str]]) -> list[Service]:
    out = []
    for i, (name, town) in enumerate(pool):
        slug = name.lower().replace(" ", "-")
        out.append(Service(f"svc-{i}", name, phones=(phone(i),), emails=(f"{slug}@{town.lower()}.example.org",),
                           website=f"https://www.{town.lower()}.example.org/{slug}", postcode=f"PE{i % 90 + 1} 1AA",
                           age_min=5, age_max=11))
    return out


def record(i: int, s: Service, changed: bool) -> Page:
    e164 = "+44" + s.phones[0].replace(" ", "")[1:]
    contacts = {"phone": {e164 if not changed else "+441614960999": ["panel"]},
                "email": {s.emails[0]: ["mailto"]}, "postcode": {s.postcode: ["field"]},
                "website": {s.website: ["field"]}}
    return Page(url=f"{HOST}/kb5/x/directory/service.page?id=r{i:05d}", final_url=f"{HOST}/kb5/x/directory/service.page?id=r{i:05d}",
                status=200, content_type="text/html", title=f"{s.name} | Directory", headings=((1, s.name),),
                main_text=f"{s.name}. For children aged 5 to 11. " * 3, kind="html",
                meta={"contacts": contacts, "fields": {"Age range": "5 to 11"}})


def build_store(path: Path, services: list[Service], extra: list[tuple[str, str]], pages: int) -> None:
    """``pages`` records: the first services' (up to four fifths of the pages), then
    records of names the catalogue does not have (``extra``, siblings of its names)."""
    writer = StoreWriter(path)
    run = writer.start_run([HOST + "/"], ["directory.example.gov.uk"], {})
    shown = services[: min(len(services), pages - pages // 5)]
    for i in range(pages):
        if i < len(shown):
            writer.save_page(run, record(i, shown[i], changed=i % 50 == 0), [])
        else:
            name, town = extra[i - len(shown)] if i - len(shown) < len(extra) else (f"Unlisted group {i}", "Fen")
            writer.save_page(run, record(i, Service(f"x{i}", name, phones=(phone(20000 + i),),
                                                    emails=(f"x{i}@example.org",), postcode="PE1 1AA"), False), [])
    writer.finish_run(run)
    writer.close()


def bench(count: int, pages: int, seed: int = 1) -> dict[str, float]:
    pool = names(count + pages, random.Random(seed))
    services = catalogue(pool[:count])
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        build_store(db, services, pool[count:], pages)
        all_rules()
        ctx = RuleContext(store=StoreReader(db), catalogue=Catalogue(tuple(services), "bench"), config=ChecksConfig(),
                          today=__import__("datetime").date(2026, 11, 1))
        times: dict[str, float] = {}
        start, cpu_start = time.perf_counter(), time.process_time()
        ctx.site.records  # noqa: B018 - build the crawl index (the same for every rule)
        times["index"] = time.perf_counter() - start
        found = 0
        counts = {}
        for rule_id in RULES_RUN:
            t0 = time.perf_counter()
            counts[rule_id] = len(run_rule(RULES[rule_id], ctx.for_rule(RULES[rule_id])))
            found += counts[rule_id]
            times[rule_id] = time.perf_counter() - t0
        times["counts"] = counts
        times["total"] = time.perf_counter() - start
        times["cpu"] = time.process_time() - cpu_start
        times["findings"] = found
        ctx.store.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--pages", type=int, default=5000)
    args = parser.parse_args(argv)
    print(f"{'services':>9} {'pages':>6} {'index s':>8} {'matching s':>11} {'other rules s':>14} {'total s':>8} "
          f"{'CPU s':>6} {'findings':>9}")
    for count in args.services:
        t = bench(count, args.pages)
        other = t["total"] - t["index"] - t["service.missing"]
        print(f"{count:>9} {args.pages:>6} {t['index']:>8.1f} {t['service.missing']:>11.1f} {other:>14.1f} "
              f"{t['total']:>8.1f} {t['cpu']:>6.1f} {int(t['findings']):>9}")
        print("          findings by rule:", ", ".join(f"{k} {v}" for k, v in t["counts"].items() if v))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
