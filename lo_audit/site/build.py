"""``build_site(cfg)``: generate the findings pages, then build the site with MkDocs Material.

The steps, each leaving the previous state in place if it fails:

1. Read the reports folder (``cfg.reports.out``); a missing ``findings.json`` gives a site
   with the guides and a "no audit yet" page.
2. Write the generated Markdown and the downloads into a temporary folder inside
   ``<docs_dir>`` and swap it in for ``<docs_dir>/audit/``.
3. Run MkDocs (strict) into a temporary folder next to ``cfg.site.dir`` and swap it in.
   A failed build raises ``BuildError`` listing MkDocs' warnings; the old site stays.

Work folders left by a build that was killed (``.site.build-*``, ``.site.old-*``,
``docs/.audit.new-*``) are removed at the start of the next one (``common.folders``).
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import time
import traceback
from pathlib import Path

from markupsafe import Markup

from lo_audit.config import Config
from lo_audit.errors import BuildError
from common.folders import clean_leftovers, swap, temp_dir

from lo_audit.site.data import load_audit
from common.markdown import slug
from lo_audit.site.generate import Context, generate, is_page

log = logging.getLogger(__name__)
GENERATED_DIR = "audit"
DOWNLOADS = ("findings.xlsx", "findings.csv", "findings.json", "pages.csv")


def load_rules() -> dict:
    """Every registered rule; a rule module that fails to import fails the build
    (``BuildError`` naming the module and the error), since its page would be lost."""
    try:
        from checks.rules import all_rules  # imported here so the error can name the rule module
    except Exception as exc:  # noqa: BLE001 - any import failure of a rule module stops the build
        raise BuildError(f"the rules cannot be loaded, so the rule pages cannot be built: "
                         f"{_failed_module(exc)}{type(exc).__name__}: {exc}") from exc
    return all_rules()


def _failed_module(exc: BaseException) -> str:
    """``"checks/rules/x.py line N: "`` for the innermost frame of ``exc`` inside the project."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/checks/" in f.filename.replace(os.sep, "/")]
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{exc.filename} line {exc.lineno}: "
    return f"{frames[-1].filename} line {frames[-1].lineno}: " if frames else ""


def find_mkdocs_yml(docs_dir: Path) -> Path:
    """The ``mkdocs.yml`` next to ``docs_dir`` (or in the working folder)."""
    for candidate in (docs_dir.parent / "mkdocs.yml", Path.cwd() / "mkdocs.yml"):
        if candidate.is_file():
            return candidate
    raise BuildError(f"no mkdocs.yml found next to {docs_dir} or in {Path.cwd()}")


def template_dir() -> Path | None:
    """The site template (``mkdocs.yml`` and the hand-written ``docs/``) that ships with the
    package (``lo_audit/site/template`` in a wheel, see setup.py), or the checkout's own
    when the package runs from a checkout; ``None`` when neither is there."""
    here = Path(__file__).resolve().parent
    for root in (here / "template", here.parents[1]):
        if (root / "mkdocs.yml").is_file() and (root / "docs").is_dir():
            return root
    return None


def site_sources(docs_dir: Path, site_dir: Path) -> tuple[Path, Path]:
    """``(mkdocs.yml, docs folder)`` to build from.

    A council's own docs folder with a ``mkdocs.yml`` beside it (a checkout or a fork) is
    used as it is. Without one, the packaged template is copied afresh into
    ``<site dir's folder>/.lo-audit/site-docs`` and built from there, so ``pip install``
    and a config file are enough, and nothing is written inside the installed package.
    """
    if docs_dir.is_dir():
        try:
            return find_mkdocs_yml(docs_dir), docs_dir
        except BuildError:
            pass
    template = template_dir()
    if template is None:
        raise BuildError(f"no mkdocs.yml found next to {docs_dir} or in {Path.cwd()}, "
                         "and this installation has no site template")
    work = site_dir.parent / ".lo-audit" / "site-docs"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template / "docs", work / "docs", ignore=shutil.ignore_patterns("audit", ".*"))
    shutil.copy2(template / "mkdocs.yml", work / "mkdocs.yml")
    log.info("no docs folder at %s: building from the site template shipped with lo-audit (%s)", docs_dir, template)
    return work / "mkdocs.yml", work / "docs"


def site_title(name: str) -> Markup:
    """``site.name`` as HTML-safe text for MkDocs' templates, which print it unescaped in
    ``<title>`` and the header (a ``Markup`` value is also left alone where they escape)."""
    return Markup(html.escape(name, quote=False).replace('"', "&quot;"))


def _copy_downloads(reports: Path, files_dir: Path) -> tuple[list[str], dict[str, list[str]]]:
    downloads, owners = [], {}
    for name in DOWNLOADS:
        if (reports / name).is_file():
            files_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(reports / name, files_dir / name)
            downloads.append(name)
    owner_dir = reports / "owners"
    for path in sorted(owner_dir.glob("*")) if owner_dir.is_dir() else []:
        if path.suffix.lower() in (".csv", ".xlsx") and path.is_file():
            dest = files_dir / "owners" / f"{slug(path.stem, 'owner')}{path.suffix.lower()}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
            owners.setdefault(slug(path.stem, "owner"), []).append(f"owners/{dest.name}")
    return downloads, owners


def write_generated(cfg: Config, docs_dir: Path, rules: dict | None = None) -> int:
    """Write ``<docs_dir>/audit/`` afresh (atomically); return the number of generated pages."""
    rules = load_rules() if rules is None else rules
    audit = load_audit(cfg.reports.out)
    docs_dir.mkdir(parents=True, exist_ok=True)
    clean_leftovers(docs_dir / GENERATED_DIR)
    tmp = temp_dir(docs_dir / GENERATED_DIR, "new")
    try:
        downloads, owner_files = _copy_downloads(Path(cfg.reports.out), tmp / "files") if audit else ([], {})
        ctx = Context(site_name=cfg.site.name, council=cfg.site.council, start_urls=tuple(cfg.crawl.start_urls),
                      docs_dir=docs_dir, downloads=downloads, owner_files=owner_files)
        pages = generate(audit, rules, ctx)
        for rel, text in pages.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        swap(tmp, docs_dir / GENERATED_DIR)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sum(1 for rel in pages if rel.endswith(".md") and is_page(rel))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, cfg: Config) -> None:
    """Build with MkDocs (strict) into ``site_dir``; raise ``BuildError`` with its warnings."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's end-of-life banner on stderr
    collect = _Collect()
    mk_log = logging.getLogger("mkdocs")
    mk_log.addHandler(collect)
    overrides = {"site_name": site_title(f"{cfg.site.name} audit" if cfg.site.name else "Local Offer audit")}
    if cfg.site.url:
        overrides["site_url"] = cfg.site.url
    try:
        mk_cfg = load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir),
                             strict=True, **overrides)
        if "pymdownx.snippets" in mk_cfg.markdown_extensions:  # includes resolve from the docs folder in use
            mk_cfg.mdx_configs.setdefault("pymdownx.snippets", {})["base_path"] = [str(docs_dir)]
        mk_cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(mk_cfg)
        finally:
            mk_cfg.plugins.on_shutdown()
    except Exception as exc:
        detail = "; ".join(collect.messages[:20])
        raise BuildError(f"MkDocs could not build {docs_dir}: {exc}" + (f" ({detail})" if detail else "")) from exc
    finally:
        mk_log.removeHandler(collect)


def build_site(cfg: Config) -> Path:
    """Regenerate ``<docs_dir>/audit/`` and build the whole site into ``cfg.site.dir``."""
    started = time.monotonic()
    site_dir = Path(cfg.site.dir).resolve()
    config_file, docs_dir = site_sources(Path(cfg.site.docs_dir).resolve(), site_dir)
    count = write_generated(cfg, docs_dir)
    clean_leftovers(site_dir)
    tmp_site = temp_dir(site_dir, "build")
    try:
        run_mkdocs(config_file, docs_dir, tmp_site, cfg)
        swap(tmp_site, site_dir)
    except BaseException:
        shutil.rmtree(tmp_site, ignore_errors=True)
        raise
    log.info("site built in %.1f s: %d generated pages, into %s", time.monotonic() - started, count, site_dir)
    return site_dir
