"""The finding model: what every rule returns and every report shows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache


class Severity(str, Enum):
    """How much a finding matters. Ordered: error > warning > notice."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        """3 for an error, 2 for a warning, 1 for a notice: the one severity order."""
        return _RANK[self.value]

    @classmethod
    def rank_of(cls, value: object) -> int:
        """The rank of a severity given as text (``"error"``), 0 for anything else."""
        return _RANK.get(str(getattr(value, "value", value)), 0)


_RANK = {"error": 3, "warning": 2, "notice": 1}


def gate(findings, fail_on: str, new_only: bool = False) -> list:
    """The active findings that fail a run at ``fail_on`` (``never``: none); with ``new_only``
    only those first seen in this run count. The one ``--fail-on`` gate: ``lo-audit check``'s
    exit status and the workflow's end-of-run gate both use it."""
    if fail_on == "never":
        return []
    floor = Severity(fail_on).rank
    return [f for f in findings if f.severity.rank >= floor and not f.waived and (not new_only or f.status == "new")]


@lru_cache(maxsize=1 << 16)
def finding_id(rule: str, subject: str) -> str:
    """A stable id from the rule and its subject: the same in every run.

    Remembered for the last 65,536 pairs: a check asks for the id of each finding several
    times (comparing with the previous run, then in findings.json, the CSV and the workbook).
    A subject holding half of a character pair on its own gets an id too (``surrogatepass``:
    any other text gives the same bytes, so the same ids, as plain UTF-8)."""
    digest = hashlib.sha1(f"{rule}\x00{subject}".encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{rule}:{digest}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a person must look at.

    rule: dotted rule id (``links.broken``).
    subject: what the finding is about, unique within the rule (for link findings
        ``"<page url> -> <target>"``, for services the catalogue id, for topics the
        topic id, otherwise the page URL). The stable ``id`` is derived from it.
    url: the page the finding is about ("" when there is no page, e.g. a missing service).
    message: one plain sentence: what is wrong.
    expected / found: what should be there and what is there (plain text, may be "").
    fix: how to fix it, in one or two sentences.
    evidence: machine-readable details (``target``, ``status``, ``last_updated``...).
    service_id: the catalogue id of the service concerned, or "".
    owner: who can fix it (filled by ``checks.triage.owners``).
    status: ``new``, ``persisting`` (filled by ``checks.triage.history``); ``fixed`` only in
        the list of fixed findings.
    waived: the waiver's reason when a valid waiver covers it, else "".
    """

    rule: str
    subject: str
    severity: Severity
    message: str
    url: str = ""
    expected: str = ""
    found: str = ""
    fix: str = ""
    evidence: dict = field(default_factory=dict, hash=False, compare=False)
    service_id: str = ""
    owner: str = ""
    owner_email: str = ""
    status: str = "new"
    waived: str = ""

    @property
    def id(self) -> str:
        return finding_id(self.rule, self.subject)

    @property
    def family(self) -> str:
        return self.rule.split(".", 1)[0]

    def with_(self, **changes) -> "Finding":
        return replace(self, **changes)

    def with_status(self, status: str) -> "Finding":
        """``with_(status=status)``, and the finding itself when it already has that status:
        the comparison with the previous run sets it on every finding, and ``replace``
        costs twice this direct copy."""
        if self.status == status:
            return self
        return Finding(self.rule, self.subject, self.severity, self.message, self.url, self.expected, self.found,
                       self.fix, self.evidence, self.service_id, self.owner, self.owner_email, status, self.waived)

    def with_owner(self, owner: str, owner_email: str) -> "Finding":
        """``with_(owner=owner, owner_email=owner_email)`` as a direct copy (see ``with_status``):
        every finding of a check gets its owner."""
        return Finding(self.rule, self.subject, self.severity, self.message, self.url, self.expected, self.found,
                       self.fix, self.evidence, self.service_id, owner, owner_email, self.status, self.waived)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "rule": self.rule,
            "family": self.family,
            "severity": self.severity.value,
            "url": self.url,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "fix": self.fix,
            "evidence": self.evidence,
            "service_id": self.service_id,
            "owner": self.owner,
            "owner_email": self.owner_email,
            "status": self.status,
            "waived": self.waived,
            "subject": self.subject,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Finding":
        # positional, the severity looked up rather than made: a check reusing its rules'
        # results makes some 20,000 findings this way
        get, severity = d.get, d["severity"]
        known = _SEVERITIES.get(severity) if type(severity) is str else None
        return cls(d["rule"], get("subject", get("url", "")), known or Severity(severity),
                   get("message", ""), get("url", ""), get("expected", ""), get("found", ""), get("fix", ""),
                   dict(get("evidence") or {}), get("service_id", ""), get("owner", ""), get("owner_email", ""),
                   get("status", "new"), get("waived", ""))


_SEVERITIES = {s.value: s for s in Severity}
