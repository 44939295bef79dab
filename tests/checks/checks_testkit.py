"""Helpers shared by the checks tests: build small real crawl stores and configs."""

from __future__ import annotations

from pathlib import Path

from crawler.model import Link, Page
from crawler.store import StoreWriter
from lo_audit.config import ChecksConfig, Config, CrawlConfig, ReportsConfig

SITE = "https://lo.example.gov.uk"


def build_store(path: Path, pages: list[Page], links: list[Link] = (), settings: dict | None = None) -> Path:
    """A finished crawl with ``pages`` (links attached to their source page)."""
    writer = StoreWriter(path)
    run = writer.start_run([SITE + "/"], ["lo.example.gov.uk"], settings or {"max_pages": 10})
    for page in pages:
        writer.save_page(run, page, [l for l in links if l.source == page.url])
    writer.finish_run(run)
    writer.close()
    return path



def make_cfg(tmp_path: Path, db: Path, **checks) -> Config:
    return Config(crawl=CrawlConfig(db=str(db)), checks=ChecksConfig(**checks),
                  reports=ReportsConfig(out=str(tmp_path / "reports")))
