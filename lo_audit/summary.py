"""``summary.md``: the headline of one audit run, for people and for GitHub's job summary.

``write_summary(reports_dir)`` reads ``findings.json`` (and ``history.json`` if present)
and writes ``reports_dir/summary.md``: pages crawled, findings by severity and family,
the statutory coverage score, new and fixed counts, the top new findings (a bounded
list) and a link to the published site. When the crawl did not finish, the summary opens
with a warning that the findings are provisional and names the rules held back. The text
is always under 1 MiB (GitHub's limit for a step summary); when ``$GITHUB_STEP_SUMMARY``
is set the same text is appended there.

Everything taken from a crawl (titles, URLs, messages) is escaped with ``md_text`` /
``md_cell`` / ``md_link``: a page title holding ``|``, ``<script>`` or backticks shows
as text and cannot break a table or inject HTML, and ``@everyone``, ``@org/team`` or
``#123`` cannot notify anyone or link an issue (``no_mentions``). ``lo_audit.ci.merge`` and
``lo_audit.ci.github_issue`` use the same helpers.

Also the end-of-workflow gate: ``python -m lo_audit.summary gate REPORTS_DIR... --fail-on
error [--new-only]`` exits 1 when a reports folder has findings at that severity.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

from common.errors import InputError

MAX_BYTES = 1024 * 1024 - 1024
"""Hard ceiling for the summary text: 1 MiB less a margin for whatever else is in the file."""
TOP_NEW = 20
"""How many new findings the summary lists."""
SEVERITIES = ("error", "warning", "notice")
_RANK = {"error": 3, "warning": 2, "notice": 1}
TRUNCATED_NOTE = "\n\n_(Summary truncated to stay under GitHub's 1 MiB limit: see findings.json for the full list.)_\n"

# --------------------------------------------------------------------------- escaping
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~])")
_RULE_CHARS = re.compile(r"[^A-Za-z0-9._:-]")
_MENTION = re.compile(r"@(?=[A-Za-z0-9_])")
_REFERENCE = re.compile(r"(#|\bGH-)(?=\d)", re.I)
ZWSP = "&#8203;"
"""A zero-width space (as an entity): after ``@`` or before an issue number it stops GitHub
from notifying people (``@everyone``, ``@org/team``) or linking issues (``#123``, ``GH-123``)
while the text still reads the same."""


def no_mentions(text: str) -> str:
    """Escaped Markdown with every ``@mention`` and ``#123``/``GH-123`` reference made inert."""
    text = _REFERENCE.sub(lambda m: m.group(1) + ZWSP, text)
    return _MENTION.sub("@" + ZWSP, text)


def md_text(value: object, limit: int = 300) -> str:
    """Crawled text made safe as inline Markdown: one line, HTML and Markdown syntax escaped."""
    text = " ".join(str(value if value is not None else "").split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return no_mentions(_MD_SPECIAL.sub(r"\\\1", text))


def md_cell(value: object, limit: int = 300) -> str:
    """``md_text`` for a table cell (``|`` is escaped there too); empty becomes an em dash."""
    return md_text(value, limit) or "—"


def safe_url(url: object) -> str:
    """``url`` if it is http(s), percent-encoded so it cannot end a Markdown link; else ""."""
    text = str(url or "").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return quote(text, safe=":/?#@!$&'*+,;=%~")


def md_link(url: object, text: object = None, limit: int = 120) -> str:
    """A Markdown link to an http(s) URL with escaped text; other URLs as escaped text only."""
    label = md_text(text if text else url, limit)
    target = safe_url(url)
    return f"[{label}]({target})" if target and label else label


# --------------------------------------------------------------------------- reading
def read_json(path: Path, what: str = "file"):
    """JSON from ``path``; ``InputError`` naming the file if it is missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def load_findings(reports_dir: str | Path) -> dict:
    """``reports_dir/findings.json`` checked for the top-level shape the reports need."""
    path = Path(reports_dir) / "findings.json"
    doc = read_json(path, "findings.json")
    if not isinstance(doc, dict) or not isinstance(doc.get("findings", []), list):
        raise InputError(f"{path}: expected an object with a 'findings' list")
    for key in ("waived", "fixed"):
        if not isinstance(doc.get(key, []), list):
            raise InputError(f"{path}: '{key}' must be a list")
    if not isinstance(doc.get("metrics", {}) or {}, dict):
        raise InputError(f"{path}: 'metrics' must be an object")
    return doc


def load_history(reports_dir: str | Path) -> list[dict]:
    """``history.json`` entries (newest last), or [] when absent or unreadable."""
    path = Path(reports_dir) / "history.json"
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    if isinstance(data, dict):
        data = data.get("runs", [])
    return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else []


def active(doc: dict) -> list[dict]:
    """Active (not waived) findings as dicts."""
    return [f for f in doc.get("findings", []) if isinstance(f, dict) and not f.get("waived")]


def new_findings(doc: dict) -> list[dict]:
    """Active findings first seen in this run, most severe first (stable within a severity)."""
    found = [f for f in active(doc) if f.get("status", "new") == "new"]
    return sorted(found, key=lambda f: -_RANK.get(str(f.get("severity")), 0))


def run_info(doc: dict) -> dict:
    """The run's names and URL from ``findings.json`` ``run`` (tolerant of key spellings)."""
    run = doc.get("run") if isinstance(doc.get("run"), dict) else {}
    site = run.get("site") if isinstance(run.get("site"), dict) else {}
    pick = lambda *vals: next((str(v) for v in vals if isinstance(v, str) and v.strip()), "")  # noqa: E731
    return {
        "name": pick(run.get("site_name"), site.get("name"), run.get("name")),
        "council": pick(run.get("council"), site.get("council")),
        "site_url": pick(run.get("site_url"), site.get("url")),
        "started": pick(run.get("started_at"), run.get("finished_at"), doc.get("generated_at")),
    }


def default_site_url() -> str:
    """Where GitHub Pages publishes this repository (only inside GitHub Actions)."""
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    if os.environ.get("GITHUB_ACTIONS") != "true" or "/" not in repo:
        return ""
    owner, name = repo.split("/", 1)
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if name.lower() == host else f"https://{host}/{name}/"


def resolve_site_url(doc: dict, site_url: str | None = None) -> str:
    """The explicit URL, else ``$LO_AUDIT_SITE_URL``, else the run's ``site.url``, else GitHub Pages."""
    for candidate in (site_url, os.environ.get("LO_AUDIT_SITE_URL"), run_info(doc)["site_url"], default_site_url()):
        if safe_url(candidate):
            return str(candidate)
    return ""


# --------------------------------------------------------------------------- numbers
def headline(doc: dict, history: list[dict] | None = None) -> dict:
    """The numbers every summary shows."""
    findings = active(doc)
    metrics = doc.get("metrics") or {}
    pages = metrics.get("pages") if isinstance(metrics.get("pages"), dict) else {}
    statutory = metrics.get("statutory") if isinstance(metrics.get("statutory"), dict) else {}
    score = statutory.get("score")
    prev_score = None
    for entry in reversed((history or [])[:-1]):
        prev_score = _history_score(entry)
        if prev_score is not None:
            break
    return {
        "pages": pages.get("crawled"),
        "by_severity": Counter(str(f.get("severity", "")) for f in findings),
        "by_family": Counter(str(f.get("family") or str(f.get("rule", "")).split(".")[0]) for f in findings),
        "total": len(findings),
        "new": sum(1 for f in findings if f.get("status", "new") == "new"),
        "fixed": len(doc.get("fixed") or []),
        "waived": len(doc.get("waived") or []),
        "score": score if isinstance(score, (int, float)) else None,
        "covered": statutory.get("covered"),
        "topics": statutory.get("total"),
        "prev_score": prev_score,
    }


def _history_score(entry: dict):
    for value in (entry.get("score"), entry.get("statutory_score"),
                  (entry.get("statutory") or {}).get("score") if isinstance(entry.get("statutory"), dict) else None):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    return None


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
    return ", ".join(plural(int(counts.get(s, 0)), s) for s in SEVERITIES)


def md_code(value: object, limit: int = 60) -> str:
    """A rule id as inline code (only id characters kept, so nothing can escape the span)."""
    return f"`{_RULE_CHARS.sub('', str(value or ''))[:limit]}`"


def finding_row(f: dict) -> str:
    """One table row: severity, rule, page, message."""
    url = f.get("url") or ""
    page = md_link(url, url, 80) if url else md_cell(f.get("service_id") or f.get("subject"), 80)
    return (f"| {md_cell(f.get('severity'), 10)} | {md_code(f.get('rule'))} | "
            f"{page} | {md_cell(f.get('message'), 200)} |")


def render_summary(doc: dict, history: list[dict] | None = None, site_url: str = "", top: int = TOP_NEW) -> str:
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
    url = safe_url(site_url)
    if url:
        lines += [f"**Full report:** [{md_text(site_url, 200)}]({url})", ""]
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


def unfinished_warning(doc: dict, h: dict | None = None) -> list[str]:
    """Lines that open the summary when the crawl did not finish (killed, stopped early or
    still running): the findings cover only the pages reached, and the rules that say the
    whole site lacks something were held back. [] for a finished crawl."""
    run = doc.get("run") if isinstance(doc.get("run"), dict) else {}
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
    held = sorted({str(x.get("rule")) for x in doc.get("skipped") or []
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
                  step_summary: bool = True) -> Path:
    """Write ``reports_dir/summary.md`` (and append it to ``$GITHUB_STEP_SUMMARY`` if set and
    ``step_summary``)."""
    reports = Path(reports_dir)
    doc = load_findings(reports)
    text = limit_bytes(render_summary(doc, load_history(reports), resolve_site_url(doc, site_url), top))
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
def gate_failures(doc: dict, fail_on: str, new_only: bool = False) -> list[dict]:
    """Active findings at or above ``fail_on`` (``error``/``warning``; ``never`` gives [])."""
    if fail_on == "never":
        return []
    floor = _RANK[fail_on]
    pool = new_findings(doc) if new_only else active(doc)
    return [f for f in pool if _RANK.get(str(f.get("severity")), 0) >= floor]


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lo_audit.summary")
    sub = parser.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write summary.md (and the job summary)")
    w.add_argument("reports")
    w.add_argument("--site-url", default=None)
    g = sub.add_parser("gate", help="exit 1 if findings reach the threshold")
    g.add_argument("reports", nargs="+")
    g.add_argument("--fail-on", choices=("error", "warning", "never"), default="error")
    g.add_argument("--new-only", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "write":
            print(write_summary(args.reports, args.site_url))
            return 0
        failed = 0
        for folder in args.reports:
            hits = gate_failures(load_findings(folder), args.fail_on, args.new_only)
            kind = "new " if args.new_only else ""
            print(f"{folder}: {len(hits)} {kind}findings at or above {args.fail_on}")
            failed += bool(hits)
        return 1 if failed else 0
    except InputError as exc:
        print(f"lo_audit.summary: {exc}", file=sys.stderr)
        return exc.exit_status


if __name__ == "__main__":
    sys.exit(_main())
