"""Values worked out from a page's text, kept in the crawl store between checks.

Most pages of a Local Offer do not change from one week to the next, yet measures such as
the reading age (textstat over every sentence, with the CMU dictionary loaded first) are
the slowest part of a check. A :class:`PageCache` keeps such a value under the SHA-256 of
the exact text it was computed from, in the store's ``derived`` table, and under a
*kind* naming the measure and a version of the code that computes it: the source of the
modules named, plus the versions of the libraries used. A page whose text changed gets a
new key; a change to that code (or a library upgrade) gets a new kind, and the values of
the old one are dropped. Only values used by the run just checked are kept, so the table
stays the size of the site.

Values are JSON, so a value read back equals the value computed (floats round-trip
exactly); findings are the same with and without the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

log = logging.getLogger(__name__)


def code_version(modules: tuple[ModuleType, ...], packages: tuple[str, ...]) -> str:
    """A short hash of the source of ``modules`` and the installed versions of ``packages``."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    for name in packages:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=?".encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=65_536)  # one page's text is looked up by several measures in a check
def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class PageCache:
    """One measure's values for the pages of one check (see the module docstring).

    ``get(text, compute)`` returns the kept value when there is one and ``accept(value)``
    (default: always) says it is enough, else computes, keeps and returns it.
    :meth:`save` writes the values used back to the store (called once, at the end).
    """

    def __init__(self, store: Any, family: str, version: str) -> None:
        self.store, self.family, self.kind = store, family, f"{family}@{version}"
        try:
            self._old = store.derived(self.kind)
        except (AttributeError, sqlite3.Error) as exc:  # a store without the table (read-only, old)
            log.debug("no kept %s values: %s", family, exc)
            self._old = {}
        self._used: dict[str, str] = {}
        self.hits = self.misses = 0

    def get(self, text: str, compute: Callable[[], Any], accept: Callable[[Any], bool] | None = None) -> Any:
        key = text_key(text)
        raw = self._used.get(key) or self._old.get(key)
        if raw is not None:
            value = json.loads(raw)
            if accept is None or accept(value):
                self.hits += 1
                self._used[key] = raw
                return value
        self.misses += 1
        value = compute()
        self._used[key] = json.dumps(value, sort_keys=True)
        return value

    def save(self) -> None:
        if not self.misses and set(self._used) == set(self._old):
            return  # nothing new, nothing to drop
        try:
            self.store.save_derived(self.kind, self._used, family=self.family + "@")
        except (AttributeError, sqlite3.Error) as exc:  # read-only store: the next check computes again
            log.warning("could not keep the %s values in the store: %s", self.family, exc)
        log.debug("%s: %d kept values used, %d computed", self.family, self.hits, self.misses)


def page_cache(ctx: Any, family: str, modules: tuple[ModuleType, ...], packages: tuple[str, ...] = (),
               params: tuple = ()) -> PageCache:
    """The check run's :class:`PageCache` for ``family`` (one per run, in ``ctx.shared``).

    ``params`` are the settings the kept values depend on (a rule's threshold, say): they
    are part of the version, so a changed setting computes every value again and drops the
    values kept under the old one."""
    caches = ctx.shared.setdefault("page_caches", {})
    if family not in caches:
        version = code_version(modules, packages)
        if params:
            version += ":" + hashlib.sha256(json.dumps(list(params)).encode()).hexdigest()[:8]
        caches[family] = PageCache(ctx.store, family, version)
    return caches[family]


def kept_per_text(ctx: Any | None, family: str, modules: tuple[ModuleType, ...],
                  compute: Callable[[str], Any], params: tuple = (),
                  packages: tuple[str, ...] = ()) -> Callable[[str], Any]:
    """``compute`` (a pure function of one text, returning plain JSON data) with its values
    kept in the store under ``family`` (see :func:`page_cache`; ``packages``: the libraries
    whose data ``compute`` reads); without a check run (``ctx`` None, as in a test reading a
    site directly) it is ``compute`` itself."""
    if ctx is None:
        return compute
    cache = page_cache(ctx, family, modules, packages, params=params)
    return lambda text: cache.get(text, lambda: compute(text))


def save_all(shared: dict) -> None:
    """Write every cache of a check run to its store (before the store is closed)."""
    for cache in (shared.get("page_caches") or {}).values():
        cache.save()
