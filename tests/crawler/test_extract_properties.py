"""Extractors: real-world examples plus Hypothesis properties (round trips, no crashes)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import ages, dates, emails, phones, postcodes

TODAY = date(2026, 5, 20)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@pytest.mark.parametrize("text, expected", [
    ("Last updated: 19 May 2026", "2026-05-19"),
    ("Reviewed 03/02/2024", "2024-02-03"),
    ("Updated 2 weeks ago", "2026-05-06"),
    ("Page last reviewed: 1 March 2024", "2024-03-01"),
    ("Last modified 2024-03-01", "2024-03-01"),
    ("Date updated: 12th Jan 2023", "2023-01-12"),
    ("Updated: January 2024", "2024-01-01"),
    ("Content last checked on 3 Feb 2024", "2024-02-03"),
    ("Last edited 01.02.2024", "2024-02-01"),
    ("This page was last updated on Tuesday 5 March 2024 at 10:00am", "2024-03-05"),
    ("Last updated: March 5, 2024", "2024-03-05"),
    ("Page reviewed - 5/3/24", "2024-03-05"),
    ("Published 1 Jan 2020. Last updated 5 March 2023", "2023-03-05"),
    ("Last updated yesterday", "2026-05-19"),
])
def test_dates_in_real_world_formats(text, expected):
    found = dates.find_in_text(f"Some page text. {text}. Share this page", TODAY)
    assert found is not None and found.iso == expected and found.source == "text"


def test_structured_dates_and_header_fallback():
    assert dates.from_meta({"article:modified_time": "2024-02-03T10:00:00+00:00"}, TODAY).iso == "2024-02-03"
    assert dates.from_jsonld(['{"@graph": [{"dateModified": "2023-12-01"}]}', "not json"], TODAY).iso == "2023-12-01"
    assert dates.from_time_elements([("2024-04-04", "Last updated 4 April")], TODAY).source == "time"
    found = dates.best_date("no date here", [], {}, [], "Wed, 01 May 2024 10:00:00 GMT", TODAY)
    assert (found.iso, found.source) == ("2024-05-01", "header")
    assert dates.find_in_text("Event on 12 June 2027. Updated 40/40/2024", TODAY) is None


@given(st.dates(min_value=date(1995, 1, 1), max_value=TODAY), st.sampled_from(
    ["Last updated: {d} {M} {y}", "Reviewed {dd}/{mm}/{y}", "Last modified {y}-{mm}-{dd}", "Last edited {dd}.{mm}.{y}",
     "Page last reviewed: {d}{sfx} {M} {y}", "Updated on {M} {d}, {y}"]))
def test_dates_round_trip(day, template):
    sfx = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day.day, "th")
    text = template.format(d=day.day, dd=f"{day.day:02d}", mm=f"{day.month:02d}", y=day.year, M=MONTHS[day.month - 1],
                           sfx=sfx)
    assert dates.find_in_text("Intro. " + text + ". Footer", TODAY).value == day


@given(st.integers(min_value=1, max_value=20), st.sampled_from(["day", "week", "month", "year"]))
def test_relative_dates_are_in_the_past(count, unit):
    found = dates.find_in_text(f"Updated {count} {unit}{'s' if count > 1 else ''} ago", TODAY)
    assert found is not None and found.value <= TODAY and found.value >= TODAY - timedelta(days=366 * 20)


@given(st.text(max_size=300))
def test_date_finder_never_crashes(text):
    found = dates.find_in_text(text, TODAY)
    assert found is None or found.value <= TODAY + timedelta(days=1)


# --- phones ---------------------------------------------------------------------
GB_NUMBERS = st.sampled_from(["20 7946 0{:03d}", "113 496 0{:03d}", "300 123 4{:03d}", "161 496 0{:03d}",
                              "7700 900{:03d}", "800 123 4{:03d}"])


@given(GB_NUMBERS, st.integers(min_value=0, max_value=999), st.sampled_from(["0{}", "+44 {}", "+44 (0){}", "0{}"]))
def test_phone_formats_normalise_to_e164(pattern, n, prefix):
    national = pattern.format(n)
    expected = phones.normalise_phone("0" + national)
    if expected is None:  # a number range phonenumbers does not consider valid
        return
    written = prefix.format(national)
    assert expected.startswith("+44") and expected[1:].isdigit()
    assert phones.normalise_phone(written) == expected
    assert phones.find_phones(f"Call us on {written} (Monday to Friday).") == (expected,)
    assert phones.normalise_phone("tel:" + written.replace(" ", "")) == expected


@given(st.text(max_size=200))
def test_phone_finder_never_crashes(text):
    for number in phones.find_phones(text):
        assert number.startswith("+")


# --- emails ---------------------------------------------------------------------
LOCAL = st.from_regex(r"[a-z][a-z0-9]{0,10}(\.[a-z0-9]{1,8})?", fullmatch=True)
LABEL = st.from_regex(r"[a-z][a-z0-9]{1,12}", fullmatch=True)


@given(LOCAL, st.lists(LABEL, min_size=1, max_size=3), st.sampled_from(["uk", "org", "com", "gov"]),
       st.sampled_from(["plain", "upper", "mailto", "brackets", "parens", "words"]))
def test_email_forms_normalise(local, labels, tld, form):
    address = f"{local}@{'.'.join(labels)}.{tld}"
    written = {
        "plain": address, "upper": address.upper(), "mailto": f"mailto:{address}?subject=Hello",
        "brackets": address.replace("@", " [at] ").replace(".", " [dot] "),
        "parens": address.replace("@", "(at)"),
        "words": address.replace("@", " at ").replace(".", " dot "),
    }[form]
    if form == "words" and "." in local:
        return  # "jo dot smith at ..." is ambiguous in prose; not claimed
    assert emails.normalise_email(written) == address
    if form != "mailto":
        assert emails.find_emails(f"Email {written} for help.") == (address,)


@given(st.text(max_size=200))
def test_email_finder_never_crashes(text):
    for email in emails.find_emails(text):
        assert "@" in email and email == email.lower()


# --- postcodes ------------------------------------------------------------------
OUTWARD = st.sampled_from(["EX1", "SW1A", "M1", "B33", "CR2", "DN55", "W1A", "EC1A", "LS10", "GU16"])
INWARD = st.from_regex(r"[0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True)


@given(OUTWARD, INWARD, st.sampled_from(["", " ", "  "]), st.booleans())
def test_postcodes_canonical(outward, inward, space, lower):
    written = outward + space + inward
    written = written.lower() if lower else written
    assert postcodes.normalise_postcode(written) == f"{outward} {inward}"
    assert postcodes.find_postcodes(f"Town Hall, High Street, Exampletown {written}. Tel") == (f"{outward} {inward}",)


@given(st.text(max_size=200))
def test_postcode_finder_output_is_canonical(text):
    for code in postcodes.find_postcodes(text):
        assert postcodes.normalise_postcode(code) == code


# --- ages -----------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("ages 5 to 11", (5, 11)), ("0-25", (0, 25)), ("0 to 25 years", (0, 25)), ("under 5s", (0, 4)),
    ("from 16", (16, ages.OPEN_MAX)), ("16+", (16, ages.OPEN_MAX)), ("aged 11-18", (11, 18)),
    ("Year 7 to 11", (11, 16)), ("up to 25", (0, 25)), ("Years R to 6", (4, 11)), ("birth to 5", (0, 5)),
])
def test_age_ranges(text, expected):
    assert ages.parse_age_range(text) == expected


def test_age_range_in_text_needs_an_age_word():
    assert ages.find_age_range("We are open 9-5 and support children aged 4-11.") == (4, 11)
    assert ages.find_age_range("Open 9-17 on weekdays") is None


@given(st.integers(0, 25), st.integers(0, 25), st.sampled_from(["{a}-{b}", "{a} to {b} years", "ages {a} - {b}",
                                                                 "aged {a}–{b}", "between {a} and {b}"]))
def test_age_ranges_round_trip(a, b, template):
    low, high = min(a, b), max(a, b)
    text = template.format(a=low, b=high)
    assert ages.parse_age_range(text) == (low, high)
    assert ages.find_age_range(f"Our club is for young people {template.format(a=low, b=high)} years old.") \
        == (low, high)


@given(st.text(max_size=120))
@settings(max_examples=200)
def test_age_parser_output_is_ordered(text):
    found = ages.parse_age_range(text)
    assert found is None or 0 <= found[0] <= found[1]
