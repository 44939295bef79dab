"""The YAML configuration file: one typed section per pipeline stage.

Every command-line flag has a key here (the CLI overrides the file). Validation
collects every problem, each naming the file, line and field, before stopping with
``ConfigError`` (exit status 2). Each option's docstring is its documentation; a test
checks that every option is documented in the README.
"""

from __future__ import annotations

import difflib
import math
import re
import typing
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

from common.errors import ConfigError
from common.urls import host_port, is_host, is_http_url
from common.yamlio import read_yaml, where

MAX_CONCURRENCY = 64
"""Pages fetched at once, at most: more only costs memory (each connection buffers a page)
and hammers the council's server; 64 is already far past what one host should take."""

DEFAULT_STRIP_PARAMS = (
    "utm_*", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid", "_ga", "sessionid", "session_id",
    "jsessionid", "phpsessid", "sid", "aspsessionid*", "cfid", "cftoken",
)


@dataclass(frozen=True)
class CrawlConfig:
    """``crawl:`` — what to crawl and how politely."""

    start_urls: tuple[str, ...] = ()
    """Where the crawl starts (the Local Offer home page, the directory home page)."""
    allow_hosts: tuple[str, ...] = ()
    """Hosts (``host`` or ``host:port``) that are crawled. Default: the start URLs' hosts.
    Links to other hosts are only status-checked, never crawled."""
    scope: tuple[str, ...] = ()
    """URL prefixes that are crawled and scored (``https://www.example.gov.uk/send-local-offer/``):
    pages outside them, even on allowed hosts, are only status-checked. Default: each start URL
    with a path limits its host to that folder; a service directory's own host, and allowed hosts
    without a start URL, are in scope whole."""
    db: str = ".lo-audit/crawl.sqlite"
    """The SQLite crawl store (``--db``)."""
    max_pages: int = 5000
    """Stop queueing new pages after this many (``--max-pages``); the rest are recorded with guard ``max-pages``."""
    max_depth: int = 30
    """Links further than this many clicks from a start URL are not followed (``--max-depth``)."""
    max_per_pattern: int = 5000
    """At most this many pages per URL template (ids and numbers replaced): a backstop trap guard
    behind the calendar and faceted-search guards. Large directories keep thousands of records
    under one template (kb5 ``service.page?id=``), so keep it at least the directory's size."""
    concurrency: int = 8
    """Pages fetched at once (``--concurrency``), at most 64; browser tabs are at most this and 4
    (rendering is CPU-bound: on 2 cores 4 tabs render as fast as 6 with less memory), and they
    never hold up plain HTTP fetching."""
    rate: float = 3.0
    """Requests per second per host (``--rate``); 0 means unlimited (for local benchmarks)."""
    ignore_robots: bool = False
    """Crawl paths that robots.txt disallows (``--ignore-robots``). Only with the site owner's consent."""
    render: str = "auto"
    """``auto`` renders in Chromium only pages whose HTML shows they need JavaScript (an empty
    app root, an app bootstrap, a "load more" control, scripts that fetch data or build links...)
    and pages of layouts that sample renders show to change with JavaScript; ``always`` renders
    every HTML page; ``never`` uses plain HTTP only (``--render``)."""
    timeout: float = 20.0
    """Seconds allowed for one page (``--timeout``)."""
    total_timeout: float = 3600.0
    """Seconds allowed for the whole crawl; what is left is recorded with guard ``timeout``."""
    max_page_bytes: int = 5_000_000
    """Pages larger than this are recorded with guard ``too-large`` and not parsed."""
    strip_params: tuple[str, ...] = DEFAULT_STRIP_PARAMS
    """Query parameters removed when normalising URLs (tracking and session ids; ``*`` wildcards)."""
    cookie_selectors: tuple[str, ...] = ()
    """Extra CSS selectors of cookie-banner buttons to click (common patterns are built in)."""
    load_more_selectors: tuple[str, ...] = ()
    """Extra CSS selectors of "load more"/"next" buttons to click on rendered pages."""
    max_load_more: int = 20
    """Clicks on "load more" per page, at most."""
    contact_url: str = ""
    """A URL about your audit, sent in the User-Agent so site owners can reach you."""
    headers: dict[str, str] = field(default_factory=dict)
    """Extra request headers (e.g. for a staging site). Values ``${VAR}`` are read from the
    environment. Never written to reports, logs or the site."""
    cookies: dict[str, str] = field(default_factory=dict)
    """Cookies sent to allowed hosts; ``${VAR}`` values come from the environment. Never written out."""
    allow_private: bool = False
    """Allow status checks of external links that resolve to private, loopback or link-local
    addresses (allowed hosts you name yourself are always allowed)."""
    check_external: bool = True
    """Status-check links to other hosts (and documents the crawl did not fetch)."""
    link_checker: str = "builtin"
    """How links to other hosts are status-checked: ``builtin`` (in the crawler's process:
    each target once, HEAD first and GET when HEAD fails, a few at once per host, every hop
    screened for private addresses as it connects) or ``linkchecker`` (the linkchecker
    program, sent through a local proxy that applies the same screen; slower, as it starts a
    process of its own)."""
    link_cache_days: float = 7.0
    """Links to other hosts that answered well less than this many days ago are not checked
    again (the store remembers them); 0 checks every link on every run."""
    a11y: bool = True
    """Run axe-core (WCAG 2.2 AA) on a sample of rendered pages."""
    a11y_per_template: int = 1
    """Pages per structural template (layout: landmarks, main container, scripts) checked with
    axe, plus every page whose main content shows a likely problem (images without alt, inline
    colours, empty links or buttons, unlabelled inputs). Most axe violations belong to a layout,
    which one page shows; page-specific ones are what the hints catch. A site has a handful of
    layouts however many URL shapes it has. axe costs about three plain renders (CSS loaded,
    ~0.35 s of CPU a page on our 2-core machines) and runs beside the crawl, not in its way:
    raise this for a deeper audit at that price."""
    a11y_max_pages: int = 150
    """Pages checked with axe at most (hinted pages included): bounds axe's share of a large crawl."""
    host_failure_limit: int = 15
    """A host that fails this many requests in a row is stopped, with a finding."""
    resume: bool = False
    """Continue the last crawl that did not finish (``--resume``); when the store holds none, a line says so and a new crawl starts."""
    browser: str = ""
    """Path to a Chromium or Chrome executable (``--browser``); empty: ``LO_AUDIT_CHROMIUM``, an
    installed Chromium/Chrome, or Playwright's own download, in that order."""


@dataclass(frozen=True)
class OwnerRule:
    """One entry of ``checks.owners``: pages whose URL matches ``pattern`` belong to ``owner``."""

    pattern: str = ""
    """A URL glob (``*`` wildcards), e.g. ``https://www.example.gov.uk/send/health/*``."""
    owner: str = ""
    """Team name shown on the site and in the per-owner reports."""
    email: str = ""
    """Team email (optional)."""


@dataclass(frozen=True)
class RuleConfig:
    """One entry of ``checks.rules``: switch a rule off, change its severity or options."""

    enabled: bool = True
    """False switches the rule off."""
    severity: str = ""
    """``error``, ``warning`` or ``notice``; empty keeps the rule's default."""
    options: dict[str, typing.Any] = field(default_factory=dict)
    """Rule options (see each rule's page on the site)."""


@dataclass(frozen=True)
class ChecksConfig:
    """``checks:`` — the catalogue, rules, owners and thresholds."""

    catalogue: str = ""
    """The service catalogue (``--catalogue``); optional: site-level checks run without one."""
    catalogue_format: str = ""
    """``yaml``, ``csv``, ``xlsx`` or ``oruk``; empty guesses from the file name (``--catalogue-format``)."""
    mapping: str = ""
    """Column mapping for CSV/XLSX catalogues (``--mapping``)."""
    strict_catalogue: bool = False
    """Stop with every problem listed (exit 2) when a catalogue record is defective (``--strict-catalogue``). By default a feed's or spreadsheet's defects (duplicate ids, bad values, missing names) are reported as ``catalogue.*`` findings and the audit goes on with every usable record."""
    waivers: str = ""
    """The waivers file of accepted findings (``--waivers``)."""
    today: str = ""
    """The date the audit treats as today, YYYY-MM-DD (``--today``); default the real date."""
    stale_months: int = 12
    """Pages last updated longer ago than this are stale."""
    fail_on: str = "error"
    """Exit 1 when a finding reaches this severity: ``error``, ``warning`` or ``never`` (``--fail-on``)."""
    fail_on_new: bool = False
    """Only new findings count towards ``fail_on`` (``--fail-on-new``)."""
    reading_age: int = 12
    """Pages whose reading age is above this are flagged (GOV.UK aims for 9)."""
    max_sentence_words: int = 25
    """Sentences longer than this are flagged."""
    default_owner: str = "Local Offer team"
    """Owner of findings no other rule assigns."""
    default_owner_email: str = ""
    """Email of the default owner."""
    owners: tuple[OwnerRule, ...] = ()
    """URL pattern → owner map for pages that are not services."""
    rules: dict[str, RuleConfig] = field(default_factory=dict)
    """Per-rule settings keyed by rule id (``links.broken: {severity: warning}``)."""
    topic_synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Extra words and phrases per statutory topic id for the topic classifier."""
    service_url_patterns: tuple[str, ...] = ()
    """Regular expressions of service-record URLs beyond the built-in platforms."""
    service_markers: tuple[str, ...] = ()
    """CSS selectors whose presence marks a page as a service record (``.class``, ``#id``, ``main.record``; the class and id parts are checked)."""


@dataclass(frozen=True)
class ReportsConfig:
    """``reports:`` — where the reports go."""

    out: str = "reports"
    """Folder for findings.json, findings.csv, pages.csv, summary.md, per-owner files (``--out``)."""


@dataclass(frozen=True)
class SiteConfig:
    """``site:`` — the published site."""

    name: str = "Local Offer"
    """The audited Local Offer's name, shown on the site (e.g. ``Exampleshire SEND Local Offer``)."""
    council: str = ""
    """The council's name."""
    dir: str = "site"
    """Where the built site goes (``--site-dir``)."""
    docs_dir: str = "docs"
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
    hints = typing.get_type_hints(cls)
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


_CHOICES = {
    ("crawl", "render"): ("auto", "always", "never"),
    ("crawl", "link_checker"): ("builtin", "linkchecker"),
    ("checks", "fail_on"): ("error", "warning", "never"),
    ("checks", "catalogue_format"): ("", "yaml", "csv", "xlsx", "oruk"),
}


def validate(cfg: Config, file: str = "<flags>", lines: dict | None = None) -> list[str]:
    """Semantic checks shared by the file and the command line; returns problems."""
    lines = lines or {}
    problems = _Problems()
    for (section, key), choices in _CHOICES.items():
        value = getattr(getattr(cfg, section), key)
        if value not in choices:
            problems.add(_where(file, lines, (section, key)),
                         f"expected one of {', '.join(repr(c) for c in choices if c)}, got {value!r}")
    for i, url in enumerate(cfg.crawl.start_urls):
        if not is_http_url(url):
            problems.add(_where(file, lines, ("crawl", "start_urls", i)), f"not an http(s) URL: {url!r}")
    hosts = {host_port(h if "://" in h else f"http://{h}") for h in (cfg.crawl.allow_hosts or cfg.crawl.start_urls)}
    for i, url in enumerate(cfg.crawl.scope):
        if not is_http_url(url):
            problems.add(_where(file, lines, ("crawl", "scope", i)), f"not an http(s) URL prefix: {url!r}")
        elif hosts and host_port(url) not in hosts:  # no hosts yet: the start URLs come as flags
            problems.add(_where(file, lines, ("crawl", "scope", i)),
                         f"{url!r} is not on an allowed host ({', '.join(sorted(hosts)) or 'none'}); "
                         "add its host to crawl.allow_hosts or a start URL")
    for key in ("max_pages", "max_depth", "concurrency", "max_per_pattern", "max_page_bytes"):
        if getattr(cfg.crawl, key) < 1:
            problems.add(_where(file, lines, ("crawl", key)), "must be at least 1")
    for key in ("rate", "timeout", "total_timeout", "link_cache_days"):
        value = getattr(cfg.crawl, key)
        if not math.isfinite(value):
            problems.add(_where(file, lines, ("crawl", key)), f"expected a finite number, got {value!r}")
        elif value < 0:
            problems.add(_where(file, lines, ("crawl", key)), "must not be negative")
    if cfg.crawl.concurrency > MAX_CONCURRENCY:
        problems.add(_where(file, lines, ("crawl", "concurrency")), f"at most {MAX_CONCURRENCY}, got {cfg.crawl.concurrency}")
    for i, host in enumerate(cfg.crawl.allow_hosts):
        if not is_host(host):
            problems.add(_where(file, lines, ("crawl", "allow_hosts", i)), f"not a host or host:port: {host!r}")
    if cfg.checks.today and not _is_iso_date(cfg.checks.today):
        problems.add(_where(file, lines, ("checks", "today")), f"expected a date as YYYY-MM-DD, got {cfg.checks.today!r}")
    for rule_id, rc in cfg.checks.rules.items():
        if rc.severity not in ("", "error", "warning", "notice"):
            problems.add(_where(file, lines, ("checks", "rules", rule_id, "severity")),
                         f"expected 'error', 'warning' or 'notice', got {rc.severity!r}")
    for i, pattern in enumerate(cfg.checks.service_url_patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.add(_where(file, lines, ("checks", "service_url_patterns", i)), f"not a regular expression: {exc}")
    return problems


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text))


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
    """``section.key`` → docstring: the README's config table (``lo_audit.readme_sync``) and its test."""
    import ast
    import inspect

    out: dict[str, str] = {}
    for section, cls in (("crawl", CrawlConfig), ("checks", ChecksConfig), ("reports", ReportsConfig), ("site", SiteConfig)):
        tree = ast.parse(inspect.getsource(cls))
        body = tree.body[0].body
        for node, nxt in zip(body, body[1:]):
            if isinstance(node, ast.AnnAssign) and isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant):
                out[f"{section}.{node.target.id}"] = " ".join(str(nxt.value.value).split())
    return out
