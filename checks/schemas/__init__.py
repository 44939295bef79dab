"""JSON Schemas of the files users write and the files we publish, and readable errors.

``catalogue.schema.json`` (service catalogue), ``mapping.schema.json`` (CSV/XLSX column
mapping), ``waivers.schema.json`` and ``findings.schema.json`` (the published findings).
``schema_problems`` turns jsonschema errors into one plain message per problem, each
prefixed by the caller's ``locate(path)`` (file, line or row, and field).

Validation is done in two steps. A compiled validator (jsonschema-rs, built once per
schema) first answers "is this valid?": a findings.json of two thousand findings takes
about a millisecond there, against half a second in jsonschema. Only when it says no (or
cannot judge the value, e.g. a date from YAML) does jsonschema walk the document to name
every problem, so jsonschema stays the judge of what is refused and of every message; the
compiled validator only lets valid documents through sooner (tests/checks/schemas checks
that both agree).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # jsonschema is imported only when a document has to be explained
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

HERE = Path(__file__).parent
_TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "null": "nothing"}


@cache
def load_schema(name: str) -> dict:
    """The schema ``checks/schemas/<name>.schema.json``."""
    return json.loads((HERE / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def _validator(schema_json: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(schema_json))


@cache
def _compiled(schema_json: str):
    """The compiled validator of a schema, or None (jsonschema-rs missing, or it cannot
    compile the schema): then every document goes to jsonschema."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        return jsonschema_rs.validator_for(json.loads(schema_json))
    except Exception:  # noqa: BLE001 - anything it cannot compile is left to jsonschema
        return None


def surely_valid(data: object, schema_json: str) -> bool:
    """True when the compiled validator accepts ``data``; False when it refuses it or
    cannot judge it (then jsonschema decides)."""
    validator = _compiled(schema_json)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except Exception:  # noqa: BLE001 - values JSON has no word for (dates, int keys): jsonschema judges
        return False


def describe(value: object) -> str:
    """A plain name for the type of a YAML/JSON value."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {value!r}"
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__


def _expected(types) -> str:
    types = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_NAMES.get(t, t) for t in types)


def _unknown_keys(error: ValidationError) -> list[tuple[tuple, str]]:
    known = sorted(error.schema.get("properties", {}))
    out = []
    for key in error.instance:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; expected one of: {', '.join(known)}"
        out.append(((str(key),), f"unknown key{hint}"))
    return out


def _messages(error: ValidationError) -> list[tuple[tuple, str]]:
    """``(extra path, message)`` pairs for one jsonschema error."""
    kind, schema, value = error.validator, error.schema, error.instance
    custom = schema.get("x-message")
    if kind == "required":
        return [((p,), "missing (required)") for p in error.validator_value if p not in value]
    if kind == "additionalProperties":
        return _unknown_keys(error)
    if custom:
        return [((), f"{custom}, got {describe(value)}")]
    if kind == "type":
        return [((), f"expected {_expected(error.validator_value)}, got {describe(value)}")]
    if kind == "enum":
        choices = ", ".join(repr(c) for c in error.validator_value)
        return [((), f"expected one of {choices}, got {describe(value)}")]
    if kind == "minLength":
        return [((), "must not be empty")]
    if kind == "minimum":
        return [((), f"must be at least {error.validator_value}, got {value!r}")]
    if kind == "maximum":
        return [((), f"must be at most {error.validator_value}, got {value!r}")]
    return [((), error.message)]


def sort_key(path: tuple) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in path)


def schema_errors(data: object, schema: dict) -> list[tuple[tuple, str]]:
    """Every way ``data`` breaks ``schema`` as ``(path, message)`` pairs, in document order."""
    key = json.dumps(schema, sort_keys=True)
    if surely_valid(data, key):
        return []
    found: list[tuple[tuple, str]] = []
    for error in _validator(key).iter_errors(data):
        base = tuple(error.absolute_path)
        found += [(base + extra, message) for extra, message in _messages(error)]
    return found


def format_problems(found: list[tuple[tuple, str]], locate: Callable[[tuple], str]) -> list[str]:
    """``"<locate(path)>: <message>"`` lines sorted by path, without repeats."""
    out: list[str] = []
    for path, message in sorted(found, key=lambda item: sort_key(item[0])):
        line = f"{locate(path)}: {message}"
        if line not in out:
            out.append(line)
    return out


def schema_problems(data: object, schema: dict, locate: Callable[[tuple], str]) -> list[str]:
    """Every way ``data`` breaks ``schema``, as ``"<locate(path)>: <message>"`` lines."""
    return format_problems(schema_errors(data, schema), locate)
