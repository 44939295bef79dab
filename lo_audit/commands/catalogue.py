"""``lo-audit catalogue validate``: report every problem in a catalogue at once (always
strict), and for a clean catalogue how complete it is, as the Open Referral UK validator
measures it."""

from __future__ import annotations

from datetime import date


def run(args) -> int:
    from checks.catalogue import load_catalogue
    from checks.catalogue.quality import MEASURES, feed_completeness

    catalogue = load_catalogue(args.file, fmt=args.catalogue_format or "", mapping=args.mapping or "")
    print(f"{args.file}: {len(catalogue.services)} services, no problems found")
    completeness = feed_completeness(catalogue, date.today())
    for key, label in MEASURES:
        share = getattr(completeness, key)
        print(f"  {label}: {share.percent}% ({share.count} of {share.total})")
    return 0
