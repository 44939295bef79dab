"""Helpers for the rule tests: small real crawl stores written with StoreWriter, and a rule runner."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from checks.catalogue.model import Catalogue, Service
from checks.pipeline.context import RuleContext
from checks.pipeline.registry import Rule
from checks.rules import all_rules
from crawler.model import AxeViolation, Link, LinkStatus, Page
from crawler.store import StoreReader, StoreWriter
from lo_audit.config import ChecksConfig

CMS = "https://www.example.gov.uk"
DIR = "https://directory.example.gov.uk"
TODAY = date(2026, 6, 1)
_counter = itertools.count()


def page(url: str, **kw) -> Page:
    """An HTML page that answered 200 unless told otherwise."""
    kw.setdefault("status", 200)
    kw.setdefault("final_url", url)
    kw.setdefault("title", url.rstrip("/").rsplit("/", 1)[-1] or "Home")
    kw.setdefault("content_type", "text/html")
    return Page(url=url, **kw)


def link(source: str, target: str, **kw) -> Link:
    """A link; ``kind`` defaults to page (allowed hosts) or external."""
    kw.setdefault("href", target)
    kw.setdefault("kind", "page" if target.startswith((CMS, DIR)) else "external")
    return Link(source=source, target=target, **kw)


def build_ctx(tmp_path: Path, pages: Iterable[Page] = (), links: Iterable[Link] = (),
              statuses: Iterable[LinkStatus] = (), axe: Iterable[AxeViolation] = (),
              sitemap: Iterable[tuple[str, str]] = (), services: Iterable[Service] | None = None,
              config: ChecksConfig | None = None, today: date = TODAY,
              start_urls: tuple[str, ...] = (CMS + "/",)) -> RuleContext:
    """Write a finished crawl and return a RuleContext over it."""
    path = tmp_path / f"crawl{next(_counter)}.sqlite"
    writer = StoreWriter(path)
    run = writer.start_run(list(start_urls), ["www.example.gov.uk", "directory.example.gov.uk"], {})
    links = list(links)
    for p in pages:
        writer.save_page(run, p, [l for l in links if l.source == p.url])
    writer.save_link_status(run, statuses)
    writer.save_axe(run, axe)
    writer.save_sitemap_urls(run, sitemap)
    writer.finish_run(run)
    writer.close()
    catalogue = Catalogue(tuple(services), "test") if services is not None else None
    return RuleContext(store=StoreReader(path), catalogue=catalogue, config=config or ChecksConfig(), today=today)


def run_rule(rule: Rule | str, ctx: RuleContext, **options) -> list:
    """Findings of one rule (the ``Rule`` of its module, or its id), with its default options plus ``options``."""
    r = all_rules()[rule] if isinstance(rule, str) else rule
    return list(r(ctx.for_rule(r, options)))


def by_subject(findings: list) -> dict:
    return {f.subject: f for f in findings}
