"""common.jsonfast gives the standard library's text and values, whichever library answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, strategies as st

from common import jsonfast


@dataclass(frozen=True)
class _Thing:
    name: str


def _std(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


ODD = [
    {"findings": [], "metrics": {}, "n": 0, "x": -0.0, "f": 1e16, "g": 0.1, "u": "é – ‘q’ \u2028 \x00 \U0001F600"},
    {"when": datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc), "day": date(2026, 11, 22), "naive": datetime(2026, 1, 1)},
    {"thing": _Thing("a"), "set": {1}},  # str() of what JSON has no type for, as json.dumps(default=str)
    {"big": 10**30},  # beyond 64 bits: orjson refuses, json writes it
    {1: "integer key", "b": [[], {}, [{}]]},  # a key that is not a string
]


@pytest.mark.parametrize("data", ODD)
def test_indented_text_is_the_standard_librarys(data):
    assert jsonfast.dumps_indented(data) == _std(data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


@given(JSON_VALUES)
def test_any_json_value_gives_the_same_values_and_reads_back_the_same(data):
    text = jsonfast.dumps_indented(data)
    assert json.loads(text) == json.loads(_std(data))
    assert jsonfast.loads(text) == json.loads(text) == jsonfast.loads(_std(data))
    assert jsonfast.loads(text.encode()) == json.loads(text)
    if not _has_exponent_float(data):  # orjson writes 1e-7 where json writes 1e-07
        assert text == _std(data)


def _has_exponent_float(data) -> bool:
    if isinstance(data, float):
        return "e" in repr(data)
    if isinstance(data, dict):
        return any(map(_has_exponent_float, data.values()))
    return isinstance(data, list) and any(map(_has_exponent_float, data))


def test_integers_beyond_64_bits_are_read_exactly():
    assert jsonfast.loads("[-9223372036854775809, 123456789012345678901234]") == \
        [-9223372036854775809, 123456789012345678901234]
    assert jsonfast.loads(b"[18446744073709551616]") == [18446744073709551616]


def test_plain_reading_gives_jsons_values_for_small_numbers():
    text = '[[1, "Contact us"], [2, "Caf\u00e9 \ud800"], ["https://x.test/", 301]]'
    assert jsonfast.loads_plain(text) == json.loads(text)
    assert jsonfast.loads_plain('["a", "b"]') == ["a", "b"]
    with pytest.raises(json.JSONDecodeError):
        jsonfast.loads_plain("[1,")


def test_what_orjson_refuses_to_read_is_read_as_json_reads_it():
    assert jsonfast.loads('["\\ud800"]') == ["\ud800"]  # an escaped lone surrogate
    assert jsonfast.loads(b'{"a": 1}') == {"a": 1}
    with pytest.raises(json.JSONDecodeError) as caught:
        jsonfast.loads("{not json")
    assert "line 1 column 2" in str(caught.value)  # json's own message, as before


def _long_run_by_regex(text: str | bytes) -> bool:
    """The straightforward test: 19 ASCII digits in a row, found by a regular expression."""
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    return re.search(rb"[0-9]{19}", text) is not None


DIGITY_TEXT = st.text(alphabet=st.sampled_from("0123456789 .-e\"[],:\u0660\u0661\u0969\uff10\ud800\u00e9x"), max_size=80)


@given(DIGITY_TEXT)
def test_the_search_for_long_numbers_is_the_regular_expressions(text):
    assert jsonfast.has_long_number(text) == _long_run_by_regex(text)
    assert jsonfast.has_long_number(text.encode("utf-8", "surrogatepass")) == _long_run_by_regex(text)


@given(st.integers(min_value=-(10**40), max_value=10**40), st.text(max_size=8))
def test_every_integer_beyond_64_bits_is_found_and_read_exactly(number, around):
    text = json.dumps([around, number, {"n": number}], ensure_ascii=False)
    if not -(2**63) <= number < 2**64:
        assert jsonfast.has_long_number(text)
    assert jsonfast.loads(text) == json.loads(text) == [around, number, {"n": number}]
    assert jsonfast.loads(text.encode()) == json.loads(text)


def test_digits_that_are_not_ascii_are_no_number():
    # twenty Arabic-Indic or full-width digits inside a string: JSON numbers are ASCII only
    for digits in ("\u0660" * 20, "\uff11" * 20, "1" * 18 + "\u0661"):
        assert not jsonfast.has_long_number(f'["{digits}", 1]')
        assert jsonfast.loads(f'["{digits}", 1]') == [digits, 1]
    assert jsonfast.has_long_number('["' + "1" * 19 + '"]')  # inside a string: json reads it, same values
    assert jsonfast.has_long_number("[" + "9" * 19 + "]")
    assert not jsonfast.has_long_number("[" + "9" * 18 + ", 1.5e300]")


@pytest.mark.parametrize("value", [{"a": [1, 2**63 - 1, -(2**63), 2**64 - 1, 1.5, "é\n", None, True]},
                                   {"big": 2**64}, {"big": -(2**63) - 1}, {1: "int key"}, ["x" * 3, {"d": {}}]])
def test_indented_bytes_are_the_indented_text_and_read_back_the_same(value):
    raw, plain = jsonfast.dumps_indented_bytes(value)
    assert raw == jsonfast.dumps_indented(value).encode("utf-8")
    assert (jsonfast.loads_plain(raw) if plain else jsonfast.loads(raw)) == json.loads(raw)
    assert plain == (value not in ({"big": 2**64}, {"big": -(2**63) - 1}, {1: "int key"}))  # orjson refuses these


def test_indented_bytes_refuse_half_a_character_pair_as_utf8_does():
    with pytest.raises(UnicodeEncodeError):
        jsonfast.dumps_indented_bytes({"a": "\ud800"})


UTF8_ODD = [b'\xef\xbb\xbf{"a": 1}', b'{"a": NaN}', b'{"a": 1e400}', b'{"a": "\\ud800"}', b'{"a": 1, "a": 2}',
            b'{"a": "\xff"}', b'"\xed\xa0\x80"', b"[-9223372036854775809]", b"[1] x", b'{"a": "\\u0000"}',
            "[\"caf\u00e9 \u2028 \U0001F600\"]".encode(), b"", b"   ", b"\x00"]
"""Bytes a hand-edited or damaged findings.json may hold: a BOM, what orjson refuses and json
reads, bytes that are not UTF-8, an encoded surrogate, numbers beyond 64 bits, trailing text."""


def _outcome(read, data: bytes):
    try:
        return "value", read(data)
    except Exception as exc:  # noqa: BLE001 - the kind of error is what is compared
        return "error", type(exc).__name__, str(exc)


@pytest.mark.parametrize("data", UTF8_ODD)
def test_reading_bytes_gives_what_decoding_then_json_gives(data):
    expected = _outcome(lambda d: json.loads(d.decode("utf-8")), data)
    got = _outcome(jsonfast.loads, data)
    if expected[0] == "value" and expected[1] != expected[1]:  # NaN inside: compare the text
        assert repr(got) == repr(expected)
    else:
        assert got == expected


@given(JSON_VALUES)
def test_any_json_value_read_from_bytes_is_jsons(data):
    text = jsonfast.dumps_indented(data)
    if all(not 0xD800 <= ord(c) <= 0xDFFF for c in text):  # else the text has no UTF-8 bytes
        assert jsonfast.loads(text.encode()) == json.loads(text)
