"""Fixtures: real servers on 127.0.0.1:0 and crawl settings pointing at a temp store."""

from __future__ import annotations

import dataclasses

import pytest

from lo_audit.config import CrawlConfig
from crawlsite import Site


@pytest.fixture
def make_site():
    sites: list[Site] = []

    def make(routes) -> Site:
        site = Site(routes)
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.close()


@pytest.fixture
def crawl_cfg(tmp_path):
    """CrawlConfig for a local site: fast, no browser unless asked, no external checks."""

    def make(*start_urls: str, **overrides) -> CrawlConfig:
        base = CrawlConfig(start_urls=tuple(start_urls), db=str(tmp_path / "crawl.sqlite"), rate=0,
                           render="never", a11y=False, check_external=False, timeout=10)
        return dataclasses.replace(base, **overrides)

    return make
