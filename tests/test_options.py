"""One declaration per option (issue 16 item 4): the flag, its help, the checks of the file
and of the flags, the README row and the typed value all come from the option's field."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pytest

from checks.settings import CATALOGUE_FORMATS
from common.errors import ConfigError
from common.options import option, spec_of
from crawler.settings import CrawlConfig
from lo_audit import cli, config, readme_sync


@dataclass(frozen=True)
class WidenedCrawl(CrawlConfig):
    """``crawl:`` with one option more, declared in one place only."""

    max_widgets: int = option(3, flag="--max-widgets", minimum=1, maximum=9, help="widgets per page")
    """Widgets looked at on each page, at most."""


@pytest.fixture
def widened(monkeypatch):
    sections = tuple((name, WidenedCrawl if name == "crawl" else cls) for name, cls in config.SECTIONS)
    monkeypatch.setattr(config, "SECTIONS", sections)
    return WidenedCrawl


def verb(parser, name: str):
    return next(a for a in parser._actions if a.dest == "command").choices[name]


def test_an_option_declared_once_is_a_flag_a_check_a_readme_row_and_a_typed_value(widened, tmp_path, capsys):
    parser = cli.build_parser()
    for name in ("crawl", "run"):
        action = next(a for a in verb(parser, name)._actions if "--max-widgets" in a.option_strings)
        assert action.help == "widgets per page (default 3, at most 9)"
    assert not any("--max-widgets" in a.option_strings for a in verb(parser, "check")._actions)

    args = parser.parse_args(["crawl", "http://127.0.0.1:9/", "--max-widgets", "5"])
    cfg = config.Config(crawl=widened()).with_flags(args, ("crawl",))
    assert cfg.crawl.max_widgets == 5 and cfg.crawl.start_urls == ("http://127.0.0.1:9/",)

    with pytest.raises(SystemExit) as info:
        parser.parse_args(["crawl", "http://127.0.0.1:9/", "--max-widgets", "0"])
    assert info.value.code == 2
    assert "argument --max-widgets: must be at least 1, got 0" in capsys.readouterr().err

    path = tmp_path / "audit.yml"
    path.write_text("crawl:\n  start_urls: [http://127.0.0.1:9/]\n  max_widgets: 12\n  max_widget: 2\n")
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert info.value.problems == [f"{path}:4: crawl.max_widget: unknown key (did you mean 'max_widgets'?)",
                                   f"{path}:3: crawl.max_widgets: at most 9, got 12"]
    path.write_text("crawl:\n  max_widgets: 4\n")
    loaded = config.load(path)
    assert isinstance(loaded.crawl, WidenedCrawl) and loaded.crawl.max_widgets == 4

    row = next(line for line in readme_sync.options_block().splitlines() if "crawl.max_widgets" in line)
    assert row == "| `crawl.max_widgets` | `--max-widgets` | `3` | 1 to 9 | Widgets looked at on each page, at most. |"


SETTING_FREE = {"--help", "--config", "--version", "--quiet"}
"""Flags of the setting verbs that are not options of the configuration file."""


@pytest.mark.parametrize("name", ["crawl", "check", "build", "run"])
def test_every_flag_of_a_setting_verb_is_a_declared_option(name):
    declared = {spec_of(f).flag: f for section, _ in config.SECTIONS for f in config.flags_of(section)}
    for action in verb(cli.build_parser(), name)._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag not in SETTING_FREE:
                assert flag in declared, f"{name} {flag} is written by hand, not declared with its option"
                assert action.help == cli.flag_help(declared[flag])


def test_every_option_has_its_readme_row():
    rows = readme_sync.options_block()
    for section, cls in config.SECTIONS:
        for f in fields(cls):
            assert f"| `{section}.{f.name}` |" in rows


@pytest.mark.parametrize("flag, key, value, message", [
    ("--max-pages", "max_pages", "0", "must be at least 1, got 0"),
    ("--concurrency", "concurrency", "65", "at most 64, got 65"),
    ("--rate", "rate", "-1", "must not be negative, got -1"),
    ("--timeout", "timeout", "0", "must be more than 0 seconds"),
])
def test_a_flag_and_a_key_are_refused_with_the_same_words(flag, key, value, message, tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["crawl", flag, value])
    assert f"argument {flag}: {message}" in capsys.readouterr().err
    path = tmp_path / "audit.yml"
    path.write_text(f"crawl:\n  {key}: {value}\n")
    with pytest.raises(ConfigError) as info:
        config.load(path)
    assert info.value.problems == [f"{path}:2: crawl.{key}: {message}"]


def test_choices_come_from_the_declaration(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["check", "--catalogue-format", "pdf"])
    err = capsys.readouterr().err
    assert "invalid choice: 'pdf'" in err and all(f"'{fmt}'" in err for fmt in CATALOGUE_FORMATS)
