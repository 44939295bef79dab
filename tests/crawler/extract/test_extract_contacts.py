"""A record's contact details from every place its template may put them, each with its source."""

from crawler.extract.contacts import record_contacts


def test_values_are_normalised_and_each_says_where_it_was_found():
    found = record_contacts(
        main_text="Call us on 0117 370 1875 or email Play@Example.org.",
        panel_text="Phone: (0117) 3701875\nAddress: 1 High St, Bristol BS1 5TH",
        fields={"website": "https://www.play.example.org/"},
        links=[("tel:+441173701875", "main"), ("mailto:team@example.org", "aside"), ("tel:01179222000", "footer")])
    assert found["phone"] == {"+441173701875": ["main", "panel", "tel"]}  # the footer's switchboard is not the record's
    assert set(found["email"]) == {"play@example.org", "team@example.org"}
    assert found["email"]["team@example.org"] == ["mailto"]
    assert "BS1 5TH" in found["postcode"] and found["website"]


def test_nothing_found_gives_no_kinds():
    assert record_contacts("No contact details here.", "", {}, []) == {}
