"""The compiled validator in front of jsonschema (``checks.schemas.surely_valid``) never
accepts what jsonschema refuses: every schema we ship, valid documents and documents
broken in many small ways, gives the same problems (and so the same accept/reject) as
jsonschema alone."""

from __future__ import annotations

import datetime
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from checks.reports.files import HistoryPoint
from checks.reports.finding import Finding, Severity
from checks.reports.result import CheckResult
from checks.schemas import _messages, format_problems, load_schema, schema_errors, sort_key, surely_valid


def _findings_doc() -> dict:
    broken = Finding("links.broken", "https://lo.example/a -> https://lo.example/gone", Severity.ERROR,
                     "Link to a page that does not exist.", url="https://lo.example/a", expected="a page",
                     found="404", fix="Change the link.", evidence={"target": "https://lo.example/gone", "status": 404},
                     owner="Web team", owner_email="web@lo.example", status="persisting", service_id="s1")
    stale = Finding("content.stale", "https://lo.example/b", Severity.WARNING, "Old page.", url="https://lo.example/b")
    waived = Finding("plain-language.reading-age", "https://lo.example/c", Severity.NOTICE, "Hard to read.",
                     url="https://lo.example/c", waived="accepted until May")
    fixed = Finding("links.broken", "https://lo.example/d -> x", Severity.ERROR, "Was broken.", status="fixed")
    share = {"count": 1, "total": 2, "percent": 50}
    completeness = {"total": 2, "contact": share, "web": share, "ages": share, "location": dict(share, percent=None)}
    metrics = {
        "pages": {"crawled": 3, "html": 3, "rendered": 0, "documents": 0, "errors": 0},
        "statutory": {"score": 87.5, "covered": 7, "total": 8, "topics": []},
        "services": [{"id": "s1", "name": "Play", "status": "active"}],
        "catalogue": {"source": "cat.yml", "records": 2, "services": 2, "problems": {"no-phone": 1},
                      "assured_months": 12, "measures": [{"id": "contact", "label": "Contact"}],
                      "feed": completeness, "site": None},
    }
    return CheckResult(findings=(broken, stale), waived=(waived,), fixed=(fixed,), metrics=metrics,
                       run={"status": "complete"}, today="2026-11-01", rules_run=("links.broken",),
                       skipped=({"rule": "a11y", "reason": "off"},), generated_at="2026-11-01T06:00:00+00:00").to_dict()


VALID = {
    "findings": _findings_doc(),
    "history": [HistoryPoint(date="2026-11-01", generated_at="2026-11-01T06:00:00+00:00",
                             families={"links": 1}, new=1, coverage=87.5, pages=3).to_dict(),
                HistoryPoint(date="2026-11-08").to_dict()],
    "waivers": {"waivers": [{"rule": "links.*", "url": "https://lo.example/*", "service": "s1", "reason": "moved",
                             "who": "web team", "expires": "2026-12-01"}, {"rule": "a", "reason": "r", "who": "w",
                                                                         "expires": "2027-01-31", "service": 7}]},
    "catalogue": {"services": [
        {"id": "s1", "name": "Play", "owner": {"team": "Play team", "email": "play@lo.example"}, "topics": ["play"],
         "expected_urls": ["https://lo.example/play"], "contacts": {"phones": ["0117 496 0000"], "website": "x"},
         "age_range": {"min": 0, "max": None}, "status": "temporarily closed", "last_reviewed": "2026-01-31"},
        {"id": 7, "name": "Swim", "age_range": "0-25"}]},
    "mapping": {"columns": {"id": "ID", "name": "Name", "topics": ["Topic 1", "Topic 2"], "contacts.emails": "Email"},
                "separator": ";", "sheet": "Services", "header_row": 2},
}

AWKWARD = [
    "", "x", "links.broken", "links.broken:0123456789ab", "links.broken:0123456789ab\n", "Links.Broken:0123456789ab",
    "a..b", "2026-11-01", "2026-11-01\n", "26-11-01", "fixed", "new", "error", "closed", "\u00e9", "٢٠٢٦-١١-٠١",
    0, -1, 1, 1.0, 1.5, 12, 50, 100, 100.0, 101, 10 ** 30, True, False, None, [], {}, ["x"], [""], [1], {"a": 1},
    {"count": 1, "total": 1, "percent": 100}, {"id": "s", "name": "n", "status": "active"},
]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _mutate(doc, path, action, value):
    """A deep copy of ``doc`` with the node at ``path`` replaced, removed, or given an extra key."""
    doc = json.loads(json.dumps(doc))
    if not path:
        return value if action == "replace" else doc
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "remove":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last]["surplus"] = value
    return doc


def _jsonschema_alone(doc, schema) -> list:
    found = []
    for error in Draft202012Validator(schema).iter_errors(doc):
        found += [(tuple(error.absolute_path) + extra, message) for extra, message in _messages(error)]
    return found


def _key(name: str) -> str:
    return json.dumps(load_schema(name), sort_keys=True)


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_compiled_validator_accepts_every_valid_example(name):
    assert _jsonschema_alone(VALID[name], load_schema(name)) == []
    assert surely_valid(VALID[name], _key(name))  # else every document would take the slow path
    assert schema_errors(VALID[name], load_schema(name)) == []


@pytest.mark.parametrize("name", sorted(VALID))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_broken_documents_get_the_same_problems_as_from_jsonschema_alone(name, data):
    base = VALID[name]
    path = data.draw(st.sampled_from(list(_paths(base))))
    action = data.draw(st.sampled_from(["replace", "remove", "extra"]))
    doc = _mutate(base, path, action, data.draw(st.sampled_from(AWKWARD)))
    schema = load_schema(name)
    alone = _jsonschema_alone(doc, schema)
    if surely_valid(doc, _key(name)):
        assert alone == [], (path, action)
    # the same problems; jsonschema visits a schema's keywords in the order of its mapping, and
    # schema_errors builds its validator from the sorted text: the order shown is by path
    # (format_problems), so compare in that order
    assert _by_path(schema_errors(doc, schema)) == _by_path(alone)
    assert format_problems(schema_errors(doc, schema), str) == format_problems(alone, str)


def _by_path(found: list) -> list:
    return sorted(found, key=lambda item: (sort_key(item[0]), item[1]))


def test_values_json_cannot_hold_are_judged_by_jsonschema():
    """YAML gives dates and integer keys: the compiled validator cannot take them, jsonschema explains."""
    doc = {"waivers": [{"rule": "a", "reason": "r", "who": "w", "expires": datetime.date(2026, 12, 1)}]}
    assert not surely_valid(doc, _key("waivers"))
    assert schema_errors(doc, load_schema("waivers")) == [
        (("waivers", 0, "expires"), "expected a date as YYYY-MM-DD, got date")]
    doc = {"waivers": [{1: "a", "rule": "a", "reason": "r", "who": "w", "expires": "2026-12-01"}]}
    assert not surely_valid(doc, _key("waivers"))
    assert [p for p, _ in schema_errors(doc, load_schema("waivers"))] == [("waivers", 0, "1")]


def test_a_trailing_newline_is_refused_by_both():
    """Python's ``$`` also matches before a final newline; the schemas' patterns end in
    ``(?!\\n)$`` so that jsonschema refuses it as the compiled validator does (a waiver's
    ``expires: |`` date reached the date parser; a rule id ending in a line break came back
    from the previous findings as an id the check would not write)."""
    for field, value in (("today", "2026-11-01\n"), ("findings", None)):
        if value is None:
            doc = json.loads(json.dumps(VALID["findings"]))
            doc["findings"][0]["rule"] += "\n"
        else:
            doc = _mutate(VALID["findings"], (field,), "replace", value)
        assert not surely_valid(doc, _key("findings"))
        problems = schema_errors(doc, load_schema("findings"))
        assert problems == _jsonschema_alone(doc, load_schema("findings")) and problems, field
