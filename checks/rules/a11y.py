"""a11y.*: axe-core (WCAG 2.2 AA) violations, one finding per rule and page template."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from crawler.model import AxeViolation

from checks.pipeline.context import RuleContext
from checks.reports.finding import Finding, Severity
from checks.pipeline.registry import rule
from checks.rules._common import clip

IMPACT_SEVERITY = {"critical": Severity.ERROR, "serious": Severity.ERROR, "moderate": Severity.WARNING,
                   "minor": Severity.NOTICE}
_IMPACT_ORDER = ("minor", "moderate", "serious", "critical")


def _worst(impacts: Iterable[str]) -> str:
    known = [i for i in impacts if i in _IMPACT_ORDER]
    return max(known, key=_IMPACT_ORDER.index) if known else "moderate"


def _template(v: AxeViolation, templates: dict[str, str]) -> str:
    return v.template or templates.get(v.url) or v.url


@rule("a11y.axe", "warning", prefix=True, max_examples=3)
def axe(ctx: RuleContext) -> Iterable[Finding]:
    """Accessibility problems found by axe-core

    Runs the axe-core checks for WCAG 2.2 level AA (during the crawl, on a sample of
    rendered pages per page template) and reports each failed axe rule as ``a11y.<axe rule
    id>``, for example ``a11y.image-alt`` or ``a11y.color-contrast``. The same problem on
    many pages built from one template is one finding, listing every affected page
    (``evidence.pages``) and a few examples of the failing HTML. Severity follows axe's
    impact: critical and serious are errors, moderate a warning, minor a notice.

    **Why it matters.** Many families using the Local Offer are disabled or have disabled
    children; screen reader users, keyboard users and people with low vision must be able
    to use it. The 2018 accessibility regulations require WCAG AA. Automated checks find
    only part of the problems: test with people too.

    **How to fix.** Follow the "learn more" link (``evidence.help_url``); fixing the template
    usually fixes every listed page at once.

    **Options.** ``max_examples`` (default 3): failing HTML examples kept per finding.
    """
    templates = {p.url: p.template for p in ctx.site.pages if p.template}
    groups: dict[tuple[str, str], list[AxeViolation]] = defaultdict(list)
    for v in ctx.store.axe_violations():
        groups[(v.rule, _template(v, templates))].append(v)
    limit = ctx.option("max_examples")
    for (axe_rule, template), items in sorted(groups.items()):
        yield _finding(ctx, axe_rule, template, sorted(items, key=lambda v: v.url), limit)


def _finding(ctx: RuleContext, axe_rule: str, template: str, items: list[AxeViolation], limit: int) -> Finding:
    pages = sorted({v.url for v in items})
    impact, first = _worst(v.impact for v in items), items[0]
    examples = [{"url": v.url, "target": v.example_target, "html": clip(v.example_html, 300), "nodes": v.nodes}
                for v in items[:limit]]
    where = f"{len(pages)} pages" if len(pages) > 1 else "this page"
    return ctx.finding(
        f"{axe_rule} {template}", f"Accessibility problem on {where}: {first.help.rstrip('.')}.",
        rule_id=f"{ctx.rule.family}.{axe_rule}", severity=IMPACT_SEVERITY.get(impact, Severity.WARNING),
        url=pages[0],
        expected=f"no '{axe_rule}' failures (WCAG 2.2 AA)",
        found=f"{sum(v.nodes for v in items)} element(s) on {len(pages)} page(s)",
        fix=f"Fix the page template; see {first.help_url}" if first.help_url else "Fix the page template.",
        evidence={"axe_rule": axe_rule, "impact": impact, "pages": pages, "page_count": len(pages),
                  "template": template, "examples": examples, "help_url": first.help_url,
                  "help": first.help, "tags": list(first.tags)})
