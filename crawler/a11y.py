"""axe-core results (from ``crawler.render``) -> ``AxeViolation`` records."""

from __future__ import annotations

from crawler.model import AxeViolation

MAX_HTML = 300


def _target(node: dict) -> str:
    target = node.get("target") or []
    parts = [t if isinstance(t, str) else " ".join(map(str, t)) for t in target]
    return " ".join(parts)[:500]


def violations_from_axe(url: str, template: str, violations: list[dict]) -> list[AxeViolation]:
    """One record per violated rule, with its first node as the example."""
    out = []
    for item in violations:
        nodes = item.get("nodes") or []
        first = nodes[0] if nodes else {}
        out.append(AxeViolation(
            url=url, template=template, rule=str(item.get("id", "")), impact=str(item.get("impact") or ""),
            help=str(item.get("help", ""))[:500], help_url=str(item.get("helpUrl", ""))[:500],
            tags=tuple(str(t) for t in item.get("tags", [])), nodes=len(nodes),
            example_target=_target(first), example_html=str(first.get("html", ""))[:MAX_HTML]))
    return out
