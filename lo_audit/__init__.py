"""Local Offer Audit: audit a SEND Local Offer website and publish the results."""

__version__ = "0.1.0"
