"""Links from the family guides to the audited council's own pages on the same topic.

Each guide in ``docs/guides/families/`` that has an entry in ``GUIDE_TOPICS`` ends with an
include line (``--8<-- "audit/local/<guide>.md"``). The build writes that file: a link to
the council's page (or two) on the topic, found among the pages the audit crawled. A page
qualifies when its title says the topic (a URL that does is second best); failing that, the
first evidence page of the matching statutory topic. When the audit found nothing the file
is empty, and the guide reads as it does without an audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lo_audit.site.data import Audit
from common.markdown import md_link, md_text


@dataclass(frozen=True)
class Topic:
    words: tuple[str, ...]  # phrases (regular expressions) a page title or URL says
    topics: tuple[str, ...] = ()  # statutory topic ids whose evidence pages are a fallback


GUIDE_TOPICS: dict[str, Topic] = {
    "sen-support-and-the-senco": Topic((r"sen support", r"senco", r"graduated approach",
                                        r"support (in|at) (school|nursery|college)"), ("provision.mainstream",)),
    "health-services-and-waiting-lists": Topic((r"therap", r"health", r"waiting"), ("health",)),
    "choosing-a-school-or-college": Topic((r"choosing a (school|college)", r"school places", r"admissions",
                                           r"special schools", r"colleges?"), ("provision.in-area", "provision.special")),
    "home-to-school-transport": Topic((r"transport", r"travel"), ("travel",)),
    "short-breaks": Topic((r"short breaks?",), ("social-care",)),
    "personal-budgets": Topic((r"personal budgets?", r"direct payments?"), ("personal-budgets",)),
    "annual-reviews-and-late-plans": Topic((r"annual reviews?", r"reviewing (an|the|your) ehc"), ("assessment",)),
    "exclusions-and-alternative-provision": Topic((r"exclu", r"alternative provision", r"out of school"),
                                                  ("provision.secured",)),
    "rights-from-16": Topic((r"post[- ]?16", r"16 to 25", r"young people'?s rights", r"after 16"),
                            ("preparing-for-adulthood", "training")),
}
MAX_LINKS = 2


def _ok(row: dict) -> bool:
    status = str(row.get("status") or "")
    kind = str(row.get("kind") or "html")
    return status == "200" and kind in ("html", "") and not row.get("guard")


def _title(row: dict) -> str:
    return str(row.get("title") or "").split(" | ")[0].strip()


def pages_for(audit: Audit, topic: Topic) -> list[tuple[str, str]]:
    """Up to ``MAX_LINKS`` (title, url) of crawled pages about ``topic``, best first."""
    pattern = re.compile("|".join(f"(?:{w})" for w in topic.words), re.I)
    by_title, by_url = [], []
    for row in audit.pages:
        url = str(row.get("final_url") or row.get("url") or "")  # a redirect's destination, once
        if not url or not _ok(row):
            continue
        title = _title(row)
        if title and pattern.search(title):
            by_title.append((title, url))
        elif pattern.search(url.rsplit("/", 1)[-1] or url):
            by_url.append((title or url, url))
    found = sorted(by_title, key=lambda t: (len(t[1]), t[1])) + sorted(by_url, key=lambda t: (len(t[1]), t[1]))
    if not found:
        stat = {t.get("id"): t for t in (audit.metrics.get("statutory") or {}).get("topics") or [] if isinstance(t, dict)}
        for tid in topic.topics:
            for page in (stat.get(tid) or {}).get("pages") or []:
                if isinstance(page, dict) and page.get("url"):
                    found.append((str(page.get("title") or page["url"]).split(" | ")[0], str(page["url"])))
    seen, out = set(), []
    for title, url in found:
        if url not in seen and title.lower() not in seen:
            seen.update((url, title.lower()))
            out.append((title, url))
    return out[:MAX_LINKS]


def local_snippets(audit: Audit | None, site_name: str) -> dict[str, str]:
    """``{"local/<guide>.md": Markdown}`` for every guide in ``GUIDE_TOPICS``."""
    out = {}
    for guide, topic in GUIDE_TOPICS.items():
        links = pages_for(audit, topic) if audit else []
        if not links:
            out[f"local/{guide}.md"] = ""
            continue
        shown = " and ".join(md_link(title, url, 80) for title, url in links)
        where = f"the {md_text(site_name, 80)}" if site_name else "your Local Offer"
        out[f"local/{guide}.md"] = f"**Read more on {where}:** {shown}.\n"
    return out
