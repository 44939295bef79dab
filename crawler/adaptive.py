"""Adaptive rendering: render in Chromium only where JavaScript changes what we see.

Decisions are made per structural template, the page's layout (``signals.layout_key``:
landmarks, main container, script set...), not per URL shape: a site with hundreds of
URL shapes but five layouts has five templates. Evidence in the static HTML decides
first: pages without scripts are never rendered; an empty app root, an app bootstrap
(``__NEXT_DATA__`` and the like), a ``<noscript>`` asking for JavaScript, a "load more"
control, an inline script that fetches data or builds links, a data-source attribute or
a near-empty body force a render of that page. Where the evidence is unclear (scripts,
but no sign of what they do), the first ``SAMPLES`` pages of the layout are fetched
plainly *and* rendered; if a rendered DOM has links or much more text than the static
HTML the layout is marked as needing JavaScript (every page of it is rendered), otherwise
as static (its pages are read from plain HTTP). ``cfg.render`` ``always``/``never``
override all of this.

axe-core runs on ``a11y_per_template`` pages of each layout plus every page whose main
content hints at a problem (``ParsedHtml.page_hints``), ``a11y_max_pages`` at most.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

from crawler.parse import ParsedHtml

SAMPLES = 2
TEXT_GROWTH = 1.2
TEXT_SLACK = 200


@dataclass
class RenderPlanner:
    """Render decisions and the axe sample of one crawl."""

    mode: str = "auto"
    a11y: bool = True
    a11y_per_template: int = 2
    a11y_max_pages: int = 150
    needs_js: dict[str, bool] = field(default_factory=dict)
    static_samples: Counter = field(default_factory=Counter)
    axe_per_template: Counter = field(default_factory=Counter)
    axe_total: int = 0
    sampling: Counter = field(default_factory=Counter)
    """Sample renders in flight per undecided template."""
    changed: asyncio.Condition | None = None

    async def claim_sample(self, template: str) -> bool | None:
        """Before a ``sample`` render: ``None`` when this page is to be the template's next
        sample, else the template's decision, waited for. Samples of one template render one
        at a time, so a template that needs JavaScript is known after its first sample and
        the other pages wait for the decision instead of all rendering as samples at once.
        A sample ends with ``end_sample``."""
        if self.changed is None:
            self.changed = asyncio.Condition()
        async with self.changed:
            while self.needs_js.get(template) is None and \
                    (self.sampling[template] or self.static_samples[template] >= SAMPLES):
                await self.changed.wait()
            decided = self.needs_js.get(template)
            if decided is None:
                self.sampling[template] += 1
            return decided

    async def end_sample(self, template: str) -> None:
        assert self.changed is not None
        async with self.changed:
            self.sampling[template] -= 1
            self.changed.notify_all()

    def decide(self, template: str, parsed: ParsedHtml) -> tuple[bool, str]:
        """``(render?, reason)`` for an HTML page of ``template``."""
        if self.mode == "never":
            return False, "never"
        if self.mode == "always":
            return True, "forced"
        if not parsed.has_scripts:
            return False, "no-scripts"
        if parsed.js_signals:
            return True, "js-signal:" + parsed.js_signals[0]
        state = self.needs_js.get(template)
        if state is None:
            return True, "sample"
        return (True, "template-needs-js") if state else (False, "static-template")

    def learn(self, template: str, static: ParsedHtml, rendered: ParsedHtml, static_targets: set[str],
              rendered_targets: set[str]) -> bool:
        """Record what a sample render showed; True when JavaScript changed the page."""
        more_text = len(rendered.main_text) > len(static.main_text) * TEXT_GROWTH + TEXT_SLACK
        changed = bool(rendered_targets - static_targets) or more_text
        if changed:
            self.needs_js[template] = True
        elif template not in self.needs_js:
            self.static_samples[template] += 1
            if self.static_samples[template] >= SAMPLES:
                self.needs_js[template] = False
        return changed

    def wants_axe(self, template: str, parsed: ParsedHtml) -> bool:
        """Reserve an axe run for this page if it is in its layout's sample (or its main
        content looks faulty)."""
        if not self.a11y or self.mode == "never" or self.axe_total >= self.a11y_max_pages:
            return False
        if self.axe_per_template[template] >= self.a11y_per_template and not parsed.page_hints:
            return False
        self.axe_per_template[template] += 1
        self.axe_total += 1
        return True
