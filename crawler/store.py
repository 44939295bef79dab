"""The SQLite crawl store: the contract between the crawler and the checks.

One file holds every crawl ("run") of a site. The crawler writes through
``StoreWriter`` as pages finish (so memory stays flat); checks read through
``StoreReader``. Any SQLite tool can open the file. The schema is versioned in
``meta.schema_version`` and documented in the README ("The crawl store").

Tables (all keyed by ``run_id``):
- ``runs``: one row per crawl: start/finish time, status (running, complete,
  aborted), start URLs, allowed hosts, settings (JSON, credentials removed).
- ``pages``: one row per URL fetched or stopped by a guard (see ``crawler.model.Page``).
- ``links``: every link found on every page (see ``crawler.model.Link``), stored once
  per reading of a page: a page a re-crawl found unchanged keeps the links of the run
  that read it (``pages.links_run``, NULL for the page's own run), so the links of run R
  are those of ``run_links_sql`` (pages of R joined to the links of their ``links_run``),
  not the rows whose ``run_id`` is R. Never delete a run's links while a later run's
  pages may point to them.
- ``frontier``: the queue, so ``--resume`` can continue a killed crawl.
- ``link_status``: status checks of URLs not crawled as pages (external links).
- ``axe``: axe-core violations on rendered pages.
- ``sitemap_urls``: URLs listed in the site's sitemaps, with ``lastmod``.
- ``link_cache`` (not per run): link targets whose status check answered well, with
  when, so later runs need not check them again (``crawl.link_cache_days``).
- ``link_failures`` (not per run): link targets whose status check failed, with the
  answer and when, reused for ``crawl.link_failure_cache_hours`` only, and only by runs
  that check links with the same settings (``meta.link_failures_settings``).
- ``derived`` (not per run): values the checks worked out from a page's text (the
  reading age and its sentence counts), under the SHA-256 of that text and a ``kind``
  naming the measure and the version of the code that computed it, so a later check
  measures only the pages that changed; and each rule's findings under the SHA-256 of
  everything the check read (``rule-results@...``, see ``checks.pipeline.memo``), so a
  check of an unchanged run with the same settings, catalogue and code runs no rule again.
  Safe to delete: the next check fills it again.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import MISSING, dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from common import jsonfast
from crawler.errors import StoreError, StoreLocked

from crawler.model import AxeViolation, Link, LinkStatus, Page

SCHEMA_VERSION = 2
"""2: ``pages.links_run`` (a page's links may be those of an earlier run); the index
``links_by_target`` dropped (nothing reads a run's links by target any more). A store of
version 1 is upgraded when opened; an older tool refuses a store of version 2, whose links
it would misread."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL DEFAULT 'running',
  start_urls TEXT NOT NULL,
  allow_hosts TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS pages (
  run_id INTEGER NOT NULL, url TEXT NOT NULL, final_url TEXT, status INTEGER,
  content_type TEXT, size INTEGER, title TEXT, headings TEXT, main_text TEXT, lang TEXT,
  last_updated TEXT, last_updated_source TEXT, last_updated_raw TEXT,
  phones TEXT, emails TEXT, postcodes TEXT, content_hash TEXT, etag TEXT,
  last_modified TEXT, depth INTEGER, redirects TEXT, error TEXT, guard TEXT, kind TEXT,
  canonical TEXT, anchors TEXT, rendered INTEGER, render_reason TEXT, found_via TEXT,
  in_sitemap INTEGER, template TEXT, fetched_at TEXT, elapsed_ms INTEGER, meta TEXT,
  links_run INTEGER, PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS links (
  run_id INTEGER NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL, href TEXT,
  text TEXT, region TEXT, kind TEXT, fragment TEXT, scripted INTEGER
);
CREATE INDEX IF NOT EXISTS links_by_source ON links (run_id, source);
CREATE TABLE IF NOT EXISTS frontier (
  run_id INTEGER NOT NULL, url TEXT NOT NULL, depth INTEGER NOT NULL,
  parent TEXT, found_via TEXT, state TEXT NOT NULL DEFAULT 'queued',
  PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS link_status (
  run_id INTEGER NOT NULL, url TEXT NOT NULL, status INTEGER, error TEXT,
  final_url TEXT, checked_by TEXT, PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS axe (
  run_id INTEGER NOT NULL, url TEXT NOT NULL, template TEXT, rule TEXT, impact TEXT,
  help TEXT, help_url TEXT, tags TEXT, nodes INTEGER, example_target TEXT, example_html TEXT
);
CREATE INDEX IF NOT EXISTS axe_by_url ON axe (run_id, url);
CREATE TABLE IF NOT EXISTS link_cache (
  url TEXT PRIMARY KEY, status INTEGER NOT NULL, final_url TEXT, checked_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS link_failures (
  url TEXT PRIMARY KEY, status INTEGER NOT NULL, error TEXT, final_url TEXT, checked_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sitemap_urls (
  run_id INTEGER NOT NULL, url TEXT NOT NULL, lastmod TEXT, PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS derived (
  kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key)
);
"""

UNKEPT_FAILURES = frozenset({"not-checked", "linkchecker-missing", "refused-private"})
"""Failed answers never kept in ``link_failures``: no check of the target was made (or the
screen refused it, ``crawler.screen.REFUSED``, which depends on ``crawl.allow_private``; not
imported from there, as the checks read the store without loading the network code)."""

_JSON_FIELDS = {"headings", "phones", "emails", "postcodes", "redirects", "anchors", "meta"}
_BOOL_FIELDS = {"rendered", "in_sitemap"}
PAGE_FIELDS = tuple(Page.__dataclass_fields__)
CRAWL_ONLY_PAGE_FIELDS = frozenset({"fetched_at", "elapsed_ms", "rendered", "render_reason", "depth"})
"""Page fields about one crawl's fetch of a page, not about the page: when and how fast it
answered, whether this crawl rendered it again or reused an earlier run's reading, and its
depth (the links followed to reach it first: with concurrent workers, which path reaches a
page first varies from crawl to crawl; a re-crawl of Python's unchanged documentation put 14
of its 528 pages one level nearer). An unchanged site gives other values on every crawl; no
check judges a page by them (pages.csv shows the depth, read from the store on every check)."""
CRAWL_ONLY_META_KEYS = ("reused_from_run", "not_modified", "render_ms")
"""Keys of ``Page.meta`` about one crawl: set on a page reused unchanged from an earlier run
(``crawler.workers``), and how long rendering took."""


@dataclass(frozen=True)
class RunTotals:
    """What one run saved (``run_totals``): the crawl's summary and the benchmark's figures."""

    pages: int = 0
    rendered: int = 0
    """Pages rendered in Chromium (for their content or for axe)."""
    errors: int = 0
    """Pages with a network error or an HTTP status of 400 or more."""
    guarded: int = 0
    documents: int = 0
    html: int = 0
    axe: int = 0
    """Pages axe ran on."""
    link_checks: int = 0
    """Status checks made by this run (answers taken from the link cache not counted)."""
    seconds: float = 0.0
    """From the run's start to its finish (0 while it runs); whole seconds."""


def run_totals(conn: sqlite3.Connection, run_id: int) -> RunTotals:
    """Count what run ``run_id`` saved."""
    pages = conn.execute(
        "SELECT COUNT(*), SUM(rendered), SUM(error != '' OR status >= 400), SUM(guard != ''), "
        "SUM(kind = 'document'), SUM(kind = 'html'), SUM(json_extract(meta, '$.axe') = 1) "
        "FROM pages WHERE run_id=?", (run_id,)).fetchone()
    checks = conn.execute("SELECT SUM(checked_by != 'cache') FROM link_status WHERE run_id=?", (run_id,)).fetchone()
    times = conn.execute("SELECT started_at, finished_at FROM runs WHERE id=?", (run_id,)).fetchone()
    started, finished = times if times else (None, None)
    seconds = ((datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
               if started and finished else 0.0)
    return RunTotals(*(int(value or 0) for value in pages), link_checks=int(checks[0] or 0), seconds=seconds)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_file(path: Path) -> None:
    """A folder or a file that is not SQLite: one clear message, not a traceback."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder; the crawl store (--db) is a file, e.g. {path / 'crawl.sqlite'}")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the crawl store ({exc.strerror})") from None
    if head and head != SQLITE_MAGIC:
        raise StoreError(f"{path}: not a crawl store (the file is not an SQLite database); give another --db")


def connect(path: str | Path, create: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) a store in WAL mode with the current schema; with ``create``
    false, an SQLite file that is not a crawl store is refused, never given our tables."""
    _check_file(Path(path))
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        if not create and conn.execute("SELECT 1 FROM sqlite_master WHERE name='runs'").fetchone() is None:
            conn.close()
            raise StoreError(f"{path}: not a crawl store (an SQLite file without crawl tables); give another --db")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(SCHEMA)
    except sqlite3.DatabaseError as exc:
        if _machine_fault(exc):
            raise
        raise StoreError(f"{path}: cannot open the crawl store ({exc})") from None
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    if row is None:
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    elif int(row[0]) > SCHEMA_VERSION:
        raise StoreError(f"{path}: crawl store schema {row[0]} is newer than this tool ({SCHEMA_VERSION}); upgrade lo-audit")
    elif int(row[0]) < SCHEMA_VERSION:
        try:
            _upgrade(conn)
        except sqlite3.OperationalError as exc:
            if _machine_fault(exc):
                raise
            if not create and _read_only(exc):  # a reader of a store it cannot write reads it as it is
                return conn
            conn.close()
            raise StoreError(f"{path}: cannot upgrade the crawl store from schema {row[0]} to "
                             f"{SCHEMA_VERSION} ({exc})") from None
    elif conn.execute("SELECT 1 FROM sqlite_master WHERE type='index' AND name='links_by_target'").fetchone():
        # an older tool refusing this store first ran its own schema, which creates the index
        try:
            conn.execute("DROP INDEX IF EXISTS links_by_target")
        except sqlite3.OperationalError as exc:
            if _machine_fault(exc):
                raise
            # read-only, or busy: dropped at a later opening
    return conn


def _machine_fault(exc: sqlite3.Error) -> bool:
    """A full disk or an I/O error: raised as it is, for the command line to say so."""
    return "full" in str(exc) or "disk I/O" in str(exc)


def _read_only(exc: sqlite3.Error) -> bool:
    """True when ``exc`` says the store cannot be written (a read-only file, folder or mount)."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_READONLY or "readonly" in str(exc)


def _upgrade(conn: sqlite3.Connection) -> None:
    """Bring a store of schema 1 to ``SCHEMA_VERSION`` in one transaction (another process
    may be doing the same: the version is read again under the write lock)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
        if version < 2:
            if "links_run" not in {r[1] for r in conn.execute("PRAGMA table_info(pages)")}:
                conn.execute("ALTER TABLE pages ADD COLUMN links_run INTEGER")
            conn.execute("DROP INDEX IF EXISTS links_by_target")
        conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _json_out(value) -> str:
    if not value and isinstance(value, (tuple, list, dict)):  # most fields of most pages: no need to encode
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, ensure_ascii=False)


def _headings_in(value) -> tuple:
    return tuple((int(level), text) for level, text in jsonfast.loads_plain(value)) if value else ()


def _redirects_in(value) -> tuple:
    return tuple((u, int(s)) for u, s in jsonfast.loads_plain(value)) if value else ()


def _tuple_in(value) -> tuple:
    return tuple(jsonfast.loads_plain(value)) if value else ()


def _meta_in(value) -> dict:
    return json.loads(value) if value else {}  # may hold a page's own data (JSON-LD): any number


def _default_in(default):
    return lambda value: default if value is None else value


_DECODE = {"headings": _headings_in, "redirects": _redirects_in, "meta": _meta_in}
PAGE_DECODERS = tuple(
    (name, _DECODE.get(name, _tuple_in) if name in _JSON_FIELDS else bool if name in _BOOL_FIELDS
     else _default_in(Page.__dataclass_fields__[name].default))
    for name in PAGE_FIELDS)
"""``(column, decoder)`` for every ``Page`` field: the stored value -> the field's value."""
_ENCODE = tuple((_json_out if name in _JSON_FIELDS else int if name in _BOOL_FIELDS else None)
                for name in PAGE_FIELDS)


_ENCODE_BY_NAME = dict(zip(PAGE_FIELDS, _ENCODE))


def page_to_row(run_id: int, page: Page) -> tuple:
    return (run_id, *[getattr(page, name) if encode is None else encode(getattr(page, name))
                      for name, encode in zip(PAGE_FIELDS, _ENCODE)])


def row_to_page(row: sqlite3.Row) -> Page:
    return Page(*[decode(row[name]) for name, decode in PAGE_DECODERS])


def _tuple_to_page(values: tuple) -> Page:
    """A ``Page`` from the values of ``PAGE_FIELDS`` in order (a plain-tuple row)."""
    return Page(*[decode(value) for (_, decode), value in zip(PAGE_DECODERS, values)])


@dataclass(frozen=True)
class PreviousPage:
    """The columns of a page of an earlier run that a re-crawl reads (``StoreWriter.previous_brief``):
    the validators of a conditional request and the content hash, then what the frontier
    and the counts need of a page reused unchanged, its ``meta`` as stored (JSON text), and
    the run whose ``links`` rows are its links (``ifnull(links_run, run_id)``, as
    ``run_links_sql`` joins them)."""

    url: str
    etag: str
    last_modified: str
    content_hash: str
    status: int
    error: str
    final_url: str
    canonical: str
    meta: str
    links_run: int
    redirects: tuple = ()
    """The redirects that led to it (as ``Page.redirects``): with ``final_url``, where the
    address led then, which a re-crawl compares with where it leads now."""

    def decoded_meta(self) -> dict:
        """``meta`` as ``Page.meta`` holds it."""
        return _meta_in(self.meta)

    def partial(self) -> bool:
        """True when the page was read from its HTML alone because rendering it failed by
        chance (``meta.render_error`` ``render-timeout`` or ``render-error``: a slow page, a
        crashed tab): without the links and text its scripts add, a reading not to reuse even
        if the page has not changed. (A page that took Chromium off the allowed hosts,
        ``offsite-navigation``, does so every time: its reading is kept.)"""
        return '"render_error"' in self.meta and \
            self.decoded_meta().get("render_error") in ("render-timeout", "render-error")


def _sql_literal(value) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def _copy_column(name: str) -> str:
    """The SQL giving what ``save_page(row_to_page(row))`` stores in column ``name`` of ``row``."""
    if name in _JSON_FIELDS:  # an empty value decodes to () or {} and is stored as [] or {}
        empty = "'{}'" if name == "meta" else "'[]'"
        return f"CASE WHEN {name} IS NULL OR {name}='' THEN {empty} ELSE {name} END"
    if name in _BOOL_FIELDS:
        return f"CASE WHEN {name} THEN 1 ELSE 0 END"
    default = Page.__dataclass_fields__[name].default
    return name if default is MISSING else f"COALESCE({name}, {_sql_literal(default)})"


_COPY_COLUMNS = {name: _copy_column(name) for name in PAGE_FIELDS}


@lru_cache(maxsize=8)
def _copy_page_sql(changed: tuple[str, ...]) -> str:
    """INSERT ... SELECT copying a page row from one run to another, the ``changed`` columns
    given as parameters (in ``PAGE_FIELDS`` order of the columns, after the new run id)."""
    unknown = set(changed) - set(PAGE_FIELDS)
    if unknown:
        raise ValueError(f"not page columns: {', '.join(sorted(unknown))}")
    order = {name: i for i, name in enumerate(changed)}
    columns = [f"?{order[name] + 2}" if name in order else _COPY_COLUMNS[name] for name in PAGE_FIELDS]
    # the copy keeps the links of the run that read the page (``links_run``, or its own run)
    return (f"INSERT OR REPLACE INTO pages (run_id,{','.join(PAGE_FIELDS)},links_run) SELECT ?1,{','.join(columns)},"
            f"ifnull(links_run, run_id) FROM pages WHERE run_id=?{len(changed) + 2} AND url=?{len(changed) + 3}")


LINKS_RUN = "ifnull(p.links_run, p.run_id)"
"""The run whose ``links`` rows hold the links of page ``p`` (see the module's docstring)."""
OWN_LINKS_RUN = "p.run_id"
"""``LINKS_RUN`` in a store of schema 1 that could not be upgraded (opened read-only by a
reader): there every page's links are its own run's."""


def run_links_sql(columns: str, where: str = "", order: str = "", links_run: str = LINKS_RUN) -> str:
    """SELECT ``columns`` (of ``l``, the links, and ``p``, the pages) of the links of run
    ``?1``: its pages joined to the links of the run that read each of them
    (``pages.links_run``, see the module's docstring). ``where`` adds conditions, ``order``
    an ORDER BY (``p.url, l.rowid``: by source, then in the order found on the page);
    ``links_run`` is ``OWN_LINKS_RUN`` in a store without ``pages.links_run``."""
    return (f"SELECT {columns} FROM pages AS p CROSS JOIN links AS l INDEXED BY links_by_source "
            f"ON l.run_id={links_run} AND l.source=p.url WHERE p.run_id=?1"
            + (f" AND {where}" if where else "") + (f" ORDER BY {order}" if order else ""))


LINK_COLUMNS = ("l.source, l.target, l.href, l.text, l.region, l.kind, l.fragment, "
                "CASE WHEN l.scripted THEN 1 ELSE 0 END")
"""The columns of a ``Link`` in ``run_links_sql``, in its fields' order, as ``save_page`` of
the decoded link stores them (``scripted`` left by an older version may be NULL or 2)."""
_FOLLOW_SQL = ("SELECT target, text FROM links INDEXED BY links_by_source WHERE run_id=? AND source=? "
               "AND kind IN ('page','document') ORDER BY rowid")
"""``(target, text)`` of the links to pages and documents of page ``?2`` held by run ``?1``."""


def read_only(path: str | Path, timeout: float = 5) -> sqlite3.Connection:
    """A connection that reads the store as it is: nothing written, no schema made or upgraded
    (for a look at a store another version of the tool may own). The path is quoted, so a
    ``?`` or ``#`` in it is part of the name."""
    return sqlite3.connect(f"file:{urllib.parse.quote(str(Path(path).resolve()))}?mode=ro", uri=True,
                           timeout=timeout)


def kept_pages(path: str | Path) -> int:
    """Pages stored by the latest run (0 when the store cannot be read)."""
    try:
        conn = read_only(path)
        try:
            row = conn.execute("SELECT COUNT(*) FROM pages WHERE run_id=(SELECT MAX(id) FROM runs)").fetchone()
            return int(row[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


class StoreLock:
    """Only one crawl writes a store at a time: an exclusive lock on ``<store>.lock``
    (``flock``, released by the system when the process ends, even by ``kill -9``); a
    second crawl or ``--resume`` on the same store gets ``StoreLocked`` at once.

    Not a lock on the store file itself: SQLite's own locks on it are dropped when any
    other descriptor of the file is closed."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(f"{path}.lock")
        self.handle = None

    def __enter__(self) -> "StoreLock":
        try:
            import fcntl
        except ImportError:  # not on POSIX: no lock
            return self
        _check_file(Path(str(self.path)[: -len(".lock")]))
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.handle.seek(0)
            holder = self.handle.read().strip()
            self.handle.close()
            self.handle = None
            who = f" (process {holder})" if holder.isdigit() else ""
            store = str(self.path)[: -len(".lock")]
            raise StoreLocked(f"{store}: another crawl is writing this crawl store{who}; wait for it to finish, "
                              "or give another --db") from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(str(os.getpid()))
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        if self.handle is not None:
            try:
                self.path.unlink()
            except OSError:
                pass
            self.handle.close()
            self.handle = None


class StoreWriter:
    """Streams a crawl into the store. Used only by the crawler.

    Unbatched (the default) every method commits at once. With ``batch`` (the crawl's
    choice) page, link, frontier and axe writes share one transaction that is committed
    every ``batch`` pages or ``flush_s`` seconds (and before any read, ``finish_run`` and
    ``close``): a killed crawl loses at most the unflushed batch, whose frontier entries
    are still ``queued`` (the page, its links and its ``done`` mark are committed
    together), so ``--resume`` re-queues exactly those pages.
    """

    def __init__(self, path: str | Path, batch: int = 0, flush_s: float = 0.5) -> None:
        self.path = Path(path)
        self.conn = connect(self.path)
        self.batch, self.flush_s = batch, flush_s
        self.pending = 0
        self.opened = 0.0
        self.units = 0

    # -- transactions ----------------------------------------------------------
    @contextmanager
    def unit(self):
        """Writes that must be committed together or not at all (a page, its links, its
        ``done`` mark and the new URLs it queues): no commit happens inside, so a kill
        never leaves a page done whose links were never queued."""
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
            self.opened = time.monotonic()
        self.units += 1
        try:
            yield
        finally:
            self.units -= 1
        if self.units == 0 and (not self.batch or self.pending >= self.batch
                                or time.monotonic() - self.opened >= self.flush_s):
            self.flush()

    @contextmanager
    def _tx(self, pages: int = 0):
        """One write: its own transaction, or part of the open batch (or of a ``unit``)."""
        if self.units:
            yield
            self.pending += pages
            return
        if not self.batch:
            with self.conn:
                self.conn.execute("BEGIN")
                yield
            return
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
            self.opened = time.monotonic()
        yield
        self.pending += pages
        if self.pending >= self.batch or time.monotonic() - self.opened >= self.flush_s:
            self.flush()

    def flush(self) -> None:
        """Commit the open batch (if any)."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.pending = 0

    def flush_if_due(self) -> None:
        if not self.units and self.conn.in_transaction and time.monotonic() - self.opened >= self.flush_s:
            self.flush()

    def abandon(self) -> None:
        """Close after a failure: the open batch is rolled back, errors ignored."""
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        try:
            self.conn.close()
        except sqlite3.Error:
            pass

    # -- runs ---------------------------------------------------------------
    def start_run(self, start_urls: list[str], allow_hosts: list[str], settings: dict) -> int:
        """Create a run with its start URLs already queued, in one committed transaction: a
        crawl killed before its first page leaves a run that ``--resume`` can continue."""
        with self._tx():
            cur = self.conn.execute(
                "INSERT INTO runs (started_at, start_urls, allow_hosts, settings) VALUES (?,?,?,?)",
                (_now(), json.dumps(start_urls), json.dumps(allow_hosts), json.dumps(settings, default=str)),
            )
            run_id = int(cur.lastrowid)
            self.conn.executemany(
                "INSERT OR IGNORE INTO frontier (run_id,url,depth,parent,found_via) VALUES (?,?,0,'','start')",
                [(run_id, url) for url in start_urls])
        self.flush()
        return run_id

    def run_start_urls(self, run_id: int) -> list[str]:
        """The start URLs a run was created with."""
        row = self.conn.execute("SELECT start_urls FROM runs WHERE id=?", (run_id,)).fetchone()
        return list(json.loads(row[0] or "[]")) if row else []

    def run_settings(self, run_id: int) -> tuple[list[str], dict]:
        """The allowed hosts and the settings (JSON-decoded) a run was created with."""
        row = self.conn.execute("SELECT allow_hosts, settings FROM runs WHERE id=?", (run_id,)).fetchone()
        return (list(json.loads(row[0] or "[]")), dict(json.loads(row[1] or "{}"))) if row else ([], {})

    def unfinished_run(self) -> int | None:
        """The most recent run still marked running (a killed crawl), if any."""
        row = self.conn.execute("SELECT id FROM runs WHERE status='running' ORDER BY id DESC LIMIT 1").fetchone()
        return int(row[0]) if row else None

    def previous_complete_run(self, before: int) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM runs WHERE status='complete' AND id < ? ORDER BY id DESC LIMIT 1", (before,)
        ).fetchone()
        return int(row[0]) if row else None

    def finish_run(self, run_id: int, status: str = "complete") -> None:
        self.flush()
        self.conn.execute("UPDATE runs SET finished_at=?, status=? WHERE id=?", (_now(), status, run_id))

    # -- pages and links -----------------------------------------------------
    def save_page(self, run_id: int, page: Page, links: Iterable[Link] = ()) -> None:
        """Write a page, replace its links and mark it done in the frontier, atomically."""
        placeholders = ",".join("?" * (len(PAGE_FIELDS) + 1))
        links = list(links)
        if any(link.source != page.url for link in links):  # the store finds a page's links by its URL
            raise ValueError(f"links of another page given with {page.url!r}")
        with self._tx(pages=1):
            self.conn.execute(f"INSERT OR REPLACE INTO pages (run_id,{','.join(PAGE_FIELDS)}) VALUES ({placeholders})",
                              page_to_row(run_id, page))
            self.conn.execute("DELETE FROM links WHERE run_id=? AND source=?", (run_id, page.url))
            self.conn.executemany(
                "INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?)",
                [(run_id, l.source, l.target, l.href, l.text, l.region, l.kind, l.fragment, int(l.scripted)) for l in links],
            )
            self.conn.execute("UPDATE frontier SET state='done' WHERE run_id=? AND url=?", (run_id, page.url))

    def enqueue(self, run_id: int, items: Iterable[tuple[str, int, str, str]]) -> list[str]:
        """Add ``(url, depth, parent, found_via)`` to the frontier; return the URLs that were new."""
        added = []
        with self._tx():
            for url, depth, parent, via in items:
                cur = self.conn.execute(
                    "INSERT OR IGNORE INTO frontier (run_id,url,depth,parent,found_via) VALUES (?,?,?,?,?)",
                    (run_id, url, depth, parent, via))
                if cur.rowcount:
                    added.append(url)
        return added

    def enqueue_new(self, run_id: int, items: Iterable[tuple[str, int, str, str]]) -> None:
        """Add ``(url, depth, parent, found_via)`` to the frontier in one statement (URLs already
        there are left as they are); the frontier's own way, as it offers only URLs it has not seen."""
        with self._tx():
            self.conn.executemany(
                "INSERT OR IGNORE INTO frontier (run_id,url,depth,parent,found_via) VALUES (?,?,?,?,?)",
                [(run_id, url, depth, parent, via) for url, depth, parent, via in items])

    def queued(self, run_id: int) -> list[tuple[str, int, str, str]]:
        """Frontier entries not yet done, in insertion order (for ``--resume``)."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT url, depth, parent, found_via FROM frontier WHERE run_id=? AND state='queued' ORDER BY rowid", (run_id,))]

    def frontier(self, run_id: int) -> list[tuple[str, int, str, str, str]]:
        """Every frontier entry ``(url, depth, parent, found_via, state)`` in insertion order (``--resume``)."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT url, depth, parent, found_via, state FROM frontier WHERE run_id=? ORDER BY rowid", (run_id,))]

    def page_count(self, run_id: int) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM pages WHERE run_id=?", (run_id,)).fetchone()[0])

    def run_totals(self, run_id: int) -> RunTotals:
        """What run ``run_id`` saved (see ``RunTotals``)."""
        self.flush()
        return run_totals(self.conn, run_id)

    def copy_axe(self, from_run: int, to_run: int, url: str) -> None:
        """Carry an unchanged page's axe violations over from an earlier run."""
        with self._tx():
            self.conn.execute("DELETE FROM axe WHERE run_id=? AND url=?", (to_run, url))
            self.conn.execute("INSERT INTO axe SELECT ?, url, template, rule, impact, help, help_url, tags, nodes, "
                              "example_target, example_html FROM axe WHERE run_id=? AND url=?", (to_run, from_run, url))

    def update_page_meta(self, run_id: int, url: str, extra: dict, rendered: bool | None = None,
                         reason: str | None = None) -> None:
        """Merge ``extra`` into a saved page's ``meta`` (and set ``rendered``/``render_reason``
        when given): a background axe run finishing after the page was saved."""
        with self._tx():
            self.conn.execute(
                "UPDATE pages SET meta=json_patch(COALESCE(meta, '{}'), ?), rendered=COALESCE(?, rendered), "
                "render_reason=COALESCE(?, render_reason) WHERE run_id=? AND url=?",
                (json.dumps(extra, ensure_ascii=False), None if rendered is None else int(rendered), reason, run_id, url))

    def sitemap_entries(self, run_id: int) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT url FROM sitemap_urls WHERE run_id=?", (run_id,))}

    def external_targets(self, run_id: int) -> list[str]:
        """Distinct http(s) link targets that were not crawled as pages (for status checks)."""
        return [r[0] for r in self.conn.execute(run_links_sql(
            "DISTINCT l.target", "l.kind IN ('external','document') "
            "AND (l.target LIKE 'http://%' OR l.target LIKE 'https://%') "
            "AND l.target NOT IN (SELECT url FROM pages WHERE run_id=?1)", "l.target"), (run_id,))]

    def unfetched_page_targets(self, run_id: int) -> list[str]:
        """Distinct links to allowed hosts that were neither crawled nor checked (out of ``crawl.scope``)."""
        return [r[0] for r in self.conn.execute(run_links_sql(
            "DISTINCT l.target", "l.kind='page' AND l.target NOT IN (SELECT url FROM pages WHERE run_id=?1) "
            "AND l.target NOT IN (SELECT url FROM link_status WHERE run_id=?1)", "l.target"), (run_id,))]

    def save_link_status(self, run_id: int, statuses: Iterable[LinkStatus]) -> None:
        with self._tx():
            self.conn.executemany(
                "INSERT OR REPLACE INTO link_status VALUES (?,?,?,?,?,?)",
                [(run_id, s.url, s.status, s.error, s.final_url, s.checked_by) for s in statuses])

    def cached_links(self, urls: Iterable[str], max_age_days: float) -> dict[str, LinkStatus]:
        """Targets among ``urls`` whose check answered well less than ``max_age_days`` ago."""
        if max_age_days <= 0:
            return {}
        since = time.time() - max_age_days * 86400
        wanted = set(urls)
        return {r[0]: LinkStatus(url=r[0], status=r[1], final_url=r[2] or r[0], checked_by="cache")
                for r in self.conn.execute("SELECT url, status, final_url FROM link_cache WHERE checked_at >= ?", (since,))
                if r[0] in wanted}

    def cached_failures(self, urls: Iterable[str], max_age_hours: float) -> dict[str, LinkStatus]:
        """Targets among ``urls`` whose check failed less than ``max_age_hours`` ago, with that answer."""
        if max_age_hours <= 0:
            return {}
        since = time.time() - max_age_hours * 3600
        wanted = set(urls)
        return {r[0]: LinkStatus(url=r[0], status=r[1], error=r[2] or "", final_url=r[3] or "", checked_by="cache")
                for r in self.conn.execute(
                    "SELECT url, status, error, final_url FROM link_failures WHERE checked_at >= ?", (since,))
                if r[0] in wanted}

    def failures_checked_with(self, settings: str) -> None:
        """Forget every kept failure when the link checks were made with other ``settings``
        (the screen of private addresses, the allowed hosts, the timeout, the checker): a
        failure is only replayed to a run that would have checked the target the same way."""
        with self._tx():
            row = self.conn.execute("SELECT value FROM meta WHERE key='link_failures_settings'").fetchone()
            if row is None or row[0] != settings:
                self.conn.execute("DELETE FROM link_failures")
                self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('link_failures_settings', ?)", (settings,))

    def remember_links(self, statuses: Iterable[LinkStatus]) -> None:
        """Cache targets that answered well (``link_cache``) and those that failed
        (``link_failures``), each forgetting the other answer. Answers that are not a
        check of the target (``not-checked``, linkchecker missing, a private address
        refused by the screen, which depends on ``allow_private``) are not kept as failures."""
        now = time.time()
        statuses = list(statuses)
        good = [(s.url, s.status, s.final_url, now) for s in statuses if 0 < s.status < 400 and not s.error]
        bad = [s for s in statuses if not (0 < s.status < 400 and not s.error)]
        kept = [(s.url, s.status, s.error, s.final_url, now) for s in bad if s.error not in UNKEPT_FAILURES]
        with self._tx():
            self.conn.executemany("INSERT OR REPLACE INTO link_cache VALUES (?,?,?,?)", good)
            self.conn.executemany("DELETE FROM link_cache WHERE url=?", [(s.url,) for s in bad])
            self.conn.executemany("DELETE FROM link_failures WHERE url=?", [(url,) for url, *_ in good])
            self.conn.executemany("INSERT OR REPLACE INTO link_failures VALUES (?,?,?,?,?)", kept)

    def save_axe(self, run_id: int, violations: Iterable[AxeViolation]) -> None:
        with self._tx():
            self.conn.executemany(
                "INSERT INTO axe VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(run_id, v.url, v.template, v.rule, v.impact, v.help, v.help_url, json.dumps(v.tags),
                  v.nodes, v.example_target, v.example_html) for v in violations])

    def save_sitemap_urls(self, run_id: int, entries: Iterable[tuple[str, str]]) -> None:
        with self._tx():
            self.conn.executemany("INSERT OR REPLACE INTO sitemap_urls VALUES (?,?,?)",
                                  [(run_id, u, lastmod) for u, lastmod in entries])

    def previous_page(self, run_id: int, url: str) -> tuple[Page, list[Link]] | None:
        """A page and its links from an earlier run (for conditional re-crawls)."""
        row = self.conn.execute(f"SELECT {','.join(PAGE_FIELDS)} FROM pages WHERE run_id=? AND url=?",
                                (run_id, url)).fetchone()
        if row is None:
            return None
        links = [Link(source, target, href, text, region, kind, fragment, bool(scripted))
                 for source, target, href, text, region, kind, fragment, scripted in self.conn.execute(
                     run_links_sql(LINK_COLUMNS, "p.url=?2", "l.rowid"), (run_id, url))]
        return _tuple_to_page(row), links

    def previous_brief(self, run_id: int, url: str) -> PreviousPage | None:
        """What a re-crawl needs of a page of an earlier run before and after fetching it
        (see ``PreviousPage``): a few columns, nothing decoded."""
        row = self.conn.execute("SELECT etag, last_modified, content_hash, status, error, final_url, canonical, meta, "
                                "ifnull(links_run, run_id), redirects FROM pages WHERE run_id=? AND url=?",
                                (run_id, url)).fetchone()
        if row is None:
            return None
        etag, last_modified, digest, status, error, final_url, canonical, meta, links_run, redirects = row
        return PreviousPage(url, etag or "", last_modified or "", digest or "", status or 0, error or "",
                            final_url or "", canonical or "", meta or "", links_run, _redirects_in(redirects))

    def previous_follow(self, previous: PreviousPage) -> list[tuple[str, str]]:
        """``(target, text)`` of the links to pages and documents on a page of an earlier
        run (``previous_brief``), in the order found: what the frontier needs of an unchanged
        page. Read from the run holding its links (``PreviousPage.links_run``), which is
        where ``run_links_sql`` finds them, without looking the page up again."""
        return self.conn.execute(_FOLLOW_SQL, (previous.links_run, previous.url)).fetchall()

    def copy_page(self, from_run: int, run_id: int, url: str, changes: dict) -> bool:
        """Save an unchanged page by copying its row from run ``from_run`` inside SQLite,
        with the columns in ``changes`` (stored values) set anew, and mark it done in the
        frontier, atomically. ``changes`` holds ``Page`` field values (encoded here as
        ``save_page`` encodes them). What is stored is what ``save_page`` of the
        decoded page would store (``_COPY_COLUMNS``). False (nothing written) when the
        earlier run holds no such page.

        The links are not copied: the page keeps pointing to the links of the run that
        read it (``pages.links_run``), and any links the page has in run ``run_id`` (saved
        earlier in the same run) are dropped."""
        names = tuple(changes)
        values = [value if encode is None else encode(value)
                  for value, encode in zip(changes.values(), (_ENCODE_BY_NAME.get(n) for n in names))]
        with self._tx(pages=1):
            cur = self.conn.execute(_copy_page_sql(names), (run_id, *values, from_run, url))
            if not cur.rowcount:
                return False
            self.conn.execute("DELETE FROM links WHERE run_id=? AND source=?", (run_id, url))
            self.conn.execute("UPDATE frontier SET state='done' WHERE run_id=? AND url=?", (run_id, url))
        return True

    def close(self) -> None:
        self.flush()
        self.conn.close()


class StoreReader:
    """Read-only view of one run of the store. Used by checks and reports.

    ``run_id`` defaults to the latest complete run (or the latest run of any status
    when ``allow_incomplete``).
    """

    def __init__(self, path: str | Path, run_id: int | None = None, allow_incomplete: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise StoreError(f"{path}: no crawl store here; run `lo-audit crawl ... --db {path}` first")
        try:
            self.conn = connect(self.path, create=False)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a crawl store ({exc})") from None
        self.conn.row_factory = sqlite3.Row
        self.run_id = run_id if run_id is not None else self._latest_run(allow_incomplete)
        # a store of schema 1 opened read-only is not upgraded (``connect``): no ``links_run``
        self.links_run = (LINKS_RUN if "links_run" in {r[1] for r in self.conn.execute("PRAGMA table_info(pages)")}
                          else OWN_LINKS_RUN)

    def _latest_run(self, allow_incomplete: bool) -> int:
        where = "" if allow_incomplete else "WHERE status='complete'"
        row = self.conn.execute(f"SELECT id FROM runs {where} ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            raise StoreError(f"{self.path}: the crawl store holds no crawl yet")
        return int(row[0])

    def run(self) -> dict:
        row = self.conn.execute("SELECT * FROM runs WHERE id=?", (self.run_id,)).fetchone()
        d = dict(row)
        for key in ("start_urls", "allow_hosts", "settings"):
            d[key] = json.loads(d[key])
        return d

    def pages(self) -> Iterator[Page]:
        for row in self.conn.execute("SELECT * FROM pages WHERE run_id=? ORDER BY url", (self.run_id,)):
            yield row_to_page(row)

    def page_fields(self, names: Iterable[str]) -> Iterator[tuple]:
        """The named plain fields of every page, as :meth:`pages` would give them, in URL
        order: for a table of pages without decoding each page's JSON columns."""
        names = tuple(names)
        decoders = dict(PAGE_DECODERS)
        wrong = [n for n in names if n not in decoders or n in _JSON_FIELDS]
        if wrong:
            raise ValueError(f"not plain page fields: {', '.join(wrong)}")
        # a stored NULL becomes the field's default in SQL (``_default_in``): only the
        # flags are decoded here, the other values come as SQLite gives them
        defaults = {n: Page.__dataclass_fields__[n].default for n in names}
        columns = ", ".join(n if n in _BOOL_FIELDS or defaults[n] is MISSING else f"ifnull({n}, {_sql_literal(defaults[n])})"
                            for n in names)
        flags = [i for i, n in enumerate(names) if n in _BOOL_FIELDS]
        cursor = self.conn.cursor()
        cursor.row_factory = None
        cursor.execute(f"SELECT {columns} FROM pages WHERE run_id=? ORDER BY url", (self.run_id,))  # names checked above
        if not flags:
            yield from cursor
            return
        for row in cursor:
            row = list(row)
            for i in flags:
                row[i] = bool(row[i])
            yield tuple(row)

    def page(self, url: str) -> Page | None:
        row = self.conn.execute("SELECT * FROM pages WHERE run_id=? AND url=?", (self.run_id, url)).fetchone()
        return row_to_page(row) if row else None

    def links(self, source: str | None = None) -> Iterator[Link]:
        """The run's links (all, or those of page ``source``) by source, then in the order found."""
        if source is None:
            sql, args = run_links_sql(LINK_COLUMNS, order="p.url, l.rowid", links_run=self.links_run), (self.run_id,)
        else:
            sql, args = (run_links_sql(LINK_COLUMNS, "p.url=?2", "l.rowid", links_run=self.links_run),
                         (self.run_id, source))
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: much faster than sqlite3.Row for many rows
        for src, target, href, text, region, kind, fragment, scripted in cursor.execute(sql, args):
            yield Link(src, target, href, text, region, kind, fragment, bool(scripted))

    def inlinks(self) -> dict[str, int]:
        """Number of distinct pages linking to each target."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return dict(cursor.execute(run_links_sql("l.target, COUNT(DISTINCT l.source)", links_run=self.links_run)
                                   + " GROUP BY l.target", (self.run_id,)))

    def link_statuses(self) -> dict[str, LinkStatus]:
        return {r["url"]: LinkStatus(url=r["url"], status=r["status"] or 0, error=r["error"] or "",
                                     final_url=r["final_url"] or "", checked_by=r["checked_by"] or "")
                for r in self.conn.execute("SELECT * FROM link_status WHERE run_id=?", (self.run_id,))}

    def axe_violations(self) -> Iterator[AxeViolation]:
        for r in self.conn.execute("SELECT * FROM axe WHERE run_id=? ORDER BY rule, url", (self.run_id,)):
            yield AxeViolation(url=r["url"], template=r["template"] or "", rule=r["rule"], impact=r["impact"] or "",
                               help=r["help"] or "", help_url=r["help_url"] or "", tags=tuple(json.loads(r["tags"] or "[]")),
                               nodes=r["nodes"] or 0, example_target=r["example_target"] or "",
                               example_html=r["example_html"] or "")

    def axe_checked_urls(self) -> set[str]:
        """Pages axe ran on (with or without violations): those with ``meta.axe`` set."""
        return {p.url for p in self.pages() if p.meta.get("axe")}

    def totals(self) -> RunTotals:
        """What this run saved (see ``RunTotals``)."""
        return run_totals(self.conn, self.run_id)

    def sitemap_urls(self) -> dict[str, str]:
        return {r[0]: r[1] or "" for r in self.conn.execute(
            "SELECT url, lastmod FROM sitemap_urls WHERE run_id=?", (self.run_id,))}

    def derived(self, kind: str) -> dict[str, str]:
        """Values saved by :meth:`save_derived` under ``kind``: key -> JSON text."""
        return dict(self.conn.execute("SELECT key, value FROM derived WHERE kind=?", (kind,)))

    def save_derived(self, kind: str, values: dict[str, str], family: str = "") -> None:
        """Replace the values kept under ``kind`` by ``values`` (key -> JSON text) in one
        transaction; with ``family``, values of other kinds starting with it (the same
        measure computed by other code) are dropped. Values are worked out from page
        text by the checks and kept between runs; the store does not interpret them."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            if family:
                self.conn.execute("DELETE FROM derived WHERE substr(kind, 1, ?)=? AND kind!=?",
                                  (len(family), family, kind))
            self.conn.execute("DELETE FROM derived WHERE kind=?", (kind,))
            self.conn.executemany("INSERT INTO derived (kind, key, value) VALUES (?, ?, ?)",
                                  ((kind, k, v) for k, v in values.items()))

    def close(self) -> None:
        self.conn.close()

    def run_digest(self) -> str:
        """SHA-256 of everything of this run a check can read through this class, except the
        values that differ on every crawl of an unchanged site (``CRAWL_ONLY_PAGE_FIELDS``,
        ``CRAWL_ONLY_META_KEYS``, ``link_status.checked_by``, the run's times and id).

        Two runs with the same digest hold the same pages, links, link answers, axe
        results, sitemap entries, status, start URLs, allowed hosts and settings: a check
        that reads nothing else judges them alike (``checks.pipeline.memo``). Rows are read
        in a fixed order (pages by URL, links by source then as found on the page), so the
        order in which concurrent workers saved them does not matter."""
        digest = hashlib.sha256()
        pages = [n for n in PAGE_FIELDS if n not in CRAWL_ONLY_PAGE_FIELDS]
        # meta that SQLite's JSON functions refuse (NaN, which Python's json writes and reads) is
        # taken whole: crawl-only keys and all, so such a run is never taken for another
        meta = ("CASE WHEN json_valid(meta) THEN json_remove(meta, "
                + ", ".join(f"'$.{k}'" for k in CRAWL_ONLY_META_KEYS) + ") ELSE meta END")
        columns = ", ".join(meta if n == "meta" else n for n in pages)
        for name, sql in (
            ("run", "SELECT status, start_urls, allow_hosts, settings FROM runs WHERE id=?"),
            ("pages", f"SELECT {columns} FROM pages WHERE run_id=? ORDER BY url"),  # names from PAGE_FIELDS
            ("links", run_links_sql(LINK_COLUMNS, order="p.url, l.rowid", links_run=self.links_run)),
            ("link_status", "SELECT url, status, error, final_url FROM link_status WHERE run_id=? ORDER BY url"),
            ("axe", "SELECT url, template, rule, impact, help, help_url, tags, nodes, example_target, example_html "
                    "FROM axe WHERE run_id=? ORDER BY url, rowid"),
            ("sitemap_urls", "SELECT url, lastmod FROM sitemap_urls WHERE run_id=? ORDER BY url"),
        ):
            digest.update(f"\x00{name}\x00".encode())
            cursor = self.conn.cursor()
            cursor.row_factory = None
            cursor.execute(sql, (self.run_id,))
            while rows := cursor.fetchmany(2_000):
                # marshal version 2 writes no back-references: the same values give the same bytes
                digest.update(marshal.dumps(rows, 2))
        return digest.hexdigest()
