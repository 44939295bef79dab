"""Faults from the machine, not the site: a full disk during a crawl and during ``check``
(issue 13, items 4 and 15).

The full disk is a real one: a 2 MB tmpfs mounted for the test (the tests run as root in
CI). Where mounting is not possible, the closest real fault is used instead: a file-size
limit (``RLIMIT_FSIZE``) on the crawler's process, which makes writes fail with ``EFBIG``
the way a full disk makes them fail with ``ENOSPC``.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hostilesite import Route, Site, page

CLI = str(Path(sys.executable).with_name("lo-audit"))
FILLER = " ".join(f"Respite care, short breaks and sensory play sessions number {i}." for i in range(400))


@contextmanager
def small_disk(base: Path, size: str = "2m"):
    """A folder on a tiny filesystem, and the limit to put on the child if no mount worked."""
    folder = base / "small"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0 if shutil.which("mount") else False
    try:
        yield folder, None if mounted else 2 * 1024 * 1024
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def _limit(size: int | None):
    if size is None:
        return None
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def big_site(pages: int) -> Site:
    links = "".join(f"<a href='/p/{i}'>Page {i}</a> " for i in range(pages))
    routes = {"/": Route(page("Home", links))}
    routes.update({f"/p/{i}": Route(page(f"Page {i}", f"<p>{FILLER} {i}</p>")) for i in range(pages)})
    return Site(routes)


def test_full_disk_stops_the_crawl_promptly_with_a_message(tmp_path):
    site = big_site(400)
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  a11y: false\n  check_external: false\n")
    try:
        with small_disk(tmp_path) as (disk, limit):
            db = disk / "crawl.sqlite"
            started = time.monotonic()
            done = subprocess.run([CLI, "-q", "crawl", site.url("/"), "--config", str(config), "--db", str(db),
                                   "--rate", "0", "--render", "never"], capture_output=True, text=True,
                                  timeout=120, preexec_fn=_limit(limit))
            elapsed = time.monotonic() - started
            with sqlite3.connect(db) as conn:
                kept = conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    finally:
        site.close()
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "full" in lines[0] and str(db) in lines[0], lines
    assert "--resume" in lines[0]
    assert elapsed < 60
    assert 0 < kept < 401, "what was stored before the disk filled up is kept"


def test_full_disk_during_check_is_one_line_and_exit_2(tmp_path):
    from crawler.crawl import crawl
    from lo_audit.config import CrawlConfig

    site = big_site(60)
    db = tmp_path / "crawl.sqlite"
    try:
        crawl(CrawlConfig(start_urls=(site.url("/"),), db=str(db), rate=0, render="never", a11y=False,
                          check_external=False))
    finally:
        site.close()
    with small_disk(tmp_path, "64k") as (disk, limit):
        (disk / "filler").write_bytes(b"x" * (60 * 1024)) if limit is None else None
        done = subprocess.run([CLI, "-q", "check", "--db", str(db), "--out", str(disk / "reports"), "--fail-on",
                               "never"], capture_output=True, text=True, timeout=300,
                              preexec_fn=_limit(limit and 16 * 1024))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "full" in lines[0], lines


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_the_small_disk_is_really_small(tmp_path):
    with small_disk(tmp_path) as (disk, limit):
        assert limit is None, "a tmpfs can be mounted here"
        with pytest.raises(OSError):
            (disk / "big").write_bytes(b"x" * (3 * 1024 * 1024))


def test_check_on_an_unfinished_crawl_warns_and_the_site_says_so(tmp_path):
    """A crawl killed midway, then ``check``: a warning, ``run.unfinished`` in findings.json and
    a warning on the site's overview; a finished crawl has none of these (negative control)."""
    import json
    import signal

    from lo_audit.config import Config, ReportsConfig
    from lo_audit.site.build import write_generated

    site = Site({"/": Route(page("Home", "".join(f"<a href='/s/{i}'>{i}</a>" for i in range(100)))),
                 **{f"/s/{i}": Route(page(f"S{i}", "<p>x</p>"), delay=0.05) for i in range(100)}})
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  a11y: false\n  check_external: false\n")
    try:
        for name, kill in (("killed", True), ("finished", False)):
            db = str(tmp_path / f"{name}.sqlite")
            proc = subprocess.Popen([CLI, "-q", "crawl", site.url("/"), "--config", str(config), "--db", db,
                                     "--rate", "0", "--render", "never", "--concurrency", "1"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if kill:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and site.count("/s/5") == 0:
                    time.sleep(0.05)
                os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=120) == (-signal.SIGKILL if kill else 0)
            out = tmp_path / f"reports-{name}"
            done = subprocess.run([CLI, "-q", "check", "--db", db, "--out", str(out), "--fail-on", "never"],
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            assert ("did not finish" in done.stderr) is kill
            assert json.loads((out / "findings.json").read_text())["run"]["unfinished"] is kill
            docs = tmp_path / f"docs-{name}"
            write_generated(Config(reports=ReportsConfig(out=str(out))), docs)
            assert ("Unfinished crawl" in (docs / "audit" / "index.md").read_text()) is kill
    finally:
        site.close()
