"""Open Referral UK JSON (v1 and 3.0), from files and a paginated API on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from checks.catalogue import load_catalogue
from checks.errors import CatalogueError

V3_SERVICE = {
    "id": "ac148810-d857-441c-9679-408f346de14b", "name": "Community Counselling",
    "description": "<p>Counselling for young people.</p>", "url": "http://example.com/counselling",
    "email": "email@example.com", "status": "active", "fees_description": "Free",
    "minimum_age": 12, "maximum_age": 25, "assured_date": "2023-03-15T10:30:45.123Z",
    "eligibility_description": "Young people aged 12 to 25", "application_process": "Self referral",
    "organization": {"id": "d9d5", "name": "Example Organization Inc.", "email": "org@example.com"},
    "contacts": [{"id": "c1", "name": "Ann", "phones": [{"id": "p1", "number": "0117 496 0123"}]}],
    "phones": [{"id": "p2", "number": "020 7946 0000"}],
    "service_at_locations": [{"id": "sal1", "location": {"id": "l1", "addresses": [
        {"id": "a1", "address_1": "1 High Street", "city": "Bristol", "postal_code": "bs1 4dj"}]}}],
    "taxonomy_terms": [{"id": "t1", "name": "Mental health"}],
}
V1_SERVICE = {
    "id": "1234", "name": "Portage", "status": "temporarily closed", "url": "www.portage.example.org",
    "email": "portage@example.gov.uk", "fees": "None", "assured_date": "2022-11-30",
    "description": "Home visiting. Call 0117 496 0999 or 020 7946 0123 to refer.",
    "eligibilitys": [{"id": "e1", "eligibility": "Under fives", "minimum_age": 0, "maximum_age": 5}],
    "organization": {"id": "o1", "name": "Early Years Team"},
    "service_at_locations": [{"id": "s1", "location": {"id": "l1", "physical_addresses": [
        {"id": "pa1", "address_1": "Civic Centre", "postal_code": "SW1A 1AA"}]}}],
    "service_taxonomys": [{"id": "st1", "taxonomy": {"id": "x", "name": "Early years"}}],
}


def write_json(tmp_path, data, name="feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_v3_single_service_file(tmp_path):
    (s,) = load_catalogue(write_json(tmp_path, V3_SERVICE)).services
    assert s.id == V3_SERVICE["id"] and s.name == "Community Counselling"
    assert s.phones == ("020 7946 0000", "0117 496 0123") and s.emails == ("email@example.com",)
    assert s.website == "http://example.com/counselling"
    assert (s.age_min, s.age_max) == (12, 25) and s.postcode == "BS1 4DJ" and s.address == "1 High Street, Bristol"
    assert s.last_reviewed == "2023-03-15" and s.status == "active"
    assert (s.owner, s.owner_email) == ("Example Organization Inc.", "org@example.com")
    assert s.description == "Counselling for young people." and s.topics == ("Mental health",)
    assert (s.eligibility, s.referral, s.cost) == ("Young people aged 12 to 25", "Self referral", "Free")


def test_v1_page_file_with_phones_from_the_description(tmp_path):
    page = {"content": [V1_SERVICE], "totalElements": 1, "totalPages": 1, "last": True}
    (s,) = load_catalogue(write_json(tmp_path, page)).services
    assert s.phones == ("0117 496 0999", "020 7946 0123")
    assert (s.age_min, s.age_max) == (0, 5) and s.postcode == "SW1A 1AA"
    assert s.status == "temporarily closed" and s.website == "https://www.portage.example.org"
    assert s.owner == "Early Years Team" and s.topics == ("Early years",) and s.eligibility == "Under fives"


def test_v3_page_and_list_shapes(tmp_path):
    page = {"total_items": 2, "total_pages": 1, "page_number": 1, "size": 2, "first_page": True,
            "last_page": True, "empty": False, "contents": [V3_SERVICE, V1_SERVICE]}
    assert [s.id for s in load_catalogue(write_json(tmp_path, page)).services] == [V3_SERVICE["id"], "1234"]
    listed = load_catalogue(write_json(tmp_path, [V1_SERVICE], "list.json"))
    assert [s.name for s in listed.services] == ["Portage"]


def test_bad_values_are_dropped_and_listed_without_strict(tmp_path):
    service = dict(V3_SERVICE, email="not-an-email", status="open", assured_date="yesterday",
                   minimum_age=30, maximum_age=3, phones=[{"number": "12"}], contacts=[])
    catalogue = load_catalogue(write_json(tmp_path, service), strict=False)
    s = catalogue.services[0]
    assert s.emails == () and s.status == "active" and s.last_reviewed == "" and s.age_min is None and s.phones == ()
    assert s.name == "Community Counselling" and s.postcode == "BS1 4DJ"
    got = {(p.kind, p.field, p.value, p.service_id) for p in catalogue.problems}
    sid = V3_SERVICE["id"]
    assert got == {("invalid-field", "contacts.emails", "not-an-email", sid), ("invalid-field", "status", "open", sid),
                   ("invalid-field", "last_reviewed", "yesterday", sid),
                   ("invalid-field", "age_range", '{"min": 30, "max": 3}', sid),
                   ("invalid-field", "contacts.phones", "12", sid)}
    assert all(p.position == {"index": 0} and "services[0]" in p.where for p in catalogue.problems)


def test_strict_lists_every_bad_value(tmp_path):
    service = dict(V3_SERVICE, email="not-an-email", status="open", assured_date="yesterday",
                   minimum_age=30, maximum_age=3, phones=[{"number": "12"}], contacts=[])
    with pytest.raises(CatalogueError) as info:
        load_catalogue(write_json(tmp_path, service))
    text = "\n".join(info.value.problems)
    for expected in ("contacts.emails.0 (ORUK email): not an email address", "(id 'ac148810-d857-441c-9679-408f346de14b'): status: expected one of",
                     "last_reviewed (ORUK assured_date): expected a date", "minimum age 30 is above maximum age 3",
                     "contacts.phones.0 (ORUK phones): not a valid UK phone number: '12'"):
        assert expected in text


@pytest.mark.parametrize("data, message", [
    ({"services": []}, "not Open Referral UK JSON: expected a list of services"),
    ("just text", "got text 'just text'"),
    ([V3_SERVICE, 5], "services[1]: expected a service object, got the number 5"),
])
def test_wrong_shapes(tmp_path, data, message):
    with pytest.raises(CatalogueError) as info:
        load_catalogue(write_json(tmp_path, data))
    assert message in str(info.value)


def test_missing_name_and_duplicate_ids_are_errors(tmp_path):
    nameless = {k: v for k, v in V1_SERVICE.items() if k != "name"}
    with pytest.raises(CatalogueError) as info:
        load_catalogue(write_json(tmp_path, [V1_SERVICE, nameless]))
    assert info.value.problems == [
        f"{tmp_path}/feed.json: services[1] (id '1234'): id: duplicate id '1234' "
        f"(first used at {tmp_path}/feed.json: services[0] (id '1234'))",
        f"{tmp_path}/feed.json: services[1] (id '1234'): name: missing (required)",
    ]


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('{\n  "id": "x",\n  "name": \n}\n')
    with pytest.raises(CatalogueError, match=r"feed.json:4: not valid JSON"):
        load_catalogue(str(path))


def _v1_page(items, number, total):
    return {"content": items, "totalElements": 5, "totalPages": total, "last": number == total, "number": number - 1}


def test_paginated_v1_api(oruk_api):
    services = [dict(V1_SERVICE, id=str(i), name=f"Service {i}") for i in range(5)]
    url, requests = oruk_api({1: _v1_page(services[:2], 1, 3), 2: _v1_page(services[2:4], 2, 3),
                              3: _v1_page(services[4:], 3, 3)})
    catalogue = load_catalogue(url + "?per_page=2")
    assert [s.id for s in catalogue.services] == ["0", "1", "2", "3", "4"]
    assert requests == ["/services?per_page=2", "/services?per_page=2&page=2", "/services?per_page=2&page=3"]


def test_paginated_v3_api(oruk_api):
    def page(n, items, total=2):
        return {"total_items": 3, "total_pages": total, "page_number": n, "size": 2, "first_page": n == 1,
                "last_page": n == total, "empty": not items, "contents": items}
    services = [dict(V3_SERVICE, id=f"v3-{i}") for i in range(3)]
    url, requests = oruk_api({1: page(1, services[:2]), 2: page(2, services[2:])})
    assert [s.id for s in load_catalogue(url, fmt="oruk").services] == ["v3-0", "v3-1", "v3-2"]
    assert len(requests) == 2


def test_api_errors_name_the_url(oruk_api):
    url, _ = oruk_api({1: {"content": [V1_SERVICE], "totalPages": 2, "last": False}})
    with pytest.raises(CatalogueError, match=r"page=2: the ORUK API answered HTTP 404"):
        load_catalogue(url)
    url, _ = oruk_api({1: {"unexpected": True}})
    with pytest.raises(CatalogueError, match="not Open Referral UK JSON.*keys unexpected"):
        load_catalogue(url)


def test_unreachable_api_is_a_catalogue_error():
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(CatalogueError, match="cannot fetch the ORUK API"):
        load_catalogue(f"http://127.0.0.1:{port}/services")


class EveryPage(dict):
    """Pages of an API that ignores the page number: every number gets the same page."""

    def __init__(self, page):
        super().__init__()
        self.page = page

    def get(self, key, default=None):
        return self.page


def test_an_api_that_ignores_paging_is_caught_at_the_first_repeat(oruk_api, capsys):
    from lo_audit.cli import main

    services = [dict(V1_SERVICE, id=f"s{i}", name=f"Service {i}") for i in range(3)]
    url, requests = oruk_api(EveryPage({"content": services, "totalElements": 40, "totalPages": 14, "last": False}))
    with pytest.raises(CatalogueError, match=r"ignores paging: page 2 sent the same services as page 1, so only "
                                             r"3 services of the 40 it reports could be read") as err:
        load_catalogue(url + "?per_page=3", fmt="oruk")
    assert "per_page" not in str(err.value).split("?", 1)[-1].split(":", 1)[-1], "no advice to raise per_page"
    assert len(requests) == 2, "stopped at the first repeated page"
    assert main(["catalogue", "validate", url, "--format", "oruk"]) == 2
    assert "ignores paging" in capsys.readouterr().err
    assert len(requests) == 4


def test_an_api_that_ignores_paging_but_sent_everything_loads(oruk_api):
    services = [dict(V1_SERVICE, id=f"s{i}", name=f"Service {i}") for i in range(3)]
    url, requests = oruk_api(EveryPage({"content": services, "totalElements": 3, "totalPages": 2, "last": False}))
    assert [s.id for s in load_catalogue(url, fmt="oruk").services] == ["s0", "s1", "s2"]
    assert len(requests) == 2


def test_a_repeat_of_an_earlier_page_not_the_last_is_caught(oruk_api):
    services = [dict(V1_SERVICE, id=f"s{i}", name=f"Service {i}") for i in range(4)]
    first, second = _v1_page(services[:2], 1, 9), _v1_page(services[2:], 2, 9)
    url, requests = oruk_api({1: first, 2: second, 3: first, 4: second})
    with pytest.raises(CatalogueError, match="page 3 sent the same services as page 1"):
        load_catalogue(url, fmt="oruk")
    assert len(requests) == 3


def test_too_deeply_nested_json_names_the_page_url():
    """Page 2 of the API is JSON nested 100,000 deep: the message names that page's URL."""
    import http.server

    text = "[" * 100_000 + "]" * 100_000

    class Deep(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - stdlib name
            data = text.encode() if "page=2" in self.path else json.dumps(
                {"content": [V1_SERVICE], "totalPages": 2, "last": False}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Deep)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/services"
        with pytest.raises(CatalogueError, match=r"/services\?page=2: the JSON is nested too deeply"):
            load_catalogue(url, fmt="oruk")
    finally:
        server.shutdown()
        server.server_close()


def test_half_a_character_pair_in_a_feed_is_replaced_not_fatal(tmp_path):
    """A feed's JSON may escape half of a character pair on its own (``"\\ud800"``): UTF-8 (the
    reports, the store) cannot hold it, so the loader keeps the text with U+FFFD in its
    place; a whole pair written as two escapes stays the character it is."""
    path = tmp_path / "feed.json"
    broken = {**V1_SERVICE, "name": "Specialist Teaching", "description": "x"}
    text = json.dumps([broken]).replace("Specialist Teaching", "Specialist \\ud800 Teaching \\ud83d\\udde3")
    path.write_text(text, encoding="utf-8")
    (s,) = load_catalogue(str(path)).services
    assert s.name == "Specialist \ufffd Teaching \U0001f5e3"
    s.name.encode("utf-8")  # storable
