"""Trap guards tell a faceted search from records reached through several channels."""

from __future__ import annotations

from crawler.guards import MAX_FACETED, Guards


def test_kb5_records_under_many_channels_are_not_a_trap():
    guards = Guards(max_pages=10_000, max_depth=30, max_per_pattern=10_000)
    base = "http://127.0.0.1:1/kb5/x/directory/service.page"
    urls = [f"{base}?id=rec{r}&localofferchannel={c}" for r in range(60) for c in range(6)]
    assert [u for u in urls if guards.check(u, 2)] == []


def test_a_faceted_search_is_bounded():
    guards = Guards(max_pages=10_000, max_depth=30, max_per_pattern=10_000)
    base = "http://127.0.0.1:1/search"
    urls = [f"{base}?q={q}&sort={s}&page={p}" for q in "abcdef" for s in "xyzw" for p in range(10)]
    accepted = [u for u in urls if not guards.check(u, 2)]
    assert MAX_FACETED <= len(accepted) <= MAX_FACETED + 10
    assert {guards.check(u, 2) for u in urls[-5:]} == {"param-explosion"}
