"""``lo-audit catalogue validate``: report every problem in a catalogue at once."""

from __future__ import annotations


def run(args) -> int:
    from checks.catalogue import load_catalogue

    catalogue = load_catalogue(args.file, fmt=args.catalogue_format or "", mapping=args.mapping or "")
    print(f"{args.file}: {len(catalogue.services)} services, no problems found")
    return 0
