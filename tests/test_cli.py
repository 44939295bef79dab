"""The command line: bad input gives one clear message and exit status 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lo_audit.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lo_audit.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, fragment", [
    (["crawl", "ftp://example"], "not an http(s) URL"),
    (["crawl", "http://127.0.0.1:9/", "--rate", "fast"], "expected requests per second"),
    (["crawl", "http://127.0.0.1:9/", "--max-pages", "0"], "must be at least 1"),
    (["check", "--today", "2024-02-30"], "expected a date as YYYY-MM-DD"),
    (["check", "--fail-on", "sometimes"], "invalid choice"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_flags_exit_2_without_traceback(args, fragment):
    done = run_cli(*args)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_config_file_names_the_file(tmp_path, capsys):
    missing = tmp_path / "nope.yml"
    assert main(["check", "--config", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err and "not found" in err


def test_crawl_without_start_url_is_an_input_error(capsys):
    assert main(["crawl"]) == 2
    assert "no start URL" in capsys.readouterr().err


def test_check_on_missing_store_is_an_input_error(tmp_path, capsys):
    assert main(["check", "--db", str(tmp_path / "none.sqlite"), "--out", str(tmp_path / "r")]) == 2
    assert "no crawl store" in capsys.readouterr().err


def test_version():
    done = run_cli("--version")
    assert done.returncode == 0 and "lo-audit" in done.stdout


def test_run_rejects_a_bad_catalogue_before_crawling(tmp_path, capsys):
    """The start URL is a closed port: reaching the crawl would fail differently."""
    catalogue = tmp_path / "catalogue.yml"
    catalogue.write_text("services:\n  - id: a\n    name: A\n    contacts: {emails: [not-an-email]}\n")
    cfg = tmp_path / "lo-audit.yml"
    cfg.write_text(f"crawl:\n  start_urls: [http://127.0.0.1:9/]\n  db: {tmp_path / 'crawl.sqlite'}\n"
                   "checks:\n  catalogue: catalogue.yml\n")
    assert main(["run", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "catalogue.yml" in err and "services.0.contacts.emails.0" in err
    assert not (tmp_path / "crawl.sqlite").exists()
