"""The YAML configuration file: one typed section per layer, each setting declared once.

The sections are declared where they are used: ``crawl:`` in ``crawler.settings``,
``checks:`` in ``checks.settings``, ``reports:`` and ``site:`` here. Every setting is one
dataclass field (type, default, then ``common.options.option``: flag, short help, choices,
limits; then its docstring). From those fields this module reads and checks the file
(``load``), checks flags the same way (``validate``), applies flags on top of the file
(``Config.with_flags``), and lists every option for the README and the configuration page
(``documented_options``, ``python -m lo_audit.readme_sync``). ``lo_audit.cli`` makes the
flags from the same fields. Validation collects every problem, each naming the file, line
and field, before stopping with ``ConfigError`` (exit status 2).
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass, replace
from datetime import date
from pathlib import Path

from checks.settings import ChecksConfig, OwnerRule, RuleConfig  # noqa: F401  (the sections, for callers)
from common.errors import ConfigError
from common.options import limits, option, problem, spec_of
from common.yamlio import read_yaml, where
from crawler.settings import DEFAULT_STRIP_PARAMS, MAX_CONCURRENCY, CrawlConfig  # noqa: F401


@dataclass(frozen=True)
class ReportsConfig:
    """``reports:`` — where the reports go."""

    out: str = option("reports", flag="--out", help="reports folder")
    """Folder for findings.json, findings.csv, pages.csv, summary.md, per-owner files."""


@dataclass(frozen=True)
class SiteConfig:
    """``site:`` — the published site."""

    name: str = "Local Offer"
    """The audited Local Offer's name, shown on the site (e.g. ``Exampleshire SEND Local Offer``)."""
    council: str = ""
    """The council's name."""
    dir: str = option("site", flag="--site-dir", help="where to write the site")
    """Where the built site goes."""
    docs_dir: str = option("docs", flag="--docs-dir", help="MkDocs source folder")
    """The MkDocs source folder; generated pages go in its ``audit/`` folder."""
    url: str = ""
    """Where the site is published (used in summaries and issues)."""


@dataclass(frozen=True)
class Config:
    """The whole configuration file."""

    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    checks: ChecksConfig = field(default_factory=ChecksConfig)
    reports: ReportsConfig = field(default_factory=ReportsConfig)
    site: SiteConfig = field(default_factory=SiteConfig)
    path: str = ""
    """The file this was read from (not a key)."""

    def override(self, section: str, **values) -> "Config":
        """A copy with ``values`` (flags given on the command line) set in ``section``."""
        given = {k: v for k, v in values.items() if v is not None}
        return replace(self, **{section: replace(getattr(self, section), **given)})

    def with_flags(self, args, sections: typing.Iterable[str] = ()) -> "Config":
        """A copy with every flag given in ``args`` (an argparse namespace) set on top; flags
        not given (``None``, an empty list) keep the file's value."""
        cfg = self
        for section, _ in SECTIONS:
            if sections and section not in sections:
                continue
            values = {}
            for f in flags_of(section):
                value = getattr(args, dest(f), None)
                values[f.name] = (tuple(value) or None) if isinstance(value, list) else value
            cfg = cfg.override(section, **values)
        return cfg


SECTIONS: tuple[tuple[str, type], ...] = (
    ("crawl", CrawlConfig), ("checks", ChecksConfig), ("reports", ReportsConfig), ("site", SiteConfig))
"""Every section of the file, in order, with the dataclass that declares its settings."""


def section_class(section: str) -> type:
    return dict(SECTIONS)[section]


def flags_of(section: str) -> list[Field]:
    """The fields of ``section`` whose setting has a flag (or a positional argument)."""
    return [f for f in fields(section_class(section)) if spec_of(f).flag]


def repeatable(f: Field) -> bool:
    """A list setting: its flag may be given several times (``--allow-host a --allow-host b``)."""
    return str(f.type).startswith("tuple")


def dest(f: Field) -> str:
    """Where argparse puts a flag's value: ``--max-pages`` -> ``max_pages``; a repeatable flag
    (``--allow-host``) or a positional argument -> the setting's own name (``allow_hosts``)."""
    flag = spec_of(f).flag
    if repeatable(f) or not flag.startswith("-"):
        return f.name
    return flag.lstrip("-").replace("-", "_")


# --------------------------------------------------------------------------- loading
class _Problems(list):
    def add(self, where_: str, message: str) -> None:
        self.append(f"{where_}: {message}")


_where = where


def _convert(value, hint, path, file, lines, problems):
    """Check and convert ``value`` to the annotated type ``hint``."""
    where = _where(file, lines, path)
    origin = typing.get_origin(hint)
    if hint is typing.Any:
        return value
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        if not isinstance(value, dict):
            problems.add(where, f"expected a mapping of settings, got {type(value).__name__}")
            return hint()
        return _build(hint, value, path, file, lines, problems)
    if origin is tuple:
        items = [value] if isinstance(value, (str, dict)) else value
        if not isinstance(items, list):
            problems.add(where, f"expected a list, got {type(value).__name__}")
            return ()
        inner = typing.get_args(hint)[0]
        return tuple(_convert(v, inner, path + (i,), file, lines, problems) for i, v in enumerate(items))
    if origin is dict:
        if not isinstance(value, dict):
            problems.add(where, f"expected a mapping, got {type(value).__name__}")
            return {}
        inner = typing.get_args(hint)[1]
        return {str(k): _convert(v, inner, path + (str(k),), file, lines, problems) for k, v in value.items()}
    if hint is bool:
        if not isinstance(value, bool):
            problems.add(where, f"expected true or false, got {value!r}")
            return False
        return value
    if hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (hint is int and isinstance(value, float)):
            problems.add(where, f"expected a{'n integer' if hint is int else ' number'}, got {value!r}")
            return hint()
        return hint(value)
    if hint is str:
        if isinstance(value, date):
            return value.isoformat()
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            problems.add(where, f"expected text, got {type(value).__name__}")
            return ""
        return str(value)
    return value


def _build(cls, data: dict, path, file, lines, problems):
    hints = dict(SECTIONS) if cls is Config else typing.get_type_hints(cls)  # the sections as declared
    known = {f.name for f in fields(cls) if f.name != "path"}
    kwargs = {}
    for key, value in data.items():
        if key not in known:
            close = [k for k in known if k.replace("_", "") == str(key).replace("_", "").replace("-", "")]
            close = close or difflib.get_close_matches(str(key).replace("-", "_"), sorted(known), n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; expected one of: {', '.join(sorted(known))}"
            problems.add(_where(file, lines, path + (str(key),)), f"unknown key{hint}")
            continue
        if value is None:
            continue
        before = len(problems)
        converted = _convert(value, hints[key], path + (key,), file, lines, problems)
        nested = hasattr(hints[key], "__dataclass_fields__")
        if nested or len(problems) == before:  # a wrong value keeps its default: one message, not two
            kwargs[key] = converted
    return cls(**kwargs)


def validate(cfg: Config, file: str = "<flags>", lines: dict | None = None) -> list[str]:
    """Every setting checked against its declaration (choices, limits, kind), and the checks
    between settings each section declares (``conflicts``); returns the problems, each
    ``file:line: section.key: message``. Shared by the file and the command line."""
    lines = lines or {}
    problems = _Problems()
    for section, _ in SECTIONS:
        _check(getattr(cfg, section), (section,), file, lines, problems)
        for path, message in getattr(getattr(cfg, section), "conflicts", lambda: [])():
            problems.add(_where(file, lines, (section, *path)), message)
    return problems


def _check(obj, path: tuple, file: str, lines: dict, problems: _Problems) -> None:
    """Check each field of the dataclass ``obj`` (and of the dataclasses inside it)."""
    for f in fields(obj):
        value, spec, key = getattr(obj, f.name), spec_of(f), path + (f.name,)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, tuple) else ()
        if not isinstance(value, (dict, tuple)):
            if (message := problem(spec, value)) is not None:
                problems.add(_where(file, lines, key), message)
            continue
        for index, item in items:
            if is_dataclass(item):
                _check(item, key + (index,), file, lines, problems)
            elif (message := problem(spec, item)) is not None:
                problems.add(_where(file, lines, key + (index,)), message)


def load(path: str | Path | None) -> Config:
    """Read and validate a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    file = str(path)
    data, lines = read_yaml(path, ConfigError, "config file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{file}:1: expected a mapping of sections (crawl, checks, reports, site)")
    problems = _Problems()
    cfg = _build(Config, data, (), file, lines, problems)
    cfg = replace(cfg, path=file)
    problems.extend(validate(cfg, file, lines))
    if problems:
        raise ConfigError(f"{file}: {len(problems)} problem(s) in the configuration", problems)
    return _resolve_paths(cfg, Path(path).parent)


def _resolve_paths(cfg: Config, base: Path) -> Config:
    """Make file paths in the config relative to the config file's folder."""
    def rel(p: str) -> str:
        return str(base / p) if p and not Path(p).is_absolute() and "://" not in p else p
    return replace(
        cfg,
        checks=replace(cfg.checks, catalogue=rel(cfg.checks.catalogue), mapping=rel(cfg.checks.mapping),
                       waivers=rel(cfg.checks.waivers)),
    )


def documented_options() -> dict[str, str]:
    """``section.key`` -> the setting's docstring (the README's table and the configuration page)."""
    return {key: doc for key, (doc, _, _) in described_options().items()}


def described_options() -> dict[str, tuple[str, str, typing.Any]]:
    """``section.key`` -> (docstring, values allowed, default shown), from the declarations."""
    out: dict[str, tuple[str, str, typing.Any]] = {}
    for section, cls in SECTIONS:
        docs = _docstrings(cls)
        for f in fields(cls):
            default = None if f.default is MISSING else f.default
            out[f"{section}.{f.name}"] = (docs.get(f.name, ""), limits(spec_of(f)), default)
    return out


def _docstrings(cls: type) -> dict[str, str]:
    """The string under each field of ``cls`` (and of the classes it extends)."""
    import ast
    import inspect

    out: dict[str, str] = {}
    for klass in reversed(cls.__mro__[:-1]):
        if not is_dataclass(klass):
            continue
        body = ast.parse(inspect.getsource(klass)).body[0].body
        for node, nxt in zip(body, body[1:]):
            if isinstance(node, ast.AnnAssign) and isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant):
                out[node.target.id] = " ".join(str(nxt.value.value).split())
    return out
