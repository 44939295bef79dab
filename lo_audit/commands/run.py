"""``lo-audit run``: crawl, check and build, as the config file says."""

from __future__ import annotations

from . import build, check, crawl


def run(args) -> int:
    from crawler.crawl import crawl as do_crawl

    from ..progress import reporter

    args.start_urls = []
    cfg = crawl.crawl_config(args)
    result = do_crawl(cfg.crawl, browser=args.browser, progress=reporter(quiet=args.quiet))
    if not args.quiet:
        print(result.summary())
    cfg = check.check_config(args, cfg)
    status = check.run(args, cfg)
    build.run(args, cfg)
    return status
