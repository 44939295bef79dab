"""One module per CLI verb; each has ``run(args) -> int``."""

from lo_audit.commands import browser, build, catalogue, check, crawl, demo, merge, run, serve  # noqa: F401
