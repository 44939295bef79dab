"""``python -m lo_audit.ci.summary``: the workflow's two uses of the summary report.

``write REPORTS`` writes ``summary.md`` (and GitHub's job summary); ``gate REPORTS...``
exits 1 when a Local Offer's findings reach ``--fail-on``. The report itself is
``checks.reports.summary``; this program only parses arguments and decides the exit status.
"""

from __future__ import annotations

import argparse
import sys

from checks.reports.summary import gate_failures, load_findings, write_summary
from lo_audit.errors import AuditError, exit_status, message


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lo_audit.ci.summary")
    sub = parser.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write summary.md (and the job summary)")
    w.add_argument("reports")
    w.add_argument("--site-url", default=None)
    g = sub.add_parser("gate", help="exit 1 if findings reach the threshold")
    g.add_argument("reports", nargs="+")
    g.add_argument("--fail-on", choices=("error", "warning", "never"), default="error")
    g.add_argument("--new-only", action="store_true")
    return parser


def _gate(folders: list[str], fail_on: str, new_only: bool) -> int:
    failed = 0
    for folder in folders:
        hits = gate_failures(load_findings(folder), fail_on, new_only)
        kind = "new " if new_only else ""
        print(f"{folder}: {len(hits)} {kind}findings at or above {fail_on}")
        failed += bool(hits)
    return 1 if failed else 0


def _main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.cmd == "write":
            print(write_summary(args.reports, args.site_url))
            return 0
        return _gate(args.reports, args.fail_on, args.new_only)
    except AuditError as exc:  # a missing or malformed reports folder: one line, never a traceback
        print(f"lo_audit.ci.summary: {message(exc)}", file=sys.stderr)
        return exit_status(exc)


if __name__ == "__main__":
    sys.exit(_main())
