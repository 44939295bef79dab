"""The JSON schemas shipped with the checks, and the plain-English problems they produce."""

from checks.schemas import describe, format_problems, load_schema, schema_errors, schema_problems


def test_catalogue_schema_problems_name_the_place_and_the_value():
    schema = load_schema("catalogue")
    doc = {"services": [{"id": "s1", "name": 7}]}
    found = schema_errors(doc, schema)
    assert found and all(isinstance(path, tuple) for path, _ in found)
    lines = format_problems(found, lambda path: "cat.yml: " + ".".join(map(str, path)))
    assert any(line.startswith("cat.yml: services.0.name") for line in lines), lines
    assert schema_problems({"services": [{"id": "s1", "name": "Play"}]}, schema, str) == []


def test_values_are_described_in_words():
    assert "7" in describe(7) and describe("text") != describe(7)
