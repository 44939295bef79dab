"""Workbooks made in a forked worker process (``WorkbookBuilder``) are the bytes the main
process makes; a worker that dies costs only time; no worker is forked beside another thread."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

import checks.reports.folder as folder
from checks.pipeline.engine import run_checks
from checks.pipeline.registry import rule
from checks.reports.finding import Finding, Severity
from checks.reports.folder import WorkbookBuilder, write_reports
from checks_testkit import SITE, make_cfg
from lo_audit.config import OwnerRule


@pytest.fixture
def many_findings(isolated_rules):
    @rule("testing.many", "warning")
    def many(ctx):
        """Findings on pages of three owners, some with formula-like text."""
        return [Finding("testing.many", f"s{i}", (Severity.ERROR, Severity.WARNING, Severity.NOTICE)[i % 3],
                        f"=HYPERLINK(\"x\") problem {i}", url=f"{SITE}/{('health', 'care', 'school')[i % 3]}/p{i}",
                        found=f"+{i}", evidence={"n": i}) for i in range(300)]
    return isolated_rules


@pytest.fixture
def forkable(monkeypatch):
    """The worker is forked even if this test process runs other threads (servers of other
    tests' fixtures); the check on threads itself is tested below."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def _cfg(tmp_path, store, out: str):
    owners = (OwnerRule(pattern=f"{SITE}/health*", owner="Health", email="h@example.gov.uk"),
              OwnerRule(pattern=f"{SITE}/care*", owner="Care", email="c@example.gov.uk"))
    cfg = make_cfg(tmp_path / out, store, today="2024-06-01", owners=owners)
    return cfg


def _files(out: Path) -> dict[str, bytes | dict]:
    """Every report file; findings.json and history.json without the moment of writing."""
    found = {}
    for p in sorted(out.rglob("*")):
        if p.is_file():
            data: bytes | dict = p.read_bytes()
            if p.name in ("findings.json", "history.json"):
                data = json.loads(data)
                for point in (data if isinstance(data, list) else [data]):
                    point.pop("generated_at", None)
            found[p.relative_to(out).as_posix()] = data
    return found


def _made_by(tmp_path: Path, monkeypatch, die_in_worker: bool = False) -> Path:
    """Record in a file the process that makes each workbook (the worker is forked, so it
    runs this wrapper too); with ``die_in_worker`` the worker process exits at once."""
    log, real, parent = tmp_path / "made-by.txt", folder.xlsx_bytes, os.getpid()

    def recording(sheets, *args, **kwargs):
        if die_in_worker and os.getpid() != parent:
            os._exit(3)
        with log.open("a") as f:
            f.write(f"{os.getpid()}\n")
        return real(sheets, *args, **kwargs)

    monkeypatch.setattr(folder, "xlsx_bytes", recording)
    return log


def _pids(log: Path) -> set[int]:
    return {int(line) for line in log.read_text().split()} if log.exists() else set()


def test_workbooks_made_by_the_worker_are_the_main_process_bytes(tmp_path, small_store, many_findings, monkeypatch,
                                                                  forkable):
    monkeypatch.setattr(WorkbookBuilder, "PARALLEL_ROWS", 10**9)
    serial = write_reports(run_checks(cfg := _cfg(tmp_path, small_store, "serial")), cfg)
    log = _made_by(tmp_path, monkeypatch)
    monkeypatch.setattr(WorkbookBuilder, "PARALLEL_ROWS", 0)  # every workbook is big enough
    parallel = write_reports(run_checks(cfg := _cfg(tmp_path, small_store, "parallel")), cfg)

    assert len(list(parallel.rglob("*.xlsx"))) == 4  # findings.xlsx and three owners'
    assert _files(parallel) == _files(serial)
    workers = _pids(log) - {os.getpid()}
    assert 1 <= len(workers) <= WorkbookBuilder.WORKERS  # workers made some (this process perhaps the others)


def test_workers_started_before_the_check_make_the_same_workbooks(tmp_path, small_store, many_findings, monkeypatch,
                                                                  forkable):
    """``lo-audit check`` forks the workers before it reads the crawl (``WorkbookBuilder.start``)
    and hands them to ``write_reports``, which leaves them to the caller to close."""
    monkeypatch.setattr(WorkbookBuilder, "PARALLEL_ROWS", 10**9)
    serial = write_reports(run_checks(cfg := _cfg(tmp_path, small_store, "serial")), cfg)
    log = _made_by(tmp_path, monkeypatch)
    monkeypatch.setattr(WorkbookBuilder, "PARALLEL_ROWS", 0)
    builder = WorkbookBuilder()
    builder.start()
    try:
        forked = {p.pid for p in builder.pool._processes.values()}
        assert len(forked) == min(WorkbookBuilder.WORKERS, len(os.sched_getaffinity(0)))
        early = write_reports(run_checks(cfg := _cfg(tmp_path, small_store, "early")), cfg, builder=builder)
        assert builder.pool is not None and not builder.pending
    finally:
        builder.close()
    assert _files(early) == _files(serial)
    workers = _pids(log) - {os.getpid()}
    assert workers and workers <= forked


def test_a_worker_that_dies_costs_only_time(tmp_path, small_store, many_findings, monkeypatch, caplog, forkable):
    monkeypatch.setattr(WorkbookBuilder, "PARALLEL_ROWS", 10**9)
    serial = write_reports(run_checks(cfg := _cfg(tmp_path, small_store, "serial")), cfg)
    log = _made_by(tmp_path, monkeypatch, die_in_worker=True)
    monkeypatch.setattr(WorkbookBuilder, "PARALLEL_ROWS", 0)
    again = write_reports(run_checks(cfg := _cfg(tmp_path, small_store, "again")), cfg)

    assert _files(again) == _files(serial)
    assert _pids(log) == {os.getpid()}
    assert "making it in the main process" in caplog.text


def test_no_worker_is_forked_beside_another_thread(tmp_path, small_store, many_findings, monkeypatch):
    log = _made_by(tmp_path, monkeypatch)
    monkeypatch.setattr(WorkbookBuilder, "PARALLEL_ROWS", 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        out = write_reports(run_checks(cfg := _cfg(tmp_path, small_store, "threaded")), cfg)
    finally:
        stop.set()
        other.join()
    assert len(list(out.rglob("*.xlsx"))) == 4
    assert _pids(log) == {os.getpid()}


def test_an_error_in_the_worker_is_raised_as_in_the_main_process(tmp_path, small_store, many_findings, monkeypatch,
                                                                  forkable):
    def broken(sheets, *args, **kwargs):
        raise ValueError("a cell XlsxWriter refuses")

    monkeypatch.setattr(folder, "xlsx_bytes", broken)
    monkeypatch.setattr(WorkbookBuilder, "PARALLEL_ROWS", 0)
    cfg = _cfg(tmp_path, small_store, "broken")
    with pytest.raises(ValueError, match="XlsxWriter refuses"):
        write_reports(run_checks(cfg), cfg)
    assert not Path(cfg.reports.out).exists()  # nothing half-written is swapped in


_PARENT = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
import checks.reports.folder as folder

rows = [[f"text {i}", i, "=x", None, "a,b" * 20] for i in range(20_000)]
builder = folder.WorkbookBuilder()
folder.write_xlsx(Path(sys.argv[1]) / "big.xlsx", [("S", ("a", "b", "c", "d", "e"), rows)],
                  datetime(2024, 1, 1, tzinfo=timezone.utc), None, builder)
folder.write_xlsx(Path(sys.argv[1]) / "big2.xlsx", [("S", ("a", "b", "c", "d", "e"), rows)],
                  datetime(2024, 1, 1, tzinfo=timezone.utc), None, builder)
print(*([p.pid for p in builder.pool._processes.values()] if builder.pool else ["none"]), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie left for an init that does not reap counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_worker_ends_when_the_process_that_forked_it_is_killed(tmp_path):
    """``kill -9`` (or an unhandled SIGTERM) of the check leaves no worker behind: one left
    making a workbook whose bytes nobody reads would wait on its pipe for ever."""
    import signal
    import subprocess
    import sys
    import time

    root = Path(folder.__file__).resolve().parents[2]
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(root)})
    workers: list[int] = []
    try:
        line = parent.stdout.readline().split()
        assert line, "the parent failed"
        if line == ["none"]:
            pytest.skip("no worker on this machine (one core, or no fork)")
        workers = [int(pid) for pid in line]
        assert len(workers) == min(WorkbookBuilder.WORKERS, len(os.sched_getaffinity(0)))
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_alive, workers)), "a worker outlived the process that forked it"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for worker in workers:
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
