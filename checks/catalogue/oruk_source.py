"""Read Open Referral UK JSON from a file or a paginated API (v1 and 3.0 page shapes).

Accepted shapes: a list of services; one service; a v1 page ``{content, totalElements,
totalPages, last}``; a v3 page ``{contents, total_items, total_pages, page_number, size,
first_page, last_page, empty}``. API URLs are followed page by page (``page=N``); an API
that ignores ``page`` and sends the same services again is caught at the first repeat.
"""

from __future__ import annotations

import json
import re
import logging
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from checks.errors import CatalogueError

from checks.schemas import describe
from common.urls import is_http_url as is_url
from checks.catalogue.model import Catalogue
from checks.catalogue.oruk import to_record
from checks.catalogue.oruk_clean import clean
from checks.catalogue.document import build_catalogue

log = logging.getLogger(__name__)
MAX_PAGES = 1000
TIMEOUT = 30.0
"""Seconds one API response may take, from request to last byte."""
TOTAL_TIMEOUT = 600.0
"""Seconds the whole (paginated) API catalogue may take."""
MAX_BYTES = 256 * 2**20
"""Bytes the whole API catalogue may hold once decompressed (a real feed of 10,000 services is
well under this; a gzip bomb is stopped here, not by running out of memory)."""
_SHAPES = ("a list of services, one service, a v1 page {content: [...], totalPages, last} "
           "or a v3 page {contents: [...], total_pages, page_number, last_page}")


ORUK_FIELDS = {
    "contacts.emails": "email", "contacts.phones": "phones",
    "contacts.website": "url", "contacts.postcode": "postal_code", "contacts.address": "address_1",
    "age_range": "minimum_age/maximum_age", "last_reviewed": "assured_date", "owner.email": "organization.email",
}
"""Catalogue field → where an ORUK feed keeps it (v1 and 3.0 use the same names), for messages."""


@dataclass(frozen=True)
class OrukLocator:
    """Messages name ``feed.json: services[3] (id 'abc'): contacts.emails``."""

    source: str
    ids: tuple[str, ...]

    def origin(self, index: int) -> str:
        return f"{self.source}: services[{index}] (id {self.ids[index]!r})"

    def position(self, path: tuple) -> dict:
        return {"index": path[1]}

    def at(self, path: tuple) -> str:
        if len(path) < 2:
            return self.source
        field = ".".join(str(p) for p in path[2:])
        oruk = ORUK_FIELDS.get(".".join(str(p) for p in path[2:4] if not isinstance(p, int)), "")
        return self.origin(path[1]) + (f": {field}" if field else "") + (f" (ORUK {oruk})" if oruk else "")


def services_of(data: object, source: str) -> tuple[list, dict | None]:
    """The services in one document and its page info (None when not paginated)."""
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict) and isinstance(data.get("content"), list):
        return data["content"], data
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"], data
    if isinstance(data, dict) and "id" in data and "name" in data:
        return [data], None
    got = f"a mapping with keys {', '.join(sorted(map(str, data))[:8])}" if isinstance(data, dict) else describe(data)
    raise CatalogueError(f"{source}: not Open Referral UK JSON: expected {_SHAPES}; got {got}")


def is_last(page: dict, number: int, fetched: int) -> bool:
    """True when ``page`` (the ``fetched``-th, numbered ``number``) is the last one."""
    items = page.get("content", page.get("contents")) or []
    if not items or page.get("last") is True or page.get("last_page") is True or page.get("empty") is True:
        return True
    total = page.get("totalPages", page.get("total_pages"))
    if isinstance(total, int) and (fetched >= total or page.get("page_number", number) >= total):
        return True
    return False


def _read_file(path: str) -> object:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogueError(f"{path}: catalogue not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue ({exc})") from None
    return _parse(text, path)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(value: object) -> object:
    """``value`` with every half of a character pair left on its own (JSON's ``"\\ud800"``
    escape without its other half) made U+FFFD, the replacement character: a feed's
    broken text is kept and shown, not allowed to stop the reports (UTF-8 cannot hold it)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_whole_characters(v) for v in value]
    if isinstance(value, dict):
        return {_whole_characters(k): _whole_characters(v) for k, v in value.items()}
    return value


def _parse(text: str, source: str) -> object:
    try:
        data = json.loads(text)
        # pairs written as two escapes are joined by json; only a half on its own is left
        return _whole_characters(data) if _SURROGATE_ESCAPE.search(text) else data
    except RecursionError:
        raise CatalogueError(f"{source}: the JSON is nested too deeply to be a catalogue "
                             "(arrays or objects inside each other thousands of levels deep)") from None
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"{source}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode(query + [("page", str(page))])))


def _first_page(url: str) -> int:
    value = dict(parse_qsl(urlsplit(url).query)).get("page", "1")
    return int(value) if value.isdigit() else 1


def _budget_error(url: str) -> CatalogueError:
    return CatalogueError(f"{url}: the ORUK API sent more than {MAX_BYTES // 2**20} MB once decompressed; "
                          "stopped reading (if the feed is really this large, save it to a file and give that)")


def _time_error(url: str, seconds: float) -> CatalogueError:
    return CatalogueError(f"{url}: the ORUK API did not finish within {seconds:g} s (a stalled or trickling "
                          "server); try again later, or save the feed to a file and give that")


class _Reader:
    """Reads one response body, decompressing it ourselves so that neither its time nor its
    decompressed size can run past the limits (``MAX_BYTES`` for the whole catalogue)."""

    def __init__(self, url: str, deadline: float, seconds: float, used: int) -> None:
        self.url, self.deadline, self.seconds, self.used = url, deadline, seconds, used
        self.body = bytearray()

    def add(self, data: bytes) -> None:
        if len(self.body) + len(data) + self.used > MAX_BYTES:
            raise _budget_error(self.url)
        self.body += data

    def inflate(self, chunks, encoding: str) -> None:
        if encoding in ("", "identity"):
            for chunk in chunks:
                self.tick()
                self.add(chunk)
            return
        if encoding not in ("gzip", "x-gzip", "deflate"):
            raise CatalogueError(f"{self.url}: the ORUK API answered in an encoding the tool does not read ({encoding})")
        inflater = zlib.decompressobj(47)  # gzip or zlib header, whichever it is
        for chunk in chunks:
            self.tick()
            data = chunk
            while data:
                self.add(inflater.decompress(data, 2**20))
                data = inflater.unconsumed_tail
                if inflater.eof and inflater.unused_data:  # gzip allows several members one after another
                    data, inflater = inflater.unused_data, zlib.decompressobj(47)

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _time_error(self.url, self.seconds)


def _read(client, url: str, deadline: float, seconds: float, used: int) -> bytes:
    import httpx

    reader = _Reader(url, deadline, seconds, used)
    try:
        with client.stream("GET", url, timeout=max(0.1, deadline - time.monotonic())) as response:
            if response.status_code != 200:
                raise CatalogueError(f"{url}: the ORUK API answered HTTP {response.status_code}")
            encoding = response.headers.get("content-encoding", "").strip().lower()
            reader.inflate(response.iter_raw(), encoding)
    except httpx.TimeoutException:
        raise _time_error(url, seconds) from None
    except httpx.HTTPError as exc:
        raise CatalogueError(f"{url}: cannot fetch the ORUK API ({type(exc).__name__}: {exc})") from None
    except zlib.error as exc:
        raise CatalogueError(f"{url}: the ORUK API sent a damaged compressed body ({exc})") from None
    return bytes(reader.body)


def _get(client, url: str, deadline: float, seconds: float, used: int) -> bytes:
    """One response body, read in a helper thread so that nothing (headers sent one byte at a
    time included) keeps the audit waiting past ``deadline``."""
    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["body"] = _read(client, url, deadline, seconds, used)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=work, name="oruk-api", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()) + 1.0)
    if worker.is_alive():
        raise _time_error(url, seconds)
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["body"]  # type: ignore[return-value]


def _decode(body: bytes, url: str) -> object:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{url}: the ORUK API did not send UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return _parse(text, url)


def fetch_api(url: str) -> list:
    """Every service of a (paginated) ORUK API, following ``page=N`` until the last page.

    Bounded: each response within ``TIMEOUT`` seconds, the whole catalogue within
    ``TOTAL_TIMEOUT`` seconds and ``MAX_BYTES`` bytes once decompressed.
    """
    import httpx

    services, number, used = [], _first_page(url), 0
    seen: dict[str, int] = {}
    started = time.monotonic()
    headers = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate"}
    with httpx.Client(timeout=TIMEOUT, follow_redirects=True, headers=headers) as client:
        for fetched in range(1, MAX_PAGES + 1):
            page_url = url if fetched == 1 else _with_page(url, number)
            deadline = min(time.monotonic() + TIMEOUT, started + TOTAL_TIMEOUT)
            seconds = TIMEOUT if deadline - started < TOTAL_TIMEOUT else TOTAL_TIMEOUT
            body = _get(client, page_url, deadline, seconds, used)
            used += len(body)
            items, page = services_of(_decode(body, page_url), page_url)
            key = _page_key(items)
            if page is not None and key in seen:
                return _repeated_page(url, page, number, seen[key], services)
            seen[key] = number
            services += items
            if page is None or is_last(page, number, fetched):
                return services
            number += 1
    raise CatalogueError(f"{url}: more than {MAX_PAGES} pages, each with different services; the feed is too "
                         "large to read page by page: save it to a file and give that")


def _page_key(items: list) -> str:
    """What identifies a page's services: their ids in order (the whole records when some
    have no id), so that a page sent again is recognised."""
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    if items and len(ids) == len(items) and all(isinstance(i, (str, int)) and str(i) for i in ids):
        return json.dumps([str(i) for i in ids])
    return json.dumps(items, sort_keys=True, default=str)


def _repeated_page(url: str, page: dict, number: int, first: int, services: list) -> list:
    """Page ``number`` has the same services as page ``first``: the API ignores the ``page``
    parameter. When its own count says the services read so far are all of them, they are
    the catalogue; otherwise the rest cannot be reached this way, which is an error (an
    incomplete catalogue would report every service beyond the first page as unlisted)."""
    total = page.get("totalElements", page.get("total_items"))
    if isinstance(total, int) and not isinstance(total, bool) and 0 <= total <= len(services):
        log.info("%s: page %d repeats page %d; the %d services read are all the API reports", url, number,
                 first, len(services))
        return services
    of = f" of the {total} it reports" if isinstance(total, int) and not isinstance(total, bool) else ""
    raise CatalogueError(
        f"{url}: the ORUK API ignores paging: page {number} sent the same services as page {first}, so only "
        f"{len(services)} services{of} could be read (stopped at the repeat). Ask the API's provider to fix its "
        "page parameter, or save the whole feed to a file and give that")


def prune(value: object) -> object:
    """Leave out empty values (``""``, None, ``[]``, ``{}``) so absent fields stay absent."""
    if isinstance(value, dict):
        kept = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in ("", None, [], {})}
    return value


def _records(items: list, source: str) -> tuple[list, list[str], list[str]]:
    records, problems, warnings = [], [], []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"{source}: services[{i}]: expected a service object, got {describe(item)}")
            records.append(item)  # kept in place so that later records keep their index
            continue
        record = to_record(item)
        warnings += clean(record, f"{source}: services[{i}] (id {record.get('id')!r})")
        records.append(prune(record))
    return records, problems, warnings


def load_oruk(path_or_url: str, strict: bool = True) -> Catalogue:
    """Load an ORUK file or API URL as a catalogue (``strict``: see ``build_catalogue``)."""
    items = fetch_api(path_or_url) if is_url(path_or_url) else services_of(_read_file(path_or_url), path_or_url)[0]
    records, problems, warnings = _records(items, path_or_url)
    if problems and strict:
        raise CatalogueError(f"{path_or_url}: {len(problems)} problem(s) in the ORUK data", problems)
    locator = OrukLocator(path_or_url, tuple(str(r.get("id")) if isinstance(r, dict) else "" for r in records))
    return build_catalogue({"services": records}, locator, path_or_url, tuple(warnings), strict=strict)
