"""Small Markdown building blocks shared by the generated pages (all input escaped)."""

from __future__ import annotations

from datetime import datetime

from .escape import is_web_url, md_code, md_link, md_text, slug

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


def nice_date(value: str) -> str:
    """``2026-11-22T14:05:00Z`` → ``22 November 2026 at 14:05`` (unparseable text is escaped)."""
    if not value:
        return "an unknown date"
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return md_text(value, 40)
    text = f"{when.day} {when:%B %Y}"
    return text + (f" at {when:%H:%M}" if "T" in value else "")


def page_link(url: str, titles: dict[str, str], limit: int = 80) -> str:
    if not url:
        return "the site as a whole"
    return md_link(titles.get(url) or url, url, limit)


def evidence_line(evidence: dict) -> str:
    parts = []
    for key in EVIDENCE_KEYS:
        value = evidence.get(key)
        if value in (None, "", [], {}):
            continue
        shown = md_link(value, value) if key in ("target", "href") and is_web_url(value) else md_text(value, 120)
        parts.append(f"{md_text(key.replace('_', ' '))}: {shown}")
    if is_web_url(evidence.get("help_url")):
        parts.append(md_link("how to fix this kind of problem", evidence["help_url"]))
    for example in list(evidence.get("examples") or [])[:2]:
        snippet = example.get("html") if isinstance(example, dict) else example
        if snippet:
            parts.append("example: " + md_code(snippet, 200))
    return " · ".join(parts)


def finding_item(n: int, f: dict, titles: dict[str, str], rule_href: str) -> str:
    """One finding as a numbered to-do item: what, where, expected vs found, how to fix."""
    lines = [f"{n}. **{md_text(f.get('message') or f.get('rule'), 300)}**"]
    meta = [f"Page: {page_link(f.get('url', ''), titles)}",
            f"Rule: [{md_text(f.get('rule'))}]({rule_href})",
            md_text(STATUS_LABEL.get(f.get("status", ""), f.get("status", "")))]
    lines.append(" · ".join(m for m in meta if m))
    if f.get("expected") or f.get("found"):
        lines.append(f"Expected: {md_text(f.get('expected') or '(nothing)', 200)} · "
                     f"Found: {md_text(f.get('found') or '(nothing)', 200)}")
    if f.get("fix"):
        lines.append(f"How to fix: {md_text(f['fix'], 400)}")
    if isinstance(f.get("evidence"), dict) and (ev := evidence_line(f["evidence"])):
        lines.append(f"Details: {ev}")
    return "  \n    ".join(lines) + "\n"


def owner_name(f: dict) -> str:
    return str(f.get("owner") or "").strip() or UNASSIGNED


def anchor(rule_id: str) -> str:
    return slug(rule_id, "rule")
