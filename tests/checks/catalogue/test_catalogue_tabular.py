"""CSV and XLSX catalogues through a column mapping."""

from __future__ import annotations

import csv
from datetime import datetime

import openpyxl
import pytest

from checks.catalogue import load_catalogue
from checks.errors import CatalogueError

HEADINGS = ["Service ID", "Service name", "Team", "Team email", "Phone", "Mobile", "Email", "Web", "Postcode",
            "Ages", "Status", "Reviewed", "Topics", "Notes"]
ROWS = [
    ["S1", "Portage", "Early Years", "ey@example.gov.uk", "0117 496 0123", "", "portage@example.gov.uk",
     "https://portage.example.org", "bs1 4dj", "0-5", "Active", "2024-02-03", "education; early-years", "x"],
    ["S2", "Youth club", "Youth", "", "020 7946 0000 | 020 7946 0001", "07700 900123", "", "", "", "11 to 19",
     "temporarily closed", "", "", ""],
]
MAPPING = """\
columns:
  id: Service ID
  name: Service name
  owner.team: Team
  owner.email: Team email
  contacts.phones: [Phone, Mobile]
  contacts.emails: Email
  contacts.website: Web
  contacts.postcode: postcode    # headings match ignoring case
  age_range: Ages
  status: Status
  last_reviewed: Reviewed
  topics: Topics
separator: ";"
"""


def write_csv(path, rows, headings=HEADINGS):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings)
        writer.writerows(rows)
    return str(path)


def write_mapping(tmp_path, text=MAPPING):
    path = tmp_path / "mapping.yml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_csv_with_mapping(tmp_path):
    text = MAPPING.replace('separator: ";"', 'separator: ";"').replace("contacts.phones: [Phone, Mobile]",
                                                                     "contacts.phones: [Phone, Mobile]")
    catalogue = load_catalogue(write_csv(tmp_path / "services.csv", [ROWS[0]]), mapping=write_mapping(tmp_path, text))
    (s1,) = catalogue.services
    assert (s1.id, s1.name, s1.owner, s1.owner_email) == ("S1", "Portage", "Early Years", "ey@example.gov.uk")
    assert s1.phones == ("0117 496 0123",) and s1.emails == ("portage@example.gov.uk",)
    assert s1.topics == ("education", "early-years")
    assert (s1.postcode, s1.age_min, s1.age_max, s1.status) == ("BS1 4DJ", 0, 5, "active")
    assert s1.source.endswith("services.csv row 2")


def test_separator_and_several_columns(tmp_path):
    mapping = write_mapping(tmp_path, MAPPING.replace('separator: ";"', 'separator: "|"'))
    s2 = load_catalogue(write_csv(tmp_path / "s.csv", [ROWS[1]]), mapping=mapping).services[0]
    assert s2.phones == ("020 7946 0000", "020 7946 0001", "07700 900123")
    assert (s2.age_min, s2.age_max, s2.status) == (11, 19, "temporarily closed")


def test_every_row_problem_names_row_column_and_field(tmp_path):
    rows = [ROWS[0][:], ROWS[0][:], ROWS[0][:]]
    rows[0][6] = "nobody-at-example"          # row 2: bad email
    rows[1][4] = "12"                         # row 3: bad phone, duplicate id S1
    rows[1][9] = "9-3"                        # row 3: ages the wrong way round
    rows[2][0] = ""                           # row 4: no id
    rows[2][11] = "Dec 2024"                  # row 4: no day (31/12/2024 is read as 2024-12-31)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(write_csv(tmp_path / "s.csv", rows), mapping=write_mapping(tmp_path))
    problems = info.value.problems
    assert any("s.csv row 2, column 'Email' (contacts.emails): not an email address" in p for p in problems), problems
    assert any("s.csv row 3, column 'Phone / Mobile' (contacts.phones): not a valid UK phone number: '12'" in p
               for p in problems), problems
    assert any("s.csv row 3, column 'Service ID' (id): duplicate id 'S1' (first used at" in p for p in problems)
    assert any("s.csv row 3, column 'Ages' (age_range): minimum age 9 is above maximum age 3" in p for p in problems)
    assert any("s.csv row 4, column 'Service ID' (id): missing (required)" in p for p in problems)
    assert any("s.csv row 4, column 'Reviewed' (last_reviewed): expected a date as YYYY-MM-DD" in p for p in problems)
    assert len(problems) == 6, problems


def test_missing_mapped_columns_are_all_named(tmp_path):
    headings = [h for h in HEADINGS if h not in ("Team", "Ages")]
    rows = [[c for h, c in zip(HEADINGS, ROWS[0]) if h in headings]]
    with pytest.raises(CatalogueError) as info:
        load_catalogue(write_csv(tmp_path / "s.csv", rows, headings), mapping=write_mapping(tmp_path))
    assert info.value.problems == [
        f"{tmp_path}/s.csv row 1: column 'Team' (mapped to owner.team) not found",
        f"{tmp_path}/s.csv row 1: column 'Ages' (mapped to age_range) not found",
    ]
    assert "the columns are: 'Service ID'" in str(info.value)


def test_bad_mapping_file(tmp_path):
    mapping = write_mapping(tmp_path, "columns:\n  id: ID\n  nmae: Name\n  age_range: Ages\n  age_range.min: Min\n"
                                      "separator: ''\nsheeet: x\n")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(write_csv(tmp_path / "s.csv", []), mapping=mapping)
    text = str(info.value)
    assert "mapping.yml:2: columns: missing (required)" in text or "columns.name: missing (required)" in text
    assert "mapping.yml:3: columns.nmae: unknown key (did you mean 'name'?)" in text
    assert "mapping.yml:4: columns.age_range: map either age_range" in text
    assert "mapping.yml:6: separator: must not be empty" in text
    assert "mapping.yml:7: sheeet: unknown key (did you mean 'sheet'?)" in text


def test_csv_without_mapping_uses_field_names(tmp_path):
    path = write_csv(tmp_path / "s.csv", [["a", "A", "0117 496 0123;0117 496 0124", "1", "4"]],
                     ["id", "name", "contacts.phones", "age_range.min", "age_range.max"])
    service = load_catalogue(path).services[0]
    assert service.phones == ("0117 496 0123", "0117 496 0124") and (service.age_min, service.age_max) == (1, 4)


def test_csv_without_mapping_rejects_unknown_headings(tmp_path):
    path = write_csv(tmp_path / "s.csv", [["a", "A", "x"]], ["id", "nme", "Phone"])
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    text = str(info.value)
    assert "s.csv row 1, column 'nme': not a catalogue field (did you mean 'name'?)" in text
    assert "column 'Phone': not a catalogue field" in text
    assert "s.csv row 1: no 'name' column" in text


def write_xlsx(path, rows, merge: list[str] = ()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Services"
    ws.append(HEADINGS)
    for row in rows:
        ws.append(row)
    for rng in merge:
        ws.merge_cells(rng)
    wb.save(path)
    return str(path)


def test_xlsx_with_typed_cells(tmp_path):
    row = ROWS[0][:]
    row[4] = 1174960123                       # a phone typed as a number loses its 0
    row[11] = datetime(2024, 2, 3)            # a real date cell
    path = write_xlsx(tmp_path / "s.xlsx", [row])
    s1 = load_catalogue(path, mapping=write_mapping(tmp_path, MAPPING + "sheet: Services\n")).services[0]
    assert s1.phones == ("01174960123",) and s1.last_reviewed == "2024-02-03"
    assert s1.source.endswith("s.xlsx row 2")


def test_xlsx_merged_cells_are_an_error_naming_each_range(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [ROWS[0], ROWS[1]], merge=["C2:C3", "J2:K2"])
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path, mapping=write_mapping(tmp_path))
    assert info.value.problems == [
        f"{path} sheet 'Services': merged cells C2:C3; unmerge them so every row holds its own values",
        f"{path} sheet 'Services': merged cells J2:K2; unmerge them so every row holds its own values",
    ]


def test_xlsx_unknown_sheet_and_broken_file(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [ROWS[0]])
    with pytest.raises(CatalogueError, match="no sheet 'Sheet9'; the sheets are: Services"):
        load_catalogue(path, mapping=write_mapping(tmp_path, MAPPING + "sheet: Sheet9\n"))
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a zip")
    with pytest.raises(CatalogueError, match="cannot read as an XLSX workbook"):
        load_catalogue(str(broken), mapping=write_mapping(tmp_path))
