"""The demo site: size, hosts, robots, sitemaps, the JSON API, markup and planted pages."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from demo_walker import LinkParser, fetch
from lo_audit.demo.content import KB5, records


def _service_ids(urls) -> set[str]:
    return {parse_qs(urlsplit(u).query)["id"][0] for u in urls if "/service.page" in u}


def test_addresses_are_loopback_with_distinct_ports(site):
    assert set(site.bases) == {"cms", "dir", "ext"}
    ports = {urlsplit(b).port for b in site.bases.values()}
    assert len(ports) == 3
    assert all(urlsplit(b).hostname == "127.0.0.1" for b in site.bases.values())
    assert site.allow_hosts == [urlsplit(site.bases["cms"]).netloc, urlsplit(site.bases["dir"]).netloc]
    assert all(fetch(u).status == 200 for u in site.start_urls)


def test_at_least_150_distinct_pages_and_60_records(walked):
    pages = walked.html_pages()
    distinct = {u for u in pages if "localofferchannel=" not in u or "service.page" not in u}
    assert len(distinct) >= 150, len(distinct)
    hosts = {urlsplit(u).netloc for u in distinct}
    assert len(hosts) == 2
    assert len(_service_ids(pages)) >= 60


def test_request_log_counts_requests(site):
    before = site.count
    fetch(site.bases["ext"] + "/anything")
    assert site.count == before + 1
    assert site.requested("/anything", host="ext")[-1].status == 200


def test_cross_host_links_are_filled_in(walked):
    for url, f in walked.html_pages().items():
        body = f.body.decode()
        assert "{cms}" not in body and "{dir}" not in body and "{ext}" not in body and "%7B" not in body, url


def test_every_page_has_lang_and_landmarks(walked):
    for url, f in walked.html_pages().items():
        body = f.body.decode()
        assert f.parsed.lang == "en", url
        for tag in ("<header", "<nav", "<main", "<footer"):
            assert tag in body, (url, tag)
        assert 'id="main-content"' in body


def test_only_the_planted_image_lacks_alt_text(site, walked):
    missing = {u for u, f in walked.html_pages().items() if f.parsed.images_without_alt}
    assert missing == {site.bases["cms"] + "/send/social-care/young-carers"}


def test_robots_disallow_admin_which_is_linked(site, walked):
    robots = fetch(site.bases["dir"] + "/robots.txt").body.decode()
    assert f"Disallow: {KB5}/admin/" in robots
    assert "Sitemap: " + site.bases["dir"] + "/sitemap.xml" in robots
    linked = {h for hrefs in walked.links.values() for h in hrefs}
    assert site.bases["dir"] + f"{KB5}/admin/login.page" in linked


def _locs(xml: str) -> set[str]:
    return {u.replace("&amp;", "&") for u in re.findall(r"<loc>(.*?)</loc>", xml)}


def test_sitemaps_list_linked_pages_and_one_orphan(site, walked):
    linked = {h.split("#")[0] for hrefs in walked.links.values() for h in hrefs}
    cms = _locs(fetch(site.bases["cms"] + "/sitemap.xml").body.decode())
    directory = _locs(fetch(site.bases["dir"] + "/sitemap.xml").body.decode())
    orphans = (cms | directory) - linked - set(site.start_urls)
    assert orphans == {site.bases["cms"] + "/send/news/summer-holiday-support-2026"}
    assert fetch(next(iter(orphans))).status == 200
    assert fetch(site.bases["ext"] + "/sitemap.xml").status == 200


def test_json_api_pages_and_script_only_records(site, walked):
    api = site.bases["dir"] + "/api/services"
    first = json.loads(fetch(api + "?page=1").body)
    assert first["page"] == 1 and first["total_pages"] >= 2 and first["services"]
    assert fetch(api + f"?page={first['total_pages'] + 1}").status == 404
    script_only = {r.id for r in records() if r.js_only}
    assert len(script_only) >= 3
    for rid in script_only:
        assert _only_on_own_page(walked, rid), rid
    served = set()
    for n in range(1, first["total_pages"] + 1):
        served |= _service_ids(s["url"] for s in json.loads(fetch(f"{api}?page={n}").body)["services"])
    assert script_only <= served
    home = fetch(site.start_urls[1]).body.decode()
    assert 'id="load-more"' in home and "/assets/latest.js" in home


def _only_on_own_page(walked, rid: str) -> bool:
    """The id may appear on the record's own page (its canonical link), nowhere else."""
    return all(rid not in f.body.decode() for u, f in walked.pages.items()
               if f.content_type.startswith("text/html") and rid not in u)


def test_record_has_contact_list_and_channel_variant_has_canonical(site):
    r = next(r for r in records() if r.service_id and not r.js_only)
    plain = site.bases["dir"] + r.path
    body = fetch(plain).body.decode()
    for label in ("Contact name", "Telephone", "Email", "Website", "Address", "Postcode", "Age range", "Cost",
                  "How to access", "Last updated", "SEND Local Offer"):
        assert label in body, label
    variant = fetch(f"{plain}&localofferchannel={r.channel}")
    assert variant.status == 200
    p = LinkParser()
    p.feed(variant.body.decode())
    assert p.canonical == plain


def test_listings_search_and_organisations(site):
    base = site.bases["dir"] + KB5
    assert fetch(base + "/localoffer.page?localofferchannel=2").status == 200
    assert fetch(base + "/results.page?qt=&page=1").status == 200
    assert fetch(base + "/results.page?qt=&page=99").status == 404
    record = fetch(site.bases["dir"] + records()[0].path).body.decode()
    org = re.search(r'href="([^"]*organisation\.page\?id=[^"]+)"', record).group(1)
    assert fetch(site.bases["dir"] + org).status == 200
    assert fetch(base + "/service.page?id=doesnotexist").status == 404


def test_cookie_banner_does_not_hide_content(site):
    body = fetch(site.start_urls[0]).body.decode()
    banner = body[body.index('id="cookie-banner"'):body.index("</section>")]
    assert "hidden" not in banner and "position" not in banner
    assert fetch(site.bases["cms"] + "/assets/cookies.js").status == 200
    assert "<main" in body and body.index("</section>") < body.index("<main")


def test_planted_statuses(site):
    cms, ext = site.bases["cms"], site.bases["ext"]
    first = fetch(cms + "/send/short-breaks")
    second = fetch(first.location)
    assert first.status == 301 and second.status == 302
    assert fetch(second.location).status == 200
    soft = fetch(cms + "/send/education/transport-policy-2023")
    assert soft.status == 200 and b"Sorry, we can't find that page" in soft.body
    assert fetch(ext + "/nhs/retired-leaflet").status == 404
    assert fetch(ext + "/gov/send-tribunal-guide").status == 500
    assert fetch(ext + "/charity/anything-else").status == 200
    assert fetch(cms + "/send/documents/travel-appeal-form-2025.docx").status == 404


def test_documents_are_valid_pdf_and_docx(site):
    import io
    import zipfile

    pdf = fetch(site.bases["cms"] + "/send/documents/short-breaks-statement-2026.pdf")
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    assert pdf.body.startswith(b"%PDF-1.") and pdf.body.rstrip().endswith(b"%%EOF")
    xref = int(pdf.body.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf.body[xref:xref + 4] == b"xref"
    for line in pdf.body[xref:].split(b"\n")[3:8]:
        offset = int(line.split()[0])
        assert re.match(rb"\d+ 0 obj", pdf.body[offset:offset + 12])
    docx = fetch(site.bases["cms"] + "/send/documents/ask-for-an-assessment-form.docx")
    assert docx.status == 200 and "wordprocessingml" in docx.content_type
    with zipfile.ZipFile(io.BytesIO(docx.body)) as zf:
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(zf.namelist())
        assert b"<w:document" in zf.read("word/document.xml")


def test_tel_mailto_and_dates_in_many_formats(walked):
    hrefs = [h for hrefs in walked.links.values() for h in hrefs]
    assert any(h.startswith("tel:") for h in hrefs) and any(h.startswith("mailto:") for h in hrefs)
    bodies = "".join(f.body.decode() for f in walked.html_pages().values())
    for marker in ("Last updated: ", "Reviewed ", "Page last reviewed: ", "<time datetime=",
                   'property="article:modified_time"', "Updated 3 weeks ago"):
        assert marker in bodies, marker
