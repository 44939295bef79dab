"""``lo-audit check``: run the checks on a crawl and write the reports."""

from __future__ import annotations

import sys
from pathlib import Path

from lo_audit import config as config_mod
from common.errors import ConfigError


UNFINISHED = ("the crawl in the store did not finish, so these findings cover only the pages crawled so far; "
              "finish it with `lo-audit crawl --resume` and check again")


def check_config(args, cfg: config_mod.Config | None = None) -> config_mod.Config:
    """The config file with the check flags of ``args`` applied on top, validated."""
    cfg = cfg or config_mod.load(getattr(args, "config", None))
    cfg = cfg.with_flags(args, ("checks", "reports", "crawl"))
    problems = config_mod.validate(cfg, cfg.path or "<flags>")
    if problems:
        raise ConfigError("invalid settings", problems)
    out = Path(cfg.reports.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: the reports folder (--out, reports.out) is a file; give a folder")
    return cfg


def _store_given(args, cfg: config_mod.Config) -> None:
    """``check`` reads a crawl store and never creates one: without --db or crawl.db, name the
    default it looked for."""
    db = Path(cfg.crawl.db)
    if db.exists() or getattr(args, "db", None) or cfg.crawl.db != config_mod.CrawlConfig.db:
        return
    raise ConfigError(f"no crawl store at {db} (the default); give --db (or crawl.db in the config), "
                      "or run `lo-audit crawl` first")


def run(args, cfg: config_mod.Config | None = None) -> int:
    from checks.pipeline.engine import run_checks
    from checks.reports.folder import WorkbookBuilder, exit_status, write_reports

    cfg = check_config(args, cfg)
    _store_given(args, cfg)
    builder = WorkbookBuilder()
    try:
        builder.start()  # while the process is small (see WorkbookBuilder.start)
        result = run_checks(cfg)
        if result.run.get("unfinished"):
            print(f"lo-audit check: warning: {UNFINISHED}", file=sys.stderr)
        write_reports(result, cfg, builder=builder)
    finally:
        builder.close()
    if not args.quiet:
        print(result.headline())
    return exit_status(result, cfg.checks)
