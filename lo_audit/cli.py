"""The ``lo-audit`` command line: argument parsing and error handling only.

Each verb lives in its own module under ``lo_audit.commands``. The flags that set an option
of the configuration file are made from the option's declaration (``add_flags``): name,
help, default, choices and limits are never written here. Errors a user can cause print one
line (or a list of problems) and exit 2, never a traceback (``lo_audit.errors``).
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import sys
from dataclasses import MISSING, Field
from datetime import date

from checks.settings import CATALOGUE_FORMATS
from common.errors import AuditError
from common.options import problem, spec_of
from lo_audit import __version__, config
from lo_audit.errors import MACHINE_FAULTS, exit_status, message


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the mistake and where to read more, not the usage block."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def flag_type(f: Field):
    """The argparse ``type`` of a setting's flag: reads the text, then checks it against the
    declaration with the same ``problem`` as the file (so a flag and a key fail alike)."""
    spec, hint = spec_of(f), str(f.type)
    read = {"int": int, "float": float}.get(hint)
    if spec.kind == "date":
        read = _iso_date
    if read is None:
        return None

    def convert(text: str):
        try:
            value = read(text)
        except ValueError:
            if read is _iso_date:
                raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
            what = spec.reads or ("a whole number" if read is int else "a number")
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if (message := problem(spec, value)) is not None:
            raise argparse.ArgumentTypeError(message)
        return value

    convert.__name__ = f.name  # argparse names the type in some messages
    return convert


def _iso_date(text: str) -> str:
    return date.fromisoformat(text).isoformat()


def flag_help(f: Field) -> str:
    """The flag's help: its short help, then the default and the limits from the declaration."""
    spec = spec_of(f)
    notes = []
    if f.default not in (MISSING, "", (), None) and not isinstance(f.default, bool):
        notes.append(f"default {f.default:g}" if isinstance(f.default, float) else f"default {f.default}")
    if spec.maximum is not None:
        notes.append(f"at most {spec.maximum:g}")
    return spec.help + (f" ({', '.join(notes)})" if notes else "")


def add_flags(p: argparse.ArgumentParser, section: str, only: tuple[str, ...] = (),
              positionals: bool = True) -> None:
    """Add the flags of ``section``'s settings (or of the settings named in ``only``)."""
    for f in config.flags_of(section):
        spec = spec_of(f)
        if only and f.name not in only or not positionals and not spec.flag.startswith("-"):
            continue
        kwargs: dict = {"help": flag_help(f)}
        if not spec.flag.startswith("-"):
            p.add_argument(f.name, nargs="*", metavar=spec.metavar or f.name.upper(), **kwargs)
            continue
        if str(f.type) == "bool":
            kwargs.update(action="store_true", default=None)
        elif config.repeatable(f):
            kwargs.update(action="append", dest=config.dest(f))
        if spec.choices:
            kwargs["choices"] = tuple(c for c in spec.choices if c)
        if spec.metavar:
            kwargs["metavar"] = spec.metavar
        if (kind := flag_type(f)) is not None:
            kwargs["type"] = kind
        p.add_argument(spec.flag, **kwargs)


VERBS = {
    "crawl": (("crawl", ()),),
    "check": (("checks", ()), ("reports", ()), ("crawl", ("db",))),
    "build": (("reports", ()), ("site", ()), ("crawl", ("db",))),
    "run": (("crawl", ()), ("checks", ()), ("reports", ()), ("site", ())),
}
"""The settings each verb takes as flags: ``(section, only these settings or all)``."""


def _add_setting_flags(p: argparse.ArgumentParser, verb: str) -> None:
    for section, only in VERBS[verb]:
        add_flags(p, section, only, positionals=verb == "crawl")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="lo-audit", description="Audit a SEND Local Offer website and publish the results.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors and the final summary")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("crawl", help="crawl a Local Offer website into the crawl store")
    p.add_argument("--config", help="YAML configuration file")
    _add_setting_flags(p, "crawl")

    p = sub.add_parser("check", help="run the checks on a crawl and write the reports")
    p.add_argument("--config", help="YAML configuration file")
    _add_setting_flags(p, "check")

    p = sub.add_parser("build", help="regenerate the MkDocs site from the reports")
    p.add_argument("--config", help="YAML configuration file")
    _add_setting_flags(p, "build")

    p = sub.add_parser("run", help="crawl, check and build, as the config says")
    p.add_argument("--config", required=True, help="YAML configuration file")
    _add_setting_flags(p, "run")

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
    v.add_argument("--format", dest="catalogue_format", choices=CATALOGUE_FORMATS)
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
