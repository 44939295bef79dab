"""A sorted digest of a ``findings.json`` (rule, url, target) for before/after comparisons.

Loopback ports differ from run to run, so ``127.0.0.1:PORT`` is written as ``HOST<n>``
(numbered in order of first appearance in the sorted findings of each file).

Run: ``python -m bench.findings reports/findings.json > after.txt`` then ``diff before.txt after.txt``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from checks.reports.files import read_findings

LOOPBACK = re.compile(r"127\.0\.0\.1:\d+")


def digest(path: Path, families: tuple[str, ...] = ()) -> list[str]:
    """``rule url target`` lines, sorted, ports replaced (only ``families`` when given)."""
    findings = read_findings(path).findings
    rows = sorted((f.rule, f.url, str(f.evidence.get("target", "")))
                  for f in findings if not families or f.family in families)
    ports: dict[str, str] = {}

    def label(match: re.Match) -> str:
        return ports.setdefault(match.group(0), f"HOST{len(ports) + 1}")

    return [LOOPBACK.sub(label, " ".join(row)) for row in rows]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    families = tuple(a.split("=", 1)[1].split(",") for a in argv if a.startswith("--only="))
    files = [a for a in argv if not a.startswith("--")]
    for line in digest(Path(files[0]), families[0] if families else ()):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
