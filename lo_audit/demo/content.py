"""Loads the demo's data files (articles, services, catalogue) once, with small helpers.

Everything is deterministic: the same files always give the same site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
KB5 = "/kb5/exampleshire/directory"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def data_path(name: str) -> Path:
    """The path of a bundled data file."""
    return DATA / name


@lru_cache(maxsize=None)
def load_yaml(name: str) -> Any:
    """A bundled YAML data file, parsed once."""
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    """A bundled static asset (CSS, JavaScript) as text."""
    return (DATA / "static" / name).read_text(encoding="utf-8")


def long_date(iso: str) -> str:
    """``2026-05-19`` -> ``19 May 2026``."""
    d = date.fromisoformat(iso)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def slugify(text: str) -> str:
    """A URL/id slug of ``text``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Record:
    """One service record on the demo directory (catalogue data plus planted overrides)."""

    id: str
    service_id: str
    name: str
    org: str
    channel: int
    updated: str
    contact_name: str
    phone: str
    email: str
    website: str
    address: str
    postcode: str
    age_min: int
    age_max: int
    cost: str
    referral: str
    description: str
    local_offer: tuple[str, ...]
    topics: tuple[str, ...]
    js_only: bool = False
    not_linked: bool = False
    closed: bool = False

    @property
    def path(self) -> str:
        return f"{KB5}/service.page?id={self.id}"


def catalogue() -> list[dict]:
    """The raw catalogue entries (placeholders unresolved)."""
    return load_yaml("catalogue.yml")["services"]


@lru_cache(maxsize=1)
def records() -> tuple[Record, ...]:
    """Every record the directory serves, in file order."""
    cat = {s["id"]: s for s in catalogue()}
    out = []
    for r in load_yaml("services.yml")["records"]:
        base = cat.get(r.get("service") or "", {})
        c = base.get("contacts", {})
        age = base.get("age_range", {})
        out.append(Record(
            id=r["id"], service_id=r.get("service") or "", name=r.get("name", base.get("name", "")),
            org=r["org"], channel=int(r["channel"]), updated=str(r["updated"]),
            contact_name=r["contact_name"],
            phone=r.get("phone", (c.get("phones") or [""])[0]), email=r.get("email", (c.get("emails") or [""])[0]),
            website=r.get("website", c.get("website", "")), address=r.get("address", c.get("address", "")),
            postcode=r.get("postcode", c.get("postcode", "")),
            age_min=int(r.get("age_min", age.get("min", 0))), age_max=int(r.get("age_max", age.get("max", 25))),
            cost=r.get("cost", base.get("cost", "")), referral=r.get("referral", base.get("referral", "")),
            description=r.get("description", base.get("description", "")),
            local_offer=tuple(r.get("local_offer", ())), topics=tuple(base.get("topics", ())),
            js_only=bool(r.get("js_only")), not_linked=bool(r.get("not_linked")),
            closed=base.get("status") == "closed",
        ))
    return tuple(out)


def record_by_id(rid: str) -> Record | None:
    """The record with directory id ``rid``."""
    return next((r for r in records() if r.id == rid), None)


def record_for_service(service_id: str) -> Record | None:
    """The record built from catalogue service ``service_id``."""
    return next((r for r in records() if r.service_id == service_id), None)


def linkable_records(topic: str) -> list[Record]:
    """Records a topic article lists: the topic's records that are in raw HTML and meant to be linked."""
    return [r for r in records() if topic in r.topics and not r.js_only and not r.not_linked]


def organisations() -> dict[str, dict]:
    """Organisation key -> {name, website}."""
    return load_yaml("services.yml")["organisations"]


def fill(text: str, bases: dict[str, str]) -> str:
    """Replace ``{cms}``, ``{dir}`` and ``{ext}`` with the running bases."""
    for key, value in bases.items():
        text = text.replace("{" + key + "}", value).replace("%7B" + key + "%7D", value)
    return text
