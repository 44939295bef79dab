"""Fetching, rendering, extraction and the SQLite crawl store.

This package never imports ``checks``: the crawl store (``crawler.store``) is the
contract between the two.
"""
