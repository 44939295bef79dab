"""YAML a user wrote: a key given twice, a recursive alias or ``.inf``/``.nan`` is one clear
message naming the file and lines, and exit status 2 (never a silent last value or a traceback).

Every file a user writes goes through ``common.yamlio.read_yaml``: config, catalogue,
column mapping, waivers and councils.yml.
"""

from __future__ import annotations

import pytest

from crawler.model import Page
from crawler.store import StoreWriter
from lo_audit.ci import councils
from lo_audit.cli import main
from common.errors import InputError


SITE = "https://lo.example.gov.uk"


def _store(tmp_path):
    """A finished one-page crawl in a real SQLite store."""
    writer = StoreWriter(tmp_path / "crawl.sqlite")
    run = writer.start_run([SITE + "/"], ["lo.example.gov.uk"], {})
    writer.save_page(run, Page(url=f"{SITE}/", final_url=f"{SITE}/", status=200, content_type="text/html",
                               title="Home", depth=0), [])
    writer.finish_run(run)
    writer.close()
    return tmp_path / "crawl.sqlite"


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_a_config_key_given_twice_names_both_lines(tmp_path, capsys):
    cfg = tmp_path / "lo-audit.yml"
    cfg.write_text("crawl:\n  start_urls: [https://lo.example.gov.uk/]\n  rate: 1\n  max_pages: 10\n  rate: 100\n")
    assert main(["crawl", "--config", str(cfg)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"{cfg}:5: crawl.rate: the key 'rate' is given twice (lines 3 and 5)" in line


def test_a_waiver_key_given_twice_stops_check(tmp_path, capsys):
    waivers = tmp_path / "waivers.yml"
    waivers.write_text("waivers:\n  - rule: links.broken\n    url: https://lo.example.gov.uk/a\n"
                       "    reason: Archive page\n    by: Ann\n    expires: 2020-01-01\n    expires: 2099-01-01\n")
    code = main(["check", "--db", str(_store(tmp_path)), "--out", str(tmp_path / "r"), "--waivers", str(waivers)])
    assert code == 2
    line = _one_line(capsys.readouterr().err)
    assert "waivers.yml:7: waivers.0.expires: the key 'expires' is given twice (lines 6 and 7)" in line


@pytest.mark.parametrize("name, text, expected", [
    ("catalogue.yml", "services:\n  - id: a\n    name: A\n    id: b\n",
     "catalogue.yml:4: services.0.id: the key 'id' is given twice (lines 2 and 4)"),
    ("mapping.yml", "columns:\n  id: Ref\n  name: Name\n  id: Service ID\n",
     "mapping.yml:4: columns.id: the key 'id' is given twice (lines 2 and 4)"),
])
def test_catalogue_and_mapping_keys_given_twice(tmp_path, capsys, name, text, expected):
    path = tmp_path / name
    path.write_text(text)
    if name == "mapping.yml":
        (tmp_path / "s.csv").write_text("Ref,Name\nA,Alpha\n")
        code = main(["catalogue", "validate", str(tmp_path / "s.csv"), "--mapping", str(path)])
    else:
        code = main(["catalogue", "validate", str(path)])
    assert code == 2
    assert expected in _one_line(capsys.readouterr().err)


def test_a_councils_key_given_twice(tmp_path):
    path = tmp_path / "councils.yml"
    path.write_text("councils:\n  - name: Northmoor\n    config: a.yml\n    config: b.yml\n")
    with pytest.raises(InputError, match=r"councils.yml:4: councils.0.config: the key 'config' is given twice "
                                         r"\(lines 3 and 4\)"):
        councils.load_councils(path)


def test_the_same_key_in_different_mappings_is_fine(tmp_path, capsys):
    path = tmp_path / "catalogue.yml"
    path.write_text("services:\n  - {id: a, name: A}\n  - {id: b, name: B}\n")
    assert main(["catalogue", "validate", str(path)]) == 0


@pytest.mark.parametrize("text", ["services: &x\n  - *x\n", "services:\n  - &s {id: a, name: A, also: *s}\n"])
def test_a_recursive_alias_is_one_message(tmp_path, capsys, text):
    path = tmp_path / "catalogue.yml"
    path.write_text(text)
    assert main(["catalogue", "validate", str(path)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "catalogue.yml:" in line and "recursive alias" in line


def test_aliases_that_expand_without_end_are_refused(tmp_path, capsys):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
              f"*a{i - 1}, *a{i - 1}]" for i in range(1, 9)]
    path = tmp_path / "lo-audit.yml"
    path.write_text("\n".join(lines) + "\n")
    assert main(["crawl", "--config", str(path)]) == 2
    assert "aliases expand to more than" in _one_line(capsys.readouterr().err)


def test_ordinary_aliases_still_work(tmp_path, capsys):
    path = tmp_path / "catalogue.yml"
    path.write_text("owner: &team {team: Early Years, email: ey@example.gov.uk}\nservices:\n"
                    "  - {id: a, name: A, owner: *team}\n  - {id: b, name: B, owner: *team}\n")
    assert main(["catalogue", "validate", str(path)]) == 2  # 'owner' at the top is not a catalogue key...
    assert "unknown key" in capsys.readouterr().err  # ...which is reported as such, not as an alias problem


@pytest.mark.parametrize("value", [".inf", "-.Inf", ".NaN", "+.INF"])
def test_infinity_and_nan_where_a_number_is_expected(tmp_path, capsys, value):
    cfg = tmp_path / "lo-audit.yml"
    cfg.write_text(f"crawl:\n  start_urls: [https://lo.example.gov.uk/]\n  rate: {value}\n")
    assert main(["crawl", "--config", str(cfg)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"lo-audit.yml:3: crawl.rate: {value} is not a number the tool can use" in line


def test_infinity_in_a_catalogue(tmp_path, capsys):
    path = tmp_path / "catalogue.yml"
    path.write_text("services:\n  - id: a\n    name: A\n    age_range: {min: 0, max: .inf}\n")
    assert main(["catalogue", "validate", str(path)]) == 2
    assert "catalogue.yml:4: services.0.age_range.max: .inf is not a number" in _one_line(capsys.readouterr().err)


def test_quoted_inf_is_text(tmp_path, capsys):
    path = tmp_path / "catalogue.yml"
    path.write_text("services:\n  - {id: '.inf', name: '.nan'}\n")
    assert main(["catalogue", "validate", str(path)]) == 0


def test_half_a_character_pair_is_one_message(tmp_path, capsys):
    """YAML's ``"\\ud800"`` escape gives half of a character pair, which UTF-8 cannot hold: the
    check used to stop with a traceback when writing the reports. A file the user wrote: one
    message naming the line, exit status 2."""
    path = tmp_path / "catalogue.yml"
    path.write_text('services:\n  - id: a\n    name: "Specialist \\ud800 Teaching"\n', encoding="utf-8")
    assert main(["catalogue", "validate", str(path)]) == 2
    assert "catalogue.yml:3: services.0.name: holds half of a character pair" in _one_line(capsys.readouterr().err)
    path.write_text('services:\n  - id: a\n    name: "Speech \\U0001F5E3 and language"\n', encoding="utf-8")
    assert main(["catalogue", "validate", str(path)]) == 0  # YAML's escape of the whole character: fine
