"""The crawl read once: the site index, each page's main content, evidence, and services matched to records."""
