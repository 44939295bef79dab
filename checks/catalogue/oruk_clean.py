"""Drop the ORUK values that fail their checks, keeping a warning for each."""

from __future__ import annotations

from collections.abc import Callable

from . import fields

_SINGLE: tuple[tuple[str, str, Callable[[str], str | None]], ...] = (
    ("owner", "email", fields.email_problem),
    ("contacts", "website", fields.url_problem),
    ("contacts", "postcode", fields.postcode_problem),
)
_LISTS = (("phones", fields.phone_problem), ("emails", fields.email_problem))


def _fix_website(value: object) -> object:
    """``www.example.org`` → ``https://www.example.org`` (feeds often leave out the scheme)."""
    if isinstance(value, str) and value.strip().lower().startswith("www."):
        return "https://" + value.strip()
    return value


def _check_single(record: dict, label: str, warnings: list[str]) -> None:
    for section, name, check in _SINGLE:
        value = record[section].get(name)
        if value in ("", None):
            continue
        message = check(value) if isinstance(value, str) else f"expected text, got {value!r}"
        if message:
            warnings.append(f"{label}: {section}.{name} dropped: {message}")
            record[section][name] = ""


def _check_lists(record: dict, label: str, warnings: list[str]) -> None:
    for name, check in _LISTS:
        kept = []
        for value in record["contacts"][name]:
            if message := check(value):
                warnings.append(f"{label}: contacts.{name} value dropped: {message}")
            else:
                kept.append(value)
        record["contacts"][name] = kept


def _check_top(record: dict, label: str, warnings: list[str]) -> None:
    if record["last_reviewed"] and (message := fields.date_problem(record["last_reviewed"])):
        warnings.append(f"{label}: assured_date dropped: {message}")
        record["last_reviewed"] = ""
    status = record["status"]
    if not isinstance(status, str) or fields.status_problem(status):
        warnings.append(f"{label}: status {status!r} not understood; treated as 'active'")
        record["status"] = "active"
    ages = record["age_range"]
    if message := fields.age_problem(ages["min"], ages["max"]):
        warnings.append(f"{label}: ages dropped: {message}")
        record["age_range"] = {"min": None, "max": None}


def clean(record: dict, label: str) -> list[str]:
    """Drop bad values from ``record`` in place; return a warning per dropped value."""
    warnings: list[str] = []
    record["contacts"]["website"] = _fix_website(record["contacts"]["website"])
    _check_single(record, label, warnings)
    _check_lists(record, label, warnings)
    _check_top(record, label, warnings)
    return warnings
