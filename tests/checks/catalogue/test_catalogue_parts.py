"""Each step of catalogue loading on its own: field checks, ORUK records, the strict and lenient
builders, the tables and the YAML locator, and the completeness measures."""

from __future__ import annotations

from datetime import date

import pytest

from checks.catalogue import document, fields, mapping, oruk, oruk_clean, quality, salvage, tables, tabular, validate, yamlfile
from checks.errors import CatalogueError


class Locator:
    """Places named by their path, as the real locators do for a JSON document."""

    def at(self, path: tuple) -> str:
        return "feed: " + ".".join(map(str, path))

    def origin(self, index: int) -> str:
        return f"feed record {index}"

    def position(self, path: tuple) -> dict:
        return {"index": path[1]} if len(path) > 1 else {}


MESSY = {"services": [{"id": "a", "name": "Alpha Play", "contacts": {"emails": ["alpha[at]example.org"]}},
                      {"id": "a", "name": "Alpha Play Gold"},
                      {"name": "No id at all"}]}


def test_field_checks_accept_real_values_and_name_the_wrong_ones():
    assert fields.email_problem("play@example.org") is None
    assert "not an email address" in fields.email_problem("play[at]example.org")
    assert fields.phone_problem("0117 370 1875") is None and "not a valid UK phone number" in fields.phone_problem("12")
    assert fields.normalise_postcode("bs1 5th") == "BS1 5TH" and fields.postcode_problem("BS1") is not None
    assert fields.iso_date("3rd March 2024") == "2024-03-03" and fields.iso_date("03/04/2024") == "2024-04-03"
    assert fields.parse_age_text("5-11 years") == (5, 11) and fields.parse_age_text("up to 5") == (None, 5)
    assert fields.age_scope_problem(0, 25) is None and "above 25" in fields.age_scope_problem(30, 40)


def test_an_oruk_service_becomes_a_catalogue_record():
    record = oruk.to_record({"id": "s1", "name": " Play <b>Scheme</b> ", "email": "play@example.org",
                             "description": "<p>Fun&nbsp;for all</p>", "status": "active"})
    assert record["id"] == "s1" and record["contacts"]["emails"] == ["play@example.org"]
    assert oruk.plain("<p>Fun&nbsp;<b>for</b> all</p>") == "Fun for all"
    assert oruk_clean.clean(record, "service s1") == []  # nothing to repair in a clean record


def test_strict_validation_lists_every_problem_at_once():
    problems = validate.problems_of(validate.tidy(MESSY), Locator())
    assert any("services.1.id: duplicate id 'a'" in p for p in problems)
    assert any("services.2.id: missing" in p for p in problems)
    with pytest.raises(CatalogueError) as err:
        document.build_catalogue(MESSY, Locator(), "feed")
    assert "problem(s) in the catalogue" in str(err.value)


def test_lenient_loading_keeps_every_usable_record():
    catalogue = salvage.salvage(validate.tidy(MESSY), Locator(), "feed", ())
    assert [s.id for s in catalogue.services] == ["a", "a#2"]  # a different service sharing an id is kept
    assert {(p.kind, p.field) for p in catalogue.problems} == {
        ("invalid-field", "contacts.emails"), ("duplicate-id", "id"), ("missing-field", "id")}
    assert document.build_catalogue(MESSY, Locator(), "feed", strict=False).services == catalogue.services


def test_completeness_of_the_feed_and_of_the_record_pages():
    catalogue = document.build_catalogue({"services": [{"id": "a", "name": "Alpha", "last_reviewed": "2024-01-01"},
                                                       {"id": "b", "name": "Beta", "last_reviewed": "2022-01-01"}]},
                                         Locator(), "feed")
    feed = quality.feed_completeness(catalogue, date(2024, 6, 1), months=12)
    assert (feed.total, feed.assured.count, feed.contact.count) == (2, 1, 0)
    site = quality.site_completeness([quality.RecordView(contact=True, web=False, ages=True, location=False),
                                      quality.RecordView(contact=False, web=False, ages=True, location=True)])
    assert (site.contact.count, site.ages.count, site.location.count, site.total) == (1, 2, 1, 2)


def test_a_csv_catalogue_through_its_headings(tmp_path):
    path = tmp_path / "services.csv"
    path.write_text("id,name,contacts.emails,contacts.phones\ns1,Play Scheme,play@example.org,01173701875\n"
                    "s2,Zumba,not-an-email,\n", encoding="utf-8")
    header, rows = tables.read_csv(str(path))
    assert header[:2] == ["id", "name"] and [n for n, _ in rows] == [2, 3]
    assert tables.cell_text(1173701875.0, phone=True) == "01173701875" and tables.cell_text(3.0) == "3"
    assert mapping.key(" Contacts.Emails ") == "contacts.emails"
    with pytest.raises(CatalogueError, match="not a catalogue field"):
        mapping.implicit_mapping(["Service ID", "name"], "services.csv")
    lenient = tabular.load_table(str(path), "csv", strict=False)
    assert [s.id for s in lenient.services] == ["s1", "s2"] and lenient.services[1].emails == ()
    assert [(p.field, p.position) for p in lenient.problems] == [("contacts.emails", {"row": 3, "column": "contacts.emails"})]
    with pytest.raises(CatalogueError):
        tabular.load_table(str(path), "csv")


def test_a_yaml_catalogue_names_the_line_of_a_problem(tmp_path):
    path = tmp_path / "catalogue.yml"
    path.write_text("services:\n  - id: s1\n    name: Play\n  - id: s2\n    name: Zumba\n    contacts:\n"
                    "      emails: [nope]\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        yamlfile.load_yaml(str(path))
    assert any("catalogue.yml:7" in p and "not an email address" in p for p in err.value.problems), err.value.problems
