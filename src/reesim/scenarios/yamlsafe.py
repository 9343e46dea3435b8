"""Read a YAML file safely into plain data, remembering where every value was written.

Safety: only YAML's plain types are built (mappings, lists, strings, numbers, booleans, null,
dates); no tags that run code. Files are bounded in size, nesting depth and number of values
(which also defuses alias "billion laughs" bombs), and duplicate keys are refused.

Positions: :class:`Located` keeps the composed node tree, so a path such as
``("instruments", 2, "elements", 1)`` can be turned into ``line:column`` for error messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

from reesim.errors import Problem

#: Limits that keep a hostile or broken file from exhausting memory or time.
MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_VALUES = 100_000

Path_ = tuple[str | int, ...]


class YamlError(Exception):
    """The file is not safe, well-formed YAML; ``problem`` says where and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class Located:
    """Plain data read from ``file`` with the node tree it came from."""

    file: str
    data: Any
    root: yaml.Node | None

    def position(self, path: Path_) -> tuple[int | None, int | None]:
        """1-based ``(line, column)`` of the value at ``path``, or of its deepest existing parent.

        Items of ``path`` that match no key or index (such as pydantic's union tags) are skipped.
        """
        node = self.root
        if node is None:
            return None, None
        for item in path:
            child = _child(node, item)
            if child is not None:
                node = child
        return node.start_mark.line + 1, node.start_mark.column + 1


def _child(node: yaml.Node, item: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(item):
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(item, int) and 0 <= item < len(node.value):
        child: yaml.Node = node.value[item]
        return child
    return None


def _fail(file: str, mark: Any, message: str, hint: str) -> YamlError:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return YamlError(Problem(file, line, None, message, hint, column=column))


class _Builder:
    """Turns composed nodes into Python values, counting values and depth."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.scalars = yaml.SafeLoader("")  # only its scalar constructors are used

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _fail(self.file, node.start_mark, f"more than {MAX_VALUES:,} values", "split the file")
        if depth > MAX_DEPTH:
            raise _fail(self.file, node.start_mark, f"nested deeper than {MAX_DEPTH} levels", "flatten it")
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, depth + 1)
                if not isinstance(key, str | int | float | bool) or isinstance(key, dt.date):
                    raise _fail(
                        self.file, key_node.start_mark, "a key must be a plain name", "write key: value"
                    )
                key = str(key)
                if key in out:
                    raise _fail(self.file, key_node.start_mark, f"duplicate key {key!r}", "keep one of them")
                out[key] = self.build(value_node, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, depth + 1) for child in node.value]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalars.construct_object(node, deep=True)


def read_yaml(text: str, file: str) -> Located:
    """Parse ``text`` (the content of ``file``) safely; raises :class:`YamlError`."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise YamlError(Problem(file, None, None, f"file larger than {MAX_BYTES:,} bytes", "split it"))
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _fail(file, mark, f"not valid YAML: {exc.problem or exc.context}", _yaml_hint(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(file, None, None, f"not valid YAML: {exc}", "check the syntax")) from None
    if root is None:
        return Located(file, None, None)
    try:
        data = _Builder(file).build(root)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _fail(file, mark, f"unsupported value: {exc.problem}", "use plain YAML values") from None
    except RecursionError:
        raise YamlError(Problem(file, None, None, "nested too deeply", "flatten it")) from None
    return Located(file, data, root)


def _yaml_hint(exc: yaml.MarkedYAMLError) -> str:
    text = f"{exc.problem} {exc.context}"
    if "tab" in text:
        return "indent with spaces, not tabs"
    if "mapping values" in text:
        return "quote values that contain ': ' or put a space after each colon"
    if "found character" in text:
        return "quote the value"
    return "check indentation and quoting around this position"
