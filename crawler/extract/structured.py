"""schema.org items in JSON-LD blocks and microdata: the types a page declares and the
contact details they carry (``telephone``, ``email``, ``url``, ``postalCode``).

A directory record often says what it is in structured data (``Service``,
``GovernmentService``, ``Organization``, ``LocalBusiness``...). Only a summary is kept:
type, name and contact values, a few items per page, each value capped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

MAX_ITEMS = 10
MAX_VALUES = 10
MAX_DEPTH = 6
CONTACT_PROPS = ("telephone", "email", "url", "postalCode", "sameAs", "faxNumber")
RECORD_TYPES = frozenset({
    "service", "governmentservice", "financialproduct", "organization", "ngo", "localbusiness", "governmentorganization",
    "educationalorganization", "medicalorganization", "childcare", "school", "preschool", "elementaryschool",
    "middleschool", "highschool", "collegeoruniversity", "sportsorganization", "sportsclub", "sportsactivitylocation",
    "healthandbeautybusiness", "medicalclinic", "physician", "dentist", "library", "communityhealth",
    "performinggroup", "project", "fundingscheme", "civicstructure", "recreationcenter",
})
"""schema.org types (lower case) that describe one service, organisation or venue."""


def _text(value, limit: int = 300) -> str:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or value.get("name") or ""
    return " ".join(str(value).split())[:limit] if isinstance(value, (str, int, float)) else ""


def _types(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [t.rsplit("/", 1)[-1].rsplit("#", 1)[-1][:60] for t in values if isinstance(t, str) and t]


def _walk(data, depth: int = 0, nested: bool = False) -> Iterator[dict]:
    """Objects with an ``@type``: top-level ones (``@graph`` members included) and nested
    ones of a record type (a provider); addresses and contact points are read as part of
    their item."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data[:200]:
            yield from _walk(item, depth + 1, nested)
    elif isinstance(data, dict):
        typed = "@type" in data
        if typed and (not nested or _is_record_type(data)):
            yield data
        for key, value in list(data.items())[:100]:
            if isinstance(value, (dict, list)):
                yield from _walk(value, depth + 1, nested or (typed and key != "@graph"))


def _props(obj: dict, depth: int = 0) -> dict[str, list[str]]:
    """Contact properties of one item, including those of its address and contactPoint."""
    out: dict[str, list[str]] = {}
    for prop in CONTACT_PROPS:
        raw = obj.get(prop)
        for value in (raw if isinstance(raw, list) else [raw])[:MAX_VALUES]:
            if text := _text(value):
                out.setdefault(prop, []).append(text)
    if depth < 2:
        for key in ("address", "contactPoint", "location", "areaServed", "provider"):
            nested = obj.get(key)
            for child in (nested if isinstance(nested, list) else [nested])[:MAX_VALUES]:
                if isinstance(child, dict) and not (key == "provider" and _is_record_type(child)):
                    for prop, values in _props(child, depth + 1).items():
                        out.setdefault(prop, []).extend(values)
    return {k: v[:MAX_VALUES] for k, v in out.items()}


def _is_record_type(obj: dict) -> bool:
    return any(t.lower() in RECORD_TYPES for t in _types(obj.get("@type")))


def from_jsonld(blocks: Iterable[str]) -> list[dict]:
    """``{"type", "name", "source": "jsonld", props...}`` for each typed item (invalid JSON skipped)."""
    items: list[dict] = []
    for block in blocks:
        try:
            data = json.loads(block)
        except (ValueError, RecursionError):
            continue
        for obj in _walk(data):
            types = _types(obj.get("@type"))
            if types:
                items.append({"type": types[0], "name": _text(obj.get("name")), "source": "jsonld", **_props(obj)})
            if len(items) >= MAX_ITEMS:
                return items
    return items


def _item_value(node: LexborNode) -> str:
    attrs = node.attributes
    if node.tag == "meta":
        return attrs.get("content") or ""
    if node.tag in ("a", "link", "area"):
        return attrs.get("href") or ""
    if node.tag == "time":
        return attrs.get("datetime") or node.text() or ""
    return attrs.get("content") or node.text(separator=" ") or ""


def _inside_item(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if "itemscope" in parent.attributes:
            return True
        parent = parent.parent
    return False


def from_microdata(tree: LexborHTMLParser) -> list[dict]:
    """Items of ``[itemscope][itemtype]`` elements (their own and nested properties)."""
    items: list[dict] = []
    for scope in tree.css("[itemscope][itemtype]"):
        if _inside_item(scope):
            continue  # an address or contactPoint: read as part of its item
        types = _types((scope.attributes.get("itemtype") or "").split()[:1])
        item: dict = {"type": types[0] if types else "", "source": "microdata"}
        for node in scope.css("[itemprop]"):
            for prop in (node.attributes.get("itemprop") or "").split():
                value = _text(_item_value(node))
                if prop == "name" and "name" not in item and value:
                    item["name"] = value
                elif prop in CONTACT_PROPS and value:
                    values = item.setdefault(prop, [])
                    if len(values) < MAX_VALUES:
                        values.append(value)
        item.setdefault("name", "")
        items.append(item)
        if len(items) >= MAX_ITEMS:
            break
    return items


def record_types(items: Iterable[dict]) -> list[str]:
    """The schema.org types among ``items`` that describe a service, organisation or venue."""
    return list(dict.fromkeys(i["type"] for i in items if str(i.get("type", "")).lower() in RECORD_TYPES))
