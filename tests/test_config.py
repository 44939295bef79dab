"""The configuration file: every problem reported at once with file, line and field."""

from __future__ import annotations

import pytest

from lo_audit import config
from common.errors import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "lo-audit.yml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        config.load(path)
    return info.value.problems


def test_defaults_load_without_file():
    cfg = config.load(None)
    assert cfg.crawl.rate == 3.0 and cfg.checks.stale_months == 12


def test_every_problem_is_reported_with_line_and_field(tmp_path):
    path = write(tmp_path, "crawl:\n  max_pages: lots\n  start_urls: [ftp://x]\n  maxpages: 3\n"
                           "checks:\n  today: 2024-13-01\n  fail_on: sometimes\n")
    problems = problems_of(path)
    text = "\n".join(problems)
    assert f"{path}:2: crawl.max_pages: expected an integer" in text
    assert f"{path}:3: crawl.start_urls.0: not an http(s) URL" in text
    assert "crawl.maxpages: unknown key (did you mean 'max_pages'?)" in text
    assert f"{path}:6: checks.today: expected a date as YYYY-MM-DD" in text
    assert f"{path}:7: checks.fail_on: expected one of" in text
    assert not any("max_pages: must be at least 1" in p for p in problems), "a type error is reported once"
    assert len(problems) == 5


def test_broken_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "crawl:\n  start_urls: [\n")
    with pytest.raises(ConfigError, match=r"lo-audit\.yml:\d+: not valid YAML"):
        config.load(path)


def test_top_level_must_be_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="expected a mapping of sections"):
        config.load(write(tmp_path, "- just\n- a list\n"))


def test_paths_are_relative_to_the_config_file(tmp_path):
    cfg = config.load(write(tmp_path, "checks:\n  catalogue: cat.yml\n  waivers: w.yml\n"))
    assert cfg.checks.catalogue == str(tmp_path / "cat.yml")
    assert cfg.checks.waivers == str(tmp_path / "w.yml")


def test_flags_override_the_file(tmp_path):
    cfg = config.load(write(tmp_path, "crawl:\n  rate: 1\n  start_urls: [http://127.0.0.1:1/]\n"))
    cfg = cfg.override("crawl", rate=0.0, max_pages=None)
    assert cfg.crawl.rate == 0.0 and cfg.crawl.max_pages == 5000


def test_rule_settings_are_typed(tmp_path):
    cfg = config.load(write(tmp_path, "checks:\n  rules:\n    content.stale: {severity: error, options: {months: 6}}\n"))
    assert cfg.checks.rules["content.stale"].severity == "error"
    assert cfg.checks.rules["content.stale"].options == {"months": 6}


def test_every_option_is_documented():
    docs = config.documented_options()
    for section, cls in (("crawl", config.CrawlConfig), ("checks", config.ChecksConfig),
                         ("reports", config.ReportsConfig), ("site", config.SiteConfig)):
        for name in cls.__dataclass_fields__:
            assert docs.get(f"{section}.{name}"), f"{section}.{name} has no documentation"
