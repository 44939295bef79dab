"""``lo-audit demo``: serve Exampleshire on loopback, crawl it, check it, build the site.

The bundled data files hold ``{cms}``, ``{dir}``, ``{ext}`` (and ``{cms_host}``,
``{dir_host}``) placeholders; they are filled with the running demo's addresses into
``.lo-audit/demo/`` and the audit runs from that config like any council's would.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from checks.reports.files import findings_path, history_path, read_findings
from lo_audit.demo.content import data_path, fill
from lo_audit.demo import weeks
from lo_audit.demo.server import DemoSite

WORK_DIR = Path(".lo-audit") / "demo"
FINAL_DATE = "2026-11-01"


def placeholders(site: DemoSite) -> dict[str, str]:
    """Placeholder -> value for the running demo."""
    values = dict(site.bases)
    values["cms_host"] = urlsplit(site.bases["cms"]).netloc
    values["dir_host"] = urlsplit(site.bases["dir"]).netloc
    return values


def resolve_data(site: DemoSite, args, work_dir: Path = WORK_DIR) -> Path:
    """Write the filled-in catalogue, waivers and config into ``work_dir``; returns the config path."""
    work_dir.mkdir(parents=True, exist_ok=True)
    values = placeholders(site)
    for name in ("catalogue.yml", "waivers.yml"):
        (work_dir / name).write_text(fill(data_path(name).read_text(encoding="utf-8"), values), encoding="utf-8")
    config = yaml.safe_load(fill(data_path("config.yml").read_text(encoding="utf-8"), values))
    config["crawl"]["db"] = str(Path(args.db).resolve())
    config["reports"]["out"] = str(Path(args.out).resolve())
    config["site"]["dir"] = str(Path(args.site_dir).resolve())
    config["site"]["docs_dir"] = str(Path(args.docs_dir).resolve())
    path = work_dir / "config.yml"
    path.write_text("# Written by `lo-audit demo` from lo_audit/demo/data/config.yml.\n"
                    + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def fresh_history(out: Path) -> None:
    """Forget the last demo's findings and history: the weekly runs make a new history."""
    for path in (findings_path(out), history_path(out)):
        path.unlink(missing_ok=True)


def _catalogue_for(cfg, weeks_before: int, day: str) -> str:
    """The catalogue file as it stood on ``day`` (the final week uses the real one)."""
    source = Path(cfg.checks.catalogue)
    if weeks_before <= 0 or not source.is_file():
        return cfg.checks.catalogue
    earlier = source.with_name(f"{source.stem}-{day}{source.suffix}")
    earlier.write_text(weeks.catalogue_as_on(source.read_text(encoding="utf-8"), day), encoding="utf-8")
    return str(earlier)


def audit(config_path: Path, args, site: DemoSite | None = None) -> object:
    """Crawl, check and write the reports once a week for four weeks (``demo.weeks``: the site
    changes between them), then build the site; returns the final check result."""
    from checks.pipeline.engine import run_checks
    from checks.reports.folder import write_reports
    from crawler.crawl import crawl
    from lo_audit.config import load
    from lo_audit.progress import reporter
    from lo_audit.site.build import build_site

    cfg = load(config_path)
    quiet = getattr(args, "quiet", False)
    fresh_history(Path(cfg.reports.out))
    result = None
    dates = weeks.run_dates(cfg.checks.today or FINAL_DATE)
    for n, (weeks_before, day) in enumerate(dates, 1):
        if site is not None:
            site.weeks_before = weeks_before
        if not quiet:
            print(f"Weekly run {n} of {len(dates)}: the demo site as on {day}", file=sys.stderr)
        week = cfg.override("checks", today=day, catalogue=_catalogue_for(cfg, weeks_before, day))
        crawl(week.crawl, browser=getattr(args, "browser", None), progress=reporter(quiet=quiet))
        result = run_checks(week)
        write_reports(result, week, step_summary=weeks_before == 0)
    build_site(cfg)
    return result


def summary(out_dir: Path, site_dir: Path) -> str:
    """A few lines: pages crawled, findings by severity and family, where to look."""
    lines = ["", "Exampleshire demo audit finished."]
    if findings_path(out_dir).exists():
        result = read_findings(findings_path(out_dir))
        pages = result.metrics.get("pages") or {}
        lines.append(f"Pages crawled: {pages.get('crawled', '?')} ({pages.get('rendered', 0)} rendered in Chromium).")
        lines.append("Findings: " + ", ".join(f"{n} {s}s" for s, n in result.counts().items())
                     + f" ({len(result.waived)} waived).")
        lines.append("By family: " + ", ".join(f"{fam} {n}" for fam, n in result.by_family().items()) + ".")
    lines += [
        "Where to look:",
        f"  {findings_path(out_dir)}",
        f"  {out_dir / 'findings.csv'}",
        f"  {out_dir / 'summary.md'}",
        f"  {site_dir}",
        f"Preview the site with: lo-audit serve --site-dir {site_dir}",
    ]
    return "\n".join(lines)


def serve(site_dir: Path, port: int) -> None:
    """Serve the built site on 127.0.0.1:``port`` (or the next free port) until Ctrl+C."""
    from lo_audit.commands.serve import serve as serve_site

    serve_site(site_dir, port)


def _read_ports(path: Path) -> dict[str, int]:
    """The ports the last demo used (so finding ids and history carry over), if any."""
    try:
        ports = json.loads(path.read_text())
        return {str(k): int(v) for k, v in ports.items()}
    except (OSError, ValueError, AttributeError):
        return {}


def scratch_docs(source: Path = Path("docs"), work_dir: Path = WORK_DIR) -> Path:
    """A fresh copy of the hand-written docs for the demo's generated pages, so that a demo
    run never modifies the checkout's own ``docs/audit/``."""
    target = work_dir / "docs"
    shutil.rmtree(target, ignore_errors=True)
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("audit", ".audit*"))
    (target / "audit").mkdir(parents=True, exist_ok=True)
    return target


def run_demo(args) -> int:
    """``lo-audit demo``: the whole pipeline against the bundled demo; 0 when it ran."""
    if not getattr(args, "docs_dir", None):
        args.docs_dir = str(scratch_docs())
    ports_file = WORK_DIR / "ports.json"
    with DemoSite(ports=_read_ports(ports_file)) as site:
        config_path = resolve_data(site, args)
        ports_file.write_text(json.dumps(site.ports))
        if not getattr(args, "quiet", False):
            print(f"Demo Local Offer on {site.bases['cms']}/send/ and {site.start_urls[1]}", file=sys.stderr)
        audit(config_path, args, site)
    out_dir, site_dir = Path(args.out).resolve(), Path(args.site_dir).resolve()
    print(summary(out_dir, site_dir))
    if getattr(args, "serve", False):
        serve(site_dir, int(getattr(args, "port", 8000)))
    return 0
