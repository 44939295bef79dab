"""``lo-audit run``: crawl, check and build, as the config file says."""

from __future__ import annotations

from lo_audit.commands import build, check, crawl


def run(args) -> int:
    from checks.pipeline.engine import validate_inputs
    from crawler.crawl import crawl as do_crawl

    from lo_audit.progress import reporter

    args.start_urls = []
    cfg = check.check_config(args, crawl.crawl_config(args))
    validate_inputs(cfg)  # a bad catalogue or waivers file fails now, not after the crawl
    crawl.say_if_nothing_to_resume(cfg, "run")
    result = do_crawl(cfg.crawl, browser=cfg.crawl.browser or None, progress=reporter(quiet=args.quiet))
    if not args.quiet:
        print(result.summary())
    status = check.run(args, cfg)
    build.run(args, cfg)
    return status
