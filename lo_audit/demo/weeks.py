"""Earlier weeks of the Exampleshire demo, so that its history shows a real trend.

``lo-audit demo`` audits the demo four times, one week apart, ending on the final date
(``checks.today`` in the demo config). In the earlier weeks the demo site serves small,
real differences, and the audit finds them as it would on a council's site:

- three and two weeks before: a broken link to an old leaflet in the footer of every
  article page (one grouped finding listing every page), fixed a week before the end;
- three weeks before: a phone link with too few digits on the short breaks page, fixed
  the week after;
- links to old pages that no longer exist on six section pages (``EARLY_LINKS``), fixed
  one or two at a time, so the number of errors falls week by week;
- until two weeks before: the complaints email link is right; it breaks in the week
  before the end (a new finding);
- until the week before: the travel team's phone link is right; it breaks in the final
  week (a new finding).

The final week is the demo exactly as the ground truth describes it; dates move too, so
a page can also become stale between runs. ``adjust`` is applied to every answer, and the
catalogue of an earlier week has no review dates after that week (``catalogue_as_on``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from lo_audit.demo.response import Response

WEEKS_BEFORE = (3, 2, 1, 0)
"""The weekly runs, as weeks before the final one, oldest first."""

FOOTER_END = "</ul><p>Exampleshire County Council, County Hall"
OLD_LEAFLET = '<li><a href="/send/local-offer-leaflet-2025.pdf">Local Offer leaflet (PDF)</a></li>\n'
SHORT_BREAKS = "/send/social-care/short-breaks"
BAD_TEL = '<p>Out of hours, call the short breaks duty line on <a href="tel:01174">0117 4</a>.</p>\n'
BAD_MAILTO, GOOD_MAILTO = "mailto:complaints.exampleshire.gov.uk", "mailto:complaints@exampleshire.gov.uk"
BAD_TEL_HREF, GOOD_TEL_HREF = 'href="tel:0117496"', 'href="tel:01174960200"'


EARLY_LINKS = (  # (broken from this many weeks before the end, section page, dead link, link text)
    (3, "/send/advice", "/send/advice/closed-groups-2024", "Groups that closed in 2024"),
    (3, "/send/childcare", "/send/childcare/funding-rates-2024", "Funding rates for 2024"),
    (3, "/send/adulthood", "/send/adulthood/transition-event-2025", "Our transition event"),
    (2, "/send/education", "/send/education/ehc-plan-guide-2023", "Our 2023 guide to EHC plans"),
    (2, "/send/health", "/send/health/clinic-times-2024", "Clinic times"),
    (1, "/send/social-care", "/send/social-care/holiday-scheme-2025", "The 2025 holiday scheme"),
)
"""Each is one more broken link in the earlier weeks; all are fixed by the final run."""


def run_dates(final: str) -> list[tuple[int, str]]:
    """``(weeks before, ISO date)`` of each weekly run, oldest first."""
    end = date.fromisoformat(final)
    return [(w, (end - timedelta(weeks=w)).isoformat()) for w in WEEKS_BEFORE]


_REVIEWED = re.compile(r"^(\s*last_reviewed:\s*)'?(\d{4}-\d{2}-\d{2})'?\s*$", re.M)


def catalogue_as_on(text: str, day: str) -> str:
    """The catalogue as it stood on ``day``: a review dated later had not happened yet, so the
    record still showed an earlier review (here: ``day`` itself, never a date in the future)."""
    return _REVIEWED.sub(lambda m: f"{m.group(1)}'{min(m.group(2), day)}'", text)


def _html(response: Response) -> bool:
    return response.status == 200 and response.content_type.startswith("text/html")


def adjust(weeks_before: int, host: str, path: str, response: Response) -> Response:
    """The answer the demo gave ``weeks_before`` weeks before the final run."""
    if weeks_before <= 0 or host != "cms" or not _html(response):
        return response
    text = response.body.decode("utf-8")
    if weeks_before >= 2:
        text = text.replace(FOOTER_END, OLD_LEAFLET + FOOTER_END, 1)
    if weeks_before >= 3 and path.rstrip("/") == SHORT_BREAKS:
        text = text.replace("</main>", BAD_TEL + "</main>", 1)
    for since, page, dead, label in EARLY_LINKS:
        if weeks_before >= since and path.rstrip("/") == page:
            text = text.replace("</main>", f'<p>See also: <a href="{dead}">{label}</a>.</p>\n</main>', 1)
    if weeks_before >= 2:
        text = text.replace(BAD_MAILTO, GOOD_MAILTO)
    text = text.replace(BAD_TEL_HREF, GOOD_TEL_HREF)
    return replace(response, body=text.encode("utf-8"))
