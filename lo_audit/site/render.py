"""Small Markdown building blocks shared by the generated pages (all input escaped)."""

from __future__ import annotations

import re
from datetime import datetime

from common.markdown import is_web_url, md_code, md_link, md_text, slug

SEVERITY_LABEL = {"error": "Error", "warning": "Warning", "notice": "Notice"}
SEVERITY_MEANING = {
    "error": "Must be fixed: people cannot find or use something the Local Offer must provide",
    "warning": "Should be fixed: the information is harder to trust or use",
    "notice": "Worth a look: a smaller problem or a possible improvement",
}
STATUS_LABEL = {"new": "New since the last run", "persisting": "Also found last time", "fixed": "Fixed"}
FAMILY_TITLE = {
    "links": "Links", "content": "Content freshness", "crawl": "Crawl problems", "service": "Services",
    "contact": "Contact details", "statutory": "Statutory topics", "inspection": "Inspection evidence",
    "a11y": "Accessibility", "plain-language": "Plain language", "waivers": "Waivers",
}
EVIDENCE_KEYS = ("target", "href", "status", "error", "last_updated", "age_days", "acronym", "reading_age",
                 "longest_words", "page_count", "hops", "topic", "criterion", "guard")
UNASSIGNED = "Unassigned"


def family_title(family: str) -> str:
    return FAMILY_TITLE.get(family, family.replace("-", " ").capitalize())


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; cells must already be escaped (``md_text``/``md_link``)."""
    if not rows:
        return ""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def nice_date(value: str, time: bool = True) -> str:
    """``2026-11-22T14:05:00Z`` → ``22 November 2026 at 14:05`` (``time=False``: no time);
    unparseable text is escaped. Every date on the site is written this one way."""
    if not value:
        return "an unknown date"
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return md_text(value, 40)
    text = f"{when.day} {when:%B %Y}"
    return text + (f" at {when:%H:%M} UTC" if time and "T" in str(value) else "")


_ISO_DATE = re.compile(r"(?<![\w/.-])(\d{4})-(\d{2})-(\d{2})(?![\w/-])")


def prose_dates(text: object) -> str:
    """ISO dates inside a sentence (``last updated 2024-08-02``) written as ``2 August 2024``."""
    def one(m: re.Match) -> str:
        try:
            return nice_date(m.group(0), time=False)
        except ValueError:
            return m.group(0)
    return _ISO_DATE.sub(one, "" if text is None else str(text))


def page_link(url: str, titles: dict[str, str], limit: int = 80) -> str:
    if not url:
        return "the site as a whole"
    return md_link(titles.get(url) or url, url, limit)


READING_AGE_CAP = 21
READING_AGE_NOTE = (f"Reading ages above {READING_AGE_CAP} are shown as \"over {READING_AGE_CAP}\": the formula keeps "
                    "climbing with very long sentences, but past that point it only means the text is much harder "
                    "than most adults read comfortably. GOV.UK aims for a reading age of 9.")


def reading_age(value: object) -> str:
    """A reading age as people can take it in: ``12``, or ``over 21`` for the formula's outliers."""
    try:
        age = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"over {READING_AGE_CAP}" if age > READING_AGE_CAP else f"{age:.0f}"


def _capped_found(f: dict, text: str) -> str:
    if str(f.get("rule", "")).endswith("reading-age"):
        return re.sub(r"\d+(?:\.\d+)?", lambda m: reading_age(m.group(0)), text)
    return text


def message(f: dict) -> str:
    """A finding's sentence for the site: dates in prose, reading ages capped (not yet escaped)."""
    return _capped_found(f, prose_dates(f.get("message") or f.get("rule") or ""))


def _evidence_value(key: str, value: object) -> str:
    if key in ("target", "href") and is_web_url(value):
        return md_link(value, value)
    if key == "reading_age":
        return md_text(reading_age(value))
    if key == "last_updated":
        return md_text(prose_dates(value))
    return md_text(value, 120)


def evidence_line(evidence: dict) -> str:
    parts = []
    for key in EVIDENCE_KEYS:
        value = evidence.get(key)
        if value in (None, "", [], {}) or (key == "page_count" and value == 1):
            continue
        parts.append(f"{md_text(key.replace('_', ' '))}: {_evidence_value(key, value)}")
    if is_web_url(evidence.get("help_url")):
        parts.append(md_link("how to fix this kind of problem", evidence["help_url"]))
    for example in list(evidence.get("examples") or [])[:2]:
        snippet = example.get("html") if isinstance(example, dict) else example
        if snippet:
            parts.append("example: " + md_code(snippet, 200))
    return " · ".join(parts)


def finding_item(n: int, f: dict, titles: dict[str, str], rule_href: str) -> str:
    """One finding as a numbered to-do item: what, where, expected vs found, how to fix."""
    lines = [f"{n}. **{md_text(message(f), 300)}**"]
    evidence = f.get("evidence") if isinstance(f.get("evidence"), dict) else {}
    pages = [p for p in evidence.get("pages") or [] if isinstance(p, str)] if f.get("family", "") != "a11y" else []
    where = f"Page: {page_link(f.get('url', ''), titles)}"
    if len(pages) > 1:
        shown = ", ".join(page_link(p, titles, 50) for p in pages[:5])
        where = f"Pages ({len(pages)}): {shown}" + (f" and {len(pages) - 5} more" if len(pages) > 5 else "")
    meta = [where,
            f"Rule: [{md_text(f.get('rule'))}]({rule_href})",
            md_text(STATUS_LABEL.get(f.get("status", ""), f.get("status", "")))]
    lines.append(" · ".join(m for m in meta if m))
    if f.get("expected") or f.get("found"):
        found = _capped_found(f, prose_dates(f.get("found") or "(nothing)"))
        lines.append(f"Expected: {md_text(prose_dates(f.get('expected') or '(nothing)'), 200)} · "
                     f"Found: {md_text(found, 200)}")
    if f.get("fix"):
        lines.append(f"How to fix: {md_text(f['fix'], 400)}")
    if evidence and (ev := evidence_line(evidence)):
        lines.append(f"Details: {ev}")
    if str(f.get("rule", "")).endswith("reading-age"):
        lines.append(md_text(READING_AGE_NOTE))
    return "  \n    ".join(lines) + "\n"


def owner_name(f: dict) -> str:
    return str(f.get("owner") or "").strip() or UNASSIGNED


def anchor(rule_id: str) -> str:
    return slug(rule_id, "rule")
