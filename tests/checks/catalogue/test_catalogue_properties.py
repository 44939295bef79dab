"""Property tests of the catalogue loader (hypothesis)."""

from __future__ import annotations

import csv
import io

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.catalogue import load_catalogue
from checks.errors import CatalogueError

PHONES = ["0117 496 0123", "020 7946 0000", "+44 117 496 0456", "(0117) 4960789", "07700 900123",
          "01454 868126 ext 2"]
STATUSES = ["active", "closed", "inactive", "defunct", "temporarily closed"]
words = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F),
                min_size=1, max_size=12)
postcodes = st.builds(lambda a, d, e, f: f"{a}{d} {e}{f}", st.sampled_from(["BS", "SW", "M", "L", "EC"]),
                      st.integers(1, 99), st.integers(0, 9), st.sampled_from(["AA", "DJ", "XY", "BT"]))
emails = st.builds(lambda u, d: f"{u}@{d}.gov.uk", st.from_regex(r"[a-z][a-z0-9.]{0,8}[a-z0-9]", fullmatch=True),
                   st.from_regex(r"[a-z]{1,10}", fullmatch=True))
ages = st.tuples(st.integers(0, 120), st.integers(0, 120)).map(sorted)
dates = st.dates().map(lambda d: d.isoformat())


@st.composite
def services(draw, index: int = 0):
    low, high = draw(ages)
    service = {"id": f"svc-{index}-{draw(words)}", "name": draw(words), "owner": {"team": draw(words), "email": draw(emails)},
               "topics": draw(st.lists(words, max_size=3)),
               "contacts": {"phones": draw(st.lists(st.sampled_from(PHONES), max_size=2, unique=True)),
                            "emails": draw(st.lists(emails, max_size=2)), "postcode": draw(postcodes)},
               "age_range": f"{low}-{high}", "status": draw(st.sampled_from(STATUSES)), "last_reviewed": draw(dates)}
    return service


catalogues = st.integers(1, 6).flatmap(lambda n: st.tuples(*[services(i) for i in range(n)]))


def _check_round_trip(docs, catalogue):
    assert [s.id for s in catalogue.services] == [d["id"] for d in docs]
    for doc, s in zip(docs, catalogue.services):
        assert s.name == doc["name"] and s.phones == tuple(doc["contacts"]["phones"])
        assert s.emails == tuple(doc["contacts"]["emails"]) and s.topics == tuple(doc["topics"])
        assert f"{s.age_min}-{s.age_max}" == doc["age_range"] and s.status == doc["status"]
        assert s.postcode == doc["contacts"]["postcode"] and s.last_reviewed == doc["last_reviewed"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=catalogues)
def test_valid_yaml_round_trips(tmp_path, docs):
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump({"services": list(docs)}, allow_unicode=True), encoding="utf-8")
    _check_round_trip(docs, load_catalogue(str(path)))


FIELDS = {"id": "Ref", "name": "Name", "owner.team": "Team", "owner.email": "Team email", "topics": "Topics",
          "contacts.phones": "Phones", "contacts.emails": "Emails", "contacts.postcode": "Postcode",
          "age_range": "Ages", "status": "Status", "last_reviewed": "Reviewed"}


def _cell(doc, field):
    head, _, tail = field.partition(".")
    value = doc[head][tail] if tail else doc[head]
    return " ; ".join(value) if isinstance(value, list) else value


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=catalogues)
def test_the_same_catalogue_as_csv_gives_the_same_services(tmp_path, docs):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS.values())
    writer.writerows([[_cell(d, f) for f in FIELDS] for d in docs])
    (tmp_path / "c.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (tmp_path / "m.yml").write_text(yaml.safe_dump({"columns": FIELDS, "separator": ";"}), encoding="utf-8")
    _check_round_trip(docs, load_catalogue(str(tmp_path / "c.csv"), mapping=str(tmp_path / "m.yml")))


BREAKERS = {
    "contacts.emails": ("contacts", "emails", ["nobody"]),
    "contacts.phones": ("contacts", "phones", ["123"]),
    "contacts.postcode": ("contacts", "postcode", "QQ"),
    "last_reviewed": (None, "last_reviewed", "2023-02-30"),
    "age_range": (None, "age_range", "30-4"),
    "status": (None, "status", "paused"),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=catalogues, data=st.data())
def test_every_injected_problem_is_reported_with_its_line(tmp_path, docs, data):
    docs = [dict(d, contacts=dict(d["contacts"])) for d in docs]
    injected = []
    for i, doc in enumerate(docs):
        for field in data.draw(st.lists(st.sampled_from(sorted(BREAKERS)), unique=True, max_size=3)):
            section, key, bad = BREAKERS[field]
            (doc[section] if section else doc)[key] = bad
            injected.append(f"services.{i}.{field}")
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump({"services": docs}, allow_unicode=True, width=1000), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    try:
        load_catalogue(str(path))
    except CatalogueError as exc:
        problems = exc.problems
    else:
        problems = []
    assert len(problems) == len(injected), problems
    for where in injected:
        (problem,) = [p for p in problems if f": {where}" in p]
        line = lines[int(problem.split(":")[1]) - 1]
        section, key, bad = BREAKERS[where.split(".", 2)[2]]
        assert f"{key}:" in line or (isinstance(bad, list) and bad[0] in line), (problem, line)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=8) | st.sampled_from(["active", "0-25", "2024-01-01"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "name", "services", "contacts", "phones", "emails", "age_range", "min", "max",
                         "status", "owner", "team", "topics", "x"]), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=yaml_values)
def test_any_yaml_gives_a_catalogue_or_a_catalogue_error(tmp_path, value):
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump(value), encoding="utf-8")
    try:
        catalogue = load_catalogue(str(path))
    except CatalogueError as exc:
        assert exc.problems or str(exc)
        assert all(str(path) in p for p in exc.problems)
    else:
        assert catalogue.services
