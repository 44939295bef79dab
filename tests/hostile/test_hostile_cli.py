"""Hostile and careless command lines (issue 13 items 14, 15, 18, 19; issue 14 "CLI"): each
mistake gets one line naming it and exit status 2, never a traceback, never a silent empty
crawl, and nothing is created on the way."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostilesite import Route, Site, page

from crawler.crawl import crawl
from crawler.store import StoreReader
from lo_audit.cli import EXAMPLES, build_parser
from lo_audit.config import CrawlConfig

CLI = str(Path(sys.executable).with_name("lo-audit"))


def lo_audit(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def one_line_exit_2(done: subprocess.CompletedProcess, *fragments: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def site():
    served = Site({"/": Route(page("Home", "<a href='/a'>A</a>")), "/a": Route(page("A", "<p>text</p>"))})
    yield served
    served.close()


# --------------------------------------------------------------------------- item 14
def test_start_url_outside_allow_host_exits_2_before_any_request(site, tmp_path):
    done = lo_audit("crawl", site.url("/"), "--allow-host", "www.example.gov.uk", "--db", str(tmp_path / "c.sqlite"))
    one_line_exit_2(done, site.url("/"), "outside the allowed hosts", "--allow-host 127.0.0.1:")
    assert site.requests == [] and not (tmp_path / "c.sqlite").exists()


def test_empty_allow_host_exits_2(site, tmp_path):
    done = lo_audit("crawl", site.url("/"), "--allow-host", "", "--db", str(tmp_path / "c.sqlite"))
    one_line_exit_2(done, "allow_hosts", "''")
    assert site.requests == []


# --------------------------------------------------------------------------- item 15
@pytest.mark.parametrize("flags, fragment", [
    (["--timeout", "inf"], "--timeout: expected a finite number"),
    (["--timeout", "nan"], "--timeout: expected a finite number"),
    (["--rate", "nan"], "--rate: expected a finite number"),
    (["--rate", "inf"], "--rate: expected a finite number"),
    (["--allow-host", "[::1"], "not a host or host:port: '[::1'"),
    (["--concurrency", "1000000"], "--concurrency: at most 64"),
])
def test_impossible_numbers_and_hosts_exit_2(flags, fragment, tmp_path):
    one_line_exit_2(lo_audit("crawl", "http://127.0.0.1:9/", *flags, "--db", str(tmp_path / "c.sqlite")), fragment)


def test_config_file_with_nan_rate_exits_2(tmp_path):
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  start_urls: ['http://127.0.0.1:9/']\n  rate: .nan\n  timeout: 5\n")
    out = lo_audit("crawl", "--config", str(config)).stderr
    assert "crawl.rate" in out and "finite" in out and "Traceback" not in out


def test_deeply_nested_json_catalogue_exits_2(tmp_path):
    deep = tmp_path / "services.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    one_line_exit_2(lo_audit("catalogue", "validate", str(deep), "--format", "oruk"), "nested too deeply")


def test_store_that_is_a_folder_or_not_sqlite_exits_2(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    one_line_exit_2(lo_audit("crawl", "http://127.0.0.1:9/", "--db", str(folder)), "is a folder")
    one_line_exit_2(lo_audit("check", "--db", str(folder), "--out", str(tmp_path / "r")), "is a folder")
    text = tmp_path / "notes.sqlite"
    text.write_text("my notes, not a database\n")
    one_line_exit_2(lo_audit("crawl", "http://127.0.0.1:9/", "--db", str(text)), "not a crawl store")
    assert text.read_text() == "my notes, not a database\n"
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    one_line_exit_2(lo_audit("check", "--db", str(other), "--out", str(tmp_path / "r")), "not a crawl store")
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["t"], "never given our tables"


def test_reports_folder_that_is_a_file_exits_2(site, tmp_path):
    db = str(tmp_path / "c.sqlite")
    crawl(CrawlConfig(start_urls=(site.url("/"),), db=db, rate=0, render="never", a11y=False, check_external=False))
    out = tmp_path / "reports"
    out.write_text("a file")
    one_line_exit_2(lo_audit("check", "--db", db, "--out", str(out)), "is a file")


# --------------------------------------------------------------------------- item 18
def test_second_crawl_on_one_store_is_refused_and_the_lock_survives_kill_9(tmp_path):
    slow = Site({"/": Route(page("Home", "".join(f"<a href='/s/{i}'>{i}</a>" for i in range(200)))),
                 **{f"/s/{i}": Route(page(f"S{i}", "<p>x</p>"), delay=0.05) for i in range(200)}})
    db = str(tmp_path / "crawl.sqlite")
    common = ["--db", db, "--rate", "0", "--render", "never", "--concurrency", "1"]
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  a11y: false\n  check_external: false\n")
    first = subprocess.Popen([CLI, "-q", "crawl", slow.url("/"), "--config", str(config), *common],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and slow.count("/s/3") == 0:
            time.sleep(0.05)
        before = len(slow.requests)
        second = lo_audit("crawl", slow.url("/"), "--config", str(config), *common)
        resumed = lo_audit("crawl", slow.url("/"), "--config", str(config), *common, "--resume")
        for done in (second, resumed):
            one_line_exit_2(done, db, "another crawl is writing this crawl store", f"process {first.pid}")
        assert first.poll() is None, "the first crawl carries on"
        assert len([r for r in slow.requests[before:] if r.path in ("/", "/robots.txt")]) == 0, \
            "the refused crawls sent nothing"
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    try:
        crawl(CrawlConfig(start_urls=(slow.url("/"),), db=db, rate=0, render="never", a11y=False,
                          check_external=False, resume=True, concurrency=8))
    finally:
        slow.close()
    assert StoreReader(db).run()["status"] == "complete"


# --------------------------------------------------------------------------- item 19
def test_huge_response_header_is_reported_as_such(tmp_path):
    served = Site({"/": Route(page("Home", "<a href='/long'>L</a> <a href='/huge'>H</a>")),
                   "/long": Route(page("Long", "<p>fine</p>"), headers={"Content-Security-Policy": "a" * 9000}),
                   "/huge": Route(page("Huge", "<p>x</p>"), headers={"X-Padding": "a" * 70000})})
    db = str(tmp_path / "c.sqlite")
    try:
        crawl(CrawlConfig(start_urls=(served.url("/"),), db=db, rate=0, render="never", a11y=False,
                          check_external=False))
    finally:
        served.close()
    reader = StoreReader(db)
    long_, huge = reader.page(served.url("/long")), reader.page(served.url("/huge"))
    assert (long_.status, long_.error, long_.title) == (200, "", "Long"), "a 9 KB header is accepted as browsers do"
    assert huge.error == "header-too-large"


def test_concurrency_cap_is_in_the_help():
    assert "at most 64" in lo_audit("crawl", "--help").stdout


# --------------------------------------------------------------------------- issue 14: CLI
def test_unknown_flag_is_named_with_the_nearest_one():
    line = one_line_exit_2(lo_audit("crawl", "--pages", "10", "http://127.0.0.1:9/"),
                           "unrecognized arguments: --pages", "did you mean --max-pages?")
    assert "START_URL" not in line


def test_check_without_db_names_the_default_and_creates_nothing(tmp_path):
    one_line_exit_2(lo_audit("check", "--out", "r", cwd=tmp_path), ".lo-audit/crawl.sqlite", "--db")
    assert list(tmp_path.iterdir()) == []


def test_unknown_config_key_suggests_the_nearest(tmp_path):
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  start_urls: ['http://127.0.0.1:9/']\n  max_page: 3\n")
    line = one_line_exit_2(lo_audit("crawl", "--config", str(config)), "audit.yml:3: crawl.max_page: unknown key")
    assert "did you mean 'max_pages'?" in line


def _verbs(parser, prefix=()):
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, verb in action.choices.items():
                yield (*prefix, name), verb
                yield from _verbs(verb, (*prefix, name))


@pytest.mark.parametrize("verb", [" ".join(v) for v, _ in _verbs(build_parser())])
def test_every_verb_help_has_a_description_and_an_example(verb):
    done = lo_audit(*verb.split(), "--help")
    assert done.returncode == 0
    usage_end = done.stdout.index("\n\n")
    description = done.stdout[usage_end:].strip().splitlines()[0]
    assert description.endswith(".") and len(description) > 20, description
    assert "example:\n  lo-audit " + verb in done.stdout
    assert verb.split()[-1] in EXAMPLES


def test_build_outside_a_checkout_exits_2(tmp_path):
    from checks.reports.files import write_findings
    from checks.reports.result import CheckResult

    one_line_exit_2(lo_audit("build", cwd=tmp_path), "findings.json", "lo-audit check")
    reports = tmp_path / "reports"
    reports.mkdir()
    write_findings(CheckResult((), today="2026-11-01", generated_at="2026-11-01T06:00:00+00:00"), reports)
    # without a docs folder of its own, build uses the site template shipped with the package (issue 14)
    done = lo_audit("build", cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "site" / "index.html").is_file(), done.stderr


@pytest.mark.parametrize("name, content, said", [
    ("findings.json", b'{"findings": [', "not valid JSON"),
    ("findings.json", '{"findings": "caf\u00e9"}'.encode("cp1252"), "not UTF-8"),
    ("history.json", b'[{"date": 5}]', "history.json"),
    ("pages.csv", b"url,title\n\xff\xfe broken\n", "cannot be read as CSV"),
])
def test_build_from_a_broken_report_file_exits_2_naming_it(tmp_path, name, content, said):
    """A report file edited by hand or damaged is an input to fix (or to write again with
    ``lo-audit check``): one line naming the file, exit status 2, the old site left alone."""
    from checks.reports.files import write_findings
    from checks.reports.result import CheckResult

    reports = tmp_path / "reports"
    reports.mkdir()
    write_findings(CheckResult((), today="2026-11-01", generated_at="2026-11-01T06:00:00+00:00"), reports)
    assert lo_audit("build", cwd=tmp_path).returncode == 0
    built = (tmp_path / "site" / "index.html").read_bytes()
    (reports / name).write_bytes(content)
    one_line_exit_2(lo_audit("build", cwd=tmp_path), name, said)
    assert (tmp_path / "site" / "index.html").read_bytes() == built
