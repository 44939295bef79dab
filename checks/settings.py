"""The checks' settings (the ``checks:`` section of the configuration file), declared once.

Each setting is a field: its type and default, then ``option(...)`` with its flag, short help,
choices and limits (see ``common.options``), then its documentation. The command line, the
checks of the file and flags, and the README's table are all derived from these fields; the
rules receive a ``ChecksConfig`` as ``RuleContext.config``.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

from common.options import option

CATALOGUE_FORMATS = ("yaml", "csv", "xlsx", "oruk")
"""The catalogue formats ``checks.catalogue`` reads."""


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
    severity: str = option("", choices=("", "error", "warning", "notice"))
    """``error``, ``warning`` or ``notice``; empty keeps the rule's default."""
    options: dict[str, typing.Any] = option(default_factory=dict)
    """Rule options (see each rule's page on the site)."""


@dataclass(frozen=True)
class ChecksConfig:
    """``checks:`` — the catalogue, rules, owners and thresholds."""

    catalogue: str = option("", flag="--catalogue",
                            help="service catalogue: YAML, CSV, XLSX, ORUK JSON file or ORUK API URL")
    """The service catalogue; optional: site-level checks run without one."""
    catalogue_format: str = option("", flag="--catalogue-format", choices=("", *CATALOGUE_FORMATS),
                                   help="catalogue format (default: from the name)")
    """``yaml``, ``csv``, ``xlsx`` or ``oruk``; empty guesses from the file name."""
    mapping: str = option("", flag="--mapping", help="column mapping file for CSV/XLSX catalogues")
    """Column mapping for CSV/XLSX catalogues."""
    strict_catalogue: bool = option(False, flag="--strict-catalogue",
                                    help="stop (exit 2) on any defective catalogue record "
                                         "instead of reporting catalogue.* findings")
    """Stop with every problem listed (exit 2) when a catalogue record is defective. By default a feed's or spreadsheet's defects (duplicate ids, bad values, missing names) are reported as ``catalogue.*`` findings and the audit goes on with every usable record."""
    waivers: str = option("", flag="--waivers", help="waivers file of accepted findings")
    """The waivers file of accepted findings."""
    today: str = option("", flag="--today", kind="date", help="date to treat as today, YYYY-MM-DD")
    """The date the audit treats as today, YYYY-MM-DD; default the real date."""
    stale_months: int = 12
    """Pages last updated longer ago than this are stale."""
    fail_on: str = option("error", flag="--fail-on", choices=("error", "warning", "never"),
                          help="exit 1 at this severity")
    """Exit 1 when a finding reaches this severity: ``error``, ``warning`` or ``never``."""
    fail_on_new: bool = option(False, flag="--fail-on-new", help="only new findings count for --fail-on")
    """Only new findings count towards ``fail_on``."""
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
    rules: dict[str, RuleConfig] = option(default_factory=dict)
    """Per-rule settings keyed by rule id (``links.broken: {severity: warning}``)."""
    topic_synonyms: dict[str, tuple[str, ...]] = option(default_factory=dict)
    """Extra words and phrases per statutory topic id for the topic classifier."""
    service_url_patterns: tuple[str, ...] = option((), kind="regex")
    """Regular expressions of service-record URLs beyond the built-in platforms."""
    service_markers: tuple[str, ...] = ()
    """CSS selectors whose presence marks a page as a service record (``.class``, ``#id``, ``main.record``; the class and id parts are checked)."""
