"""``lo-audit catalogue validate``: every problem, exit status 2, never a traceback."""

from __future__ import annotations

from lo_audit.cli import main


def test_valid_catalogue_exits_0(tmp_path, capsys):
    path = tmp_path / "c.yml"
    path.write_text("services:\n  - {id: a, name: A}\n  - {id: b, name: B}\n")
    assert main(["catalogue", "validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 services, no problems found" in out
    assert "  A contact (phone or email): 0% (0 of 2)" in out and "  Ages: 0% (0 of 2)" in out


def test_invalid_yaml_catalogue_lists_every_problem(tmp_path, capsys):
    path = tmp_path / "c.yml"
    path.write_text("services:\n  - {id: a, name: A, status: open}\n  - {id: a, nam: B}\n")
    assert main(["catalogue", "validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith(f"lo-audit catalogue: {path}: 4 problem(s) in the catalogue\n")
    for part in ("c.yml:2: services.0.status: expected one of", "c.yml:3: services.1.nam: unknown key (did you mean 'name'?)",
                 "c.yml:3: services.1.name: missing (required)", "c.yml:3: services.1.id: duplicate id 'a'"):
        assert part in err


def test_csv_with_missing_columns_through_the_cli(tmp_path, capsys):
    (tmp_path / "s.csv").write_text("Ref,Title\nA,Alpha\n")
    (tmp_path / "m.yml").write_text("columns: {id: ID, name: Name, contacts.phones: Tel}\n")
    code = main(["catalogue", "validate", str(tmp_path / "s.csv"), "--mapping", str(tmp_path / "m.yml")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "column 'ID' (mapped to id) not found" in err and "column 'Tel' (mapped to contacts.phones) not found" in err


def test_oruk_wrong_shape_through_the_cli(tmp_path, capsys):
    (tmp_path / "feed.json").write_text('{"data": []}')
    assert main(["catalogue", "validate", str(tmp_path / "feed.json")]) == 2
    assert "not Open Referral UK JSON" in capsys.readouterr().err


def test_format_flag_is_used(tmp_path, capsys):
    path = tmp_path / "catalogue.data"
    path.write_text("services:\n  - {id: a, name: A}\n")
    assert main(["catalogue", "validate", str(path)]) == 2
    assert "cannot tell the catalogue format" in capsys.readouterr().err
    assert main(["catalogue", "validate", str(path), "--format", "yaml"]) == 0


def test_deeply_nested_json_and_yaml_are_one_message(tmp_path, capsys):
    (tmp_path / "feed.json").write_text('{"content": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (tmp_path / "deep.yml").write_text("services: " + "[" * 100_000 + "]" * 100_000 + "\n")
    for name in ("feed.json", "deep.yml"):
        assert main(["catalogue", "validate", str(tmp_path / name)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "nested too deeply" in err, err
    (tmp_path / "ok.json").write_text('{"content": [' + '{"id": "1", "name": "A", "x": ' + "[" * 500 + "]" * 500 + "}]}")
    assert main(["catalogue", "validate", str(tmp_path / "ok.json")]) == 0
