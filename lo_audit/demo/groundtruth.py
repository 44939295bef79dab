"""The demo's ground truth: load it, and score a check run's findings against it.

Matching follows checks/CONTRACT.md ("ground-truth key"): each rule compares a few
fields (URLs after normalisation). ``a11y.*`` findings match when the truth URL is one of
``evidence.pages``. ``waivers.*`` and ``crawl.guard`` findings are never scored, and only
families that the truth covers are scored.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml

from checks.reports.files import read_findings
from lo_audit.demo.content import fill

KEYS: dict[str, tuple[str, ...]] = {
    "links.broken": ("url", "target"),
    "links.redirect": ("url", "target"),
    "links.insecure": ("url", "target"),
    "links.anchor": ("url", "target"),
    "links.mailto": ("url", "target"),
    "links.tel": ("url", "target"),
    "links.document": ("url", "target"),
    "service.missing": ("service_id",),
    "service.not-linked": ("service_id",),
    "service.closed-listed": ("service_id",),
    "service.age-mismatch": ("service_id",),
    "contact.phone": ("service_id",),
    "contact.email": ("service_id",),
    "contact.postcode": ("service_id",),
    "contact.website": ("service_id",),
    "statutory.topic-missing": ("topic",),
    "statutory.you-said-we-did": (),
    "statutory.offline-access": (),
    "statutory.accessibility-statement": (),
    "inspection.evidence-missing": ("criterion",),
    "plain-language.acronym": ("url", "acronym"),
}
"""Rule -> fields that must be equal. Rules not listed match on ``url``."""

UNSCORED_PREFIXES = ("waivers.", "crawl.guard")


def load_truth(path: str | Path, bases: dict[str, str]) -> list[dict]:
    """The ground truth entries with ``{cms}``, ``{dir}``, ``{ext}`` resolved."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    items = data.get("findings", data) if isinstance(data, dict) else data
    out = []
    for item in items:
        out.append({k: fill(v, bases) if isinstance(v, str) else v for k, v in item.items()})
    return out


def normalise_url(url: str) -> str:
    """Compare-ready URL: lower-case scheme and host, no fragment, no trailing slash, sorted query."""
    url = (url or "").strip()
    if not url:
        return ""
    if url.lower().startswith(("mailto:", "tel:")):
        return url.lower().replace(" ", "")
    parts = urlsplit(url)
    path = parts.path.rstrip("/") if parts.path not in ("", "/") else ""
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def _field(finding: dict, name: str) -> str:
    """A key field of a finding, from its top level or its evidence."""
    evidence = finding.get("evidence") or {}
    if name == "target":
        value = evidence.get("target") or evidence.get("href") or finding.get("target") or ""
    elif name in ("topic", "criterion"):
        value = evidence.get(name) or finding.get(name) or finding.get("subject") or ""
    else:
        value = finding.get(name) or evidence.get(name) or ""
    return str(value)


def _equal(name: str, a: str, b: str) -> bool:
    if name in ("url", "target"):
        return normalise_url(a) == normalise_url(b)
    if name == "acronym":
        return a.strip().upper() == b.strip().upper()
    return a.strip() == b.strip()


def matches(finding: dict, truth: dict) -> bool:
    """True when ``finding`` is the planted defect ``truth``."""
    rule = truth["rule"]
    if finding.get("rule") != rule:
        return False
    if rule.startswith("a11y."):
        pages = [finding.get("url", "")] + list((finding.get("evidence") or {}).get("pages") or [])
        return any(_equal("url", p, truth.get("url", "")) for p in pages)
    keys = KEYS.get(rule, ("url",))
    return all(_equal(k, _field(finding, k), str(truth.get(k, ""))) for k in keys)


def units(finding: dict) -> list[dict]:
    """The (page, target) pairs a link finding stands for, each scored on its own.

    Link findings are grouped by target: one finding lists every page holding the link
    (``evidence.pages``). Each listed page is a claim that the page holds a faulty link,
    so each becomes one unit that must match a truth entry (a page listed wrongly counts
    as a false positive, a page left out as a miss). Other findings are one unit each.
    """
    evidence = finding.get("evidence") or {}
    pages = evidence.get("pages")
    if not str(finding.get("rule", "")).startswith("links.") or not isinstance(pages, list) or not pages:
        return [finding]
    return [{**finding, "url": page} for page in pages]


def family(rule: str) -> str:
    """``links.broken`` -> ``links``."""
    return rule.split(".", 1)[0]


def scored(finding: dict) -> bool:
    """False for findings that are never scored (waivers, crawl guards)."""
    return not str(finding.get("rule", "")).startswith(UNSCORED_PREFIXES)


def score(findings: list[dict], truth: list[dict]) -> dict[str, dict]:
    """Per family: tp, fp, fn, recall, precision, and the missed truth / extra findings.

    A truth entry is found when any finding matches it; a finding is extra when it
    matches no truth entry. Grouped link findings are scored per page they list
    (``units``). Only families that appear in the truth are scored.
    """
    families = sorted({family(t["rule"]) for t in truth})
    out: dict[str, dict] = {}
    for fam in families:
        wanted = [t for t in truth if family(t["rule"]) == fam]
        got = [u for f in findings if scored(f) and family(str(f.get("rule", ""))) == fam for u in units(f)]
        missed = [t for t in wanted if not any(matches(f, t) for f in got)]
        extra = [f for f in got if not any(matches(f, t) for t in wanted)]
        tp = len(wanted) - len(missed)
        good = len(got) - len(extra)
        out[fam] = {
            "tp": tp,
            "fp": len(extra),
            "fn": len(missed),
            "recall": round(tp / len(wanted), 3) if wanted else 1.0,
            "precision": round(good / len(got), 3) if got else 1.0,
            "missed": missed,
            "extra": [_brief(f) for f in extra],
        }
    return out


def score_report(path: str | Path, truth: list[dict]) -> dict[str, dict]:
    """``score`` of the active and waived findings of a ``findings.json`` (or reports folder)."""
    result = read_findings(path)
    return score([f.to_dict() for f in (*result.findings, *result.waived)], truth)


def _brief(finding: dict) -> dict:
    evidence = finding.get("evidence") or {}
    return {k: v for k, v in {
        "rule": finding.get("rule"), "url": finding.get("url"), "subject": finding.get("subject"),
        "service_id": finding.get("service_id"), "target": evidence.get("target") or evidence.get("href"),
        "message": finding.get("message"),
    }.items() if v}


def format_scores(scores: dict[str, dict]) -> str:
    """A small table of recall and precision per family, with what was missed or extra."""
    lines = [f"{'family':<16}{'tp':>4}{'fp':>4}{'fn':>4}{'recall':>8}{'precision':>11}"]
    for fam, s in scores.items():
        lines.append(f"{fam:<16}{s['tp']:>4}{s['fp']:>4}{s['fn']:>4}{s['recall']:>8.2f}{s['precision']:>11.2f}")
        lines += [f"    missed: {m}" for m in s["missed"]]
        lines += [f"    extra:  {e}" for e in s["extra"]]
    return "\n".join(lines)
