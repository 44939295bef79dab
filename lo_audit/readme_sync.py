"""Keeps the generated blocks of the README and the site's configuration page (every
config option, the store schema) in step with the code. ``python -m lo_audit.readme_sync``
rewrites them; a test fails when they drift."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from lo_audit.config import documented_options

BLOCKS = ("options", "store")


def options_block() -> str:
    rows = ["| option | what it does |", "|---|---|"]
    rows += [f"| `{key}` | {doc.replace('|', '/')} |" for key, doc in documented_options().items()]
    return "\n".join(rows)


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
