"""The YAML catalogue format: loading and every validation message."""

from __future__ import annotations

import textwrap

import pytest

from checks.catalogue import guess_format, load_catalogue
from checks.errors import CatalogueError

GOOD = """\
services:
  - id: slt
    name: Speech and language therapy
    owner: {team: Children's Health, email: health@example.gov.uk}
    topics: [health]
    expected_urls: [https://lo.example.gov.uk/health/slt]
    contacts:
      phones: ["0117 496 0123", "+44 20 7946 0000 ext 2"]
      emails: [SLT@example.nhs.uk]
      website: https://slt.example.org
      address: 1 High Street, Bristol
      postcode: bs1  4dj
    age_range: "0-18"
    eligibility: Children with speech needs
    referral: GP or school
    cost: Free
    status: Active
    last_reviewed: "2024-05-01"
    description: Therapy for children.
  - id: 42
    name: Short breaks
    age_range: {min: 5, max: null}
"""


def write(tmp_path, text: str, name: str = "catalogue.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def problems_of(path: str, **kw) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path, **kw)
    return info.value.problems


def test_loads_every_field(tmp_path):
    catalogue = load_catalogue(write(tmp_path, GOOD))
    slt, breaks = catalogue.services
    assert slt.id == "slt" and slt.owner == "Children's Health" and slt.owner_email == "health@example.gov.uk"
    assert slt.phones == ("0117 496 0123", "+44 20 7946 0000 ext 2")
    assert slt.postcode == "BS1 4DJ"
    assert (slt.age_min, slt.age_max) == (0, 18)
    assert slt.status == "active" and slt.last_reviewed == "2024-05-01"
    assert slt.source.endswith("catalogue.yml:2")
    assert breaks.id == "42" and (breaks.age_min, breaks.age_max) == (5, None)
    assert breaks.source.endswith("catalogue.yml:20")


@pytest.mark.parametrize("text, ages", [("16+", (16, None)), ("up to 5", (None, 5)), ("under 5", (None, 4)),
                                         ("5 to 11", (5, 11)), ("ages 0-25", (0, 25))])
def test_age_texts(tmp_path, text, ages):
    path = write(tmp_path, f"services:\n  - {{id: a, name: A, age_range: {text!r}}}\n")
    service = load_catalogue(path).services[0]
    assert (service.age_min, service.age_max) == ages


def test_every_problem_is_reported_with_line_and_field(tmp_path):
    path = write(tmp_path, """\
        services:
          - id: a
            name: A
            colour: red
            contacts:
              phones: ["12345"]
              emails: [not-an-email]
              postcode: NOTAPOSTCODE
              website: ftp://x
            age_range: {min: 10, max: 2}
            status: open
            last_reviewed: 2024-13-01
          - name: No id
          - id: a
            name: Duplicate
            age_range: lots
            topics: health
          - id: b
            name: 7
            owner: {team: T, email: bad@}
            last_reviewed: 01/02/2024
        """)
    problems = problems_of(path)
    expected = [
        (":4: services.0.colour", "unknown key"),
        (":6: services.0.contacts.phones.0", "not a valid UK phone number: '12345'"),
        (":7: services.0.contacts.emails.0", "not an email address"),
        (":8: services.0.contacts.postcode", "not a UK postcode"),
        (":9: services.0.contacts.website", "not an http(s) URL"),
        (":10: services.0.age_range", "minimum age 10 is above maximum age 2"),
        (":11: services.0.status", "expected one of 'active'"),
        (":12: services.0.last_reviewed", "not a real date"),
        (":13: services.1.id", "missing (required)"),
        (":14: services.2.id", "duplicate id 'a'"),
        (":16: services.2.age_range", "not an age range"),
        (":17: services.2.topics", "expected a list"),
        (":19: services.3.name", "expected text, got the number 7"),
        (":20: services.3.owner.email", "not an email address"),
        (":21: services.3.last_reviewed", "expected a date as YYYY-MM-DD"),
    ]
    for where, message in expected:
        assert any(where in p and message in p for p in problems), (where, message, problems)
    assert len(problems) == len(expected), problems


def test_unknown_key_suggests_the_close_one(tmp_path):
    problems = problems_of(write(tmp_path, "services:\n  - {id: a, name: A, expected_url: [x]}\n"))
    assert problems == [f"{tmp_path}/catalogue.yml:2: services.0.expected_url: unknown key (did you mean 'expected_urls'?)"]


@pytest.mark.parametrize("text, message", [
    ("services:\n  - id: [a\n", "not valid YAML"),
    ("- just a list\n", "expected a mapping with a 'services:' list"),
    ("services: []\n", "holds no services"),
    ("servces: []\n", "did you mean 'services'"),
])
def test_document_level_problems(tmp_path, text, message):
    with pytest.raises(CatalogueError) as info:
        load_catalogue(write(tmp_path, text))
    assert message in str(info.value)
    assert "catalogue.yml" in str(info.value)


def test_missing_file_and_unknown_extension(tmp_path):
    with pytest.raises(CatalogueError, match="catalogue not found"):
        load_catalogue(str(tmp_path / "nope.yml"))
    with pytest.raises(CatalogueError, match="cannot tell the catalogue format"):
        load_catalogue(str(tmp_path / "services.txt"))


def test_guess_format():
    assert [guess_format(p) for p in ("a.yml", "a.YAML", "a.csv", "a.xlsx", "a.json", "https://x/api/services")] == \
        ["yaml", "yaml", "csv", "xlsx", "oruk", "oruk"]


def test_explicit_format_overrides_the_extension(tmp_path):
    path = write(tmp_path, GOOD, name="catalogue.txt")
    assert len(load_catalogue(path, fmt="yaml").services) == 2


def test_the_demo_catalogue_is_valid(tmp_path):
    from lo_audit.demo.run import data_path, fill

    values = {"cms": "http://127.0.0.1:8001", "dir": "http://127.0.0.1:8002", "ext": "http://127.0.0.1:8003"}
    path = tmp_path / "catalogue.yml"
    path.write_text(fill(data_path("catalogue.yml").read_text(encoding="utf-8"), values), encoding="utf-8")
    catalogue = load_catalogue(str(path))
    assert len(catalogue.services) > 10 and len({s.id for s in catalogue.services}) == len(catalogue.services)
