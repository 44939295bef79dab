"""Run every enabled rule on a crawl and turn the findings into a ``CheckResult``.

Steps: open the store → load the catalogue and waivers → run each enabled rule (a rule
that raises is logged and skipped) → severity overrides → owners → waivers → history.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timezone
from operator import itemgetter

from crawler.model import Page
from crawler.store import StoreReader
from common import jsonfast
from common.errors import ConfigError

from checks.triage import history
from checks.pipeline.context import RuleContext
from checks.index.pagecache import save_all
from checks.pipeline import memo as memo_mod
from checks.pipeline.memo import RuleMemo, inputs_digest, memo_covers
from checks.reports.finding import Finding, Severity
from checks.reports.folder import PAGE_FIELDS
from checks.triage.owners import assign_owners, service_records
from checks.pipeline.registry import Rule
from checks.rules import all_rules
from checks.rules.catalogue import catalogue_metrics
from checks.catalogue import is_url, load_catalogue
from checks.reports.result import CheckResult, sort_key
from checks.triage.waivers import EXPIRED_RULE, apply_waivers, load_waivers

log = logging.getLogger(__name__)
_SECRET_RE = re.compile(r"header|cookie|token|secret|passw|auth|credential|api[_-]?key", re.I)


def check_rule_ids(rules: dict[str, Rule], configured: Iterable[str], file: str = "") -> None:
    """Raise ``ConfigError`` naming every configured rule id that no rule emits, with close matches."""
    problems = []
    for rule_id in configured:
        if rule_id in rules or rule_id == EXPIRED_RULE or any(r.covers(rule_id) for r in rules.values()):
            continue
        close = difflib.get_close_matches(rule_id, list(rules), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; see the rules page for the ids"
        problems.append(f"{file or '<config>'}: checks.rules.{rule_id}: unknown rule id{hint}")
    if problems:
        raise ConfigError(f"{len(problems)} unknown rule id(s) in checks.rules", problems)


def plan(rules: dict[str, Rule], cfg_rules: dict, has_catalogue: bool) -> tuple[list[tuple[Rule, dict]], list[dict]]:
    """The rules to run with their merged options, and the ones skipped with a reason."""
    todo, skipped = [], []
    for rule in rules.values():
        settings = cfg_rules.get(rule.id)
        if settings is not None and not settings.enabled:
            skipped.append({"rule": rule.id, "reason": "disabled in the configuration"})
        elif rule.needs_catalogue and not has_catalogue:
            skipped.append({"rule": rule.id, "reason": "needs a service catalogue (checks.catalogue)"})
        else:
            todo.append((rule, {**rule.options, **(settings.options if settings else {})}))
    return todo, skipped


def run_rule(rule: Rule, ctx: RuleContext) -> list[Finding]:
    """All findings of one rule (``ctx`` bound to it); raises ``TypeError`` when it yields something else."""
    findings = list(rule(ctx) or ())
    bad = [f for f in findings if not isinstance(f, Finding)]
    if bad:
        raise TypeError(f"returned {type(bad[0]).__name__} instead of Finding")
    return findings


def adjust(findings: list[Finding], rule: Rule, cfg_rules: dict) -> list[Finding]:
    """Severity overrides (exact id first, then the emitting rule) and sub-ids switched off."""
    out = []
    for finding in findings:
        settings = cfg_rules.get(finding.rule) or cfg_rules.get(rule.id)
        if finding.rule != rule.id and finding.rule in cfg_rules and not cfg_rules[finding.rule].enabled:
            continue
        if settings is not None and settings.severity:
            finding = finding.with_(severity=Severity(settings.severity))
        out.append(finding)
    return out


def run_rules(todo: list[tuple[Rule, dict]], ctx: RuleContext, cfg_rules: dict,
              memo: RuleMemo | None = None) -> tuple[list, list, list]:
    """``(findings, rules_run, failed)``: a rule that raises is logged and skipped. With a
    ``memo``, a rule whose result was kept by a check of the same inputs is not run again."""
    findings, ran, failed = [], [], []
    for rule, options in todo:
        try:
            found = _kept_or_run(memo, rule.id, ctx, lambda bound: run_rule(rule, bound), rule, options)
        except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the audit
            log.warning("rule %s failed and was skipped: %s: %s", rule.id, type(exc).__name__, exc)
            log.debug("rule %s traceback", rule.id, exc_info=True)
            failed.append({"rule": rule.id, "reason": f"failed: {type(exc).__name__}: {exc}"})
            continue
        findings += adjust(found, rule, cfg_rules)
        ran.append(rule.id)
    return findings, ran, failed


def _metrics_text(metrics: dict) -> dict[str, str]:
    return {key: jsonfast.dumps_compact(value) for key, value in metrics.items()}


def _kept_or_run(memo: RuleMemo | None, name: str, ctx: RuleContext, compute, rule: Rule | None = None,
                 options: dict | None = None):
    """``compute(bound context)`` for ``name`` (a rule id), or the result a check of the same
    inputs kept (``checks.pipeline.memo``), with the metrics it wrote put back."""
    if rule is not None and not memo_covers(rule.func):
        memo = None  # a rule from outside the project's packages: its code is not in the version
    kept = memo.get(name) if memo is not None else None
    if kept is not None:
        ctx.metrics.update(kept.metrics)
        return list(kept.findings)
    bound = ctx.for_rule(rule, options) if rule is not None else replace(ctx, reads=set())
    before = _metrics_text(ctx.metrics) if memo is not None else {}
    result = compute(bound)
    if memo is not None:
        after = _metrics_text(ctx.metrics)
        if set(before) <= set(after):  # a rule that removed a metric is simply run again next time
            written = {key: ctx.metrics[key] for key, text in after.items() if before.get(key) != text}
            memo.put(name, result, written, read_today="today" in bound.reads)
    return result


def withhold_absences(findings: list[Finding], unfinished: bool,
                      rules: Iterable[Rule]) -> tuple[list[Finding], list[dict]]:
    """``(kept, notices)``: without a finished crawl, site-wide absence findings are not facts.

    Rules registered with ``absence=True`` state that the whole site lacks something; on an
    unfinished crawl the page may be among those not reached, so their findings are withheld
    (one line each in ``skipped``)."""
    if not unfinished:
        return findings, []
    absences = [r for r in rules if r.absence]
    held = sorted({f.rule for f in findings if any(r.covers(f.rule) for r in absences)})
    notices = [{"rule": rule_id, "reason": "findings withheld: the crawl did not finish, so the page may exist "
                                          "among those not reached; finish the crawl (--resume) and check again",
                "withheld": True}
               for rule_id in held]
    return [f for f in findings if f.rule not in held], notices


def engine_findings(findings: list[Finding], cfg_rules: dict) -> list[Finding]:
    """Apply ``checks.rules.waivers.expired`` (enabled, severity) to the engine's own findings."""
    settings = cfg_rules.get(EXPIRED_RULE)
    if settings is None:
        return findings
    own = [f for f in findings if f.rule == EXPIRED_RULE]
    rest = [f for f in findings if f.rule != EXPIRED_RULE]
    if not settings.enabled:
        return rest
    return rest + [f.with_(severity=Severity(settings.severity)) if settings.severity else f for f in own]


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """The first finding of each id (a rule reporting the same subject twice counts once)."""
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.id, f)
    return list(seen.values())


def page_metrics(pages: Iterable[Page]) -> dict:
    """``metrics.pages``: crawled (fetched, not stopped by a guard), html, rendered, documents, errors."""
    counts = {"crawled": 0, "html": 0, "rendered": 0, "documents": 0, "errors": 0}
    for page in pages:
        if page.guard:
            continue
        counts["crawled"] += 1
        counts["html"] += page.kind == "html"
        counts["rendered"] += bool(page.rendered)
        counts["documents"] += page.kind == "document"
        counts["errors"] += bool(page.error) or page.status == 0 or page.status >= 400
    return counts


_PageFacts = namedtuple("_PageFacts", "kind guard rendered error status")


def _page_facts(pages: Iterable[tuple]) -> Iterable[_PageFacts]:
    """What ``page_metrics`` reads of every page, from the plain fields pages.csv shows
    (``PAGE_FIELDS``: read once for both, without reading the pages whole)."""
    pick = itemgetter(*(PAGE_FIELDS.index(name) for name in _PageFacts._fields))
    return (_PageFacts._make(pick(row)) for row in pages)


INLINKS = "pages:inlinks"
"""The name the pages' inlink counts (``StoreReader.inlinks``, for pages.csv) are kept under
beside the rules' results (``RuleMemo.value``)."""

CATALOGUE_METRICS = "metrics:catalogue"
"""The name ``metrics.catalogue`` is kept under beside the rules' results (not a rule id)."""


def _catalogue_metrics(memo: RuleMemo, ctx: RuleContext) -> dict:
    """``metrics.catalogue`` (``catalogue_metrics``), kept with the rules' results."""
    def compute(bound: RuleContext) -> list:
        bound.metrics["catalogue"] = catalogue_metrics(bound)
        return []

    ctx.metrics.pop("catalogue", None)
    _kept_or_run(memo, CATALOGUE_METRICS, ctx, compute)
    return ctx.metrics.pop("catalogue")


def _scrub(value):
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if not _SECRET_RE.search(str(k))}
    return [_scrub(v) for v in value] if isinstance(value, list) else value


def run_info(store: StoreReader) -> dict:
    """The store's run row with secrets (headers, cookies, tokens) removed from the settings."""
    run = store.run()
    run["settings"] = _scrub(run.get("settings") or {})
    run["unfinished"] = run.get("status") != "complete"  # a killed or failed crawl: pages are missing
    return run


def _today(checks_cfg) -> date:
    return date.fromisoformat(checks_cfg.today) if checks_cfg.today else date.today()


def _catalogue(checks_cfg):
    if not checks_cfg.catalogue:
        return None
    return load_catalogue(checks_cfg.catalogue, checks_cfg.catalogue_format, checks_cfg.mapping,
                          strict=bool(getattr(checks_cfg, "strict_catalogue", False)))


def validate_inputs(cfg) -> None:
    """Read the rule settings, catalogue file and waivers now, raising their ``InputError``.

    ``lo-audit run`` calls this before crawling, so a mistake in a hand-edited file
    is reported in seconds rather than after a crawl. A catalogue given as an API URL
    is fetched only by the checks themselves.
    """
    check_rule_ids(all_rules(), cfg.checks.rules, cfg.path)
    if cfg.checks.catalogue and not is_url(cfg.checks.catalogue):
        _catalogue(cfg.checks)
    if cfg.checks.waivers:
        load_waivers(cfg.checks.waivers)


def run_checks(cfg) -> CheckResult:
    """Run the enabled rules on the crawl in ``cfg.crawl.db`` (see the module docstring)."""
    checks_cfg = cfg.checks
    rules = all_rules()
    check_rule_ids(rules, checks_cfg.rules, cfg.path)
    store = StoreReader(cfg.crawl.db)
    try:
        catalogue = _catalogue(checks_cfg)
        waivers = load_waivers(checks_cfg.waivers) if checks_cfg.waivers else ()
        today = _today(checks_cfg)
        todo, skipped = plan(rules, checks_cfg.rules, catalogue is not None)
        log.info("rules enabled (%d): %s", len(todo), ", ".join(r.id for r, _ in todo))
        ctx = RuleContext(store=store, catalogue=catalogue, config=checks_cfg, today=today)
        inputs = "" if memo_mod.disabled() else inputs_digest(store, checks_cfg, catalogue)
        memo = RuleMemo(store, inputs, today.isoformat())
        ctx.shared[memo_mod.SHARED] = memo
        findings, ran, failed = run_rules(todo, ctx, checks_cfg.rules, memo)
        findings, withheld = withhold_absences(findings, ctx.unfinished, rules.values())
        pages = tuple(store.page_fields(PAGE_FIELDS))
        metrics = {**ctx.metrics, "pages": page_metrics(_page_facts(pages))}
        if catalogue is not None:
            metrics["catalogue"] = _catalogue_metrics(memo, ctx)
        # for pages.csv: kept with the rule results, since a GROUP BY over every link of the
        # crawl costs about half a second at 10,000 pages and gives the same counts for the same run
        inlinks = memo.value(INLINKS, store.inlinks)
        save_all(ctx.shared)  # per-page values kept for the next check (checks.index.pagecache)
        memo.save()
        if reused := [r.id for r, _ in todo if r.id in memo.reused]:
            log.info("%d of %d rules unchanged since the last check of the same crawl and settings: "
                     "their findings were reused", len(reused), len(todo))
        run = {**run_info(store), "site_name": cfg.site.name, "council": cfg.site.council, "site_url": cfg.site.url}
    finally:
        store.close()
    records = service_records(metrics)
    findings = assign_owners(unique(findings), catalogue, checks_cfg, records)
    active, waived = apply_waivers(findings, waivers, today)
    active = engine_findings(active, checks_cfg.rules)
    active = assign_owners(active, catalogue, checks_cfg, records)
    previous = history.read_previous(cfg.reports.out)
    active, waived, fixed = history.mark(active, waived, previous)
    metrics["compared_with"] = history.compared_with(previous)
    return CheckResult(
        findings=tuple(sorted(active, key=sort_key)), waived=tuple(sorted(waived, key=sort_key)),
        fixed=tuple(sorted(fixed, key=sort_key)), metrics=metrics, run=run, today=today.isoformat(),
        rules_run=tuple(ran), skipped=tuple(skipped + failed + withheld),
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), page_inlinks=inlinks,
        page_fields=pages,
    )
