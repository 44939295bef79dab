"""A record's contact details are read from sidebars, fields, links and structured data,
with their sources; main_text keeps its meaning (no sidebar, no header, no footer)."""

from __future__ import annotations

from crawler.extract.structured import from_jsonld, record_types
from crawler.pagebuild import record_meta
from crawler.parse import parse_html

HTML = """<html><head><title>Zumba Gold | Directory</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "name": "Zumba Gold"},
  {"@type": "Service", "name": "Zumba Gold", "url": "https://zumba.example.org/gold",
   "provider": {"@type": "Organization", "name": "Fen Leisure", "telephone": "+44 117 496 0456"},
   "areaServed": {"@type": "Place", "address": {"@type": "PostalAddress", "postalCode": "pe20 1aa"}}}]}</script>
</head><body>
<div class="cookie-banner">Cookies? Call 0113 496 0000</div>
<header>Switchboard 0161 496 9999</header>
<main><h1>Zumba Gold</h1><p>Gentle dance for older people. Ring (0117) 496 0123.</p>
<dl><dt>Telephone</dt><dd>0117 496 0123</dd><dt>Email</dt><dd>gold [at] zumba.example.org</dd></dl></main>
<aside class="contact-panel"><h2>Contact</h2><p>Email: Bookings(at)zumba(dot)example(dot)org</p>
<p><a href="tel:+441174960789">Call the bookings line</a></p></aside>
<div itemscope itemtype="https://schema.org/LocalBusiness"><span itemprop="name">Fen Hall</span>
<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress"><span itemprop="postalCode">PE21 2BB</span></div></div>
<footer><a href="mailto:web@council.example.gov.uk">Website feedback</a> 0300 123 4567</footer>
</body></html>"""


def test_contacts_with_sources_and_main_text_unchanged():
    parsed = parse_html(HTML)
    assert "Bookings" not in parsed.main_text and "Switchboard" not in parsed.main_text
    assert "Bookings(at)zumba" in parsed.panel_text
    contacts = record_meta(parsed)["contacts"]
    assert contacts["phone"] == {"+441174960123": ["main", "field"], "+441174960789": ["tel"],
                                 "+441174960456": ["jsonld"]}
    assert contacts["email"] == {"gold@zumba.example.org": ["main", "field"],
                                 "bookings@zumba.example.org": ["panel"]}
    assert contacts["postcode"] == {"PE20 1AA": ["jsonld"], "PE21 2BB": ["microdata"]}
    assert contacts["website"] == {"https://zumba.example.org/gold": ["jsonld"]}
    flat = str(contacts)
    assert "4969999" not in flat and "4960000" not in flat and "council.example" not in flat, "site chrome is not the record's"


def test_structured_types_and_the_record_type_filter():
    meta = record_meta(parse_html(HTML))
    assert meta["schema_types"] == ["Service", "Organization", "LocalBusiness"]
    assert record_types(from_jsonld(['{"@type": "BreadcrumbList", "name": "x"}', "not json"])) == []
