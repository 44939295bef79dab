"""``councils.yml``: the Local Offers one repository audits, and the workflow's job matrix.

::

    councils:
      - name: Exampleshire County Council
        config: config/exampleshire.yml
      - name: Sampleton Borough Council
        config: config/sampleton.yml
        slug: sampleton            # optional: folder and artifact name (default from name)

``python -m lo_audit.ci.councils matrix [--config FILE] [--councils councils.yml]
[--github-output]`` prints
the GitHub Actions matrix as one line of JSON (``{"include": [{name, slug, config}]}``)
for ``$GITHUB_OUTPUT``: one entry for ``--config`` when given, else every council in
``councils.yml``, else ``lo-audit.yml`` alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from common.errors import InputError
from lo_audit.errors import exit_status
from common.yamlio import read_yaml, where

DEFAULT_CONFIG = "lo-audit.yml"
_SLUG_OK = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def slugify(text: str) -> str:
    """Lower-case letters, digits and single hyphens (used for folders and artifact names)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:63].strip("-") or "council"


def load_councils(path: str | Path) -> list[dict]:
    """Every council in ``path``; ``InputError`` listing every problem (file:line: field)."""
    file = str(path)
    data, lines = read_yaml(path, what="councils file")
    items = data.get("councils") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError(f"{file}: expected 'councils:' with a list of {{name, config}} entries")
    problems: list[str] = []
    out: list[dict] = []
    for i, item in enumerate(items):
        at = lambda key=None: where(file, lines, ("councils", i) + ((key,) if key else ()))  # noqa: E731
        if not isinstance(item, dict):
            problems.append(f"{at()}: expected a mapping with name and config")
            continue
        name, config = item.get("name"), item.get("config")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{at('name')}: a council name is required")
        if not isinstance(config, str) or not config.strip():
            problems.append(f"{at('config')}: the path of the council's lo-audit config file is required")
        elif not _safe_path(config):
            problems.append(f"{at('config')}: must be a relative path inside the repository, got {config!r}")
        slug = item.get("slug") or slugify(str(name or ""))
        if not isinstance(slug, str) or not _SLUG_OK.match(slug):
            problems.append(f"{at('slug')}: use lower-case letters, digits and hyphens, got {slug!r}")
        elif slug in {c["slug"] for c in out}:
            problems.append(f"{at('slug')}: {slug!r} is used by another council (set a different slug)")
        unknown = sorted(set(item) - {"name", "config", "slug"})
        if unknown:
            problems.append(f"{at(unknown[0])}: unknown key (expected name, config, slug)")
        out.append({"name": str(name or "").strip(), "slug": str(slug), "config": str(config or "")})
    if problems:
        raise InputError(f"{file}: invalid councils file", problems)
    return out


def _safe_path(text: str) -> bool:
    """Relative, inside the checkout, and free of characters a shell or expression could misuse."""
    p = Path(text)
    return (not p.is_absolute() and ".." not in p.parts
            and re.fullmatch(r"[A-Za-z0-9._/-]+", text) is not None)


def matrix(config: str = "", councils_file: str = "councils.yml") -> dict:
    """The job matrix: ``--config`` alone, else every council, else the default config."""
    if config:
        if not _safe_path(config):
            raise InputError(f"config: must be a relative path inside the repository, got {config!r}")
        return {"include": [{"name": Path(config).stem, "slug": slugify(Path(config).stem), "config": config}]}
    if Path(councils_file).is_file():
        return {"include": load_councils(councils_file)}
    return {"include": [{"name": "Local Offer", "slug": "local-offer", "config": DEFAULT_CONFIG}]}


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lo_audit.ci.councils")
    sub = parser.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("matrix", help="print the job matrix as JSON")
    m.add_argument("--config", default="", help="one config file (overrides councils.yml)")
    m.add_argument("--councils", default="councils.yml")
    m.add_argument("--github-output", action="store_true",
                   help="also append matrix=... and many=true|false to $GITHUB_OUTPUT")
    args = parser.parse_args(argv)
    try:
        result = matrix(args.config.strip(), args.councils)
    except InputError as exc:
        print(f"lo_audit.ci.councils: {exc}", file=sys.stderr)
        return exit_status(exc)
    text = json.dumps(result, separators=(",", ":"))
    print(text)
    output = os.environ.get("GITHUB_OUTPUT")
    if args.github_output and output:
        with open(output, "a", encoding="utf-8") as fh:
            fh.write(f"matrix={text}\nmany={'true' if len(result['include']) > 1 else 'false'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
