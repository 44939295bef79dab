"""Fixtures for the demo tests: one running demo site and one raw-HTML walk of it per module."""

from __future__ import annotations

import pytest

from demo_walker import walk
from lo_audit.demo.server import DemoSite


@pytest.fixture(scope="module")
def site():
    with DemoSite() as running:
        yield running


@pytest.fixture(scope="module")
def walked(site):
    return walk(site.start_urls, set(site.allow_hosts), api=site.bases["dir"] + "/api/services")
