"""``lo-audit merge``: one comparative site from several councils' reports."""

from __future__ import annotations


def run(args) -> int:
    from lo_audit.ci.merge import merge_reports

    built = merge_reports(args.reports, site_dir=args.site_dir, docs_dir=args.docs_dir)
    print(f"comparative site built: {built}")
    return 0
