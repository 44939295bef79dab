"""Reading YAML a user wrote: dates stay text, every key keeps its line number.

Shared by the config, catalogue and waiver loaders so that each message can name
``file:line: dotted.path``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import InputError


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves ``2024-13-01`` as text for our validators to judge."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def line_map(node, prefix: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map key paths (tuples of keys and list indexes) to 1-based line numbers."""
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = prefix + (str(key_node.value),)
            out[path] = key_node.start_mark.line + 1
            line_map(value_node, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[prefix + (i,)] = item.start_mark.line + 1
            line_map(item, prefix + (i,), out)
    return out


def where(file: str, lines: dict, path: tuple) -> str:
    """``file:line: a.b.0.c`` for a key path (falls back to the nearest parent's line)."""
    dotted = ".".join(str(p) for p in path)
    probe = path
    while probe and probe not in lines:
        probe = probe[:-1]
    line = lines.get(probe)
    return f"{file}:{line}: {dotted}" if line else f"{file}: {dotted}"


def read_yaml(path: str | Path, error: type[InputError] = InputError, what: str = "file") -> tuple[object, dict]:
    """Parse a YAML file; return ``(data, lines)`` or raise ``error`` naming file and line."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{file}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{file}: cannot read {what} ({exc})") from None
    try:
        node = yaml.compose(text, Loader=_TextDatesLoader)
        data = yaml.load(text, Loader=_TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{file}:{mark.line + 1}" if mark else file
        raise error(f"{at}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    return data, (line_map(node) if node is not None else {})
