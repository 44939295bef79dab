"""The outcome of one check run, ready for the reports and the site."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from checks.reports.finding import Finding, Severity


def sort_key(finding: Finding) -> tuple:
    """Most severe first, then by rule, page and subject."""
    return (-finding.severity.rank, finding.rule, finding.url, finding.subject)


@dataclass(frozen=True)
class CheckResult:
    """What ``checks.pipeline.engine.run_checks`` found.

    findings: active (unwaived) findings, most severe first.
    waived: findings a valid waiver covers (``Finding.waived`` holds the reason).
    fixed: findings of the previous run no longer found (status ``fixed``).
    metrics: what rules put in ``ctx.metrics`` plus ``pages`` (see CONTRACT.md).
    run: the crawl run the checks read (store ``runs`` row, settings secrets removed).
    today: the ISO date the checks treated as today.
    rules_run: ids of the rules that ran to the end.
    skipped: ``{"rule", "reason"}`` for each rule that was not run or failed.
    generated_at: when the checks ran (ISO timestamp, UTC).
    page_inlinks: for pages.csv, how many pages link to each URL of the crawl (as
        ``StoreReader.inlinks`` counts them), when the checks already had it; not part of
        findings.json (None: the reports ask the store).
    page_fields: for pages.csv, ``StoreReader.page_fields(folder.PAGE_FIELDS)`` of the crawl
        the checks read, when they read it; not part of findings.json either.
    """

    findings: tuple[Finding, ...]
    waived: tuple[Finding, ...] = ()
    fixed: tuple[Finding, ...] = ()
    metrics: dict = field(default_factory=dict, hash=False, compare=False)
    run: dict = field(default_factory=dict, hash=False, compare=False)
    today: str = ""
    rules_run: tuple[str, ...] = ()
    skipped: tuple[dict, ...] = field(default=(), hash=False, compare=False)
    generated_at: str = ""
    page_inlinks: dict[str, int] | None = field(default=None, hash=False, compare=False, repr=False)
    page_fields: tuple[tuple, ...] | None = field(default=None, hash=False, compare=False, repr=False)

    def counts(self) -> dict[str, int]:
        """Active findings per severity (every severity present, 0 when none)."""
        got = Counter(f.severity.value for f in self.findings)
        return {s.value: got.get(s.value, 0) for s in Severity}

    def by_family(self) -> dict[str, int]:
        """Active findings per rule family."""
        return dict(sorted(Counter(f.family for f in self.findings).items()))

    def new_count(self) -> int:
        return sum(1 for f in self.findings if f.status == "new")

    def headline(self) -> str:
        """One line: counts by severity, new, fixed, waived, pages and rules."""
        c = self.counts()
        pages = (self.metrics.get("pages") or {}).get("crawled", 0)
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        return (f"{len(self.findings)} findings ({c['error']} errors, {c['warning']} warnings, {c['notice']} notices): "
                f"{self.new_count()} new, {len(self.fixed)} fixed, {len(self.waived)} waived; "
                f"{pages} pages, {len(self.rules_run)} rules run{skipped}")

    def to_dict(self) -> dict:
        """The findings.json document (CONTRACT.md)."""
        return {
            "findings": [f.to_dict() for f in self.findings],
            "waived": [f.to_dict() for f in self.waived],
            "fixed": [f.to_dict() for f in self.fixed],
            "metrics": self.metrics,
            "run": self.run,
            "generated_at": self.generated_at,
            "today": self.today,
            "rules_run": list(self.rules_run),
            "skipped": list(self.skipped),
        }
