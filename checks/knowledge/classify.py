"""Topic and inspection-criteria scores of the run's content pages, computed in one pass.

Both classifiers read the same words of a page, so each page is split into words once
(:class:`checks.knowledge.topics.PageWords`) and scored by both; only the small scores are kept.
"""

from __future__ import annotations

from typing import Any

from checks.knowledge.criteria import CRITERIA
from checks.knowledge.topics import PageWords, PhraseClassifier, Scored, topics


def content_scores(ctx: Any) -> dict[str, tuple[Scored, Scored]]:
    """Stored URL -> (topic scores, criteria scores) of every content page, once per run (``ctx.shared``)."""
    if "scores" not in ctx.shared:
        synonyms = getattr(ctx.config, "topic_synonyms", None) or {}
        by_topic = PhraseClassifier({t.id: t.phrases for t in topics(synonyms)})
        by_criterion = PhraseClassifier({c.id: c.phrases for c in CRITERIA})
        out = {}
        for page in ctx.site.content_pages:
            words = PageWords.of(page)
            out[page.url] = (by_topic.score(page, words), by_criterion.score(page, words))
        ctx.shared["scores"] = out
    return ctx.shared["scores"]
