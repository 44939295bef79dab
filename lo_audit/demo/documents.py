"""Tiny, valid documents made in code: PDF, DOCX and a PNG image (deterministic bytes)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import lru_cache

DOCUMENTS: dict[str, tuple[str, str]] = {
    "/send/documents/short-breaks-statement-2026.pdf": ("pdf", "Exampleshire short breaks statement 2026"),
    "/send/documents/local-offer-annual-report-2026.pdf": ("pdf", "Exampleshire Local Offer annual report 2026"),
    "/send/documents/home-to-school-travel-policy-2026.pdf": ("pdf", "Home to school travel policy 2026 to 2027"),
    "/send/documents/ask-for-an-assessment-form.docx": ("docx", "Ask for an education, health and care needs assessment"),
    "/send/documents/personal-budget-request-form.docx": ("docx", "Ask for a personal budget"),
}
"""Documents the CMS serves: path -> (kind, title). Links to other ``/send/documents/`` paths get 404."""

DEFECTS: dict[str, tuple[str, ...]] = {
    "/send/documents/local-offer-annual-report-2026.pdf": ("untagged", "no-language"),
    "/send/documents/ask-for-an-assessment-form.docx": ("no-title",),
}
"""Planted document accessibility defects (see the ground truth); every other document is tagged,
titled and has a language."""

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
}


def _escape_pdf(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@lru_cache(maxsize=None)
def pdf_bytes(title: str, defects: tuple[str, ...] = ("untagged", "no-language")) -> bytes:
    """A one-page PDF 1.4 showing ``title``, with a correct cross-reference table; tagged (a
    structure tree) and with a language unless ``defects`` says otherwise."""
    stream = f"BT /F1 18 Tf 72 720 Td ({_escape_pdf(title)}) Tj ET".encode("latin-1")
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if "untagged" not in defects:
        catalog += b" /MarkInfo << /Marked true >> /StructTreeRoot 7 0 R"
    if "no-language" not in defects:
        catalog += b" /Lang (en-GB)"
    objects = [
        catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + _escape_pdf(title).encode("latin-1") + b") /Producer (Exampleshire demo) >>",
        b"<< /Type /StructTreeRoot /K [] >>",
    ]
    return assemble_pdf(objects, trailer=b"/Info 6 0 R")


def assemble_pdf(objects: list[bytes], trailer: bytes = b"", header: bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") -> bytes:
    """A PDF file from its numbered objects (object 1 is the catalogue), with a correct xref table."""
    out = bytearray(header)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer + b" " if trailer else b"", xref)
    return bytes(out)


_DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'),
}


_CORE_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
             'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{title}<dc:language>en-GB</dc:language>'
             '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-09-01T09:00:00Z</dcterms:modified>'
             '</cp:coreProperties>')
_CORE_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
             'core-properties" Target="docProps/core.xml"/>')
_CORE_TYPE = ('<Override PartName="/docProps/core.xml" '
              'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>')


@lru_cache(maxsize=None)
def docx_bytes(title: str, defects: tuple[str, ...] = ("no-title", "no-language")) -> bytes:
    """A minimal Word document with one heading paragraph; its properties give a title and a
    language unless ``defects`` says otherwise (without both, it has no properties part)."""
    from html import escape

    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f'<w:p><w:r><w:t>{escape(title)}</w:t></w:r></w:p>'
        '<w:p><w:r><w:t>Fill in this form and send it to the SEND Information Team.</w:t></w:r></w:p>'
        '</w:body></w:document>')
    parts = dict(_DOCX_PARTS)
    if not ("no-title" in defects and "no-language" in defects):
        named = "" if "no-title" in defects else f"<dc:title>{escape(title)}</dc:title>"
        core = _CORE_XML.format(title=named)
        if "no-language" in defects:
            core = core.replace("<dc:language>en-GB</dc:language>", "")
        parts["docProps/core.xml"] = core
        parts["_rels/.rels"] = parts["_rels/.rels"].replace("</Relationships>", _CORE_REL + "</Relationships>")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace("</Types>", _CORE_TYPE + "</Types>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (*parts.items(), ("word/document.xml", document)):
            info = zipfile.ZipInfo(name, date_time=(2026, 9, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text)
    return buf.getvalue()


@lru_cache(maxsize=None)
def png_bytes(width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (29, 79, 145)) -> bytes:
    """A small solid-colour PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def document(path: str) -> tuple[bytes, str] | None:
    """The bytes and content type of the document at ``path``, or None (404)."""
    if path not in DOCUMENTS:
        return None
    kind, title = DOCUMENTS[path]
    defects = DEFECTS.get(path, ())
    body = pdf_bytes(title, defects) if kind == "pdf" else docx_bytes(title, defects)
    return body, CONTENT_TYPES[kind]
