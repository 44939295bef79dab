"""``lo-audit check``: run the checks on a crawl and write the reports."""

from __future__ import annotations

from .. import config as config_mod
from ..errors import ConfigError


def check_config(args, cfg: config_mod.Config | None = None) -> config_mod.Config:
    """The config file with the check flags of ``args`` applied on top, validated."""
    cfg = cfg or config_mod.load(getattr(args, "config", None))
    cfg = cfg.override(
        "checks",
        catalogue=args.catalogue, catalogue_format=args.catalogue_format, mapping=args.mapping,
        waivers=args.waivers, today=args.today, fail_on=args.fail_on, fail_on_new=args.fail_on_new,
        strict_catalogue=getattr(args, "strict_catalogue", None),
    )
    cfg = cfg.override("reports", out=args.out)
    if getattr(args, "db", None):
        cfg = cfg.override("crawl", db=args.db)
    problems = config_mod.validate(cfg, cfg.path or "<flags>")
    if problems:
        raise ConfigError("invalid settings", problems)
    return cfg


def run(args, cfg: config_mod.Config | None = None) -> int:
    from checks.engine import run_checks
    from checks.reports import exit_status, write_reports

    cfg = check_config(args, cfg)
    result = run_checks(cfg)
    write_reports(result, cfg)
    if not args.quiet:
        print(result.headline())
    return exit_status(result, cfg.checks)
