"""``lo-audit build``: regenerate the MkDocs site from the reports."""

from __future__ import annotations

from .. import config as config_mod


def build_config(args, cfg: config_mod.Config | None = None) -> config_mod.Config:
    cfg = cfg or config_mod.load(getattr(args, "config", None))
    cfg = cfg.override("site", dir=getattr(args, "site_dir", None), docs_dir=getattr(args, "docs_dir", None))
    cfg = cfg.override("reports", out=getattr(args, "out", None))
    if getattr(args, "db", None):
        cfg = cfg.override("crawl", db=args.db)
    return cfg


def run(args, cfg: config_mod.Config | None = None) -> int:
    from ..site.build import build_site

    cfg = build_config(args, cfg)
    built = build_site(cfg)
    if not args.quiet:
        print(f"site built: {built}")
    return 0
