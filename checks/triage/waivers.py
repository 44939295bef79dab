"""Waivers: findings the council has accepted, each with a reason, a person and an expiry.

The file (``checks.waivers``) is YAML::

    waivers:
      - rule: links.redirect          # rule id; * and ? wildcards
        url: https://lo.example.gov.uk/old/*   # page URL glob (or service: <id glob>)
        reason: The redirect is permanent and intended
        who: Jo Bloggs
        expires: 2026-12-31

A waived finding is kept apart with ``Finding.waived`` = the reason. The URL glob is matched
against every page of a finding grouped over several pages (``evidence.pages``), not only
the first. A waiver past its
expiry date waives nothing and adds a ``waivers.expired`` warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase

from checks.errors import WaiverError
from common.yamlio import read_yaml, where

from checks.catalogue.fields import real_date_problem
from checks.reports.finding import Finding, Severity
from checks.schemas import format_problems, load_schema, schema_errors

EXPIRED_RULE = "waivers.expired"


@dataclass(frozen=True)
class Waiver:
    """One accepted finding pattern. ``source`` is ``file:line``."""

    index: int
    rule: str
    reason: str
    who: str
    expires: str
    url: str = ""
    service: str = ""
    source: str = ""

    def matches(self, finding: Finding) -> bool:
        """Rule glob matches, and the URL glob (or service glob) matches when given. A finding
        grouped over several pages (a broken link in a shared footer: ``evidence.pages``)
        matches when the URL glob matches any of its pages."""
        if not fnmatchcase(finding.rule, self.rule):
            return False
        if self.url and not any(fnmatchcase(url, self.url) for url in finding_pages(finding)):
            return False
        return not self.service or (bool(finding.service_id) and fnmatchcase(finding.service_id, self.service))

    def expired(self, today: date) -> bool:
        """True after the expiry date (the waiver still holds on that day)."""
        return date.fromisoformat(self.expires) < today

    def to_dict(self) -> dict:
        return {"rule": self.rule, "url": self.url, "service": self.service, "reason": self.reason,
                "who": self.who, "expires": self.expires, "source": self.source}


def finding_pages(finding: Finding) -> list[str]:
    """The pages a finding is on: its URL, and for a finding grouped over several pages
    (``evidence.pages`` with ``evidence.page_count``) every one of them."""
    evidence = finding.evidence if isinstance(finding.evidence, dict) else {}
    grouped = evidence.get("pages") if "page_count" in evidence else None
    extra = [p for p in grouped if isinstance(p, str) and p != finding.url] if isinstance(grouped, list) else []
    return [finding.url, *extra]


def _semantic(items: list) -> list[tuple[tuple, str]]:
    found = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if not item.get("url") and item.get("service") in (None, ""):
            found.append((("waivers", i), "give the url (a page URL glob) or the service (a service id glob) it covers"))
        if isinstance(item.get("expires"), str) and (message := real_date_problem(item["expires"])):
            found.append((("waivers", i, "expires"), message))
    return found


def load_waivers(path: str) -> tuple[Waiver, ...]:
    """Read and validate a waivers file; raise ``WaiverError`` listing every problem."""
    data, lines = read_yaml(path, WaiverError, "waivers file")
    found = schema_errors(data, load_schema("waivers"))
    items = data.get("waivers") if isinstance(data, dict) else None
    if isinstance(items, list):
        found += _semantic(items)
    problems = format_problems(found, lambda p: where(path, lines, p) if p else f"{path}:1")
    if problems:
        raise WaiverError(f"{path}: {len(problems)} problem(s) in the waivers", problems)
    return tuple(
        Waiver(index=i, rule=w["rule"], reason=w["reason"].strip(), who=w["who"], expires=w["expires"],
               url=w.get("url", ""), service=str(w.get("service", "")), source=where(path, lines, ("waivers", i)))
        for i, w in enumerate(items))


def _expired_finding(waiver: Waiver, matched: list[Finding]) -> Finding:
    url = waiver.url if waiver.url and not any(c in waiver.url for c in "*?[") else (matched[0].url if matched else "")
    return Finding(
        rule=EXPIRED_RULE, subject=f"waiver {waiver.index}", severity=Severity.WARNING, url=url,
        message=f"A waiver of {waiver.rule} expired on {waiver.expires}, so its findings count again.",
        expected="a waiver that expires after today, or none", found=f"expired {waiver.expires}",
        fix="Fix the findings, or renew the waiver with a new expiry date and a reason; remove waivers no longer needed.",
        evidence={"waiver": waiver.to_dict(), "matched": len(matched)},
    )


def apply_waivers(findings: Iterable[Finding], waivers: Iterable[Waiver], today: date) -> tuple[list[Finding], list[Finding]]:
    """``(active, waived)``; every expired waiver adds a ``waivers.expired`` finding to active."""
    waivers = list(waivers)
    live = [w for w in waivers if not w.expired(today)]
    active, waived = [], []
    for finding in findings:
        waiver = next((w for w in live if w.matches(finding)), None)
        if waiver:
            waived.append(finding.with_(waived=waiver.reason))
        else:
            active.append(finding)
    for waiver in waivers:
        if waiver.expired(today):
            active.append(_expired_finding(waiver, [f for f in active if waiver.matches(f)]))
    return active, waived
