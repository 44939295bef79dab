"""The catalogue-versus-site comparison on four directory platforms (``platforms.py``).

Each platform's corpus (hundreds of records from families of sibling names, planted
differences and format-only variants) is served on 127.0.0.1, crawled with the real
crawler (Chromium where the listing needs JavaScript), checked against its catalogue in
the platform's own format, and scored against the ground truth. A table per platform
is printed: records crawled, recall and precision per comparison, and how many findings
came from a difference of format only (must be 0).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from checks.pipeline.engine import run_checks
from checks.index.siteindex import norm_url
from crawler.crawl import crawl
from crawler.store import StoreReader
from lo_audit.config import load

from corpus import CATEGORIES
from platforms import PLATFORMS, Server, corpus_for

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RULE_CATEGORY = {"service.missing": "missing", "service.unlisted": "unlisted", "contact.phone": "phone",
                 "contact.email": "email", "contact.website": "website", "contact.postcode": "postcode",
                 "service.age-mismatch": "age", "contact.extra": "extra"}
VALUE_CATEGORIES = ("phone", "email", "website", "postcode", "age", "extra")


@dataclass
class Audit:
    name: str
    records: int
    crawled: int
    scores: dict[str, tuple[int, int, int]]
    """category -> (truth, reported, true positives)."""
    format_only: int
    ambiguous: int
    crawl_s: float
    check_s: float

    def table(self) -> str:
        lines = [f"platform {self.name}: {self.records} records, {self.crawled} crawled "
                 f"({100 * self.crawled / self.records:.1f}%), crawl {self.crawl_s:.1f} s, check {self.check_s:.1f} s",
                 f"{'comparison':<12}{'truth':>6}{'found':>6}{'tp':>5}{'recall':>8}{'precision':>10}"]
        for cat, (truth, found, tp) in self.scores.items():
            lines.append(f"{cat:<12}{truth:>6}{found:>6}{tp:>5}{recall(truth, tp):>8.2f}{precision(found, tp):>10.2f}")
        lines.append(f"format-only findings: {self.format_only}; service.ambiguous: {self.ambiguous}")
        return "\n".join(lines)


def recall(truth: int, tp: int) -> float:
    return tp / truth if truth else 1.0


def precision(found: int, tp: int) -> float:
    return tp / found if found else 1.0


def audit(name: str, folder: Path) -> Audit:
    platform, corpus = PLATFORMS[name], corpus_for(name)
    server = Server(platform.site(corpus))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        checks = {**platform.catalogue(corpus, folder), "today": "2026-11-01"}
        config = folder / "lo-audit.yml"
        config.write_text(yaml.safe_dump({
            "crawl": {"start_urls": [server.root + platform.start], "db": str(folder / "crawl.sqlite"), "rate": 0,
                      "render": platform.render, "a11y": False, "check_external": False, "timeout": 30},
            "checks": checks, "reports": {"out": str(folder / "reports")}}))
        cfg = load(config)
        started = time.monotonic()
        crawl(cfg.crawl)
        crawled_at = time.monotonic()
        result = run_checks(cfg)
        checked_at = time.monotonic()
    finally:
        server.close()
    return score(name, corpus, server.root, folder / "crawl.sqlite", result.findings,
                 crawled_at - started, checked_at - crawled_at)


def score(name, corpus, root, db, findings, crawl_s, check_s) -> Audit:
    platform = PLATFORMS[name]
    paths = {norm_url(root + platform.record_path(r)): r for r in corpus.records}
    true_record = {r.service_id: norm_url(root + platform.record_path(r)) for r in corpus.records if r.service_id}
    reader = StoreReader(str(db))
    ok = {norm_url(p.final_url or p.url) for p in reader.pages() if p.status == 200 and not p.guard}
    reader.close()
    crawled = sum(1 for key in paths if key in ok)
    got: dict[str, set[str]] = {c: set() for c in CATEGORIES}
    format_only = ambiguous = 0
    for f in findings:
        if f.rule == "service.ambiguous":
            ambiguous += 1
        cat = RULE_CATEGORY.get(f.rule)
        if cat is None:
            continue
        key = paths[norm_url(f.url)].rid if cat == "unlisted" and norm_url(f.url) in paths else f.service_id
        got[cat].add(key)
        matched = norm_url(f.evidence.get("match", {}).get("url", ""))
        if cat in VALUE_CATEGORIES and key not in corpus.truth[cat] and matched == true_record.get(key):
            format_only += 1
    scores = {c: (len(corpus.truth[c]), len(got[c]), len(got[c] & corpus.truth[c])) for c in CATEGORIES}
    return Audit(name, len(corpus.records), crawled, scores, format_only, ambiguous, crawl_s, check_s)


@pytest.fixture(scope="session")
def platform_audits(tmp_path_factory):
    cache: dict[str, Audit] = {}

    def get(name: str) -> Audit:
        if name not in cache:
            cache[name] = audit(name, tmp_path_factory.mktemp(f"platform-{name}"))
        return cache[name]

    return get


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_platform_records_crawled_and_compared(name, platform_audits, capsys):
    result = platform_audits(name)
    with capsys.disabled():
        print("\n" + result.table())
    assert result.crawled >= 0.99 * result.records
    low = {c: (round(recall(t, tp), 2), round(precision(f, tp), 2)) for c, (t, f, tp) in result.scores.items()
           if recall(t, tp) < 0.95 or precision(f, tp) < 0.95}
    assert not low, f"{name}: comparisons below 95% recall or precision: {low}"
    assert result.format_only == 0
