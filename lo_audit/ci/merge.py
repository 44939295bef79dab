"""``lo-audit merge``: one comparative site from several Local Offers' reports folders.

For each reports folder it reads ``findings.json`` (names from ``run``, numbers from
``metrics`` and the findings) and writes, into a temporary docs folder with its own
generated ``mkdocs.yml`` (stock Material, ``font: false``, search, strict):

- ``index.md``: one row per Local Offer with the statutory coverage score, errors,
  warnings, notices, new and fixed findings, pages crawled and the run date, then the
  statutory topics each one covers side by side;
- ``councils/<slug>.md``: that Local Offer's headline, missing topics and top findings.

It builds with MkDocs into a temporary folder next to ``site_dir`` and swaps it in (the
old site stays in place if the build fails). When a reports folder has a sibling
``site/`` holding a built audit site (the layout the workflow's artifacts use:
``<slug>/reports`` and ``<slug>/site``), that site is copied to
``councils/<slug>/full/`` and linked. ``docs_dir`` is not touched: the comparative
site has no hand-written pages.

Input errors (missing folder, no ``findings.json``, malformed JSON) raise ``InputError``
naming the path (exit status 2); a failed MkDocs build raises ``BuildError``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from checks.reports.summary import headline, load_findings, plural, run_info, severity_counts
from common.errors import InputError
from common.folders import clean_leftovers, swap, temp_dir
from common.markdown import md_code, md_link, md_text, slug as make_slug
from lo_audit.errors import BuildError

TOP = 50
"""Findings listed on each council page."""


@dataclass(frozen=True)
class CouncilReport:
    """What the comparative site shows about one Local Offer."""

    folder: Path
    slug: str
    name: str
    council: str
    site_url: str
    run_date: str
    numbers: dict
    topics: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    full_site: Path | None = None


def _folder_name(folder: Path) -> str:
    base = folder.resolve()
    return base.parent.name if base.name in ("reports", "report") and base.parent.name else base.name


def read_report(folder: str | Path, site_dir: Path | None = None) -> CouncilReport:
    """One reports folder; ``InputError`` naming the path when it is missing or malformed."""
    path = Path(folder)
    if not path.exists():
        raise InputError(f"{path}: reports folder not found")
    if not path.is_dir():
        raise InputError(f"{path}: not a folder (expected a reports folder holding findings.json)")
    doc = load_findings(path)
    info = run_info(doc)
    statutory = doc.metrics.get("statutory") or {}
    topics = [t for t in statutory.get("topics") or [] if isinstance(t, dict) and t.get("id")] if isinstance(statutory, dict) else []
    name = info["name"] or info["council"] or _folder_name(path)
    full = path.parent / "site"
    if not (full / "index.html").is_file() or (site_dir is not None and full.resolve() == site_dir.resolve()):
        full = None
    found = sorted(doc.findings, key=lambda f: (-f.severity.rank, f.status != "new", f.rule))
    return CouncilReport(path, make_slug(name, "council"), name, info["council"], info["site_url"],
                         (info["started"] or "")[:10], headline(doc), topics, found, full)


def _unique_slugs(reports: list[CouncilReport]) -> list[CouncilReport]:
    seen: dict[str, int] = {}
    out = []
    for r in reports:
        n = seen.get(r.slug, 0)
        seen[r.slug] = n + 1
        out.append(r if n == 0 else CouncilReport(**{**r.__dict__, "slug": f"{r.slug}-{n + 1}"}))
    return out


# --------------------------------------------------------------------------- pages
def _score(n: dict) -> str:
    return f"{n['score']:.0f}%" if n["score"] is not None else "—"


def _num(value) -> str:
    return str(value) if isinstance(value, int) else "—"


def render_index(reports: list[CouncilReport], title: str) -> str:
    """The comparison page: scores and headline findings per Local Offer, then topic coverage."""
    lines = [
        f"# {md_text(title)}", "",
        f"{plural(len(reports), 'Local Offer')} audited. Statutory coverage is the share of the topics "
        "the law requires a Local Offer to cover (SEND Regulations 2014, Schedule 2) that the site covers. "
        "Waived findings are not counted.", "",
        "| Local Offer | Statutory coverage | Errors | Warnings | Notices | New | Fixed | Pages crawled | Run |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in reports:
        n, sev = r.numbers, r.numbers["by_severity"]
        lines.append(
            f"| [{md_text(r.name, 80)}](councils/{r.slug}.md) | {_score(n)} | {sev.get('error', 0)} | "
            f"{sev.get('warning', 0)} | {sev.get('notice', 0)} | {n['new']} | {n['fixed']} | "
            f"{_num(n['pages'])} | {md_text(r.run_date) or '—'} |")
    lines += [""] + _topic_matrix(reports)
    return "\n".join(lines) + "\n"


def _topic_matrix(reports: list[CouncilReport]) -> list[str]:
    titles: dict[str, str] = {}
    for r in reports:
        for t in r.topics:
            titles.setdefault(str(t["id"]), str(t.get("title") or t["id"]))
    if not titles:
        return []
    head = "| Topic | " + " | ".join(md_text(r.name, 30) for r in reports) + " |"
    lines = ["## Statutory topics", "", "Yes: covered. No: not found. —: not measured.", "", head,
             "|---|" + "---|" * len(reports)]
    for tid, ttitle in titles.items():
        cells = []
        for r in reports:
            hit = next((t for t in r.topics if str(t["id"]) == tid), None)
            cells.append("—" if hit is None else ("Yes" if hit.get("covered") else "**No**"))
        lines.append(f"| {md_text(ttitle, 80)} | " + " | ".join(cells) + " |")
    return lines + [""]


def render_council(r: CouncilReport, top: int = TOP) -> str:
    """One Local Offer's page: headline, missing topics, top findings, links to its reports."""
    n, sev = r.numbers, r.numbers["by_severity"]
    lines = [f"# {md_text(r.name, 120)}", ""]
    if r.council and r.council != r.name:
        lines += [md_text(r.council, 120), ""]
    links = []
    if r.full_site is not None:
        links.append('<a href="full/">Full audit report</a>')
    if r.site_url:
        links.append(f"Published report: {md_link(r.site_url, r.site_url)}")
    if links:
        lines += [" · ".join(links), ""]
    lines += [
        "| | |", "|---|---|",
        f"| Statutory coverage | {_score(n)} |",
        f"| Findings | {n['total']} ({severity_counts(sev)}) |",
        f"| New / fixed since the previous run | {n['new']} / {n['fixed']} |",
        f"| Pages crawled | {_num(n['pages'])} |",
        f"| Run | {md_text(r.run_date) or '—'} |", "",
    ]
    missing = [t for t in r.topics if not t.get("covered")]
    if missing:
        lines += ["## Statutory topics not found", ""]
        lines += [f"- {md_text(t.get('title') or t['id'], 120)}" for t in missing] + [""]
    lines += [f"## Top findings ({min(top, len(r.findings))} of {len(r.findings)})", ""]
    if not r.findings:
        return "\n".join(lines + ["No findings.", ""])
    lines += ["| Severity | Rule | Page | What is wrong | New |", "|---|---|---|---|---|"]
    for f in r.findings[:top]:
        page = md_link(f.url, f.url, 70) if f.url else md_text(f.service_id or f.subject, 70) or "—"
        lines.append(f"| {md_text(f.severity.value)} | {md_code(f.rule, 60)} | {page} | "
                     f"{md_text(f.message, 200) or '—'} | {'new' if f.status == 'new' else ''} |")
    return "\n".join(lines) + "\n"


def mkdocs_config(title: str, reports: list[CouncilReport]) -> dict:
    """The comparative site's own mkdocs.yml (stock Material, no web fonts, search, strict)."""
    return {
        "site_name": title,
        "docs_dir": "docs",
        "use_directory_urls": True,
        "strict": True,
        "theme": {"name": "material", "language": "en", "font": False,
                  "features": ["navigation.prune", "navigation.indexes", "navigation.top"]},
        "plugins": ["search"],
        "markdown_extensions": ["tables", "attr_list", {"toc": {"permalink": True}}],
        "extra": {"generator": False},
        "nav": [{"Comparison": "index.md"},
                {"Local Offers": [{r.name: f"councils/{r.slug}.md"} for r in reports]}],
        "validation": {"omitted_files": "warn", "absolute_links": "warn",
                       "unrecognized_links": "warn", "anchors": "warn"},
    }


# --------------------------------------------------------------------------- build
def _build(config_file: Path, out: Path) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config_file), "-d", str(out)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout or "").strip().splitlines()[-15:])
        raise BuildError(f"MkDocs build of the comparative site failed:\n{tail}")


def _swap_in(built: Path, site: Path) -> None:
    """Replace ``site`` with ``built`` (``common.folders.swap``: the old copy is removed last)."""
    if site.exists() and not site.is_dir():
        raise InputError(f"{site}: exists and is not a folder")
    swap(built, site)


def merge_reports(report_dirs: list[str], site_dir: str = "site", docs_dir: str = "docs",
                  title: str = "Local Offer audit: comparison") -> Path:
    """Build the comparative site from ``report_dirs`` into ``site_dir``; return its path."""
    if not report_dirs:
        raise InputError("merge: give at least one reports folder")
    site = Path(site_dir)
    reports = _unique_slugs([read_report(d, site) for d in report_dirs])
    site.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(site)
    with tempfile.TemporaryDirectory(prefix="lo-audit-merge-") as src:
        root = Path(src)
        docs = root / "docs"
        (docs / "councils").mkdir(parents=True)
        (docs / "index.md").write_text(render_index(reports, title), encoding="utf-8")
        for r in reports:
            (docs / "councils" / f"{r.slug}.md").write_text(render_council(r), encoding="utf-8")
        config = root / "mkdocs.yml"
        config.write_text(yaml.safe_dump(mkdocs_config(title, reports), sort_keys=False, allow_unicode=True), encoding="utf-8")
        built = temp_dir(site, "new")
        try:
            _build(config, built)
            for r in reports:
                if r.full_site is not None:
                    shutil.copytree(r.full_site, built / "councils" / r.slug / "full", symlinks=False)
            _swap_in(built, site)
        finally:
            if built.exists():
                shutil.rmtree(built, ignore_errors=True)
    return site
