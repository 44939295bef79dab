"""``lo-audit crawl``: crawl a Local Offer website into the crawl store."""

from __future__ import annotations

import sys

from lo_audit import config as config_mod
from common.errors import ConfigError
from lo_audit.progress import reporter


def crawl_config(args) -> config_mod.Config:
    """The config file with the crawl flags of ``args`` applied on top, validated."""
    cfg = config_mod.load(getattr(args, "config", None)).with_flags(args, ("crawl",))
    if not cfg.crawl.start_urls:
        raise ConfigError("no start URL: give one on the command line or as crawl.start_urls in the config")
    problems = config_mod.validate(cfg, cfg.path or "<flags>")
    if problems:
        raise ConfigError("invalid settings", problems)
    return cfg


def say_if_nothing_to_resume(cfg, command: str) -> None:
    """``--resume`` with no unfinished crawl in the store starts a new crawl, and says so."""
    from crawler.crawl import unfinished_run

    if cfg.crawl.resume and unfinished_run(cfg.crawl.db) is None:
        print(f"lo-audit {command}: --resume: no unfinished crawl in {cfg.crawl.db}; starting a new crawl",
              file=sys.stderr)


def run(args) -> int:
    from crawler.crawl import crawl

    cfg = crawl_config(args)
    say_if_nothing_to_resume(cfg, "crawl")
    result = crawl(cfg.crawl, browser=cfg.crawl.browser or None, progress=reporter(quiet=args.quiet))
    print(result.summary())
    return 0
