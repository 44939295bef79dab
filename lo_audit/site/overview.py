"""What the Local Offer manager reads first: what changed since the last run, what to fix
first, and the few headline numbers shown on the site's home page.

"Fix these first" ranks errors by reach: an error about a service (its record page, or a
service missing from the site) comes first, because families look services up by name;
then errors on the pages most linked to (``pages.csv`` ``inlinks``, or the number of pages
holding a grouped broken link), because more people meet them.
"""

from __future__ import annotations

from lo_audit.site.data import Audit
from common.markdown import md_text
from lo_audit.site.render import nice_date

FIX_FIRST = 10


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def inlinks(audit: Audit) -> dict[str, int]:
    """Page URL -> number of pages linking to it (from ``pages.csv``)."""
    return {row.get("url", ""): _int(row.get("inlinks")) for row in audit.pages if row.get("url")}


def reach(finding: dict, links: dict[str, int]) -> int:
    """How many pages lead people to this problem (at least 1)."""
    evidence = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
    pages = evidence.get("pages") if isinstance(evidence.get("pages"), list) else []
    own = max([links.get(str(finding.get("url") or ""), 0)] + [links.get(str(p), 0) for p in pages[:200]])
    return max(own, len(pages), 1)


def fix_first(audit: Audit, limit: int = FIX_FIRST) -> list[tuple[dict, int]]:
    """The errors to fix first with their reach: services first, then the most linked-to pages."""
    links = inlinks(audit)
    errors = [f for f in audit.findings if f.get("severity") == "error"]
    ranked = sorted(errors, key=lambda f: (not f.get("service_id"), -reach(f, links), str(f.get("rule")),
                                          str(f.get("url"))))
    return [(f, reach(f, links)) for f in ranked[:limit]]


def compared_with(audit: Audit) -> str:
    """The date of the run this one is compared with ("" for the first run)."""
    value = str(audit.metrics.get("compared_with") or "")
    if value:
        return value
    today = str(audit.run.get("today") or audit.generated_at[:10])
    earlier = [p.date for p in audit.history if p.date < today]
    return max(earlier) if earlier else ""


def audit_date(audit: Audit) -> str:
    """The date the audit treated as today, else when it ran."""
    return str(audit.today or audit.generated_at)


def change_counts(audit: Audit) -> dict[str, int]:
    new = sum(1 for f in audit.findings if f.get("status", "new") == "new")
    return {"new": new, "persisting": len(audit.findings) - new, "fixed": len(audit.fixed)}


def changes_text(audit: Audit) -> str:
    """``Since the audit of 25 October 2026: 3 new, 5 fixed.`` (or the first-run note)."""
    when = compared_with(audit)
    if not when:
        return "This is the first audit on record, so every finding counts as new."
    c = change_counts(audit)
    return f"Since the audit of {nice_date(when, time=False)}: {c['new']} new, {c['fixed']} fixed."


def headline_snippet(audit: Audit | None, site_name: str, prefix: str = "audit/") -> str:
    """The home page's "Latest audit" box (included into ``docs/index.md``)."""
    if audit is None:
        return ('!!! note "No audit yet"\n\n    No audit has been run yet. The guides below work without one.\n')
    sev = audit.by_severity()
    c = change_counts(audit)
    stat = audit.metrics.get("statutory") or {}
    score = f"{md_text(stat['score'])}%" if stat.get("score") not in (None, "") else "not measured"
    return (f'!!! abstract "Latest audit: {nice_date(audit_date(audit), time=False)}"\n\n'
            f"    The audit of {md_text(site_name, 80)} found **{sev['error']} errors**, {sev['warning']} warnings "
            f"and {sev['notice']} notices. {changes_text(audit)} Statutory coverage: {score}.\n\n"
            f"    [See what to fix first]({prefix}index.md#fix-these-first) · "
            f"[To-do lists by owner]({prefix}owners/index.md)\n")
