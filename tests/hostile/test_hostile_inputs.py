"""Bad input through ``lo_audit.cli.main``: the ``run`` command with a broken config,
catalogue or waivers file, and ``check`` on a file that is not a crawl store, all exit 2
with the file and line at fault and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostilesite import Route, Site, page

from lo_audit.cli import main


@pytest.fixture
def tiny_site():
    site = Site({"/": Route(page("Home", "<a href='/a'>A</a>")), "/a": Route(page("A", "<p>text</p>"))})
    yield site
    site.close()


def config(tmp_path: Path, site: Site, extra: str = "") -> Path:
    path = tmp_path / "audit.yml"
    path.write_text(f"crawl:\n  start_urls: ['{site.url('/')}']\n  db: {tmp_path}/crawl.sqlite\n  rate: 0\n"
                    f"  render: never\n  a11y: false\n  check_external: false\n{extra}"
                    f"reports:\n  out: {tmp_path}/reports\nsite:\n  dir: {tmp_path}/site\n  docs_dir: {tmp_path}/docs\n",
                    encoding="utf-8")
    return path


def run_cli(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_run_with_invalid_config_names_file_line_and_field(tmp_path, capsys, tiny_site):
    path = config(tmp_path, tiny_site, "  max_pages: lots\n  colour: blue\n")
    code, out = run_cli(["run", "--config", str(path)], capsys)
    assert code == 2 and "Traceback" not in out
    assert "audit.yml:8: crawl.max_pages: expected an integer, got 'lots'" in out
    assert "audit.yml:9: crawl.colour: unknown key" in out
    assert not tiny_site.requests  # nothing crawled


def test_run_with_broken_yaml_config(tmp_path, capsys):
    path = tmp_path / "audit.yml"
    path.write_text("crawl:\n  start_urls: [http://127.0.0.1:9/\n  rate: 0\n", encoding="utf-8")
    code, out = run_cli(["run", "--config", str(path)], capsys)
    assert code == 2 and "Traceback" not in out and "audit.yml:" in out and "YAML" in out


def test_run_with_invalid_catalogue_names_file_and_line(tmp_path, capsys, tiny_site):
    catalogue = tmp_path / "catalogue.yml"
    catalogue.write_text("services:\n  - {id: a, name: A}\n  - {id: a, nam: B}\n", encoding="utf-8")
    path = config(tmp_path, tiny_site)
    path.write_text(path.read_text() + "checks:\n  catalogue: catalogue.yml\n", encoding="utf-8")
    code, out = run_cli(["run", "--config", str(path)], capsys)
    assert code == 2 and "Traceback" not in out
    assert "catalogue.yml:3: services.1.nam: unknown key" in out
    assert not (tmp_path / "site").exists()


def test_run_with_invalid_waivers_names_file_and_line(tmp_path, capsys, tiny_site):
    waivers = tmp_path / "waivers.yml"
    waivers.write_text("waivers:\n  - {rule: links.broken, url: '*', reason: r, who: w, expires: soon}\n",
                       encoding="utf-8")
    path = config(tmp_path, tiny_site)
    path.write_text(path.read_text() + "checks:\n  waivers: waivers.yml\n", encoding="utf-8")
    code, out = run_cli(["run", "--config", str(path)], capsys)
    assert code == 2 and "Traceback" not in out
    assert "waivers.yml:2: waivers.0.expires: expected a date as YYYY-MM-DD" in out


def test_check_on_a_file_that_is_not_a_store(tmp_path, capsys):
    garbage = tmp_path / "crawl.sqlite"
    garbage.write_bytes(b"<html>this is not SQLite</html>" * 200)
    code, out = run_cli(["check", "--db", str(garbage), "--out", str(tmp_path / "reports")], capsys)
    assert code == 2 and "Traceback" not in out and "crawl.sqlite: not a crawl store" in out
