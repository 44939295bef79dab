"""Helpers for auditing the hostile fixture: the config, a project copy, ``lo_audit.cli.main``
with every output captured, and ``audit_hostile_site`` (crawl + check + build, timed)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from hostilesite import HostileSites, hostile_sites  # noqa: E402

from lo_audit.cli import main  # noqa: E402

__all__ = ["AuditRun", "SECRET", "audit_hostile_site", "hostile_sites"]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zq9-hostile-SECRET-4471"
SECRET_VAR = "LO_HOSTILE_SECRET"


@dataclass
class AuditRun:
    """What one hostile audit left behind."""

    sites: HostileSites
    folder: Path
    db: Path
    reports: Path
    site: Path
    exit_status: int
    elapsed_s: float
    output: str


def write_config(folder: Path, sites: HostileSites, project: Path) -> Path:
    """The audit's YAML: both local hosts allowed, secret header and cookie from the environment."""
    config = folder / "audit.yml"
    config.write_text(f"""crawl:
  start_urls: ["{sites.main.url('/')}"]
  allow_hosts: ["127.0.0.1:{sites.main.server.server_address[1]}", "127.0.0.1:{sites.tls.server.server_address[1]}"]
  db: {folder}/store/crawl.sqlite
  timeout: 6
  allow_private: true
  headers: {{Authorization: "Bearer ${{{SECRET_VAR}}}"}}
  cookies: {{staging: "${{{SECRET_VAR}}}"}}
reports:
  out: {folder}/reports
site:
  dir: {project}/site
  docs_dir: {project}/docs
""", encoding="utf-8")
    return config


def project_copy(dest: Path) -> Path:
    """The repo's mkdocs.yml and hand-written docs (no generated pages)."""
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("audit", ".audit-*", ".*.old-*"))
    return dest


def run_captured(argv: list[str]) -> tuple[int, str]:
    """``lo_audit.cli.main(argv)`` with stdout, stderr and every log record captured."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            code = main(argv)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    return code, buffer.getvalue()


@contextlib.contextmanager
def audit_hostile_site(folder: Path):
    """Start the hostile sites, run ``lo-audit run --max-pages 400`` with a secret in the
    environment, yield the ``AuditRun``, then stop the sites."""
    sites = hostile_sites(folder)
    project = project_copy(folder / "project")
    config = write_config(folder, sites, project)
    old = os.environ.get(SECRET_VAR)
    os.environ[SECRET_VAR] = SECRET
    started = time.monotonic()
    try:
        code, output = run_captured(["run", "--config", str(config), "--max-pages", "400", "--rate", "0"])
        yield AuditRun(sites, folder, folder / "store/crawl.sqlite", folder / "reports", project / "site", code,
                       time.monotonic() - started, output)
    finally:
        if old is None:
            os.environ.pop(SECRET_VAR, None)
        else:
            os.environ[SECRET_VAR] = old
        sites.close()
