"""Fixtures for the rule tests."""

from __future__ import annotations

import pytest

from rules_storekit import build_ctx


@pytest.fixture
def make_ctx(tmp_path):
    """``make_ctx(pages=..., links=..., ...)`` -> a RuleContext over a real SQLite store."""
    return lambda **kw: build_ctx(tmp_path, **kw)
