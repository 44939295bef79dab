"""The crawl loop: the frontier feeds HTTP workers, Chromium finishes the pages that need it,
and every page is saved with its links as it finishes.

The parts (after Scrapy's engine/scheduler split):

- ``crawler.frontier.Frontier``: what is crawled next (queue, de-duplication, scope, trap
  guards, resume);
- ``crawler.workers.PageWorker``: fetch, extract, render and check one page;
- ``crawler.robots.RobotsCache`` and ``crawler.failures.HostFailures``: robots.txt and
  hosts that keep failing;
- the ``Engine`` here: runs the workers, hands pages that need Chromium to render tasks,
  saves each page with the URLs it queues in one store transaction, and reports
  ``Counts`` to the ``Progress`` listener it was given.
"""

from __future__ import annotations

import asyncio

from crawler.counts import Counts, Progress
from crawler.frontier import DONE, Entry, Frontier, Item
from crawler.pagebuild import guard_page
from crawler.workers import Done, PageWorker, RenderJob, Reused

RENDER_BACKLOG = 512
"""Fetched pages waiting for Chromium, at most (then HTTP workers wait too): bounds memory."""


class Engine:
    """One crawl run's loop (see the module docstring)."""

    def __init__(self, frontier: Frontier, worker: PageWorker, counts: Counts,
                 progress: Progress | None = None) -> None:
        self.frontier, self.worker, self.counts, self.progress = frontier, worker, counts, progress
        self.writer, self.run_id = worker.run.writer, worker.run.run_id

    # -- filling the frontier ------------------------------------------------------------
    def add(self, items: list[Item]) -> None:
        """Offer URLs to the frontier; those a guard stops are saved at once as guard pages."""
        self._save_guarded(self.frontier.add(items))

    def seed(self, starts: list[str], sitemap: set[str]) -> None:
        """A new run: start URLs, then the sitemaps' URLs."""
        self._save_guarded(self.frontier.seed(starts, sitemap))

    def resume(self) -> bool:
        """Continue a killed run from the store's frontier; False when there is nothing to continue."""
        done = self.frontier.resume()
        if done is None:
            return False
        self.counts.done = done
        self.counts.queued = self.frontier.queued
        return True

    def _save_guarded(self, guarded: list[tuple[Entry, str]]) -> None:
        for entry, guard in guarded:
            self._save(Done(guard_page(self.frontier.target(entry), guard)))

    # -- running -----------------------------------------------------------------------
    async def run(self, workers: int) -> Counts:
        """HTTP workers take URLs from the frontier; a page that needs Chromium is handed to
        a render task (at most ``RENDER_BACKLOG`` waiting) and the worker carries on, so
        plain HTTP fetching never waits for the browser.

        The first failure of any worker, render task or the flusher (a full disk, a bug)
        stops the whole crawl at once and is raised; what was committed stays in the store."""
        self.render_slots = asyncio.Semaphore(RENDER_BACKLOG)
        self.render_tasks: set[asyncio.Task] = set()
        self.failed: list[BaseException] = []
        self.stop = asyncio.Event()
        tasks = [asyncio.create_task(self._work()) for _ in range(workers)]
        flusher = asyncio.create_task(self._flusher())
        waiters = [asyncio.ensure_future(self.frontier.join()), asyncio.ensure_future(self.stop.wait())]
        try:
            await asyncio.wait([*waiters, *tasks, flusher], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in [*waiters, *tasks, flusher, *self.render_tasks]:
                task.cancel()
            results = await asyncio.gather(*tasks, flusher, *self.render_tasks, *waiters, return_exceptions=True)
            try:
                self.writer.flush()
            except Exception as exc:  # noqa: BLE001 - reported below, after the first failure
                self.failed.append(exc)
            self.worker.close()
        for result in [*results, *self.failed]:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                raise result
        self.counts.queued = self.frontier.queued
        return self.counts

    async def finish_axe(self) -> None:
        """Wait for the background axe runs (the crawl itself is over)."""
        await self.worker.finish_axe()

    async def _flusher(self) -> None:
        while True:
            await asyncio.sleep(self.writer.flush_s or 0.5)
            self.writer.flush_if_due()

    async def _work(self) -> None:
        while True:
            entry = await self.frontier.next()
            handed_over = False
            try:
                if entry is not None:
                    result = await self.worker.process(self.frontier.target(entry))
                    if isinstance(result, RenderJob):
                        await self.render_slots.acquire()
                        task = asyncio.create_task(self._render(entry, result))
                        self.render_tasks.add(task)
                        task.add_done_callback(self.render_tasks.discard)
                        handed_over = True
                    else:
                        self._finish(entry, result)
                        entry.state = DONE
            finally:
                if not handed_over:
                    self.frontier.task_done()

    async def _render(self, entry: Entry, job: RenderJob) -> None:
        try:
            self._finish(entry, await self.worker.render(job))
            entry.state = DONE
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # noqa: BLE001 - re-raised by run(), as a worker's would be
            self.failed.append(exc)
            self.stop.set()
        finally:
            self.render_slots.release()
            self.frontier.task_done()

    # -- saving ------------------------------------------------------------------------
    def _finish(self, entry: Entry, done: Done | Reused) -> None:
        """Save the page and queue its links in one transaction (``StoreWriter.unit``)."""
        with self.writer.unit():
            self._save(done)
            self._follow(entry, done)

    def _save(self, done: Done | Reused) -> None:
        if isinstance(done, Reused):
            page = done.previous
            if not self.writer.copy_page(done.from_run, self.run_id, done.url, done.changes):
                raise RuntimeError(f"run {done.from_run} no longer holds {done.url}: was the store changed during the crawl?")
        else:
            page = done.page
            self.writer.save_page(self.run_id, page, done.links)
        self.counts.done += 1
        if page.error or page.status >= 400:
            self.counts.errors += 1
        if self.progress is not None:
            self.counts.queued = self.frontier.queued
            self.progress.update(self.counts)

    def _follow(self, entry: Entry, done: Done | Reused) -> None:
        """Queue the page's in-scope links, its canonical URL and its redirect target."""
        if isinstance(done, Reused):
            page, left_scope = done.previous, False  # a page that left the allowed hosts is never reused
            links = done.follow
        else:
            page, left_scope = done.page, done.left_scope
            links = [(link.target, link.text) for link in done.links if link.kind in ("page", "document")]
        items = self.frontier.link_items(entry, links)
        if page.final_url and page.final_url != entry.url and not left_scope and not page.error:
            items.append((page.final_url, entry.depth, entry.url, "redirect"))
        if page.canonical and page.canonical != entry.url:
            items.append((page.canonical, entry.depth, entry.url, "link"))
        if items:
            self.add(items)
