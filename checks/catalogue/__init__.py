"""The service catalogue: load it from YAML, CSV, XLSX or Open Referral UK JSON.

``load_catalogue(path_or_url, fmt, mapping, strict)`` is the one entry point. Every format
is turned into the documented YAML shape (``checks/schemas/catalogue.schema.json``) and
validated the same way. With ``strict`` (the default; ``lo-audit catalogue validate`` and
``--strict-catalogue``) all problems are reported at once in one ``CatalogueError``;
without it a defective record is repaired or left out and listed in
``Catalogue.problems`` (``checks/catalogue/salvage.py``), which the ``catalogue.*`` rules
report. That leniency is for data exported from other systems (ORUK feeds, CSV and XLSX
spreadsheets); the YAML catalogue is written by hand and, like the column mapping and a
spreadsheet's headings, is always strict.
"""

from __future__ import annotations

import logging
from pathlib import Path

from checks.errors import CatalogueError
from common.urls import is_http_url

from checks.catalogue.model import Catalogue, Problem, Service

__all__ = ["Catalogue", "Problem", "Service", "guess_format", "load_catalogue"]
log = logging.getLogger(__name__)

_EXTENSIONS = {".yml": "yaml", ".yaml": "yaml", ".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "oruk"}
FORMATS = ("yaml", "csv", "xlsx", "oruk")


def is_url(text: str) -> bool:
    """True when the catalogue is an ORUK API address rather than a file."""
    return is_http_url(text)


def guess_format(path_or_url: str) -> str:
    """The format from a URL (always ``oruk``) or the file extension."""
    if is_url(path_or_url):
        return "oruk"
    fmt = _EXTENSIONS.get(Path(path_or_url).suffix.lower())
    if not fmt:
        raise CatalogueError(f"{path_or_url}: cannot tell the catalogue format from the file name; "
                             "use .yml, .csv, .xlsx or .json, or give --catalogue-format yaml|csv|xlsx|oruk")
    return fmt


def _load(path_or_url: str, fmt: str, mapping: str, strict: bool) -> Catalogue:
    if fmt == "yaml":  # the project's own format, written by hand: always strict, like the config
        from checks.catalogue.yamlfile import load_yaml

        return load_yaml(path_or_url)
    if fmt == "oruk":
        from checks.catalogue.oruk_source import load_oruk

        return load_oruk(path_or_url, strict)
    from checks.catalogue.tabular import load_table

    return load_table(path_or_url, fmt, mapping, strict)


def load_catalogue(path_or_url: str, fmt: str = "", mapping: str = "", strict: bool = True) -> Catalogue:
    """Load and validate a catalogue; raise ``CatalogueError`` listing every problem
    (without ``strict``, only when nothing in it can be audited)."""
    fmt = (fmt or guess_format(path_or_url)).lower()
    if fmt not in FORMATS:
        raise CatalogueError(f"{path_or_url}: unknown catalogue format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if mapping and fmt not in ("csv", "xlsx"):
        log.warning("%s: the column mapping %s is only used for CSV and XLSX catalogues; ignored", path_or_url, mapping)
    try:
        catalogue = _load(path_or_url, fmt, mapping, strict)
    except RecursionError:  # JSON or YAML nested thousands deep
        raise CatalogueError(f"{path_or_url}: nested too deeply to be a catalogue") from None
    for note in catalogue.warnings:
        log.info("%s", note)
    if catalogue.problems:
        log.warning("%s: %d problem(s) in %d record(s); reported as catalogue.* findings", path_or_url,
                    len(catalogue.problems), len({p.index for p in catalogue.problems}))
    log.info("%s: %d services", path_or_url, len(catalogue.services))
    return catalogue
