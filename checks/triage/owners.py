"""Who fixes each finding: the service's owner, else a URL pattern's owner, else the default."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from checks.catalogue.model import Catalogue, Service
from checks.reports.finding import Finding


def owner_of(finding: Finding, services: dict[str, Service], checks_cfg) -> tuple[str, str]:
    """``(owner, email)`` for one finding.

    1. a finding about a catalogue service: that service's owner (if it names one);
    2. the first ``checks.owners`` URL glob matching the finding's page URL;
    3. ``checks.default_owner``.
    """
    service = services.get(finding.service_id) if finding.service_id else None
    if service and service.owner:
        return service.owner, service.owner_email
    if finding.url:
        for rule in checks_cfg.owners:
            if fnmatchcase(finding.url, rule.pattern):
                return rule.owner, rule.email
    return checks_cfg.default_owner, checks_cfg.default_owner_email


def _norm(url: str) -> str:
    return url.split("#", 1)[0].rstrip("/")


def service_records(metrics: dict) -> dict[str, str]:
    """Record page URL -> catalogue service id, for every service found on the site
    (``metrics.services``, written by the service rules)."""
    records = {}
    for s in metrics.get("services") or []:
        if isinstance(s, dict) and s.get("url") and s.get("id") and s.get("status") != "missing":
            records.setdefault(_norm(str(s["url"])), str(s["id"]))
    return records


def assign_owners(findings: Iterable[Finding], catalogue: Catalogue | None, checks_cfg,
                  records: dict[str, str] | None = None) -> list[Finding]:
    """The findings with ``owner`` and ``owner_email`` filled (a rule's own owner is kept).

    A finding about a catalogued service's record page (a stale record, a broken link on
    it) without a service of its own gets that service (``records``: page URL -> id), so
    it goes to the service's owner and counts on the Services page.
    """
    services = catalogue.by_id() if catalogue else {}
    records = records or {}
    out = []
    for finding in findings:
        if not finding.service_id and finding.url and records and _norm(finding.url) in records:
            finding = finding.with_(service_id=records[_norm(finding.url)])
        if finding.owner:
            out.append(finding)
            continue
        owner, email = owner_of(finding, services, checks_cfg)
        out.append(finding.with_owner(owner, email))
    return out
