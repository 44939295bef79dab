"""The catalogue's own YAML format (documented in docs/reference/catalogue.md)."""

from __future__ import annotations

from dataclasses import dataclass

from checks.errors import CatalogueError
from common.yamlio import read_yaml, where

from checks.catalogue.model import Catalogue
from checks.catalogue.document import build_catalogue


@dataclass(frozen=True)
class YamlLocator:
    """Messages name ``file:line: services.3.contacts.phones.0``."""

    file: str
    lines: dict

    def at(self, path: tuple) -> str:
        if not path:
            return f"{self.file}:1"
        return where(self.file, self.lines, path)

    def origin(self, index: int) -> str:
        line = self.lines.get(("services", index))
        return f"{self.file}:{line}" if line else self.file

    def position(self, path: tuple) -> dict:
        probe = path
        while probe and probe not in self.lines:
            probe = probe[:-1]
        return {"line": self.lines[probe]} if probe else {}


def load_yaml(path: str, strict: bool = True) -> Catalogue:
    """Read and validate a YAML catalogue (``strict``: see ``build_catalogue``)."""
    data, lines = read_yaml(path, CatalogueError, "catalogue")
    return build_catalogue(data, YamlLocator(str(path), lines), str(path), strict=strict)
