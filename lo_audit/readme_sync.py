"""Keeps the generated blocks of the README and the site's configuration page (every
config option, the store schema) in step with the code. ``python -m lo_audit.readme_sync``
rewrites them; a test fails when they drift."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from common.options import spec_of
from lo_audit import config

BLOCKS = ("options", "store")


def options_block() -> str:
    """Every option from its declaration: key, flag, default, values allowed, documentation."""
    flags = {f"{section}.{f.name}": spec_of(f) for section, _ in config.SECTIONS for f in config.flags_of(section)}
    rows = ["| option | flag | default | values | what it does |", "|---|---|---|---|---|"]
    for key, (doc, values, default) in config.described_options().items():
        spec = flags.get(key)
        flag = "" if spec is None else f"`{spec.flag}`" if spec.flag.startswith("-") else f"`{spec.metavar}` arguments"
        rows.append(f"| `{key}` | {flag} | {_default(default)} | {values} | {doc.replace('|', '/')} |")
    return "\n".join(rows)


def _default(value) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return ", ".join(f"`{v}`" for v in value)
    if isinstance(value, float):
        return f"`{value:g}`"
    return f"`{value}`" if value not in (None, "") else ""


def store_block() -> str:
    from crawler import store

    doc = (store.__doc__ or "").strip()
    return (f"Schema version {store.SCHEMA_VERSION} (in `meta.schema_version`).\n\n{doc}\n\n"
            f"```sql{store.SCHEMA.rstrip()}\n```")


def render(text: str) -> str:
    for name in BLOCKS:
        body = globals()[f"{name}_block"]()
        text = re.sub(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)",
                      lambda m: m.group(1) + body + "\n" + m.group(2), text, flags=re.S)
    return text


FILES = ("README.md", "docs/reference/configuration.md")


def main(*paths: str) -> int:
    for path in paths or FILES:
        file = Path(path)
        file.write_text(render(file.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
