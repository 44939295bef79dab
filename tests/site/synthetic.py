"""A realistic synthetic reports folder (the shapes of checks/CONTRACT.md) with hostile text.

``make_reports(folder, pages=40)`` writes findings.json, findings.csv, pages.csv,
history.json, summary.md and owners/<slug>.csv/.xlsx. Titles, link text, messages,
URLs and axe snippets carry script tags, javascript: links and event handlers, so that
the site tests can prove none of it comes out as live markup.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from checks.reports.files import HistoryPoint, write_history

HOSTILE = ("<script>alert(1)</script>", "[x](javascript:alert(1))", "<img src=x onerror=alert(2)>",
           "{: onclick=alert(3) }", "| pipe | in | cells |", "!!! danger \"boom\"")
TOPICS = ("provision.in-area", "provision.out-of-area", "provision.mainstream", "provision.special",
          "provision.secured", "funding", "provider.information", "assessment", "health", "social-care",
          "personal-budgets", "other-education", "training", "travel", "transitions",
          "preparing-for-adulthood", "higher-education", "advice-and-support", "childcare", "leisure",
          "complaints", "accessibility-strategy")
CRITERIA = ("impact.identification", "impact.participation", "impact.right-help", "impact.next-steps",
            "impact.inclusion", "leaders.ambition", "leaders.engagement", "leaders.understanding",
            "leaders.commissioning", "leaders.evaluation", "leaders.multi-agency")
RULES = (("links.broken", "error"), ("links.redirect", "warning"), ("content.stale", "warning"),
         ("content.no-date", "notice"), ("contact.phone", "error"), ("a11y.image-alt", "error"),
         ("plain-language.acronym", "notice"), ("service.missing", "error"))
BASE = "https://localoffer.example.gov.uk"


def _id(rule: str, subject: str) -> str:
    digest = hashlib.sha1((rule + "\x00" + subject).encode()).hexdigest()[:12]
    return f"{rule}:{digest}"


def _finding(i: int, rule: str, sev: str, url: str, owner: str, status: str = "persisting") -> dict:
    hostile = HOSTILE[i % len(HOSTILE)]
    subject = f"{url} -> {BASE}/gone/{i}"
    evidence = {"target": f"{BASE}/gone/{i}", "status": 404}
    if rule.startswith("a11y."):
        evidence = {"axe_rule": "image-alt", "impact": "critical", "pages": [url], "page_count": 1,
                    "template": "/page/*", "examples": [{"url": url, "html": f'<img src="x" onerror="alert({i})">'}],
                    "help_url": "https://dequeuniversity.com/rules/axe/4.12/image-alt"}
    return {
        "id": _id(rule, subject), "rule": rule, "family": rule.split(".", 1)[0], "severity": sev, "url": url,
        "message": f"Problem {i} on the page: {hostile}", "expected": f"0117 370 {i:04d}",
        "found": f"{hostile} 0117 999 {i:04d}", "fix": f"Change the link text {HOSTILE[1]} to a working page.",
        "evidence": evidence, "service_id": f"svc-{i % 12}" if rule.startswith(("contact", "service")) else "",
        "owner": owner, "owner_email": f"team{owner[-1:]}@example.gov.uk", "status": status, "waived": "",
        "subject": subject,
    }


def owner_names(n: int) -> list[str]:
    names = ["Local Offer team", "Health <b>team</b> & therapies", "Short breaks | respite"]
    return (names + [f"Service team {i}" for i in range(n)])[:n]


def make_reports(folder: Path, pages: int = 40, owners: int = 5, per_page: int = 3, runs: int = 4,
                 catalogue: bool = True) -> Path:
    """Write a reports folder for a crawl of ``pages`` pages; return ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    names = owner_names(owners)
    urls = [f"{BASE}/send/page-{i}" for i in range(pages)]
    urls[1] = "javascript:alert(1)"  # a URL that must never become a link
    findings = []
    for i in range(pages * per_page):
        rule, sev = RULES[i % len(RULES)]
        findings.append(_finding(i, rule, sev, urls[i % pages], names[i % owners], "new" if i % 7 == 0 else "persisting"))
    waived = [dict(_finding(9000, "content.stale", "warning", urls[2], names[0]), waived=f"Archive page {HOSTILE[0]}")]
    fixed = [dict(_finding(9001, "links.broken", "error", urls[3], names[-1]), status="fixed")]
    metrics = {
        "statutory": {"score": 68, "covered": 15, "total": 22, "topics": [
            {"id": t, "title": f"Topic {t} {HOSTILE[i % 3]}", "covered": i % 3 != 0,
             "pages": [{"url": urls[i % pages], "title": f"Evidence {HOSTILE[0]}"}] if i % 3 else []}
            for i, t in enumerate(TOPICS)]},
        "inspection": {"criteria": [
            {"id": c, "title": f"Criterion {c}", "group": c.split(".")[0],
             "pages": [{"url": urls[(i + 4) % pages], "title": HOSTILE[2]}] if i % 4 else []}
            for i, c in enumerate(CRITERIA)]},
        "pages": {"crawled": pages, "html": pages - 2, "rendered": 3, "documents": 2, "errors": 1},
    }
    if catalogue:
        metrics["services"] = [{"id": f"svc-{i}", "name": f"Service {i} {HOSTILE[i % len(HOSTILE)]}",
                                "owner": names[i % owners], "status": ("found", "missing", "closed-listed")[i % 3],
                                "url": urls[i % pages] if i % 3 != 1 else "", "score": 90 - i} for i in range(12)]
    run = {"start_urls": [BASE + "/send/"], "started_at": "2026-11-21T09:00:00Z", "finished_at": "2026-11-21T09:20:00Z"}
    data = {"findings": findings, "waived": waived, "fixed": fixed, "metrics": metrics, "run": run,
            "generated_at": "2026-11-21T09:21:00Z"}
    (folder / "findings.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    _csv(folder / "findings.csv", findings)
    _csv(folder / "pages.csv", [{"url": u, "title": f"Page {i} {HOSTILE[i % len(HOSTILE)]}", "status": 200,
                                 "content_type": "text/html", "depth": i % 4, "last_updated": "2026-01-02",
                                 "inlinks": i % 5}
                                for i, u in enumerate(urls)])
    history = [HistoryPoint(date=f"2026-{m + 1:02d}-01", counts={"error": 30 - m, "warning": 20, "notice": 10 + m})
               for m in range(runs - 1)]
    history.append(HistoryPoint(date="2026-11-21", counts={s: sum(f["severity"] == s for f in findings)
                                                           for s in ("error", "warning", "notice")}))
    write_history(history, folder)
    (folder / "summary.md").write_text("# Summary\n", encoding="utf-8")
    _owner_files(folder / "owners", names, findings)
    return folder


def _csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in r.items()} for r in rows)


def _owner_files(folder: Path, names: list[str], findings: list[dict]) -> None:
    from openpyxl import Workbook

    from common.markdown import slug

    folder.mkdir(exist_ok=True)
    for name in names:
        mine = [f for f in findings if f["owner"] == name] or [{"id": "", "message": ""}]
        _csv(folder / f"{slug(name)}.csv", mine)
        book = Workbook()
        book.active.append(["id", "message"])
        for f in mine:
            book.active.append([f["id"], f["message"]])
        book.save(folder / f"{slug(name)}.xlsx")
