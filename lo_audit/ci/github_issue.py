"""One GitHub issue per Local Offer that lists the new findings until they are gone.

The audit workflow runs ``python -m lo_audit.ci.github_issue REPORTS_DIR`` in a job that
has ``issues: write``. The issue (found by its exact title among open issues) lists
every finding that was new when it first appeared and is still active: the ids it
tracks are kept in a hidden comment in the body, so a finding stays listed while it
persists and drops off when fixed or waived. When nothing is left the issue is closed
with a comment; the next new finding opens a fresh one.

``build_issue_body`` and ``tracked_findings`` are pure (tested offline); only
``sync_issue`` talks to the REST API (``$GITHUB_API_URL``, ``$GITHUB_REPOSITORY``,
``$GITHUB_TOKEN``) and only runs inside GitHub Actions.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from checks.reports.finding import Finding, Severity
from checks.reports.result import CheckResult
from checks.reports.summary import (
    finding_row, headline, load_findings, md_link, md_text, new_findings, resolve_site_url, run_info, severity_counts,
)
from common.errors import InputError
from common.markdown import is_web_url
from lo_audit.errors import exit_status

DEFAULT_TITLE = "Local Offer audit: new findings"
MAX_BODY = 60_000
"""GitHub rejects issue bodies over 65,536 characters."""
SHOW = 50
"""Findings listed in full in the body."""
TRACK = 1000
"""Finding ids remembered in the body (the rest are counted but not tracked)."""
_IDS = re.compile(r"<!-- lo-audit-ids: ([^>]*) -->")


def issue_title(doc: CheckResult, many: bool = False, base: str = DEFAULT_TITLE, fallback: str = "") -> str:
    """The issue title; with several councils in one repository, the Local Offer's name is added."""
    if not many:
        return base
    info = run_info(doc)
    name = " ".join((info["name"] or info["council"] or fallback).split())[:80]
    return f"{base} ({name})" if name else base


def tracked_ids(body: str | None) -> list[str]:
    """Finding ids an existing issue body is tracking."""
    match = _IDS.search(body or "")
    return match.group(1).split() if match else []


def tracked_findings(doc: CheckResult, previous_body: str | None = None) -> list[Finding]:
    """New findings plus still-active findings the issue already tracked, most severe first."""
    keep = set(tracked_ids(previous_body))
    chosen = {f.id: f for f in doc.findings if f.id in keep}
    for f in new_findings(doc):
        chosen.setdefault(f.id, f)
    return sorted(chosen.values(), key=lambda f: (-f.severity.rank, f.rule, f.id))


def build_issue_body(doc: CheckResult, previous_body: str | None = None, site_url: str = "", run_url: str = "",
                     show: int = SHOW) -> str | None:
    """The issue body, or None when no tracked finding is left (the issue should close)."""
    items = tracked_findings(doc, previous_body)
    if not items:
        return None
    h = headline(doc)
    info = run_info(doc)
    sev = {s.value: sum(1 for f in items if f.severity is s) for s in Severity}
    lines = [
        f"The weekly audit of **{md_text(info['name'] or 'the Local Offer', 120)}** found findings that were not "
        "there before. This issue lists them until they are fixed or waived, and closes itself when none are left.",
        "",
        f"**{len(items)} open** ({severity_counts(sev)}); "
        f"{h['new']} new in the latest run, {h['fixed']} fixed since the previous run.",
        "",
    ]
    if is_web_url(site_url):
        lines += [f"Full report: {md_link(site_url, site_url, 200)}", ""]
    if is_web_url(run_url):
        lines += [f"Workflow run: {md_link(run_url, run_url, 200)}", ""]
    lines += ["| Severity | Rule | Page | What is wrong |", "|---|---|---|---|"]
    lines += [finding_row(f) for f in items[:show]]
    if len(items) > show:
        lines += ["", f"…and {len(items) - show} more (see the full report or findings.json)."]
    ids = " ".join(f.id.replace("-->", "") for f in items[:TRACK])
    tail = f"\n\n<!-- lo-audit-ids: {ids} -->\n"
    body = "\n".join(lines)
    if len(body) + len(tail) > MAX_BODY:
        body = body[: MAX_BODY - len(tail) - 80].rsplit("\n", 1)[0] + "\n\n_(List shortened to fit an issue.)_"
    return body + tail


# --------------------------------------------------------------------------- REST API
def find_issue(client, repo: str, title: str) -> dict | None:
    """The open issue (not pull request) with exactly ``title``, if any."""
    url = f"/repos/{repo}/issues"
    params = {"state": "open", "per_page": 100, "page": 1}
    while params["page"] <= 20:
        resp = client.get(url, params=params)
        resp.raise_for_status()
        batch = resp.json()
        for issue in batch:
            if issue.get("title") == title and "pull_request" not in issue:
                return issue
        if len(batch) < 100:
            return None
        params["page"] += 1
    return None


def sync_issue(client, repo: str, title: str, doc: CheckResult, site_url: str = "", run_url: str = "") -> str:
    """Open, update or close the issue; return what was done (``opened #n`` ...)."""
    existing = find_issue(client, repo, title)
    body = build_issue_body(doc, existing.get("body") if existing else None, site_url, run_url)
    if body is None:
        if not existing:
            return "no new findings; no issue open"
        number = existing["number"]
        client.post(f"/repos/{repo}/issues/{number}/comments",
                    json={"body": "The latest audit found none of the listed findings: closing."}).raise_for_status()
        client.patch(f"/repos/{repo}/issues/{number}", json={"state": "closed", "state_reason": "completed"}).raise_for_status()
        return f"closed #{number}"
    if existing:
        number = existing["number"]
        if existing.get("body") != body:
            client.patch(f"/repos/{repo}/issues/{number}", json={"body": body}).raise_for_status()
        return f"updated #{number}"
    resp = client.post(f"/repos/{repo}/issues", json={"title": title, "body": body})
    resp.raise_for_status()
    return f"opened #{resp.json()['number']}"


def _client(token: str):
    import httpx

    return httpx.Client(
        base_url=os.environ.get("GITHUB_API_URL", "https://api.github.com"), timeout=30,
        headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                 "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "lo-audit"},
    )


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lo_audit.ci.github_issue",
                                     description="Open, update or close the 'new findings' issue.")
    parser.add_argument("reports", nargs="+", help="reports folders (one issue per folder)")
    parser.add_argument("--title", default=DEFAULT_TITLE)
    parser.add_argument("--site-url", default=None)
    parser.add_argument("--per-council", action="store_true",
                        help="one issue per Local Offer, its name in the title (default when several folders)")
    parser.add_argument("--dry-run", action="store_true", help="print the bodies instead of calling the API")
    args = parser.parse_args(argv)
    many = args.per_council or len(args.reports) > 1
    try:
        docs = [(folder, load_findings(folder)) for folder in args.reports]
    except InputError as exc:
        print(f"lo_audit.ci.github_issue: {exc}", file=sys.stderr)
        return exit_status(exc)
    run_url = _run_url()
    if args.dry_run:
        for folder, doc in docs:
            print(f"# {issue_title(doc, many, args.title, _label(folder))} ({folder})\n")
            print(build_issue_body(doc, None, resolve_site_url(doc, args.site_url), run_url) or "(no issue)")
        return 0
    token, repo = os.environ.get("GITHUB_TOKEN", ""), os.environ.get("GITHUB_REPOSITORY", "")
    if not token or not repo:
        print("lo_audit.ci.github_issue: GITHUB_TOKEN and GITHUB_REPOSITORY must be set (or use --dry-run)", file=sys.stderr)
        return 2
    with _client(token) as client:
        for folder, doc in docs:
            done = sync_issue(client, repo, issue_title(doc, many, args.title, _label(folder)), doc, resolve_site_url(doc, args.site_url), run_url)
            print(f"{Path(folder)}: {done}")
    return 0


def _label(folder: str) -> str:
    """A name for a reports folder without run info: ``out/audit-x/reports`` gives ``x``."""
    path = Path(folder).resolve()
    name = path.parent.name if path.name == "reports" else path.name
    return name.removeprefix("audit-")


def _run_url() -> str:
    server, repo, run = (os.environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    return f"{server}/{repo}/actions/runs/{run}" if server and repo and run else ""


if __name__ == "__main__":
    sys.exit(_main())
