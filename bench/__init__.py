"""Benchmarks: a synthetic Local Offer, our full audit against linkchecker's link-only crawl."""
