"""Catalogue loading, the rules, the finding model and the reports.

Rules read the crawl store (``crawler.store.StoreReader``) and the catalogue and
return findings; they never fetch anything.
"""
