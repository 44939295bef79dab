"""The ``lo-audit`` command line: argument parsing and error handling only.

Each verb lives in its own module under ``lo_audit.commands``. Errors a user can
cause print one line (or a list of problems) and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import math
import sys
from datetime import date

from lo_audit import __version__
from lo_audit.config import MAX_CONCURRENCY
from common.errors import AuditError
from lo_audit.errors import MACHINE_FAULTS, exit_status, message


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the mistake and where to read more, not the usage block."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _concurrency(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"at most {MAX_CONCURRENCY}, got {value}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected requests per second (0 = unlimited), got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def _seconds(text: str) -> float:
    value = _rate(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def _iso_date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _add_crawl_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="crawl store (SQLite); default from config or .lo-audit/crawl.sqlite")
    p.add_argument("--allow-host", action="append", dest="allow_hosts", metavar="HOST",
                   help="host (or host:port) to crawl; repeatable; default: the start URLs' hosts")
    p.add_argument("--max-pages", type=_positive_int, help="stop after this many pages (default 5000)")
    p.add_argument("--max-depth", type=_positive_int, help="clicks from a start URL to follow (default 30)")
    p.add_argument("--concurrency", type=_concurrency,
                   help=f"pages fetched at once (default 8, at most {MAX_CONCURRENCY})")
    p.add_argument("--rate", type=_rate, help="requests per second per host; 0 = unlimited (default 3)")
    p.add_argument("--timeout", type=_seconds, help="seconds allowed per page (default 20)")
    p.add_argument("--render", choices=("auto", "always", "never"), help="when to render in Chromium (default auto)")
    p.add_argument("--ignore-robots", action="store_true", default=None, help="do not obey robots.txt (site owner's consent only)")
    p.add_argument("--resume", action="store_true", default=None, help="continue the last crawl that did not finish (a killed or stopped one); "
                        "when the store holds none, say so and start a new crawl")
    p.add_argument("--browser", help="path to a Chromium/Chrome executable (or set LO_AUDIT_CHROMIUM)")


def _add_check_flags(p: argparse.ArgumentParser, with_db: bool = True) -> None:
    if with_db:
        p.add_argument("--db", help="crawl store to read (default from config)")
    p.add_argument("--out", help="reports folder (default reports)")
    p.add_argument("--catalogue", help="service catalogue: YAML, CSV, XLSX, ORUK JSON file or ORUK API URL")
    p.add_argument("--catalogue-format", choices=("yaml", "csv", "xlsx", "oruk"), help="catalogue format (default: from the name)")
    p.add_argument("--mapping", help="column mapping file for CSV/XLSX catalogues")
    p.add_argument("--strict-catalogue", action="store_true", default=None,
                   help="stop (exit 2) on any defective catalogue record instead of reporting catalogue.* findings")
    p.add_argument("--waivers", help="waivers file of accepted findings")
    p.add_argument("--today", type=_iso_date, help="date to treat as today, YYYY-MM-DD")
    p.add_argument("--fail-on", choices=("error", "warning", "never"), help="exit 1 at this severity (default error)")
    p.add_argument("--fail-on-new", action="store_true", default=None, help="only new findings count for --fail-on")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="lo-audit", description="Audit a SEND Local Offer website and publish the results.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors and the final summary")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("crawl", help="crawl a Local Offer website into the crawl store")
    p.add_argument("start_urls", nargs="*", metavar="START_URL", help="where to start (default from config)")
    p.add_argument("--config", help="YAML configuration file")
    _add_crawl_flags(p)

    p = sub.add_parser("check", help="run the checks on a crawl and write the reports")
    p.add_argument("--config", help="YAML configuration file")
    _add_check_flags(p)

    p = sub.add_parser("build", help="regenerate the MkDocs site from the reports")
    p.add_argument("--config", help="YAML configuration file")
    p.add_argument("--db", help="crawl store (for page views)")
    p.add_argument("--out", help="reports folder to read (default reports)")
    p.add_argument("--site-dir", help="where to write the site (default site)")
    p.add_argument("--docs-dir", help="MkDocs source folder (default docs)")

    p = sub.add_parser("run", help="crawl, check and build, as the config says")
    p.add_argument("--config", required=True, help="YAML configuration file")
    _add_crawl_flags(p)
    _add_check_flags(p, with_db=False)
    p.add_argument("--site-dir", help="where to write the site (default site)")
    p.add_argument("--docs-dir", help="MkDocs source folder (default docs)")

    p = sub.add_parser("demo", help="audit the bundled Exampleshire demo Local Offer end to end")
    p.add_argument("--serve", action="store_true", help="then serve the built site until Ctrl+C")
    p.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    p.add_argument("--out", default="reports", help="reports folder (default reports)")
    p.add_argument("--site-dir", default="site", help="where to write the site (default site)")
    p.add_argument("--docs-dir", help="MkDocs source folder (default: a scratch copy of docs/ in .lo-audit/demo, "
                                      "so the demo leaves your checkout unchanged)")
    p.add_argument("--db", default=".lo-audit/demo.sqlite", help="crawl store (default .lo-audit/demo.sqlite)")
    p.add_argument("--browser", help="path to a Chromium/Chrome executable")

    p = sub.add_parser("serve", help="serve a built site on 127.0.0.1 without auditing again")
    p.add_argument("--site-dir", help="the built site (default from config, else site)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; the next free one if busy)")
    p.add_argument("--config", help="YAML configuration file (for site.dir)")

    p = sub.add_parser("catalogue", help="work with service catalogues")
    csub = p.add_subparsers(dest="catalogue_command", metavar="ACTION", required=True)
    v = csub.add_parser("validate", help="report every problem in a catalogue file")
    v.add_argument("file", help="catalogue file or ORUK API URL")
    v.add_argument("--format", dest="catalogue_format", choices=("yaml", "csv", "xlsx", "oruk"))
    v.add_argument("--mapping", help="column mapping file for CSV/XLSX")

    p = sub.add_parser("merge", help="merge several councils' reports into one comparative site")
    p.add_argument("reports", nargs="+", metavar="REPORTS_DIR", help="reports folders (one per council)")
    p.add_argument("--site-dir", default="site", help="where to write the site (default site)")
    p.add_argument("--docs-dir", default="docs", help="MkDocs source folder (default docs)")

    p = sub.add_parser("browser", help="find (or with --install, install) a Chromium for Playwright")
    p.add_argument("--install", action="store_true", help="install one if none is found")
    p.add_argument("--browser", help="path to a Chromium/Chrome executable")
    _describe(sub)
    return parser


EXAMPLES = {
    "crawl": "lo-audit crawl https://www.example.gov.uk/send-local-offer --db .lo-audit/crawl.sqlite --max-pages 2000",
    "check": "lo-audit check --db .lo-audit/crawl.sqlite --out reports --catalogue catalogue.yml",
    "build": "lo-audit build --out reports --site-dir site",
    "run": "lo-audit run --config lo-audit.yml",
    "demo": "lo-audit demo --serve --port 8000",
    "catalogue": "lo-audit catalogue validate catalogue.yml",
    "validate": "lo-audit catalogue validate services.csv --mapping mapping.yml",
    "merge": "lo-audit merge councils/north/reports councils/south/reports --site-dir site",
    "browser": "lo-audit browser --install",
    "serve": "lo-audit serve --site-dir site --port 8000",
}
"""One example per verb, shown at the end of its ``--help`` (a test checks every verb has one)."""


def _describe(sub) -> None:
    """Every verb's ``--help`` opens with its one-line description and ends with an example."""
    for action in sub._choices_actions:
        verb = sub.choices[action.dest]
        verb.description = verb.description or (action.help[:1].upper() + action.help[1:] + ".")
        if action.dest in EXAMPLES:
            verb.epilog = f"example:\n  {EXAMPLES[action.dest]}"
            verb.formatter_class = argparse.RawDescriptionHelpFormatter
        for child in verb._actions:
            if isinstance(child, argparse._SubParsersAction):
                _describe(child)


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse ``argv``; an unknown flag is named by the verb that got it, with the nearest known one."""
    args, extra = parser.parse_known_args(argv)
    if not extra:
        return args
    verb = parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and getattr(args, action.dest, None):
            verb = action.choices[getattr(args, action.dest)]
    known = [o for a in verb._actions for o in a.option_strings]
    flag = next((e.split("=")[0] for e in extra if e.startswith("-")), "")
    close = difflib.get_close_matches(flag, known, n=1, cutoff=0.6) if flag else []
    hint = f" (did you mean {close[0]}?)" if close else ""
    verb.error(f"unrecognized arguments: {' '.join(extra)}{hint}")


def main(argv: list[str] | None = None) -> int:
    args = parse(build_parser(), argv)
    handler = importlib.import_module(f"lo_audit.commands.{args.command.replace('-', '_')}")
    try:
        return int(handler.run(args) or 0)
    except (AuditError, *MACHINE_FAULTS) as exc:
        print(f"lo-audit {args.command}: {message(exc)}", file=sys.stderr)
        return exit_status(exc)
    except KeyboardInterrupt:
        print("lo-audit: interrupted; the crawl store keeps what was done (use --resume)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
