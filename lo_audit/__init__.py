"""Local Offer Audit: audit a SEND Local Offer website and publish the results."""

from crawler import __version__  # noqa: F401  (one version, read from the installed package)
