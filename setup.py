"""Packaging hook: the wheel carries the site template, so a council can build its site from
``pip install`` and a config file, without a checkout of this repository.

``pyproject.toml`` holds all the metadata; this only adds the copy of ``mkdocs.yml`` and the
hand-written ``docs/`` (without the generated ``docs/audit/``) into
``lo_audit/site/template/`` of the built package (``lo_audit.site.build.template_dir``).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithSiteTemplate(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "lo_audit" / "site" / "template"
        if not (ROOT / "mkdocs.yml").is_file():  # building from an sdist that already has the template
            return
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ROOT / "docs", target / "docs", ignore=shutil.ignore_patterns("audit", ".*"))
        shutil.copy2(ROOT / "mkdocs.yml", target / "mkdocs.yml")


setup(cmdclass={"build_py": BuildWithSiteTemplate})
