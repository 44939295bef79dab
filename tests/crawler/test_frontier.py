"""The frontier on a real store: de-duplication, scope, guards, order, and resume."""

from __future__ import annotations

import asyncio

from crawler.frontier import Frontier
from crawler.guards import Guards
from crawler.model import Page
from crawler.pagebuild import Scope
from crawler.scope import prefix_of
from crawler.store import StoreWriter

HOST = "127.0.0.1:8001"
SITE = f"http://{HOST}"


def make(tmp_path, max_pages=100, max_depth=5, max_per_pattern=100, scope=()) -> tuple[Frontier, StoreWriter, int]:
    writer = StoreWriter(tmp_path / "crawl.sqlite")
    run = writer.start_run([SITE + "/"], [HOST], {})
    frontier = Frontier(Scope(frozenset({HOST}), (), scope), Guards(max_pages, max_depth, max_per_pattern),
                        writer, run)
    return frontier, writer, run


def drain(frontier: Frontier) -> list[tuple[str, int, str]]:
    """Every queue item in order, as ``(url, depth, via)`` (stale items skipped)."""

    async def take():
        out = []
        while not frontier._queue.empty():
            entry = await frontier.next()
            frontier.task_done()
            if entry is not None:
                out.append((entry.url, entry.depth, entry.via))
        return out

    return asyncio.run(take())


def stored(writer: StoreWriter, run: int) -> dict[str, tuple[int, str, str, str]]:
    return {url: (depth, parent, via, state) for url, depth, parent, via, state in writer.frontier(run)}


def test_a_url_is_accepted_once_and_recorded_once(tmp_path):
    frontier, writer, run = make(tmp_path)
    frontier.add([(SITE + "/a", 1, SITE + "/", "link"), (SITE + "/b", 1, SITE + "/", "link")])
    frontier.add([(SITE + "/a", 2, SITE + "/b", "link"), (SITE + "/a", 1, SITE + "/", "link")])
    assert frontier.queued == 2
    assert drain(frontier) == [(SITE + "/a", 1, "link"), (SITE + "/b", 1, "link")]
    rows = stored(writer, run)
    assert rows[SITE + "/a"] == (1, SITE + "/", "link", "queued")  # the first sighting is the one kept
    assert frontier.guards.accepted == 2


def test_other_hosts_and_urls_outside_the_scope_are_never_queued(tmp_path):
    frontier, writer, run = make(tmp_path, scope=(prefix_of(SITE + "/send/"),))
    guarded = frontier.add([(SITE + "/send/a", 1, "", "link"), (SITE + "/news/b", 1, "", "link"),
                            ("http://127.0.0.2:8001/send/c", 1, "", "link")])
    assert guarded == []
    assert drain(frontier) == [(SITE + "/send/a", 1, "link")]
    assert set(stored(writer, run)) == {SITE + "/", SITE + "/send/a"}  # the start URL came with the run


def test_a_url_too_deep_is_returned_as_guarded_done_and_not_fetched(tmp_path):
    frontier, writer, run = make(tmp_path, max_depth=2)
    guarded = frontier.add([(SITE + "/ok", 2, SITE + "/x", "link"), (SITE + "/deep", 3, SITE + "/ok", "link")])
    assert [(entry.url, entry.state, guard) for entry, guard in guarded] == [(SITE + "/deep", "done", "max-depth")]
    assert drain(frontier) == [(SITE + "/ok", 2, "link")]
    assert stored(writer, run)[SITE + "/deep"][0] == 3  # recorded, so a resume does not offer it again
    assert frontier.add([(SITE + "/deep", 1, SITE + "/", "link")]) == []  # a shorter path later: still seen once


def test_max_pages_and_pattern_guards_stop_the_rest(tmp_path):
    frontier, _, _ = make(tmp_path, max_pages=3, max_per_pattern=2)
    guarded = frontier.add([(f"{SITE}/item/{i}", 1, "", "link") for i in range(3)] +
                           [(SITE + "/about", 1, "", "link"), (SITE + "/help", 1, "", "link")])
    assert [(entry.url, guard) for entry, guard in guarded] == [(SITE + "/item/2", "max-per-pattern"),
                                                                 (SITE + "/help", "max-pages")]
    assert frontier.queued == 3


def test_links_come_before_sitemap_urls_and_a_link_moves_a_sitemap_url_up(tmp_path):
    frontier, _, _ = make(tmp_path)
    frontier.seed([SITE + "/"], {SITE + "/s1", SITE + "/s2", SITE + "/s3"})
    frontier.add([(SITE + "/a", 2, SITE + "/", "link"), (SITE + "/s2", 1, SITE + "/", "link")])
    order = drain(frontier)
    assert order == [(SITE + "/", 0, "start"), (SITE + "/s2", 1, "link"), (SITE + "/a", 2, "link"),
                     (SITE + "/s1", 1, "sitemap"), (SITE + "/s3", 1, "sitemap")]
    assert frontier.target(frontier.entries[SITE + "/s2"]).in_sitemap
    assert not frontier.target(frontier.entries[SITE + "/a"]).in_sitemap


def test_resume_rebuilds_the_queue_of_a_killed_run_from_the_store(tmp_path):
    first, writer, run = make(tmp_path, max_pages=4)
    first.add([(SITE + "/", 0, "", "start"), (SITE + "/a", 1, SITE + "/", "link"),
               (SITE + "/b", 1, SITE + "/", "link"), (SITE + "/c", 2, SITE + "/a", "link")])
    writer.save_sitemap_urls(run, [(SITE + "/c", "")])
    writer.save_page(run, Page(url=SITE + "/", status=200))
    writer.save_page(run, Page(url=SITE + "/b", status=200))
    writer.close()  # the crawl is killed here

    writer = StoreWriter(tmp_path / "crawl.sqlite")
    again = Frontier(first.scope, Guards(4, 5, 100), writer, run)
    assert again.resume() == 2
    assert drain(again) == [(SITE + "/a", 1, "link"), (SITE + "/c", 2, "link")]
    assert again.target(again.entries[SITE + "/c"]).in_sitemap
    assert again.entries[SITE + "/b"].state == "done"
    # the guards count what the killed run accepted: a fifth page is over max_pages
    assert [guard for _, guard in again.add([(SITE + "/d", 1, SITE + "/a", "link")])] == ["max-pages"]


def test_resume_has_nothing_to_continue_before_the_first_page(tmp_path):
    frontier, writer, run = make(tmp_path)
    writer.conn.execute("DELETE FROM frontier WHERE run_id=?", (run,))  # a store from before start URLs were queued
    assert frontier.resume() is None
    assert frontier.queued == 0 and not frontier.entries


def test_link_items_leave_the_frontier_as_every_link_offered_leaves_it(tmp_path):
    """``Frontier.link_items`` leaves out links ``add`` would ignore: pages of menus, result
    lists and sitemap-only URLs found again by links, in a random order, give the same
    entries, queue and pagination counts as offering every link at its depth."""
    import random

    rng = random.Random(11)
    targets = [f"{SITE}/", f"{SITE}/a", f"{SITE}/b/"] + [f"{SITE}/list?page={n}" for n in range(1, 12)]
    targets += [f"{SITE}/s/{n}" for n in range(8)] + [f"{SITE}/p/{n}" for n in range(30)]
    sitemap = [f"{SITE}/s/{n}" for n in range(8)] + [f"{SITE}/p/{n}" for n in range(0, 30, 3)]
    runs = []
    for way in ("every link", "link_items"):
        (tmp_path / way).mkdir()
        frontier, writer, run = make(tmp_path / way, max_pages=40, max_depth=4)
        frontier.seed([SITE + "/"], sitemap)
        pages = list(frontier.entries.values())
        for _ in range(200):
            entry = rng.choice(pages)
            entry.state = "done"  # its page was fetched: its links are offered
            links = [(rng.choice(targets + [entry.url]), rng.choice(["Next", "2", "Menu", ""]))
                     for _ in range(rng.randint(0, 10))]
            if way == "every link":
                items = [(t, d, entry.url, "link") for (t, _), d in zip(links, frontier.depths_of_links(entry, links))]
            else:
                items = frontier.link_items(entry, links)
            frontier.add(items)
            pages = list(frontier.entries.values())
        writer.flush()
        runs.append(([(e.url, e.depth, e.parent, e.via, e.state) for e in frontier.entries.values()],
                     sorted(frontier._queue._queue), frontier.guards.paginated, writer.frontier(run)))
        writer.close()
        rng = random.Random(11)
    assert runs[0] == runs[1]
    assert len(runs[0][0]) > 30 and sum(runs[0][2].values()) > 20
    assert any(via == "sitemap" for *_, via, _ in runs[0][0]) and any(
        via == "link" and url.startswith(f"{SITE}/s/") for url, _, _, via, _ in runs[0][0]), \
        "sitemap-only URLs, some found again by links"
