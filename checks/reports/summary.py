"""``summary.md``: the headline of one audit run, for people and for GitHub's job summary.

``write_summary(reports_dir)`` reads ``findings.json`` (and ``history.json`` if present)
and writes ``reports_dir/summary.md``: pages crawled, findings by severity and family,
the statutory coverage score, new and fixed counts, the top new findings (a bounded
list) and a link to the published site. When the crawl did not finish, the summary opens
with a warning that the findings are provisional and names the rules held back. The text
is always under 1 MiB (GitHub's limit for a step summary); when ``$GITHUB_STEP_SUMMARY``
is set the same text is appended there.

Everything taken from a crawl (titles, URLs, messages) is escaped with ``common.markdown``
(``mentions=False``): a page title holding ``|``, ``<script>`` or backticks shows as text
and cannot break a table or inject HTML, and ``@everyone``, ``@org/team`` or ``#123``
cannot notify anyone or link an issue. ``lo_audit.ci.github_issue`` uses the same helpers.

The end-of-workflow gate (``python -m lo_audit.ci.summary gate REPORTS_DIR... --fail-on
error [--new-only]``) uses ``gate_failures`` here: the same gate as ``lo-audit check``
(``checks.reports.finding.gate``).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from checks.reports.files import (
    HistoryPoint, ReportFileError, findings_path, history_path, read_findings, read_history,
)
from checks.reports.finding import Finding, Severity, gate
from checks.reports.result import CheckResult
from common import markdown
from common.markdown import is_web_url

MAX_BYTES = 1024 * 1024 - 1024
"""Hard ceiling for the summary text: 1 MiB less a margin for whatever else is in the file."""
TOP_NEW = 20
"""How many new findings the summary lists."""
TRUNCATED_NOTE = "\n\n_(Summary truncated to stay under GitHub's 1 MiB limit: see findings.json for the full list.)_\n"

# --------------------------------------------------------------------------- escaping (for GitHub)
def md_text(value: object, limit: int = 300) -> str:
    """``common.markdown.md_text`` with @mentions and issue references made inert."""
    return markdown.md_text(value, limit, mentions=False)


def md_cell(value: object, limit: int = 300) -> str:
    """``md_text`` for a table cell; empty becomes an em dash."""
    return md_text(value, limit) or "—"


def md_link(text: object, url: object, limit: int = 120) -> str:
    """``common.markdown.md_link`` with @mentions and issue references made inert."""
    return markdown.md_link(text, url, limit, mentions=False)


def md_code(value: object, limit: int = 60) -> str:
    """``common.markdown.md_code`` with @mentions and issue references made inert."""
    return markdown.md_code(value, limit, mentions=False)


# --------------------------------------------------------------------------- reading
def load_findings(reports_dir: str | Path) -> CheckResult:
    """``reports_dir/findings.json`` (``ReportFileError`` naming the file and field when broken)."""
    return read_findings(findings_path(reports_dir))


def load_history(reports_dir: str | Path) -> list[HistoryPoint]:
    """``history.json`` entries (newest last), or [] when absent or unreadable."""
    try:
        return read_history(history_path(reports_dir))
    except ReportFileError:
        return []


def new_findings(doc: CheckResult) -> list[Finding]:
    """Active findings first seen in this run, most severe first (stable within a severity)."""
    return sorted((f for f in doc.findings if f.status == "new"), key=lambda f: -f.severity.rank)


def run_info(doc: CheckResult) -> dict:
    """The run's names and URL from ``findings.json`` ``run`` (keys written by ``checks.pipeline.engine``)."""
    run = doc.run
    text = lambda value: value if isinstance(value, str) else ""  # noqa: E731
    return {
        "name": text(run.get("site_name")),
        "council": text(run.get("council")),
        "site_url": text(run.get("site_url")),
        "started": text(run.get("started_at")) or doc.generated_at,
    }


def default_site_url() -> str:
    """Where GitHub Pages publishes this repository (only inside GitHub Actions)."""
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    if os.environ.get("GITHUB_ACTIONS") != "true" or "/" not in repo:
        return ""
    owner, name = repo.split("/", 1)
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/"


def resolve_site_url(doc: CheckResult, site_url: str | None = None) -> str:
    """The explicit URL, else ``$LO_AUDIT_SITE_URL``, else the run's ``site.url``, else GitHub Pages."""
    for candidate in (site_url, os.environ.get("LO_AUDIT_SITE_URL"), run_info(doc)["site_url"], default_site_url()):
        if is_web_url(candidate):
            return str(candidate)
    return ""


# --------------------------------------------------------------------------- numbers
def headline(doc: CheckResult, history: list[HistoryPoint] | None = None) -> dict:
    """The numbers every summary shows (the previous coverage from ``history``, this run last)."""
    pages = doc.metrics.get("pages") if isinstance(doc.metrics.get("pages"), dict) else {}
    statutory = doc.metrics.get("statutory") if isinstance(doc.metrics.get("statutory"), dict) else {}
    score = statutory.get("score")
    earlier = [p.coverage for p in (history or [])[:-1] if p.coverage is not None]
    return {
        "pages": pages.get("crawled"),
        "by_severity": Counter(doc.counts()),
        "by_family": Counter(doc.by_family()),
        "total": len(doc.findings),
        "new": doc.new_count(),
        "fixed": len(doc.fixed),
        "waived": len(doc.waived),
        "score": score if isinstance(score, (int, float)) else None,
        "covered": statutory.get("covered"),
        "topics": statutory.get("total"),
        "prev_score": earlier[-1] if earlier else None,
    }


def _fmt_score(h: dict) -> str:
    if h["score"] is None:
        return "not measured"
    text = f"{h['score']:.0f}%"
    if isinstance(h["covered"], int) and isinstance(h["topics"], int):
        text += f" ({h['covered']} of {h['topics']} topics)"
    if h["prev_score"] is not None:
        delta = h["score"] - h["prev_score"]
        text += f", {'+' if delta >= 0 else '−'}{abs(delta):.0f} since last run" if delta else ", unchanged"
    return text


# --------------------------------------------------------------------------- text
def plural(n: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def severity_counts(counts) -> str:
    """``3 errors, 1 warning, 0 notices``."""
    return ", ".join(plural(int(counts.get(s.value, 0)), s.value) for s in Severity)


def finding_row(f: Finding) -> str:
    """One table row: severity, rule, page, message."""
    page = md_link(f.url, f.url, 80) if f.url else md_cell(f.service_id or f.subject, 80)
    return f"| {md_cell(f.severity.value, 10)} | {md_code(f.rule)} | {page} | {md_cell(f.message, 200)} |"


def render_summary(doc: CheckResult, history: list[HistoryPoint] | None = None, site_url: str = "", top: int = TOP_NEW) -> str:
    """The summary as Markdown (not yet size-limited)."""
    info = run_info(doc)
    h = headline(doc, history)
    title = " — ".join(md_text(x, 100) for x in (info["name"], info["council"]) if x) or "Local Offer"
    sev = h["by_severity"]
    lines = [f"## Local Offer audit: {title}", ""]
    lines += unfinished_warning(doc, h)
    if info["started"]:
        lines += [f"Run: {md_text(info['started'], 40)}", ""]
    lines += [
        "| | |", "|---|---|",
        f"| Pages crawled | {h['pages'] if isinstance(h['pages'], int) else '—'} |",
        f"| Findings | {h['total']} ({severity_counts(sev)}) |",
        f"| New since last run | {h['new']} |",
        f"| Fixed since last run | {h['fixed']} |",
        f"| Waived | {h['waived']} |",
        f"| Statutory coverage | {_fmt_score(h)} |",
        "",
    ]
    if h["by_family"]:
        lines += ["**By family:** " + ", ".join(f"{md_text(k, 40)} {v}" for k, v in sorted(h["by_family"].items())), ""]
    if is_web_url(site_url):
        lines += [f"**Full report:** {md_link(site_url, site_url, 200)}", ""]
    fresh = new_findings(doc)
    if fresh:
        shown = fresh[:top]
        lines += [f"### New findings ({len(fresh)})", "", "| Severity | Rule | Page | What is wrong |", "|---|---|---|---|"]
        lines += [finding_row(f) for f in shown]
        if len(fresh) > len(shown):
            lines += ["", f"…and {len(fresh) - len(shown)} more new findings (see the full report)."]
        lines.append("")
    else:
        lines += ["No new findings since the last run.", ""]
    return "\n".join(lines)


def unfinished_warning(doc: CheckResult, h: dict | None = None) -> list[str]:
    """Lines that open the summary when the crawl did not finish (killed, stopped early or
    still running): the findings cover only the pages reached, and the rules that say the
    whole site lacks something were held back. [] for a finished crawl."""
    run = doc.run
    status = run.get("status")
    if not run.get("unfinished") and (not isinstance(status, str) or status in ("", "complete")):
        return []
    h = h if h is not None else headline(doc)
    pages = f" after {plural(h['pages'], 'page')}" if isinstance(h["pages"], int) else ""
    state = f" (its status is {md_text(status, 20)})" if isinstance(status, str) and status else ""
    lines = [f"> **Warning: the crawl did not finish{pages}{state}. These findings are provisional.** "
             "Pages the crawl never reached were not checked, so problems on them are not listed here, "
             "and a finding marked fixed may only be out of reach. Finish the crawl "
             "(`lo-audit crawl --resume`), then check again."]
    held = sorted({str(x.get("rule")) for x in doc.skipped
                   if isinstance(x, dict) and (x.get("withheld") or "withheld" in str(x.get("reason", "")))})
    if held:
        lines += [">", "> Held back until the crawl finishes (a missing page may be among those not reached): "
                  + ", ".join(md_code(r) for r in held) + "."]
    return [*lines, ""]


def limit_bytes(text: str, max_bytes: int = MAX_BYTES, note: str = TRUNCATED_NOTE) -> str:
    """``text`` cut at a line boundary so that it and ``note`` fit in ``max_bytes`` (UTF-8)."""
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    room = max(0, max_bytes - len(note.encode("utf-8")))
    cut = data[:room].decode("utf-8", errors="ignore")
    if "\n" in cut:
        cut = cut[: cut.rindex("\n")]
    return cut + note


def write_summary(reports_dir: str | Path, site_url: str | None = None, top: int = TOP_NEW,
                  step_summary: bool = True, result: CheckResult | None = None,
                  history: list[HistoryPoint] | None = None) -> Path:
    """Write ``reports_dir/summary.md`` (and append it to ``$GITHUB_STEP_SUMMARY`` if set and
    ``step_summary``).

    ``result`` and ``history``, when given, are what the folder's findings.json and
    history.json were just written from (``checks.reports.folder``): the summary is made
    from them instead of reading both files back."""
    reports = Path(reports_dir)
    doc = result if result is not None else load_findings(reports)
    history = history if history is not None else load_history(reports)
    text = limit_bytes(render_summary(doc, history, resolve_site_url(doc, site_url), top))
    out = reports / "summary.md"
    out.write_text(text, encoding="utf-8")
    if step_summary:
        append_step_summary(out)
    return out


def append_step_summary(summary_file: Path) -> None:
    """Append ``summary_file`` to ``$GITHUB_STEP_SUMMARY`` when that is set."""
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and summary_file.is_file():
        _append_step_summary(Path(step_summary), summary_file.read_text(encoding="utf-8"))


def _append_step_summary(path: Path, text: str) -> None:
    used = path.stat().st_size if path.is_file() else 0
    room = MAX_BYTES - used
    if room < 200:
        return
    with path.open("a", encoding="utf-8") as fh:
        fh.write(limit_bytes(text, room) + "\n")


# --------------------------------------------------------------------------- gate
def gate_failures(doc: CheckResult, fail_on: str, new_only: bool = False) -> list[Finding]:
    """Active findings at or above ``fail_on`` (``checks.reports.finding.gate``)."""
    return gate(doc.findings, fail_on, new_only)
