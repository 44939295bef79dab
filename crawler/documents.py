"""PDF and Word documents: their text, title, headings, dates, language and accessibility basics.

Many statutory items are published as documents (the short breaks statement, the travel
policy, schools' SEN information reports, the accessibility strategy), so the checks read them
like pages. Documents come from outside and are untrusted: they are parsed in a separate
worker process (:class:`DocumentReader`) with a time limit per document (:data:`READ_SECONDS`),
a memory limit (:data:`MEMORY_BYTES`), at most :data:`MAX_PDF_PAGES` pages and
:data:`MAX_TEXT` characters read, and bodies no larger than the crawl's ``max_page_bytes``.
A document that breaks a limit or cannot be parsed keeps what was read, with the reason in
``error``; a worker that overruns its time is killed and replaced.

PDFs are read with pypdf, Word files (DOCX) with python-docx. The worker sends back a plain
dict (:func:`read_document`); :func:`page_fields` turns it into ``Page`` fields, with the
whole result kept in ``Page.meta["document"]``.
"""

from __future__ import annotations

import io
import json
import re
import select
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date, datetime
from typing import Any

READ_SECONDS = 20.0
MEMORY_BYTES = 1_500_000_000
MAX_PDF_PAGES = 60
MAX_TEXT = 200_000
MIN_TEXT_PER_PAGE = 25
"""A PDF page with fewer characters of text than this, and an image, looks scanned."""
_PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def kind_of(body: bytes) -> str:
    """``pdf``, ``docx`` or ``other`` from the first bytes (never from the address)."""
    head = body.lstrip()[:8]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                return "docx" if "word/document.xml" in z.namelist() else "other"
        except (zipfile.BadZipFile, ValueError, OSError):
            return "other"
    return "other"


def _iso(value: Any) -> str:
    """An ISO date from a datetime, a date or a PDF date string (``D:20240315...``), else ""."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat() if 1990 <= value.year <= 2100 else ""
    text = str(value or "").strip()
    try:
        found = date.fromisoformat(text[:10])
        return found.isoformat() if 1990 <= found.year <= 2100 else ""
    except ValueError:
        pass
    m = _PDF_DATE.match(text)
    if not m:
        return ""
    try:
        found = date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return ""
    return found.isoformat() if 1990 <= found.year <= 2100 else ""


def _clean(text: Any, limit: int = 300) -> str:
    return " ".join(str(text or "").replace("\x00", " ").split())[:limit]


def _result(kind: str, **fields: Any) -> dict:
    base = {"kind": kind, "title": "", "lang": "", "text": "", "headings": [], "created": "", "modified": "",
            "pages": 0, "tagged": None, "scanned": False, "images": 0, "error": "", "truncated": False}
    base.update(fields)
    return base


# ----------------------------------------------------------------------------- PDF
def _pdf_images(page: Any) -> int:
    try:
        xobjects = page["/Resources"].get_object().get("/XObject")
        if not xobjects:
            return 0
        return sum(1 for ref in xobjects.get_object().values() if ref.get_object().get("/Subtype") == "/Image")
    except Exception:  # noqa: BLE001 - a malformed resource dictionary: no images counted
        return 0


def _outline_titles(reader: Any) -> list[list]:
    try:
        return [[2, _clean(item.title)] for item in reader.outline if hasattr(item, "title")][:200]
    except Exception:  # noqa: BLE001 - a broken outline is only a missing extra
        return []


def read_pdf(body: bytes) -> dict:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:  # noqa: BLE001
            return _result("pdf", error="encrypted")
    root = reader.trailer["/Root"].get_object()
    info = reader.metadata or {}
    mark = root.get("/MarkInfo")
    marked = bool(mark and mark.get_object().get("/Marked"))
    tagged = marked and "/StructTreeRoot" in root
    texts, images, thin, total = [], 0, 0, len(reader.pages)
    for page in list(reader.pages)[:MAX_PDF_PAGES]:
        try:
            text = page.extract_text() or ""
        except Exception:  # noqa: BLE001 - one unreadable page does not lose the rest
            text = ""
        count = _pdf_images(page)
        images += count
        thin += len(text.strip()) < MIN_TEXT_PER_PAGE and count > 0
        texts.append(text)
        if sum(len(t) for t in texts) > MAX_TEXT:
            break
    text = "\n".join(texts)
    read = len(texts)
    return _result("pdf", title=_clean(info.get("/Title")), lang=_clean(root.get("/Lang"), 35), text=text[:MAX_TEXT],
                   headings=_outline_titles(reader), created=_iso(info.get("/CreationDate")),
                   modified=_iso(info.get("/ModDate")), pages=total, tagged=bool(tagged),
                   scanned=read > 0 and thin * 2 > read and len(text.strip()) < MIN_TEXT_PER_PAGE * read,
                   images=images, truncated=read < total or len(text) > MAX_TEXT)


# ----------------------------------------------------------------------------- DOCX
_CORE = {"title": "{http://purl.org/dc/elements/1.1/}title", "language": "{http://purl.org/dc/elements/1.1/}language",
         "created": "{http://purl.org/dc/terms/}created", "modified": "{http://purl.org/dc/terms/}modified"}


def _docx_parts(body: bytes) -> dict:
    """Title, language and dates as the file itself says them (python-docx fills in defaults
    such as "Word Document" and "en-US" for parts a file does not have)."""
    from xml.etree import ElementTree

    out = {"title": "", "lang": "", "created": "", "modified": ""}
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        names = set(z.namelist())
        if "docProps/core.xml" in names and z.getinfo("docProps/core.xml").file_size < 1_000_000:
            core = ElementTree.fromstring(z.read("docProps/core.xml"))
            for key, tag in _CORE.items():
                node = core.find(tag)
                value = _clean(node.text if node is not None else "")
                out["lang" if key == "language" else key] = _iso(value[:10]) if key in ("created", "modified") else value
        if not out["lang"] and "word/styles.xml" in names and z.getinfo("word/styles.xml").file_size < 5_000_000:
            styles = ElementTree.fromstring(z.read("word/styles.xml"))
            defaults = styles.find(f"{_W}docDefaults")
            node = next(iter(defaults.iter(f"{_W}lang")), None) if defaults is not None else None
            out["lang"] = _clean(node.get(f"{_W}val") if node is not None else "", 35)
    return out


def read_docx(body: bytes) -> dict:
    import docx

    document = docx.Document(io.BytesIO(body))
    lines, headings, size = [], [], 0
    for paragraph in document.paragraphs:
        text = _clean(paragraph.text, 5000)
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = 1 if style == "Title" else (int(style[8:]) if style.startswith("Heading ") and style[8:].isdigit() else 0)
        if level:
            headings.append([min(level, 6), text[:300]])
        lines.append(text)
        size += len(text)
        if size > MAX_TEXT:
            break
    for table in document.tables[:50]:
        for row in table.rows[:200]:
            cells = " | ".join(_clean(c.text, 500) for c in row.cells)
            if cells.strip(" |"):
                lines.append(cells)
    text = "\n".join(lines)
    parts = _docx_parts(body)
    return _result("docx", title=parts["title"], lang=parts["lang"], text=text[:MAX_TEXT], headings=headings[:200],
                   created=parts["created"], modified=parts["modified"], pages=0, truncated=len(text) > MAX_TEXT)


def read_document(body: bytes) -> dict:
    """What ``body`` holds (a dict, see :func:`_result`); never raises."""
    kind = kind_of(body)
    try:
        if kind == "pdf":
            return read_pdf(body)
        if kind == "docx":
            return read_docx(body)
    except MemoryError:
        return _result(kind, error="too-large")
    except Exception as exc:  # noqa: BLE001 - untrusted input: any failure is a finding, not a crash
        return _result(kind, error=f"unreadable: {type(exc).__name__}")
    return _result(kind, error="unsupported")


# ----------------------------------------------------------------------------- the worker
def _read_exact(stream: Any, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError("worker closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def serve(memory: int = MEMORY_BYTES) -> None:
    """The worker's loop (``python -m crawler.documents``): length-prefixed documents on stdin,
    length-prefixed JSON results on stdout."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            size = int.from_bytes(_read_exact(stdin, 8), "big")
            body = _read_exact(stdin, size)
        except EOFError:
            return
        answer = json.dumps(read_document(body)).encode("utf-8")
        stdout.write(len(answer).to_bytes(8, "big") + answer)
        stdout.flush()


class DocumentReader:
    """A worker process that reads one document at a time, killed and replaced when it overruns."""

    def __init__(self, seconds: float = READ_SECONDS, memory: int = MEMORY_BYTES) -> None:
        self.seconds, self.memory = seconds, memory
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None

    def _start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"from crawler.documents import serve; serve({int(self.memory)})"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def _stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
        self.process = None

    def read(self, body: bytes) -> dict:
        """Read ``body`` in the worker within the time limit (blocking; call from a thread)."""
        kind = kind_of(body)
        if kind == "other":
            return _result(kind, error="unsupported")
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self._stop()
                self._start()
            process = self.process
            assert process is not None and process.stdin is not None and process.stdout is not None
            deadline = time.monotonic() + self.seconds
            try:
                process.stdin.write(len(body).to_bytes(8, "big") + body)
                process.stdin.flush()
                ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
                if ready:
                    size = int.from_bytes(_read_exact(process.stdout, 8), "big")
                    return json.loads(_read_exact(process.stdout, size))
                error = "timeout"
            except (EOFError, OSError, ValueError):
                error = "worker-died"  # e.g. over the memory limit
            self._stop()
            return _result(kind, error=error)

    def close(self) -> None:
        with self.lock:
            if self.process is not None and self.process.stdin is not None:
                try:
                    self.process.stdin.close()
                    self.process.wait(2)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._stop()


def page_fields(found: dict) -> dict:
    """``Page`` fields from a :func:`read_document` result (``meta`` is merged by the caller)."""
    title = found.get("title") or ""
    text = found.get("text") or ""
    if not title:  # for reading and quoting only: ``meta.document.title`` keeps what the file says
        title = next((line.strip() for line in text.splitlines() if len(line.split()) >= 2), "")[:300]
    fields: dict[str, Any] = {"title": title, "main_text": text, "lang": found.get("lang") or "",
                              "headings": tuple((int(level), str(h)) for level, h in found.get("headings") or ())}
    dated = found.get("modified") or found.get("created") or ""
    if dated:
        fields.update(last_updated=dated, last_updated_source="document",
                      last_updated_raw=f"document {'modified' if found.get('modified') else 'created'} {dated}")
    meta = {k: v for k, v in found.items() if k not in ("text", "headings")}
    meta["chars"] = len(text)
    return {"fields": fields, "meta": meta}
