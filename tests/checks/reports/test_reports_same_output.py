"""The faster ways the reports are made give what the straightforward code gave.

Each shortcut of checks.reports and checks.triage.history (a remembered finding id, a
direct copy instead of ``dataclasses.replace``, one JSON encoder for every row) is compared
here with the plain code it replaced, on generated findings as odd as crawled pages make
them: formula starts, control characters, line breaks, non-ASCII text, evidence of every
JSON type, ids shared between active, waived and previous findings.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from checks.reports import folder
from checks.reports.finding import Finding, Severity, finding_id
from checks.reports.result import CheckResult
from checks.reports.xlsxrows import RowsSheet
from checks.triage import history

TEXT = st.text(alphabet=st.sampled_from(list("ab é–→\n\r\t=+-@\"',;<>&\x00\x07\x1f") + ["\U0001F600"]),
               max_size=12)
JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2**70), 2**70)
                    | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=8)
RULES = st.sampled_from(["links.broken", "content.stale", "a11y.axe", "services.missing", "x", "x.y\n"])
STATUS = st.sampled_from(["new", "persisting", "fixed", ""])


@st.composite
def findings(draw) -> Finding:
    evidence = draw(st.dictionaries(st.sampled_from(["target", "href", "status", "z", "é"]), JSON, max_size=4))
    if draw(st.booleans()):  # the other pages with the same problem, as link and accessibility rules give them
        evidence["pages"] = draw(st.lists(st.sampled_from(["https://lo.example/a", "https://lo.example/b", ""]) | TEXT,
                                          max_size=25))
    return Finding(draw(RULES), draw(st.sampled_from(["", "https://lo.example/a", "s1"]) | TEXT),
                   draw(st.sampled_from(list(Severity))), draw(TEXT), url=draw(TEXT), expected=draw(TEXT),
                   found=draw(TEXT), fix=draw(TEXT), evidence=evidence, service_id=draw(TEXT), owner=draw(TEXT),
                   owner_email=draw(TEXT), status=draw(STATUS), waived=draw(TEXT))


def _all_fields(f: Finding) -> tuple:
    return tuple(getattr(f, x.name) for x in dataclasses.fields(Finding))


# --------------------------------------------------------------------------- the plain code
def plain_id(rule: str, subject: str) -> str:
    return rule + ":" + hashlib.sha1((rule + "\x00" + subject).encode()).hexdigest()[:12]


def plain_mark(active, waived, previous):
    before = (*previous.findings, *previous.waived) if previous else ()
    known = {plain_id(f.rule, f.subject) for f in before}

    def status(f):
        return dataclasses.replace(f, status="persisting" if plain_id(f.rule, f.subject) in known else "new")

    active, waived = [status(f) for f in active], [status(f) for f in waived]
    now = {plain_id(f.rule, f.subject) for f in (*active, *waived)}
    fixed = [dataclasses.replace(f, status="fixed") for f in (previous.findings if previous else ())
             if plain_id(f.rule, f.subject) not in now]
    return active, waived, fixed


def plain_finding_row(f: Finding) -> list:
    d = f.to_dict()
    d["evidence"] = json.dumps(f.evidence, ensure_ascii=False, default=str, sort_keys=True)
    return [d[c] for c in folder.FINDING_COLUMNS]


# --------------------------------------------------------------------------- the comparisons
@given(findings(), STATUS)
def test_with_status_is_replace(f, status):
    got, want = f.with_status(status), dataclasses.replace(f, status=status)
    assert _all_fields(got) == _all_fields(want) and type(got.severity) is type(want.severity)
    assert got.evidence is f.evidence


@given(findings(), TEXT, TEXT)
def test_with_owner_is_replace(f, owner, email):
    got, want = f.with_owner(owner, email), dataclasses.replace(f, owner=owner, owner_email=email)
    assert _all_fields(got) == _all_fields(want) and type(got.severity) is type(want.severity)


def test_with_status_copies_every_field():
    # every field given a value of its own, so that a field left out or swapped shows
    values = {x.name: f"v-{x.name}" for x in dataclasses.fields(Finding)}
    values["severity"], values["evidence"] = Severity.NOTICE, {"k": 1}
    f = Finding(**values)
    assert _all_fields(f.with_status("fixed")) == _all_fields(dataclasses.replace(f, status="fixed"))
    assert f.with_status("v-status") is f


@given(RULES, TEXT)
def test_finding_id_is_the_digest_every_time(rule, subject):
    assert finding_id(rule, subject) == plain_id(rule, subject) == finding_id(rule, subject)


@settings(max_examples=60, deadline=None)
@given(st.lists(findings(), max_size=8), st.lists(findings(), max_size=4), st.lists(findings(), max_size=8),
       st.lists(findings(), max_size=3), st.booleans())
def test_mark_is_the_plain_comparison(active, waived, before, before_waived, has_previous):
    # some findings of this run were found last time too, and some waived ones were active
    active = active + before[: len(before) // 2]
    waived = waived + before[len(before) // 2: len(before) // 2 + 1]
    previous = CheckResult(findings=tuple(before), waived=tuple(before_waived)) if has_previous else None
    got, want = history.mark(active, waived, previous), plain_mark(active, waived, previous)
    assert [[_all_fields(f) for f in part] for part in got] == [[_all_fields(f) for f in part] for part in want]


@given(findings())
def test_a_findings_csv_row_is_the_plain_one(f):
    assert folder.finding_row(f) == plain_finding_row(f)


# --------------------------------------------------------------------------- workbooks
def plain_sheet(wb, title, header, rows) -> None:
    """checks.reports.folder._sheet as it was: every cell through XlsxWriter's public calls."""
    ws = wb.add_worksheet(folder.sheet_title(title))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(header) - 1)
    for i, name in enumerate(header):
        ws.set_column(i, i, folder.COLUMN_WIDTHS.get(name, 16))
    bold = wb.add_format({"bold": True})
    for i, name in enumerate(header):
        ws.write_string(0, i, folder._xlsx_cell(name), bold)
    link_columns = {i for i, name in enumerate(header) if name in folder.LINK_COLUMNS}
    links = 0
    for r, row in enumerate(rows, 1):
        for i, value in enumerate(row):
            value = folder._xlsx_cell(value)
            if value is None or value == "":
                continue
            if isinstance(value, str):
                if i in link_columns and links < folder.MAX_SHEET_LINKS and folder._is_link(value) \
                        and ws.write_url(r, i, value, string=value) == 0:
                    links += 1
                else:
                    ws.write_string(r, i, value)
            elif isinstance(value, bool):
                ws.write_boolean(r, i, value)
            elif isinstance(value, (int, float)):
                ws.write_number(r, i, value)
            else:
                ws.write_string(r, i, folder._xlsx_cell(str(value)))


def _both(sheets, monkeypatch) -> tuple[bytes, bytes]:
    created = datetime(2026, 11, 28, tzinfo=timezone.utc)
    fast = folder.xlsx_bytes(sheets, created, "k")
    with monkeypatch.context() as patch:
        patch.setattr(folder, "_sheet", plain_sheet)
        plain = folder.xlsx_bytes(sheets, created, "k")
    return fast, plain


LINKS = st.sampled_from(["https://lo.example/a", "https://lo.example/a", "http://x.test/p?q=1&r=<2>#top",
                         "https://lo.example/" + "l" * 300, "https://lo.example/" + "m" * 2100, "HTTPS://X.TEST/É",
                         "mailto:a@b.test", "https://x.test/a b", "=https://x.test/", "https://x.test/\x07"])
CELLS = (TEXT | LINKS | st.none() | st.booleans() | st.integers(-(2**60), 2**60)
         | st.floats(allow_nan=False, allow_infinity=False) | st.dates() | st.just(""))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from([folder.OWNER_COLUMNS, folder.ALL_COLUMNS, folder.LINK_COLUMNS]),
                          st.lists(st.lists(CELLS, min_size=0, max_size=17), max_size=40), TEXT),
                min_size=1, max_size=3),
       st.integers(1, 5))
def test_a_workbook_is_the_one_xlsxwriters_plain_calls_write(monkeypatch, sheets, most_links):
    # rows as short, long or empty as they come; a small link limit so that it is reached
    monkeypatch.setattr(folder, "MAX_SHEET_LINKS", most_links)
    sheets = [(f"{n} {title}", header, [row[: len(header)] for row in rows])
              for n, (header, rows, title) in enumerate(sheets)]
    fast, plain = _both(sheets, monkeypatch)
    assert fast == plain


def test_a_big_workbook_is_the_one_xlsxwriters_plain_calls_write(monkeypatch):
    # many blocks of 16 rows, rows left empty, the same page in many rows, text beyond a cell's limit
    rows = []
    for n in range(300):
        page = f"https://lo.example/page/{n % 37}"
        rows.append(["error" if n % 3 else "=notice", "links.broken", page if n % 11 else "", f"Broken {n}\x01",
                     "", None, "", f"https://x.test/{n}", f"{page}\n{page}/2" if n % 5 == 0 else "", n * 1.5,
                     n % 2 == 0] if n % 17 else [""] * 11)
    rows[40][3] = "é" * 40_000
    fast, plain = _both([("Findings", folder.OWNER_COLUMNS, rows), ("Wai:ved", folder.OWNER_COLUMNS, rows[:20])],
                        monkeypatch)
    assert fast == plain


@pytest.mark.parametrize("row_height", [None, 30])
def test_column_formats_and_row_settings_give_xlsxwriters_bytes(row_height):
    # a row setting sends the sheet to XlsxWriter's own routine; a column format is kept either way
    import xlsxwriter

    def book(worksheet_class) -> bytes:
        buffer = io.BytesIO()
        wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
        ws = wb.add_worksheet("S", worksheet_class=worksheet_class)
        if row_height:
            ws.set_row(2, row_height)
        ws.set_column(1, 1, 20, wb.add_format({"italic": True}))
        for r in range(40):
            ws.write_string(r, 1, f"text {r}")
            ws.write_number(r, 3, r / 3)
            ws.write_boolean(r, 4, r % 2 == 0)
        wb.set_properties({"created": datetime(2026, 1, 1, tzinfo=timezone.utc)})
        wb.close()
        return buffer.getvalue()

    from xlsxwriter.worksheet import Worksheet
    assert book(RowsSheet) == book(Worksheet)


@given(st.text(alphabet=st.sampled_from(list("ab '=[]:*?/\\\t\x00\u00a0é")), max_size=40))
def test_a_sheet_title_is_the_one_before_or_one_excel_accepts_where_that_failed(title):
    before = re.sub(r"[\[\]:*?/\\]", " ", folder._xlsx_cell(title))[:31].strip("'").strip() or "Findings"
    got = folder.sheet_title(title)
    if not (before.startswith("'") or before.endswith("'")):  # XlsxWriter refused those names
        assert got == before
    assert got and len(got) <= 31 and not re.search(r"[\[\]:*?/\\]", got)
    assert got == got.strip().strip("'")


def test_an_owner_named_with_a_closing_apostrophe_gets_a_workbook():
    assert folder.sheet_title("Parks ' ") == "Parks"
    assert folder.xlsx_bytes([("Parks ' ", folder.OWNER_COLUMNS, [["error"]])], datetime(2026, 1, 1, tzinfo=timezone.utc))


def plain_csv_text(header, rows) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([folder.safe_cell(v) for v in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


@given(st.lists(st.lists(TEXT | st.none() | st.booleans() | st.integers() | st.floats() | st.just("")
                         | st.sampled_from(list(Severity)), max_size=6),
                max_size=12))
def test_csv_text_is_the_plain_writers(rows):
    assert folder._csv_text(("a", "b é"), rows) == plain_csv_text(("a", "b é"), rows)


@settings(max_examples=300)
@given(st.lists(st.lists(TEXT | st.sampled_from(['"', ",", '""', "a,b", "\r\n", "=1,2", "-\"x\"", "\u2028"])
                         | st.none() | st.integers(), max_size=17), max_size=12))
def test_csv_rows_of_text_and_whole_numbers_are_the_plain_writers(rows):
    # the rows of findings.csv, pages.csv and the owners' CSVs: joined without the writer
    assert folder._csv_text(folder.FINDING_COLUMNS, rows) == plain_csv_text(folder.FINDING_COLUMNS, rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(findings(), max_size=8), st.lists(findings(), max_size=4), st.lists(findings(), max_size=8),
       st.lists(findings(), max_size=3))
def test_mark_against_a_findings_json_is_mark_against_its_findings(active, waived, before, before_waived):
    # the previous run as read from its findings.json (ids, and a Finding only for each fixed one)
    active = active + before[: len(before) // 2]
    waived = waived + before[len(before) // 2: len(before) // 2 + 1]
    previous = CheckResult(findings=tuple(before), waived=tuple(before_waived), today="2026-11-21",
                           generated_at="2026-11-21T06:00:00+00:00")
    data = json.loads(folder.files.json_text(previous.to_dict()))
    read = history.Previous.of(data)
    got, want = history.mark(active, waived, read), plain_mark(active, waived, previous)
    assert [[_all_fields(f) for f in part] for part in got] == [[_all_fields(f) for f in part] for part in want]
    assert history.compared_with(read) == history.compared_with(previous) == "2026-11-21"


def test_the_previous_findings_json_is_refused_as_before(tmp_path, caplog):
    # valid JSON that breaks the schema: the same message as reading it whole gives
    (tmp_path / "findings.json").write_text(json.dumps({"findings": [{"rule": "x"}], "waived": [], "fixed": []}))
    with pytest.raises(folder.files.ReportFileError) as whole:
        folder.files.read_findings(tmp_path)
    assert history.read_previous(tmp_path) is None
    assert str(whole.value) in caplog.text and "findings.0" in str(whole.value)


@settings(max_examples=10, deadline=None)
@given(st.lists(findings(), max_size=12), st.sampled_from(["Parks", "", "Health & Wellbeing", "health wellbeing"]))
def test_owner_files_from_the_rows_of_the_findings_workbook_are_those_made_afresh(tmp_path_factory, found, owner):
    # owners that share a slug, owners named differently in every finding, and a shared one
    found = [f if n % 3 else dataclasses.replace(f, owner=owner) for n, f in enumerate(found)]
    result = CheckResult(findings=tuple(found), today="2026-11-28", generated_at="2026-11-28T06:00:00+00:00")
    fresh, shared = tmp_path_factory.mktemp("fresh"), tmp_path_factory.mktemp("shared")
    with pytest.MonkeyPatch.context() as patch:  # findings.json is not compared here, and its schema wants more
        patch.setattr(folder.files, "write_findings", lambda *args, **kwargs: None)
        owner_rows = folder.write_findings(result, shared)
    assert folder.write_owners(result, fresh) == folder.write_owners(result, shared, owner_rows=owner_rows)
    for path in (fresh / "owners").iterdir():
        assert path.read_bytes() == (shared / "owners" / path.name).read_bytes()
    assert sorted(p.name for p in (fresh / "owners").iterdir()) == sorted(p.name for p in (shared / "owners").iterdir())


def plain_from_dict(d: dict) -> Finding:
    return Finding(
        rule=d["rule"], subject=d.get("subject", d.get("url", "")),
        severity=Severity(d["severity"]), message=d.get("message", ""),
        url=d.get("url", ""), expected=d.get("expected", ""), found=d.get("found", ""),
        fix=d.get("fix", ""), evidence=dict(d.get("evidence") or {}),
        service_id=d.get("service_id", ""), owner=d.get("owner", ""),
        owner_email=d.get("owner_email", ""), status=d.get("status", "new"),
        waived=d.get("waived", ""),
    )


@given(findings(), st.sets(st.sampled_from(["subject", "url", "message", "expected", "found", "fix", "evidence",
                                            "service_id", "owner", "owner_email", "status", "waived", "id"])),
       st.sampled_from(["text", "enum", "bad"]))
def test_a_finding_from_a_dict_is_the_plain_one(f, left_out, severity):
    # entries with fields left out (older files, the memo), and a severity as text, as the enum or unknown
    d = {k: v for k, v in f.to_dict().items() if k not in left_out}
    d["severity"] = {"text": f.severity.value, "enum": f.severity, "bad": "fatal"}[severity]
    if severity == "bad":
        with pytest.raises(ValueError):
            plain_from_dict(d)
        with pytest.raises(ValueError):
            Finding.from_dict(d)
        return
    got, want = Finding.from_dict(d), plain_from_dict(d)
    assert _all_fields(got) == _all_fields(want) and got.severity is want.severity


@given(st.lists(findings(), max_size=6), JSON)
def test_findings_json_bytes_are_the_json_text(tmp_path_factory, found, metrics):
    from checks.reports import files

    result = CheckResult(findings=tuple(found), metrics={"x": metrics}, today="2026-11-28",
                         generated_at="2026-11-28T06:00:00+00:00")
    folder_path = tmp_path_factory.mktemp("f")
    try:
        files.write_findings(result, folder_path)
    except UnicodeEncodeError:  # half of a character pair: refused as before
        with pytest.raises(UnicodeEncodeError):
            files.json_text(result.to_dict()).encode("utf-8")
        return
    assert (folder_path / "findings.json").read_bytes() == files.json_text(result.to_dict()).encode("utf-8")
