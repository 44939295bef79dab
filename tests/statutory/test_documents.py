"""PDF and Word documents: read in a bounded worker, counted as evidence, checked for accessibility.

Real pypdf and python-docx on real files, a real worker process, a real crawl of a server on
127.0.0.1 and the real checks.
"""

from __future__ import annotations

import io
import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import docx
import pytest
from pypdf import PdfWriter

from crawler.documents import DocumentReader, kind_of, page_fields, read_document
from lo_audit.cli import main
from lo_audit.demo.documents import assemble_pdf, pdf_bytes

SHORT_BREAKS = [
    ("Short breaks statement 2026", 1),
    ("Short breaks give disabled children and young people with special educational needs and disabilities (SEND) "
     "time to have fun, and give their parents and carers a rest from caring.", 0),
    ("What short breaks there are", 2),
    ("Youth clubs, holiday play schemes and sports sessions are open to any disabled child without an assessment. "
     "Overnight respite at Larch House, family link carers and support at home are for children assessed as "
     "eligible by a social worker from the children with disabilities team.", 0),
    ("How to ask for a short break", 2),
    ("Call the short breaks team or ask your social worker. If your child has an EHC plan, tell us at the annual "
     "review. We review this short breaks statement every year with the parent carer forum.", 0),
]


def docx_file(paragraphs, title="Short breaks statement 2026", language="en-GB") -> bytes:
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.language = language
    document.core_properties.created = document.core_properties.modified = datetime(2026, 10, 1, 9, 0)
    for text, level in paragraphs:
        if level:
            document.add_heading(text, level)
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that are only an image (what a scanner makes), no text."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for _ in range(pages):
        page_no, content_no, image_no = len(objects) + 1, len(objects) + 2, len(objects) + 3
        kids.append(page_no)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /XObject << /Im1 %d 0 R >> >> >>" % (content_no, image_no))
        stream = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
                       b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % pages
    return assemble_pdf(objects, header=b"%PDF-1.4\n")


def many_pages_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_word_document_gives_its_text_headings_title_language_and_dates():
    found = read_document(docx_file(SHORT_BREAKS))
    assert (found["kind"], found["title"], found["lang"], found["error"]) == ("docx", "Short breaks statement 2026",
                                                                             "en-GB", "")
    assert found["headings"][:2] == [[1, "Short breaks statement 2026"], [2, "What short breaks there are"]]
    assert "Larch House" in found["text"] and found["modified"]
    fields = page_fields(found)["fields"]
    assert fields["last_updated"] == found["modified"] and fields["last_updated_source"] == "document"


def test_pdf_tags_language_title_and_scans():
    tagged = read_document(pdf_bytes("Home to school travel policy", ()))
    assert (tagged["tagged"], tagged["lang"], tagged["title"], tagged["scanned"]) == (True, "en-GB",
                                                                                      "Home to school travel policy", False)
    assert "travel policy" in tagged["text"]
    plain = read_document(pdf_bytes("Annual report", ("untagged", "no-language")))
    assert (plain["tagged"], plain["lang"]) == (False, "")
    scan = read_document(scanned_pdf())
    assert scan["scanned"] and scan["images"] == 2 and not scan["text"].strip() and scan["pages"] == 2


def test_untrusted_documents_are_bounded():
    assert read_document(b"%PDF-1.7 this is not a PDF")["error"].startswith("unreadable")
    assert read_document(b"PK\x03\x04 not a zip")["kind"] == "other"
    assert kind_of(b"<html>") == "other"
    big = read_document(many_pages_pdf(150))
    assert big["pages"] == 150 and big["truncated"]
    reader = DocumentReader(seconds=0.001)
    try:
        assert reader.read(pdf_bytes("Slow", ()))["error"] == "timeout"  # the worker is killed...
        reader.seconds = 60
        assert reader.read(pdf_bytes("Next one", ()))["title"] == "Next one"  # ...and replaced
    finally:
        reader.close()
    assert reader.process is None


FILES = {
    "/send/": ("text/html", b"<!doctype html><html lang='en'><head><title>Short breaks</title></head><body>"
                           b"<main><h1>Short breaks</h1><p>Read our <a href='/send/docs/short-breaks-statement.docx'>"
                           b"short breaks statement</a> and the <a href='/send/docs/scan.pdf'>old leaflet</a> and "
                           b"<a href='/send/docs/policy'>travel policy</a>.</p></main></body></html>"),
    "/send/docs/short-breaks-statement.docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx_file(SHORT_BREAKS)),
    "/send/docs/scan.pdf": ("application/pdf", scanned_pdf()),
    "/send/docs/policy": ("application/pdf", pdf_bytes("Home to school travel policy 2026", ())),
}


@pytest.fixture()
def server():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            ctype, body = FILES.get(self.path, ("text/html", None))
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", ctype)
            self.end_headers()
            self.wfile.write(body or b"<h1>Not found</h1>")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_crawled_documents_are_read_and_count_as_evidence(tmp_path, server):
    config = tmp_path / "audit.yml"
    config.write_text("crawl:\n  check_external: false\n  a11y: false\n  render: never\n  rate: 0\n")
    db, reports = tmp_path / "crawl.sqlite", tmp_path / "reports"
    started = time.monotonic()
    assert main(["crawl", f"{server}/send/", "--db", str(db), "--config", str(config)]) == 0
    assert time.monotonic() - started < 120
    assert main(["check", "--db", str(db), "--out", str(reports), "--fail-on", "never", "--today", "2026-11-01"]) == 0
    data = json.loads((reports / "findings.json").read_text())
    social = next(t for t in data["metrics"]["statutory"]["topics"] if t["id"] == "social-care")
    document = next(e for e in social["evidence"] if e["kind"] == "document")
    assert document["url"] == f"{server}/send/docs/short-breaks-statement.docx" and document["strength"] == "strong"
    assert document["title"] == "Short breaks statement 2026"
    assert document["quote"] in " ".join(text for text, level in SHORT_BREAKS if not level)
    rules = {(f["rule"], f["url"].removeprefix(server)) for f in data["findings"] if f["family"] == "documents"}
    assert ("documents.scanned", "/send/docs/scan.pdf") in rules
    assert ("documents.untagged", "/send/docs/scan.pdf") in rules
    assert not {r for r in rules if r[1] in ("/send/docs/policy", "/send/docs/short-breaks-statement.docx")}
