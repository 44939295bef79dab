"""lo_audit.ci.merge: a comparative site built with MkDocs from two reports folders."""

from __future__ import annotations

import json

import pytest
from reportdata import findings_doc, write_reports

from lo_audit.cli import main
from common.errors import InputError
from lo_audit.ci.merge import merge_reports


@pytest.fixture
def two_councils(tmp_path):
    a = write_reports(tmp_path / "audit-exampleshire" / "reports", findings_doc(), history=[])
    doc = findings_doc(name="Sampleton Local Offer", council="Sampleton Borough Council", score=40.0, site_url="")
    doc["findings"] = doc["findings"][:2]
    doc["metrics"]["statutory"]["topics"][0]["covered"] = False
    b = write_reports(tmp_path / "audit-sampleton" / "reports", doc)
    # Sampleton's artifact also holds its full built site
    full = tmp_path / "audit-sampleton" / "site"
    full.mkdir()
    (full / "index.html").write_text("<h1>Sampleton full audit</h1>")
    return a, b


def test_merge_builds_a_comparative_site(tmp_path, two_councils):
    site = tmp_path / "public"
    site.mkdir()
    (site / "stale.html").write_text("old")
    out = merge_reports([str(p) for p in two_councils], site_dir=str(site), docs_dir=str(tmp_path / "docs"))
    assert out == site and not (site / "stale.html").exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Statutory coverage" in index
    assert "Exampleshire SEND Local Offer" in index and "Sampleton Local Offer" in index
    assert "80%" in index and "40%" in index
    assert "councils/sampleton-local-offer/" in index
    assert "Travel and transport" in index  # topic matrix
    page = (site / "councils" / "exampleshire-send-local-offer" / "index.html").read_text(encoding="utf-8")
    assert "No page covers travel and transport." in page
    assert "<script>alert" not in page and "&#60;script&#62;alert" in page  # hostile title stays text
    assert (site / "councils" / "sampleton-local-offer" / "full" / "index.html").is_file()
    assert 'href="full/"' in (site / "councils" / "sampleton-local-offer" / "index.html").read_text()
    assert not (tmp_path / "docs").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".public.")]


def test_cli_merge(tmp_path, two_councils, capsys):
    site = tmp_path / "s"
    assert main(["merge", *map(str, two_councils), "--site-dir", str(site)]) == 0
    assert "comparative site built" in capsys.readouterr().out
    assert (site / "index.html").is_file()


def test_missing_folder(tmp_path):
    with pytest.raises(InputError, match="reports folder not found") as err:
        merge_reports([str(tmp_path / "nope")], site_dir=str(tmp_path / "s"), docs_dir="docs")
    assert str(tmp_path / "nope") in str(err.value)


def test_folder_without_findings(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="findings.json: not found"):
        merge_reports([str(tmp_path / "empty")], site_dir=str(tmp_path / "s"), docs_dir="docs")


def test_malformed_json_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "findings.json").write_text('{"findings": [')
    assert main(["merge", str(bad), "--site-dir", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert str(bad / "findings.json") in err and "not valid JSON" in err


def test_wrong_shape(tmp_path):
    folder = write_reports(tmp_path / "r", {"findings": "nope"})
    with pytest.raises(InputError, match="findings: expected a list"):
        merge_reports([str(folder)], site_dir=str(tmp_path / "s"), docs_dir="docs")


def test_same_names_get_distinct_pages(tmp_path):
    from lo_audit.ci.merge import _unique_slugs, read_report

    a = write_reports(tmp_path / "a", findings_doc())
    b = write_reports(tmp_path / "b", findings_doc())
    assert [r.slug for r in _unique_slugs([read_report(a), read_report(b)])] == [
        "exampleshire-send-local-offer", "exampleshire-send-local-offer-2"]


def test_name_falls_back_to_folder(tmp_path):
    from lo_audit.ci.merge import read_report

    doc = findings_doc()
    doc["run"] = {}  # no names recorded for the run
    folder = write_reports(tmp_path / "sampleton" / "reports", doc)
    assert read_report(folder).name == "sampleton"
    assert json.loads((folder / "findings.json").read_text())["metrics"]
