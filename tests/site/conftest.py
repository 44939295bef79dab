"""Fixtures for the site tests: a copy of the repo's docs, a synthetic reports folder, a built site."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import make_reports  # noqa: E402

from lo_audit.config import Config, ReportsConfig, SiteConfig  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def project_copy(dest: Path) -> Path:
    """A copy of the repo's mkdocs.yml and docs/ (without generated pages) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns(".audit-*", ".*.old-*"))
    return dest


def site_config(project: Path, reports: Path) -> Config:
    return Config(
        site=SiteConfig(name="Exampleshire SEND Local Offer", council="Exampleshire County Council",
                        dir=str(project / "site"), docs_dir=str(project / "docs")),
        reports=ReportsConfig(out=str(reports)),
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built from a synthetic, hostile reports folder (40 pages, 5 owners)."""
    from lo_audit.site.build import build_site

    project = project_copy(tmp_path_factory.mktemp("project"))
    reports = make_reports(project / "reports", pages=40, owners=5)
    return build_site(site_config(project, reports))
