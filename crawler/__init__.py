"""Fetching, rendering, extraction and the SQLite crawl store.

This package never imports ``checks`` or ``lo_audit``: the crawl store (``crawler.store``) is
the contract with the checks, and the settings, errors and progress callback it is given are
its whole interface with the command line.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("local-offer-audit")
    """The installed release (``pyproject.toml``), sent in the crawler's User-Agent."""
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0+unknown"
