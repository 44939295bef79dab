"""The faster ways the reports are made give what the straightforward code gave.

Each shortcut of checks.reports and checks.triage.history (a remembered finding id, a
direct copy instead of ``dataclasses.replace``, one JSON encoder for every row) is compared
here with the plain code it replaced, on generated findings as odd as crawled pages make
them: formula starts, control characters, line breaks, non-ASCII text, evidence of every
JSON type, ids shared between active, waived and previous findings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from hypothesis import given, settings, strategies as st

from checks.reports import folder
from checks.reports.finding import Finding, Severity, finding_id
from checks.reports.result import CheckResult
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
    evidence = draw(st.dictionaries(st.sampled_from(["target", "href", "pages", "status", "z", "é"]), JSON,
                                    max_size=4))
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
