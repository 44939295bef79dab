"""The demo Local Offer "Exampleshire": a fictional council's SEND Local Offer served on
loopback (``DemoSite``), its catalogue, config, waivers and ground truth (``data/``),
scoring against the ground truth (``groundtruth``) and ``lo-audit demo`` (``run``)."""

from __future__ import annotations

__all__ = ["DemoSite"]


def __getattr__(name: str):
    if name == "DemoSite":
        from lo_audit.demo.server import DemoSite

        return DemoSite
    raise AttributeError(name)
