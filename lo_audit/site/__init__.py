"""The published site: generated Markdown pages, hand-written guides, built by MkDocs Material.

``build.build_site(cfg)`` is the entry point used by ``lo-audit build``.
"""
