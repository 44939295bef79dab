"""``lo-audit demo``: serve the bundled Exampleshire Local Offer on loopback, audit it
end to end, build the site, print where to look; ``--serve`` then previews the site."""

from __future__ import annotations


def run(args) -> int:
    from lo_audit.demo.run import run_demo

    return run_demo(args)
