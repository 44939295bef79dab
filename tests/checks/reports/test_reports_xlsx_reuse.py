"""Workbooks are reproducible, and the one in the folder being replaced is reused only when
it is byte for byte what a fresh write would give: same rows, same day, whole, unedited."""

from __future__ import annotations

import hashlib

import io
import zipfile
from datetime import datetime, timezone

import openpyxl
import pytest

from checks.reports import folder
from checks.reports.finding import Finding, Severity
from checks.reports.folder import OWNER_COLUMNS, XLSX_KEY_PROPERTY, created_at, write_findings, write_owners, write_xlsx
from checks.reports.result import CheckResult

SITE = "https://lo.example"


def _result(today: str = "2026-11-22", message: str = "A link on this page leads to a page that does not work.",
            status: str = "persisting") -> CheckResult:
    findings = tuple(
        Finding("links.broken", f"{SITE}/p{i} -> {SITE}/gone{i}", Severity.ERROR, message, url=f"{SITE}/p{i}",
                expected="a working page", found=f"{SITE}/gone{i} answers status 404", fix="=Update the link",
                evidence={"target": f"{SITE}/gone{i}", "pages": [f"{SITE}/p{i}", f"{SITE}/q{i}"]},
                owner="Web team" if i % 2 else "Short Breaks Team", owner_email="web@lo.example", status=status)
        for i in range(40))
    waived = (Finding("content.stale", f"{SITE}/old", Severity.WARNING, "Old page.", url=f"{SITE}/old",
                      waived="kept for the archive", status=status),)
    return CheckResult(findings=findings, waived=waived, today=today, generated_at=f"{today}T06:00:00+00:00",
                       metrics={"pages": {"crawled": 80, "html": 80, "rendered": 0, "documents": 0, "errors": 0}})


def _books(out) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.xlsx"))}


def _write(result: CheckResult, out, previous=None) -> dict[str, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    write_findings(result, out, previous=previous)
    write_owners(result, out, previous=previous)
    return _books(out)


@pytest.fixture
def written(monkeypatch):
    """Records whether each workbook was written by XlsxWriter or reused."""
    calls: list[str] = []
    real = folder.xlsx_bytes

    def xlsx_bytes(sheets, *args, **kwargs):
        calls.append(sheets[0][0])
        return real(sheets, *args, **kwargs)

    monkeypatch.setattr(folder, "xlsx_bytes", xlsx_bytes)
    return calls


def test_a_warm_run_reuses_the_workbooks_and_they_equal_a_cold_write(tmp_path, written):
    cold = _write(_result(), tmp_path / "cold")
    assert len(cold) == 3 and len(written) == 3  # findings.xlsx and one per owner
    written.clear()
    warm = _write(_result(), tmp_path / "warm", previous=tmp_path / "cold")
    assert written == [] and warm == cold
    again = _write(_result(), tmp_path / "again")  # another cold write, at another moment
    assert again == cold
    book = openpyxl.load_workbook(io.BytesIO(cold["findings.xlsx"]))
    assert book.properties.created == datetime(2026, 11, 22)  # the day checked, not the moment written
    assert [r[0].value for r in book["Findings"].iter_rows(min_row=2, max_row=2)] == ["error"]
    custom = zipfile.ZipFile(io.BytesIO(cold["findings.xlsx"])).read("docProps/custom.xml").decode()
    assert f'name="{XLSX_KEY_PROPERTY}"' in custom


def test_a_changed_finding_or_day_rewrites_the_workbook(tmp_path, written):
    before = _write(_result(), tmp_path / "before")
    written.clear()
    after = _write(_result(message="This link is broken."), tmp_path / "after", previous=tmp_path / "before")
    assert len(written) == 3 and after != before
    assert after == _write(_result(message="This link is broken."), tmp_path / "cold")
    book = openpyxl.load_workbook(tmp_path / "after" / "findings.xlsx")
    assert book["Findings"]["D2"].value == "This link is broken."
    written.clear()
    status = _write(_result(status="new"), tmp_path / "status", previous=tmp_path / "before")
    assert len(written) == 3 and status != before
    written.clear()
    later = _write(_result(today="2026-11-29"), tmp_path / "later", previous=tmp_path / "before")
    assert len(written) == 3 and later != before
    assert openpyxl.load_workbook(tmp_path / "later" / "findings.xlsx").properties.created == datetime(2026, 11, 29)


def _rezip(data: bytes, change) -> bytes:
    """The workbook with each member passed through ``change(name, bytes)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, change(info.filename, old.read(info.filename)))
    return out.getvalue()


def _flip_inside(data: bytes) -> bytes:
    """One byte of the first sheet's compressed data changed: the zip still opens, its checksum fails."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 40
    return data[:start] + bytes([data[start] ^ 0xFF]) + data[start + 1:]


def _resaved(data: bytes) -> bytes:
    """Opened and saved by another program (openpyxl keeps custom properties, sets its own modified date)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["Findings"]["D2"] = "edited by hand"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _saved_later(name: str, raw: bytes) -> bytes:
    """Our key kept as it was, the modified date moved on (as a program that saves the file does)."""
    return raw.replace(b"00:00:00Z</dcterms:modified>", b"09:30:00Z</dcterms:modified>") \
        if name == "docProps/core.xml" else raw


@pytest.mark.parametrize("spoil", [
    lambda data: b"",
    lambda data: data[: len(data) // 2],
    lambda data: b"PK\x03\x04 not a workbook at all",
    _flip_inside,
    _resaved,
    lambda data: _rezip(data, lambda name, raw: b"" if name == "docProps/custom.xml" else raw),
    lambda data: _rezip(data, _saved_later),
])
def test_a_corrupt_foreign_or_edited_old_workbook_is_written_again(tmp_path, written, spoil):
    cold = _write(_result(), tmp_path / "cold")
    old = tmp_path / "old"
    old.mkdir()
    (old / "findings.xlsx").write_bytes(spoil(cold["findings.xlsx"]))
    written.clear()
    new = tmp_path / "new"
    new.mkdir()
    write_findings(_result(), new, previous=old)
    assert written == ["Findings"]
    assert (new / "findings.xlsx").read_bytes() == cold["findings.xlsx"]


def test_without_a_day_the_workbook_is_written_every_time(tmp_path):
    result = _result(today="")
    assert created_at(result) is None
    sheets = [("Web team", OWNER_COLUMNS, [folder.owner_row(f) for f in result.findings])]
    assert not write_xlsx(tmp_path / "a.xlsx", sheets, None)
    assert not write_xlsx(tmp_path / "b.xlsx", sheets, None, tmp_path / "a.xlsx")
    assert "docProps/custom.xml" not in zipfile.ZipFile(tmp_path / "b.xlsx").namelist()  # no key
    assert datetime.now(timezone.utc).year == openpyxl.load_workbook(tmp_path / "b.xlsx").properties.created.year


def test_an_old_workbook_whose_cells_were_edited_is_written_again(tmp_path, written):
    """A workbook whose cells were changed by a tool that leaves the document properties as
    they were (a script rewriting the zip, a converter) still carries our key and our
    modified date: it must not be published again in place of the findings."""
    cold = _write(_result(), tmp_path / "cold")
    old = tmp_path / "old"
    old.mkdir()
    (old / "findings.xlsx").write_bytes(_rezip(cold["findings.xlsx"], lambda name, raw: raw.replace(
        b"leads to a page that does not work", b"is fine, nothing to do") if name == "xl/sharedStrings.xml" else raw))
    digest = tmp_path / "cold" / ".findings.xlsx.sha256"  # what was written there, as in a reports folder
    (old / digest.name).write_bytes(digest.read_bytes())
    written.clear()
    new = tmp_path / "new"
    new.mkdir()
    write_findings(_result(), new, previous=old)
    assert (new / "findings.xlsx").read_bytes() == cold["findings.xlsx"]


def test_a_workbook_is_reused_only_beside_the_digest_of_its_bytes(tmp_path, written):
    """The digest beside a workbook is what lets it be reused; without it (a folder copied by
    hand, an older version's reports) the workbook is written again, byte for byte the same."""
    first = tmp_path / "first"
    first.mkdir()
    write_findings(_result(), first)
    digest = first / ".findings.xlsx.sha256"
    assert digest.read_text().strip() == hashlib.sha256((first / "findings.xlsx").read_bytes()).hexdigest()
    second = tmp_path / "second"
    second.mkdir()
    written.clear()
    write_findings(_result(), second, previous=first)
    assert written == []  # reused
    digest.unlink()
    third = tmp_path / "third"
    third.mkdir()
    written.clear()
    write_findings(_result(), third, previous=first)
    assert written, "the workbook was reused without the digest of its bytes"
    assert (third / "findings.xlsx").read_bytes() == (first / "findings.xlsx").read_bytes()
