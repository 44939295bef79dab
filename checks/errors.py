"""The checks' exceptions (each says who raises it). ``lo_audit.errors`` maps them to exit
statuses; a bad rule id in the settings is a ``common.errors.ConfigError``."""

from __future__ import annotations

from common.errors import InputError


class CatalogueError(InputError):
    """The service catalogue (YAML, CSV, XLSX or ORUK JSON) or its column mapping is invalid.

    Raised by ``checks.catalogue``; ``problems`` lists every fault with file, row/line and field.
    """


class WaiverError(InputError):
    """The waivers file is invalid. Raised by ``checks.triage.waivers``."""
