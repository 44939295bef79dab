"""lo_audit.ci.councils: councils.yml and the workflow matrix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lo_audit import config

from lo_audit.ci import councils
from common.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def test_example_councils_file_and_configs_are_valid():
    items = councils.load_councils(ROOT / "councils.example.yml")
    assert [c["slug"] for c in items] == ["exampleshire", "sampleton"]
    for item in items:
        cfg = config.load(ROOT / item["config"])
        assert cfg.site.name and cfg.site.council and cfg.crawl.start_urls


def test_matrix_choices(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert councils.matrix()["include"] == [{"name": "Local Offer", "slug": "local-offer", "config": "lo-audit.yml"}]
    (tmp_path / "councils.yml").write_text("councils:\n  - name: A Council\n    config: a.yml\n  - name: B\n    config: cfg/b.yml\n")
    assert [c["slug"] for c in councils.matrix()["include"]] == ["a-council", "b"]
    assert councils.matrix("cfg/b.yml")["include"] == [{"name": "b", "slug": "b", "config": "cfg/b.yml"}]


def test_github_output(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.txt"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    (tmp_path / "councils.yml").write_text("councils:\n  - {name: A, config: a.yml}\n  - {name: B, config: b.yml}\n")
    assert councils._main(["matrix", "--github-output"]) == 0
    lines = out.read_text().splitlines()
    assert json.loads(lines[0].removeprefix("matrix="))["include"][1]["slug"] == "b"
    assert lines[1] == "many=true"


def test_every_problem_is_reported_with_its_line(tmp_path):
    f = tmp_path / "councils.yml"
    f.write_text("councils:\n  - name: A\n    config: ../x.yml\n  - name: ''\n    config: b.yml\n"
                 "  - name: A\n    config: 'c.yml; rm -rf /'\n    colour: red\n")
    with pytest.raises(InputError) as err:
        councils.load_councils(f)
    text = str(err.value)
    assert f"{f}:3: councils.0.config" in text
    assert "councils.1.name: a council name is required" in text
    assert "'a' is used by another council" in text
    assert "councils.2.config: must be a relative path" in text
    assert "unknown key" in text


def test_bad_config_input_rejected():
    with pytest.raises(InputError):
        councils.matrix("$(curl evil)")
