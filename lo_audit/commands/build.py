"""``lo-audit build``: regenerate the MkDocs site from the reports."""

from __future__ import annotations

from pathlib import Path

from lo_audit import config as config_mod
from common.errors import ConfigError
from lo_audit.errors import BuildError


def build_config(args, cfg: config_mod.Config | None = None) -> config_mod.Config:
    cfg = cfg or config_mod.load(getattr(args, "config", None))
    cfg = cfg.with_flags(args, ("site", "reports", "crawl"))
    return cfg


def _ready(cfg: config_mod.Config) -> None:
    """What ``build`` needs, checked first: one line and exit 2 instead of a failed build."""
    from lo_audit.site.build import find_mkdocs_yml, template_dir

    out = Path(cfg.reports.out)
    if not (out / "findings.json").is_file():
        raise ConfigError(f"{out}: no findings.json here; run `lo-audit check` first, or give --out (reports.out)")
    try:
        find_mkdocs_yml(Path(cfg.site.docs_dir))
    except BuildError as exc:
        if template_dir() is None:  # else the site template shipped with the package is used
            raise ConfigError(f"{exc}: run build in a checkout of Local Offer Audit, or give --docs-dir") from None


def run(args, cfg: config_mod.Config | None = None) -> int:
    from lo_audit.site.build import build_site

    cfg = build_config(args, cfg)
    _ready(cfg)
    built = build_site(cfg)
    if not args.quiet:
        print(f"site built: {built}\nPreview it with: lo-audit serve --site-dir {built}")
    return 0
