"""Synthetic but realistic reports folders (findings.json with metrics, run and history)."""

from __future__ import annotations

import json
from pathlib import Path



from checks.reports.files import findings_from_dict
from checks.reports.finding import finding_id
from checks.reports.result import CheckResult

TOPICS = [
    ("provision.in-area", "Special educational provision in the area"),
    ("eligibility", "How to get help and who is eligible"),
    ("transport", "Travel and transport"),
    ("preparing-for-adulthood", "Preparing for adulthood"),
    ("complaints", "Complaints and disagreement resolution"),
]

HOSTILE_TITLE = "Short breaks | <script>alert('x')</script> `code` [link](javascript:alert(1))"


def finding(rule: str, subject: str, severity: str, message: str, url: str = "", status: str = "new",
            waived: str = "", **extra) -> dict:
    return {
        "id": finding_id(rule, subject), "rule": rule, "family": rule.split(".")[0], "severity": severity,
        "url": url, "message": message, "expected": extra.get("expected", ""), "found": extra.get("found", ""),
        "fix": extra.get("fix", "Fix it."), "evidence": extra.get("evidence", {}), "service_id": extra.get("service_id", ""),
        "owner": "Local Offer team", "owner_email": "", "status": status, "waived": waived, "subject": subject,
    }


def findings_doc(name: str = "Exampleshire SEND Local Offer", council: str = "Exampleshire County Council",
                 n_extra: int = 0, score: float = 80.0, site_url: str = "https://audit.exampleshire.example/") -> dict:
    base = "https://localoffer.exampleshire.example"
    found = [
        finding("links.broken", f"{base}/a -> {base}/gone", "error", "Link to a page that does not exist (404).",
                f"{base}/a", evidence={"target": f"{base}/gone", "status": 404}),
        finding("service.missing", "svc-42", "error", "Catalogue service 'Portage' has no page.", service_id="svc-42"),
        finding("content.stale", f"{base}/b", "warning", f"Page '{HOSTILE_TITLE}' was last updated 30 months ago.",
                f"{base}/b|<x>", status="persisting"),
        finding("plain-language.reading-age", f"{base}/c", "notice", "Reading age 16 is above 12.", f"{base}/c"),
        finding("links.redirect", f"{base}/d -> http://old", "warning", "Redirects twice.", f"{base}/d", waived="accepted"),
        finding("statutory.topic-missing", "transport", "error", "No page covers travel and transport."),
    ]
    for i in range(n_extra):
        found.append(finding("links.broken", f"{base}/p{i} -> {base}/x{i}", "error",
                             f"Broken link number {i} " + "x" * 200, f"{base}/p{i}"))
    topics = [{"id": tid, "title": title, "covered": tid != "transport",
               "pages": [] if tid == "transport" else [{"url": f"{base}/{tid}", "title": title}]}
              for tid, title in TOPICS]
    covered = sum(t["covered"] for t in topics)
    return {
        "findings": [f for f in found if not f["waived"]],
        "waived": [f for f in found if f["waived"]],
        "fixed": [finding("links.broken", f"{base}/old -> {base}/older", "error", "Was broken.", f"{base}/old", status="fixed")],
        "metrics": {
            "statutory": {"score": score, "covered": covered, "total": len(topics), "topics": topics},
            "inspection": {"criteria": []},
            "pages": {"crawled": 412, "html": 380, "rendered": 40, "documents": 32, "errors": 3},
            "services": [{"id": "svc-42", "name": "Portage", "owner": "Early years", "status": "missing", "url": "", "score": 0}],
        },
        "run": {"site_name": name, "council": council, "site_url": site_url,
                "started_at": "2026-11-16T05:17:00+00:00", "finished_at": "2026-11-16T05:49:00+00:00"},
        "generated_at": "2026-11-16T05:49:00+00:00",
    }


def history_entry(date: str, coverage: float | None, errors: int = 0) -> dict:
    """One history.json entry as ``checks.reports.folder`` writes it."""
    return {"date": date, "generated_at": f"{date}T05:49:00+00:00",
            "counts": {"error": errors, "warning": 1, "notice": 1}, "families": {"links": errors},
            "new": 1, "fixed": 0, "persisting": errors + 1, "waived": 0, "coverage": coverage, "pages": 412}


def as_report(doc: dict) -> CheckResult:
    """A ``findings_doc`` as the reports package reads it (typed, checked against the schema)."""
    return findings_from_dict(doc, "test findings.json")


def write_reports(folder: Path, doc: dict, history: list | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
    if history is not None:
        (folder / "history.json").write_text(json.dumps(history), encoding="utf-8")
    return folder


def sample_reports(tmp_path: Path) -> Path:
    history = [history_entry("2026-11-09", 70, errors=4), history_entry("2026-11-16", 80, errors=3)]
    return write_reports(tmp_path / "reports", findings_doc(), history)
