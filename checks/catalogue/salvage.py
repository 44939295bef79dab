"""Keep every usable record of a messy catalogue, and say what was wrong with the rest.

Used when a catalogue is loaded without ``strict`` (``lo-audit check`` and ``run``
without ``--strict-catalogue``). A feed or spreadsheet is data from outside: its defects
become ``catalogue.*`` findings instead of stopping the audit.

- A document with nothing to audit (not a mapping, no ``services`` list, no services)
  still raises ``CatalogueError``.
- A record without a usable id or name is left out (``missing-field`` or ``invalid-field``).
- A wrong value (bad email, phone, URL, postcode, date, ages, unknown status or key) is
  dropped from its record, which is kept (``invalid-field``).
- A record whose id an earlier record already used is kept under ``id#2`` (``#3``...)
  when it is a different service, and left out when it repeats the earlier record exactly
  (``duplicate-id``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace

from checks.errors import CatalogueError

from checks.schemas import describe, format_problems, sort_key
from checks.catalogue.model import Catalogue, Problem, Service
from checks.catalogue.validate import Locator, record_problems, to_service

_KEY_FIELDS = ("id", "name")
_GONE = object()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _at(item: object, path: tuple) -> object:
    for key in path:
        if isinstance(item, dict) and key in item:
            item = item[key]
        elif isinstance(item, list) and isinstance(key, int) and key < len(item):
            item = item[key]
        else:
            return None
    return item


def _field(path: tuple) -> str:
    names = [str(p) for p in path if not isinstance(p, int)]
    if names[:1] == ["age_range"]:
        return "age_range"
    return ".".join(names)


def _drop_path(path: tuple) -> tuple:
    """What to remove for a problem at ``path``: a whole age range, else the value itself."""
    return path[:1] if path[:1] == ("age_range",) else path


def _remove(item: dict, paths: list[tuple]) -> None:
    """Remove the values at ``paths`` (list elements are removed without shifting the others first)."""
    for path in paths:
        parent = _at(item, path[:-1])
        key = path[-1]
        if isinstance(parent, dict) and key in parent:
            parent[key] = _GONE
        elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
            parent[key] = _GONE
    _sweep(item)


def _sweep(value: object) -> None:
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v is _GONE]:
            del value[key]
        for v in value.values():
            _sweep(v)
    elif isinstance(value, list):
        value[:] = [v for v in value if v is not _GONE]
        for v in value:
            _sweep(v)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Salvage:
    """One pass over the records of one document."""

    def __init__(self, items: list, locate: Locator) -> None:
        self.items, self.locate = items, locate
        self.problems: list[Problem] = []
        self.kept: list[tuple[int, dict]] = []

    def position(self, path: tuple) -> dict:
        position = getattr(self.locate, "position", None)
        return position(path) if position else {"index": path[1]}

    def problem(self, kind: str, index: int, path: tuple, message: str, value: object = None, **extra) -> None:
        item = self.items[index] if isinstance(self.items[index], dict) else {}
        where_path = ("services", index) + path
        self.problems.append(Problem(
            kind=kind, index=index, record_id=_text(item.get("id")).strip(), record_name=_text(item.get("name")).strip(),
            field=_field(path), where=self.locate.at(where_path), position=self.position(where_path),
            message=message, value=_text(value), **extra))

    def record(self, index: int, issues: list[tuple[tuple, str]]) -> None:
        item = self.items[index]
        if not isinstance(item, dict):
            self.problem("invalid-field", index, (), f"expected a service record, got {describe(item)}; left out")
            return
        fatal = [(p, m) for p, m in issues if p[:1] and p[0] in _KEY_FIELDS]
        fatal += [((key,), "must not be empty") for key in _KEY_FIELDS
                  if key in item and _blank(item[key]) and not any(p[:1] == (key,) for p, _ in fatal)]
        if fatal:
            for path, message in fatal:
                value = _at(item, path[:1])
                kind = "missing-field" if _blank(value) else "invalid-field"
                self.problem(kind, index, path[:1], f"{message}; the record is left out of the audit", value)
            return
        reported: set[tuple] = set()
        for path, message in issues:  # one problem per value dropped (its first message)
            if _drop_path(path) in reported:
                continue
            reported.add(_drop_path(path))
            self.problem("invalid-field", index, _drop_path(path), message, _at(item, _drop_path(path)))
        _remove(item, sorted({_drop_path(p) for p, _ in issues}, key=sort_key, reverse=True))
        leftover = record_problems({"services": [item]}) if issues else []
        if leftover:  # a repair that did not take: leave the record out rather than guess
            for path, message in leftover:
                self.problem("invalid-field", index, path[2:], f"{message}; the record is left out of the audit")
            return
        self.kept.append((index, item))


def _same(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _unique_ids(run: _Salvage) -> dict[int, Service]:
    """Record index → service, with a shared id made unique (an exact repeat is left out)."""
    first: dict[str, tuple[int, dict]] = {}
    used = {str(item["id"]).strip() for _, item in run.kept}
    services: dict[int, Service] = {}
    counts: dict[str, int] = defaultdict(int)
    for index, item in run.kept:
        key = str(item["id"]).strip()
        service = to_service(item, run.locate.origin(index))
        if key not in first:
            first[key] = (index, item)
            services[index] = service
            continue
        earlier, earlier_item = first[key]
        other = run.locate.origin(earlier)
        if _same(item, earlier_item):
            run.problem("duplicate-id", index, ("id",), f"repeats the record with id {key!r} at {other} exactly; "
                        "the repeat is left out", key, other=other)
            continue
        counts[key] += 1
        n = counts[key] + 1
        while f"{key}#{n}" in used:
            n += 1
        new_id = f"{key}#{n}"
        used.add(new_id)
        run.problem("duplicate-id", index, ("id",), f"id {key!r} is also used by a different service at {other}; "
                    f"this one is audited as {new_id!r}", key, service_id=new_id, other=other)
        services[index] = replace(service, id=new_id, original_id=key)
    return services


def salvage(doc: dict, locate: Locator, source: str, warnings: tuple[str, ...]) -> Catalogue:
    """The usable services of ``doc`` and a ``Problem`` for each defect (see the module docstring)."""
    found = record_problems(doc)
    fatal = [(p, m) for p, m in found if len(p) < 2 or p[0] != "services" or not isinstance(p[1], int)]
    if fatal:
        problems = format_problems(fatal, locate.at)
        raise CatalogueError(f"{source}: {len(problems)} problem(s) in the catalogue", problems)
    items = doc["services"]
    issues: dict[int, list[tuple[tuple, str]]] = defaultdict(list)
    for path, message in found:
        issues[path[1]].append((path[2:], message))
    run = _Salvage(items, locate)
    for index in range(len(items)):
        run.record(index, issues.get(index, []))
    services = _unique_ids(run)
    repeats = {p.index for p in run.problems if p.kind == "duplicate-id" and not p.service_id}
    problems = sorted((_kept_as(p, services) for p in run.problems if p.index not in repeats or p.kind == "duplicate-id"),
                      key=lambda p: (p.index, p.kind, p.field))
    if not services:
        raise CatalogueError(f"{source}: no usable services ({len(problems)} problem(s) in the catalogue)",
                             [f"{p.where}: {p.message}" for p in problems])
    return Catalogue(services=tuple(services[i] for i in sorted(services)), source=source, warnings=warnings,
                     problems=tuple(problems), records=len(items))


def _kept_as(problem: Problem, services: dict[int, Service]) -> Problem:
    """``problem`` with the id of the service its record became (when the record was kept)."""
    service = services.get(problem.index)
    if problem.service_id or service is None or problem.kind == "duplicate-id":
        return problem
    return replace(problem, service_id=service.id)
