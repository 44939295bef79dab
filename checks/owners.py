"""Who fixes each finding: the service's owner, else a URL pattern's owner, else the default."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from .catalogue.model import Catalogue, Service
from .model import Finding


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


def assign_owners(findings: Iterable[Finding], catalogue: Catalogue | None, checks_cfg) -> list[Finding]:
    """The findings with ``owner`` and ``owner_email`` filled (a rule's own owner is kept)."""
    services = catalogue.by_id() if catalogue else {}
    out = []
    for finding in findings:
        if finding.owner:
            out.append(finding)
            continue
        owner, email = owner_of(finding, services, checks_cfg)
        out.append(finding.with_(owner=owner, owner_email=email))
    return out
