"""The statutory checklist and the inspection-readiness map: what leaders show inspectors.

Both pages come from ``metrics.statutory``, ``metrics.duties`` and ``metrics.inspection`` in
``findings.json`` (see ``checks/CONTRACT.md``). Every topic and criterion shows its status and
its evidence as a link and a quoted sentence from the page or document; gaps come first, then
weak evidence, then what is covered, so the page reads as a to-do list. Everything quoted comes
from crawled pages and is escaped.
"""

from __future__ import annotations

from common.markdown import md_link, md_text

TOPIC_ORDER = {"none": 0, "weak": 1, "strong": 2}
CRITERION_ORDER = {"none": 0, "some": 1, "strong": 2}
TOPIC_LABEL = {"none": "Gap", "weak": "Weak evidence", "strong": "Covered"}
CRITERION_LABEL = {"none": "No evidence", "some": "Some evidence", "strong": "Strong evidence"}
DUTIES = (("you-said-we-did", "\"You said, we did\" (regulation 56)"),
          ("accessibility-statement", "Accessibility statement (2018 accessibility regulations)"),
          ("offline-access", "Getting the information without the website"))
DUTY_LABEL = {"ok": "Met", "linked": "Linked (on another website, not read)", "incomplete": "Incomplete",
              "missing": "Missing"}


def _evidence_item(item: dict) -> str:
    kind = "document" if item.get("kind") == "document" else "page"
    strength = "" if item.get("strength") == "strong" else ", weak"
    where = f" under “{md_text(item.get('heading'), 80)}”" if item.get("heading") and \
        item.get("heading") != item.get("title") else ""
    quote = f": “{md_text(item.get('quote'), 240)}”" if item.get("quote") else ""
    return f"- {md_link(item.get('title') or item.get('url'), item.get('url'), 80)} ({kind}{strength}){where}{quote}"


def _evidence(items: list[dict]) -> str:
    return "\n".join(_evidence_item(i) for i in items[:3] if isinstance(i, dict)) + "\n" if items else ""


def statutory_page(stat: dict, duties: dict, guide: str) -> str:
    out = ["# Statutory checklist: this site\n",
           f"{guide} explains each topic the law expects a Local Offer to cover. This page shows, for each "
           "topic, whether the audit found a page or document about it on this site, with a sentence quoted "
           "from it so you can check. Gaps come first, then topics with only weak evidence, then topics "
           "that are covered.\n"]
    topics = [t for t in stat.get("topics") or [] if isinstance(t, dict)]
    if not topics:
        return "\n".join(out + ["The statutory topics were not checked in this audit.\n"])
    weak = sum(t.get("status") == "weak" for t in topics)
    out.append(f"**Coverage score: {md_text(stat.get('score', '–'))}%** ({md_text(stat.get('covered', 0))} of "
               f"{md_text(stat.get('total', len(topics)))} topics covered; {weak} with weak evidence only). "
               "A 2024 national study read every English council's Local Offer by hand and found coverage "
               "from 29% to 98%; it used its own categories, so compare the two only as a rough guide. "
               "Only the pages' own text counts: menus, footers, sidebars and text "
               "repeated across many pages do not, nor do the home page, search results or lists of links.\n")
    out.append(_summary(topics))
    out.append("## Topics\n")
    for topic in sorted(topics, key=lambda t: (TOPIC_ORDER.get(t.get("status"), 0), str(t.get("title")))):
        out.append(_topic(topic))
    out.append(_duties(duties))
    return "\n".join(out)


def _status_of(item: dict, order: dict[str, int], before_statuses: str) -> str:
    """``item``'s status when it is one of ``order``'s, else ``before_statuses`` (what a report
    written before statuses existed means)."""
    return item["status"] if item.get("status") in order else before_statuses


def _status(topic: dict) -> str:
    return _status_of(topic, TOPIC_ORDER, "strong" if topic.get("covered") else "none")


def _summary(topics: list[dict]) -> str:
    rows = ["| Topic | Status | Best evidence |", "|---|---|---|"]
    for t in sorted(topics, key=lambda t: (TOPIC_ORDER.get(_status(t), 0), str(t.get("title")))):
        best = (t.get("evidence") or t.get("pages") or [None])[0]
        link = md_link(best.get("title") or best.get("url"), best.get("url"), 60) if isinstance(best, dict) else "–"
        status = TOPIC_LABEL[_status(t)]
        rows.append(f"| {md_text(t.get('title') or t.get('id'), 80)} | "
                    f"{'**' + status + '**' if _status(t) != 'strong' else status} | {link} |")
    return "\n".join(rows) + "\n"


def _topic(topic: dict) -> str:
    status = _status(topic)
    lines = [f"### {md_text(topic.get('title') or topic.get('id'), 120)}\n",
             f"**{TOPIC_LABEL[status]}** · Source: {md_text(topic.get('source') or '–', 120)}\n"]
    items = topic.get("evidence") or []
    if status == "strong":
        lines.append("Evidence:\n\n" + _evidence(items))
    elif status == "weak":
        lines.append("Only passing mentions were found, not a page about the topic:\n\n" + _evidence(items))
    else:
        lines.append("No page or document about this topic was found.\n")
    if status != "strong" and topic.get("add"):
        lines.append(f"What to add: {md_text(topic['add'], 300)}\n")
    return "\n".join(lines)


def _duties(duties: dict) -> str:
    out = ["## Duties about the Local Offer as a whole\n"]
    if not duties:
        return "\n".join(out + ["These duties were not checked in this audit.\n"])
    for key, title in DUTIES:
        row = duties.get(key)
        if not isinstance(row, dict):
            continue
        status = str(row.get("status") or "missing")
        out.append(f"### {title}\n")
        out.append(f"**{md_text(DUTY_LABEL.get(status, status))}**"
                   + (f" · {md_link(row.get('title') or row.get('url'), row.get('url'), 80)}" if row.get("url") else "")
                   + "\n")
        if row.get("quote"):
            out.append(f"“{md_text(row['quote'], 240)}”\n")
        missing = [m for m in row.get("missing") or [] if m]
        if missing:
            out.append("Missing: " + "; ".join(md_text(m, 160) for m in missing) + ".\n")
    return "\n".join(out)


def inspection_page(criteria: list[dict], guide: str) -> str:
    out = ["# Inspection-readiness map\n",
           "Each thing Area SEND inspectors evaluate, with its status on this site, the best evidence the "
           "audit found (a page or document and a sentence quoted from it) and what to add. "
           "*Strong* means a page or document is about it; *some* means it is only touched on. "
           f"Gaps come first. {guide} explains what to do with it.\n"]
    criteria = [c for c in criteria if isinstance(c, dict)]
    if not criteria:
        return "\n".join(out + ["The inspection criteria were not checked in this audit.\n"])
    groups = (("impact", "Impact on children and young people"),
              ("leaders", "How leaders plan, evaluate and develop the system"))
    for key, title in groups:
        out.append(f"## {title}\n")
        mine = [c for c in criteria if c.get("group") == key]
        for c in sorted(mine, key=lambda c: CRITERION_ORDER.get(_criterion_status(c), 0)):
            out.append(_criterion(c))
    return "\n".join(out)


def _criterion_status(c: dict) -> str:
    return _status_of(c, CRITERION_ORDER, "some" if c.get("pages") else "none")


def _criterion(c: dict) -> str:
    status = _criterion_status(c)
    lines = [f"### {md_text(c.get('title') or c.get('id'), 160)}\n", f"**{CRITERION_LABEL[status]}**\n"]
    items = c.get("evidence") or [dict(p, strength="weak") for p in c.get("pages") or [] if isinstance(p, dict)]
    if items:
        lines.append(_evidence(items))
    else:
        lines.append("No page or document on the site was found that shows this.\n")
    if status != "strong" and c.get("add"):
        lines.append(f"What to add: {md_text(c['add'], 300)}\n")
    return "\n".join(lines)
