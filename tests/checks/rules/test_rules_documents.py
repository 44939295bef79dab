"""documents.*: what was read from each PDF and Word file, judged; plus the rule modules' shared helpers."""

from checks.rules import documents as documents_rules
from checks.rules._common import clip, page_title
from rules_storekit import CMS, by_subject, page, run_rule

GOOD = {"kind": "pdf", "title": "Short breaks statement", "lang": "en-GB", "tagged": True, "pages": 4,
        "modified": "2026-03-01"}


def _doc(name: str, status: int = 200, **info) -> object:
    return page(f"{CMS}/docs/{name}", kind="document", status=status, content_type="application/pdf",
                meta={"document": {**GOOD, **info}})


def test_each_defect_is_reported_by_its_rule_and_good_documents_are_not(make_ctx):
    ctx = make_ctx(pages=[_doc("good.pdf"), _doc("untagged.pdf", tagged=False),
                          _doc("untitled.docx", kind="docx", title=" "), _doc("nolang.pdf", lang=""),
                          _doc("scan.pdf", scanned=True, images=3), _doc("locked.pdf", error="encrypted"),
                          _doc("old.pdf", modified="2023-01-05"), _doc("gone.pdf", status=404, tagged=False)])
    found = {rule.id: sorted(url.rsplit("/", 1)[1] for url in by_subject(run_rule(rule, ctx)))
             for rule in (documents_rules.untagged, documents_rules.no_title, documents_rules.no_language,
                          documents_rules.scanned, documents_rules.unreadable, documents_rules.stale)}
    assert found == {"documents.untagged": ["untagged.pdf"], "documents.no-title": ["untitled.docx"],
                     "documents.no-language": ["nolang.pdf"], "documents.scanned": ["scan.pdf"],
                     "documents.unreadable": ["locked.pdf"], "documents.stale": ["old.pdf"]}


def test_clip_and_page_title():
    assert clip("a  long\n text", 200) == "a long text"
    assert clip("x" * 300, 10) == "x" * 9 + "…"
    assert page_title(page(f"{CMS}/a", title="Site | A", headings=[(2, "Sub"), (1, " Short breaks ")])) == "Short breaks"
    assert page_title(page(f"{CMS}/b", title="Only the title")) == "Only the title"
