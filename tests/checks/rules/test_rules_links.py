"""links.* rules on small real stores."""

from __future__ import annotations

from crawler.model import LinkStatus
from checks.rules import links as links_rules
from rules_storekit import CMS, DIR, by_subject, link, page, run_rule

A, B = f"{CMS}/send/a", f"{CMS}/send/b"


def test_broken_internal_external_and_scripted(make_ctx):
    pages = [page(A), page(f"{CMS}/gone", status=404), page(f"{CMS}/boom", status=503),
             page(f"{CMS}/slow", status=0, error="timeout"), page(f"{CMS}/ok")]
    links = [link(A, f"{CMS}/gone"), link(A, f"{CMS}/gone"), link(A, f"{CMS}/boom", scripted=True),
             link(A, f"{CMS}/slow"), link(A, f"{CMS}/ok"), link(A, "https://ext.example.org/dead"),
             link(A, "https://ext.example.org/fine"), link(A, "http://10.0.0.1/x"),
             link(A, "https://ext.example.org/unchecked")]
    statuses = [LinkStatus("https://ext.example.org/dead", 404), LinkStatus("https://ext.example.org/fine", 200),
                LinkStatus("http://10.0.0.1/x", 0, error="refused-private")]
    found = by_subject(run_rule(links_rules.broken, make_ctx(pages=pages, links=links, statuses=statuses)))
    assert set(found) == {f"{CMS}/gone", f"{CMS}/boom", f"{CMS}/slow", "https://ext.example.org/dead"}
    gone = found[f"{CMS}/gone"]
    assert gone.url == A and gone.evidence["target"] == f"{CMS}/gone" and gone.evidence["status"] == 404
    assert gone.evidence["scripted"] is False and found[f"{CMS}/boom"].evidence["scripted"] is True
    assert found[f"{CMS}/slow"].evidence["error"] == "timeout"
    assert gone.severity.value == "error" and gone.message.endswith(".")
    assert f"{CMS}/gone" in gone.found and "404" in gone.found  # the owner sees which link to fix


def test_broken_links_are_grouped_by_target(make_ctx):
    """A broken link in a shared footer is one finding listing every page, not one per page."""
    sources = [f"{CMS}/send/p{i}" for i in range(12)]
    pages = [page(u) for u in sources] + [page(f"{CMS}/gone", status=404), page(f"{CMS}/lost", status=410)]
    links = [link(u, f"{CMS}/gone") for u in sources] + [link(sources[3], f"{CMS}/lost")]
    found = by_subject(run_rule(links_rules.broken, make_ctx(pages=pages, links=links)))
    assert set(found) == {f"{CMS}/gone", f"{CMS}/lost"}
    footer = found[f"{CMS}/gone"]
    assert footer.evidence["pages"] == sorted(sources) and footer.evidence["page_count"] == 12
    assert footer.url == sorted(sources)[0] and footer.evidence["target"] == f"{CMS}/gone"
    assert "12 pages" in footer.message
    assert found[f"{CMS}/lost"].evidence["pages"] == [sources[3]] and "this page" in found[f"{CMS}/lost"].message


def test_broken_leaves_documents_to_links_document(make_ctx):
    pdf = f"{CMS}/files/policy.pdf"
    ctx = make_ctx(pages=[page(A)], links=[link(A, pdf, kind="document")], statuses=[LinkStatus(pdf, 404)])
    assert run_rule(links_rules.broken, ctx) == []
    docs = run_rule(links_rules.document, ctx)
    assert [f.evidence["target"] for f in docs] == [pdf] and docs[0].evidence["status"] == 404
    assert run_rule(links_rules.broken, ctx, include_documents=True)[0].evidence["target"] == pdf


def test_links_from_error_pages_are_not_reported(make_ctx):
    pages = [page(f"{CMS}/missing", status=404), page(f"{CMS}/gone", status=404)]
    ctx = make_ctx(pages=pages, links=[link(f"{CMS}/missing", f"{CMS}/gone")])
    assert run_rule(links_rules.broken, ctx) == []


def test_redirect_chain_of_two_hops(make_ctx):
    old, mid, new = f"{CMS}/old", f"{CMS}/mid", f"{CMS}/new"
    pages = [page(A), page(old, final_url=new, redirects=((old, 301), (mid, 301))),
             page(f"{CMS}/one", final_url=new, redirects=((f"{CMS}/one", 301),)), page(new)]
    ctx = make_ctx(pages=pages, links=[link(A, old), link(A, f"{CMS}/one"), link(A, new)])
    found = run_rule(links_rules.redirect, ctx)
    assert [f.subject for f in found] == [old] and found[0].evidence["pages"] == [A]
    assert found[0].evidence["hops"] == 2 and found[0].evidence["chain"][-1] == {"url": new, "status": 200}


def test_insecure_http_to_https_and_downgrade(make_ctx):
    http_t, down = "http://www.example.gov.uk/send/b", f"{CMS}/down"
    pages = [page(A), page(B), page(http_t, final_url=B, redirects=((http_t, 301),)),
             page(down, final_url="http://old.example.org/x", redirects=((down, 301),))]
    statuses = [LinkStatus("http://ext.example.org/", 200, final_url="https://ext.example.org/"),
                LinkStatus("http://plain.example.org/", 200, final_url="http://plain.example.org/")]
    links = [link(A, http_t), link(A, down), link(A, "http://ext.example.org/"),
             link(A, "http://plain.example.org/"), link(A, B)]
    found = by_subject(run_rule(links_rules.insecure, make_ctx(pages=pages, links=links, statuses=statuses)))
    assert set(found) == {http_t, down, "http://ext.example.org/"}
    assert "https to http" in found[down].evidence["problem"]


def test_soft_404(make_ctx):
    pages = [page(A), page(f"{CMS}/lost", title="Page not found", main_text="Sorry, we can't find that page."),
             page(f"{CMS}/gone", title="Short breaks", main_text="This service no longer exists."),
             page(f"{CMS}/article", title="Finding a school",
                  main_text="If you cannot find the page you need, call us. " + "More words here. " * 80)]
    ctx = make_ctx(pages=pages, links=[link(A, f"{CMS}/lost")])
    found = by_subject(run_rule(links_rules.soft_404, ctx))
    assert set(found) == {f"{CMS}/lost", f"{CMS}/gone"}
    assert found[f"{CMS}/lost"].evidence["inlinks"] == 1 and found[f"{CMS}/lost"].evidence["status"] == 200


def test_anchor(make_ctx):
    pages = [page(A), page(B, anchors=("eligibility", "contact"))]
    links = [link(A, B, fragment="eligibility"), link(A, B, fragment="costs"), link(A, B, fragment="top"),
             link(A, "https://ext.example.org/", fragment="nowhere")]
    found = run_rule(links_rules.anchor, make_ctx(pages=pages, links=links))
    assert [f.subject for f in found] == [f"{B}#costs"]
    assert found[0].evidence == {"target": B, "fragment": "costs", "pages": [A], "page_count": 1}


def test_mailto_and_tel(make_ctx):
    hrefs = {"mailto:send@example.gov.uk": False, "mailto:send team@example.gov.uk": True,
             "mailto:sendexample.gov.uk": True, "mailto:send@example": True, "mailto:a@b.gov.uk?subject=Hi": False,
             "tel:01173701875": False, "tel:+44 117 370 1875": False, "tel:0117%20370%201875": False,
             "tel:0117 370": True, "tel:CALL-US": True}
    links = [link(A, h, href=h, kind=h.split(":")[0]) for h in hrefs]
    ctx = make_ctx(pages=[page(A)], links=links)
    bad = {f.evidence["href"] for f in run_rule(links_rules.mailto, ctx) + run_rule(links_rules.tel, ctx)}
    assert bad == {h for h, broken in hrefs.items() if broken}
    f = by_subject(run_rule(links_rules.mailto, ctx))["mailto:send team@example.gov.uk"]
    assert "spaces" in f.evidence["problem"]


def test_document_ok_is_not_reported(make_ctx):
    pdf = f"{DIR}/doc.docx"
    ctx = make_ctx(pages=[page(A), page(pdf, kind="document", content_type="application/msword")],
                   links=[link(A, pdf, kind="document")])
    assert run_rule(links_rules.document, ctx) == []
