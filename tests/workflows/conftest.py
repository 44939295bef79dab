"""Fixtures for the workflow, summary, issue, merge and history tests."""

from __future__ import annotations

import pytest
from reportdata import sample_reports


@pytest.fixture
def reports(tmp_path):
    """A reports folder with a realistic findings.json and history.json."""
    return sample_reports(tmp_path)


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch):
    """Tests behave the same inside and outside GitHub Actions."""
    for name in ("GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS", "GITHUB_REPOSITORY", "LO_AUDIT_SITE_URL",
                 "GITHUB_TOKEN", "GITHUB_OUTPUT", "GITHUB_RUN_ID", "GITHUB_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
