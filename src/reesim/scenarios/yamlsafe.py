"""Read a YAML file safely into plain data, remembering where every value was written.

Safety: only YAML's plain types are built (mappings, lists, strings, numbers, booleans, null,
dates); no tags that run code, and no tag on a mapping or list but ``!!map`` and ``!!seq``.
Files are bounded in size, nesting depth (checked while the text is read, before any deep
structure is built) and number of values (which also defuses alias "billion laughs" bombs),
and duplicate keys are refused. A value that its tag or form
cannot give (``!!int abc``, the date ``2025-02-30``, an integer of thousands of digits) is an
error at its line and field, like any other.

Positions: :class:`Located` keeps the composed node tree, so a path such as
``("instruments", 2, "elements", 1)`` can be turned into ``line:column`` for error messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

from reesim.errors import Problem
from reesim.textfile import MAX_BYTES

#: Limits that keep a hostile or broken file from exhausting memory or time (the size limit is
#: the one of every file reesim reads, :data:`reesim.textfile.MAX_BYTES`).
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


def _fail(file: str, mark: Any, message: str, hint: str, field: str | None = None) -> YamlError:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return YamlError(Problem(file, line, field, message, hint, column=column))


def _deep(file: str, mark: Any) -> YamlError:
    return _fail(file, mark, f"nested deeper than {MAX_DEPTH} levels", "flatten it")


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing nesting deeper than :data:`MAX_DEPTH` while it composes nodes
    (composing is recursive: thousands of brackets would otherwise exhaust Python's stack)."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 1:
                raise _deep(self.file, self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            node: yaml.Node | None = super().compose_node(parent, index)
            return node
        finally:
            self.depth -= 1


def _field(path: Path_) -> str | None:
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out or None


#: For a value its tag or form cannot give, by tag: what it should be, and what to write instead.
_SCALARS = {
    "tag:yaml.org,2002:timestamp": ("date", "give a real date, e.g. 2025-04 or 2025-04-04"),
    "tag:yaml.org,2002:int": ("whole number", "give a whole number of at most 4,300 digits"),
    "tag:yaml.org,2002:float": ("number", "give a number, e.g. 0.5"),
    "tag:yaml.org,2002:bool": ("boolean", "give true or false"),
}


#: The tags a mapping or a list may have: YAML's own (implicit, or written ``!!map``/``!!seq``).
_PLAIN_COLLECTIONS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


class _Builder:
    """Turns composed nodes into Python values, counting values and depth."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.count = 0
        self.scalars = yaml.SafeLoader("")  # only its scalar constructors are used

    def build(self, node: yaml.Node, depth: int = 0, path: Path_ = ()) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _fail(self.file, node.start_mark, f"more than {MAX_VALUES:,} values", "split the file")
        if depth > MAX_DEPTH:
            raise _deep(self.file, node.start_mark)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_COLLECTIONS:
            raise self._bad_tag(node, path)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, depth + 1, path)
                if not isinstance(key, str | int | float | bool) or isinstance(key, dt.date):
                    raise _fail(
                        self.file, key_node.start_mark, "a key must be a plain name", "write key: value",
                        _field(path),
                    )  # fmt: skip
                key = str(key)
                if key in out:
                    raise _fail(self.file, key_node.start_mark, f"duplicate key {key!r}", "keep one of them",
                                _field((*path, key)))  # fmt: skip
                out[key] = self.build(value_node, depth + 1, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, depth + 1, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
            raise self._bad_scalar(node, path, exc) from None

    def _bad_tag(self, node: yaml.Node, path: Path_) -> YamlError:
        """The error for a mapping or list written with a tag (``!!python/object:os.system``,
        ``!!set``, ``!custom``): nothing is built from it."""
        tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
        shown = tag if len(tag) <= 60 else tag[:60] + "..."
        kind = "mapping" if isinstance(node, yaml.MappingNode) else "list"
        message = f"the tag {shown!r} is not allowed: scenario files hold plain values only"
        return _fail(self.file, node.start_mark, message, f"remove the tag and write a plain {kind}",
                     _field(path))  # fmt: skip

    def _bad_scalar(self, node: yaml.ScalarNode, path: Path_, exc: Exception) -> YamlError:
        """The error for a scalar its tag cannot build (``!!int abc``, 2025-02-30, 5,000 digits)."""
        kind, hint = _SCALARS.get(node.tag, (node.tag.rsplit(":", 1)[-1], "use plain YAML values"))
        reason = ""
        if "Exceeds the limit" in str(exc):
            reason = "more digits than a number may have"
        elif kind == "date" and isinstance(exc, ValueError):
            reason = str(exc)
        shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
        message = f"{shown!r} is not a valid {kind}" + (f": {reason}" if reason else "")
        return _fail(self.file, node.start_mark, message, hint, _field(path))


def read_yaml(text: str, file: str) -> Located:
    """Parse ``text`` (the content of ``file``) safely; raises :class:`YamlError`."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise YamlError(Problem(file, None, None, f"file larger than {MAX_BYTES:,} bytes", "split it"))
    loader: _Loader | None = None
    try:
        loader = _Loader(text, file)
        root = loader.get_single_node()
    except yaml.reader.ReaderError as exc:  # a control character; its position is in characters
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        message = f"not valid YAML: character #x{exc.character:04x} is not allowed"
        hint = "remove control characters; save the file as plain UTF-8 text"
        raise YamlError(Problem(file, line, None, message, hint, column=column)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _fail(file, mark, f"not valid YAML: {exc.problem or exc.context}", _yaml_hint(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(file, None, None, f"not valid YAML: {exc}", "check the syntax")) from None
    except RecursionError:
        raise YamlError(Problem(file, None, None, "nested too deeply", "flatten it")) from None
    finally:
        if loader is not None:
            loader.dispose()
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
