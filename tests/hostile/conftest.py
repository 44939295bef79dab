"""One audit (``lo-audit run``: crawl + check + build) of the hostile fixture, shared by the
tests of ``test_hostile_audit.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hostile_audit_kit import AuditRun, audit_hostile_site  # noqa: E402


@pytest.fixture(scope="module")
def hostile_audit(tmp_path_factory) -> AuditRun:
    with audit_hostile_site(tmp_path_factory.mktemp("hostile")) as run:
        yield run
