"""Reading YAML a user wrote: dates stay text, every key keeps its line number.

Shared by the config, catalogue, column mapping, waiver and councils loaders so that each
message can name ``file:line: dotted.path``. The document is checked before it is turned
into Python values, and each of these is one message (exit status 2), never a silently
kept last value or a traceback:

- a key given twice in one mapping (both lines are named);
- an alias that refers to the value it is part of (a recursive alias);
- aliases that expand to more than ``MAX_VALUES`` values (an alias "bomb");
- ``.inf``, ``-.inf`` or ``.nan``, which no setting or catalogue field can use;
- half of a character pair on its own (``"\\ud800"``), which no report file can hold;
- nesting too deep for the parser.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from common.errors import InputError

MAX_VALUES = 1_000_000
"""Values a document may hold once its aliases are expanded (far more than any real file)."""
_FLOAT_TAG = "tag:yaml.org,2002:float"
_NOT_FINITE = re.compile(r"^[-+]?\.(?:inf|nan)$", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")
"""Half of a UTF-16 pair on its own: YAML's ``"\\ud800"`` escape gives one; UTF-8 cannot hold it."""


class _TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves ``2024-13-01`` as text for our validators to judge."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line(node) -> int:
    return node.start_mark.line + 1


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


class _Inspector:
    """One walk over the composed document: line numbers, and the faults listed above."""

    def __init__(self, file: str, error: type[InputError]) -> None:
        self.file, self.error = file, error
        self.lines: dict[tuple, int] = {}
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()

    def fail(self, node, path: tuple, message: str) -> None:
        at = f"{self.file}:{_line(node)}" + (f": {_dotted(path)}" if path else "")
        raise self.error(f"{at}: {message}")

    def visit(self, node, path: tuple = ()) -> int:
        """Check ``node`` and what it holds; return how many values it expands to."""
        key = id(node)
        if key in self.open:
            self.fail(node, path, "a recursive alias: the anchored value contains an alias to itself")
        if key in self.sizes:  # an alias of a value already checked: count it, do not walk it again
            return self.sizes[key]
        self.open.add(key)
        if isinstance(node, yaml.MappingNode):
            size = self._mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            size = 1
            for i, item in enumerate(node.value):
                self.lines.setdefault(path + (i,), _line(item))
                size += self.visit(item, path + (i,))
        else:
            size = 1
            if node.tag == _FLOAT_TAG and _NOT_FINITE.match(str(node.value)):
                self.fail(node, path, f"{node.value} is not a number the tool can use; give a finite number")
            if isinstance(node.value, str) and _SURROGATE.search(node.value):
                self.fail(node, path, "holds half of a character pair (an escape from \\ud800 to \\udfff on its "
                                      "own), which no report can store; write the character itself")
        self.open.discard(key)
        self.sizes[key] = size
        if size > MAX_VALUES:
            raise self.error(f"{self.file}:{_line(node)}: aliases expand to more than {MAX_VALUES:,} values; "
                             "write the values out instead")
        return size

    def _mapping(self, node, path: tuple) -> int:
        seen: dict[tuple, int] = {}
        size = 1
        for key_node, value_node in node.value:
            child = path + (str(key_node.value),)
            if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                ident = (key_node.tag, key_node.value)
                if ident in seen:
                    self.fail(key_node, child, f"the key {key_node.value!r} is given twice "
                              f"(lines {seen[ident]} and {_line(key_node)}); keep one")
                seen[ident] = _line(key_node)
            self.lines.setdefault(child, _line(key_node))
            size += self.visit(value_node, child)
        return size


def line_map(node, file: str = "<yaml>", error: type[InputError] = InputError) -> dict[tuple, int]:
    """Map key paths (tuples of keys and list indexes) to 1-based line numbers, raising
    ``error`` for the faults listed in the module docstring."""
    inspector = _Inspector(file, error)
    inspector.visit(node)
    return inspector.lines


def where(file: str, lines: dict, path: tuple) -> str:
    """``file:line: a.b.0.c`` for a key path (falls back to the nearest parent's line)."""
    dotted = _dotted(path)
    probe = path
    while probe and probe not in lines:
        probe = probe[:-1]
    line = lines.get(probe)
    return f"{file}:{line}: {dotted}" if line else f"{file}: {dotted}"


def _parse(text: str, file: str, error: type[InputError]) -> tuple[object, dict]:
    loader = _TextDatesLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines = line_map(node, file, error)
        return loader.construct_document(node), lines
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{file}:{mark.line + 1}" if mark else file
        raise error(f"{at}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    except RecursionError:
        raise error(f"{file}: nested too deeply to read") from None
    finally:
        loader.dispose()


def read_yaml(path: str | Path, error: type[InputError] = InputError, what: str = "file") -> tuple[object, dict]:
    """Parse a YAML file; return ``(data, lines)`` or raise ``error`` naming file and line."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{file}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{file}: cannot read {what} ({exc})") from None
    return _parse(text, file, error)
