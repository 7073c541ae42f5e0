"""YAML in two speeds: a fast plain load, and a round-trip load that keeps line numbers.

Files are read fast first (the C parser where available). Only when a file has an error is it
read again with positions, so that the error can name its line and column. Timestamps are kept
as strings so that a malformed date is reported by the validator, not lost in the parser.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
)
from ruamel.yaml.reader import ReaderError

from casus.schema import limits
from casus.schema.errors import FileError
from casus.schema.translate import show_path

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _PlainConstructor(SafeConstructor):
    """Safe constructor that leaves dates as strings."""


_PlainConstructor.add_constructor(_TIMESTAMP, SafeConstructor.construct_yaml_str)


class _PositionedConstructor(RoundTripConstructor):
    """Round-trip constructor (keeps line numbers) that leaves dates as strings."""


_PositionedConstructor.add_constructor(_TIMESTAMP, RoundTripConstructor.construct_yaml_str)


def _plain() -> YAML:
    y = YAML(typ="safe", pure=False)
    y.Constructor = _PlainConstructor
    return y


def _positioned() -> YAML:
    y = YAML(typ="rt")
    y.Constructor = _PositionedConstructor
    return y


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "something that is not a regular file"


def _too_big(shown: str, found: str) -> FileError:
    return FileError(
        shown,
        None,
        None,
        "",
        f"expected a file of at most {limits.size(limits.MAX_FILE_BYTES)}, found {found}",
    )


def _not_regular(shown: str, mode: int) -> FileError:
    if stat.S_ISDIR(mode):
        return FileError(shown, None, None, "", "expected a file, found a directory")
    return FileError(shown, None, None, "", f"expected a regular file, found {_kind_of(mode)}")


def read_text(path: Path, shown: str) -> tuple[str | None, FileError | None]:
    """The text of a regular file of at most MAX_FILE_BYTES, or why it cannot be read.

    A FIFO, device, socket or directory is refused from `stat`, before it is opened for reading
    (so a FIFO never blocks); the size is checked from `stat` and again while reading.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return None, FileError(shown, None, None, "", "expected a file, found nothing at this path")
    except OSError as e:
        return None, FileError(
            shown, None, None, "", f"expected a readable file, found: {e.strerror}"
        )
    if not stat.S_ISREG(info.st_mode):
        return None, _not_regular(shown, info.st_mode)
    if info.st_size > limits.MAX_FILE_BYTES:
        return None, _too_big(shown, limits.size(info.st_size))
    try:
        # O_NONBLOCK: should the path have become a FIFO since the stat, opening does not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        return None, FileError(
            shown, None, None, "", f"expected a readable file, found: {e.strerror}"
        )
    with os.fdopen(fd, "rb") as f:
        try:
            mode = os.fstat(f.fileno()).st_mode
            if not stat.S_ISREG(mode):
                return None, _not_regular(shown, mode)
            data = f.read(limits.MAX_FILE_BYTES + 1)
        except OSError as e:
            return None, FileError(
                shown, None, None, "", f"expected a readable file, found: {e.strerror}"
            )
    if len(data) > limits.MAX_FILE_BYTES:
        return None, _too_big(shown, "more (it grew while it was read)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, FileError(
            shown,
            None,
            None,
            "",
            f"expected UTF-8 text, found undecodable bytes at offset {e.start}",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _reader_error(error: ReaderError, text: str, shown: str) -> FileError:
    """A character the YAML reader refuses (a control character written as itself)."""
    pos = error.position if isinstance(error.position, int) else None
    line = col = None
    if pos is not None and 0 <= pos <= len(text):
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    char = error.character
    what = f"U+{char:04X}" if isinstance(char, int) else "a character YAML does not allow"
    return FileError(
        shown,
        line,
        col,
        "",
        f"expected text without control characters (only newline and tab), found {what}",
    )


def _yaml_error(error: YAMLError, shown: str) -> FileError:
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "invalid YAML"
        context = f" ({error.context})" if error.context else ""
        if mark is not None:
            return FileError(
                shown,
                mark.line + 1,
                mark.column + 1,
                "",
                f"expected valid YAML, found a syntax error: {problem}{context}",
            )
        return FileError(
            shown, None, None, "", f"expected valid YAML, found a syntax error: {problem}{context}"
        )
    return FileError(shown, None, None, "", f"expected valid YAML, found: {error}")


def load_plain(text: str, shown: str) -> tuple[Any, FileError | None]:
    try:
        return _plain().load(text), None
    except ReaderError as e:
        return None, _reader_error(e, text, shown)
    except YAMLError as e:
        return None, _yaml_error(e, shown)
    except ValueError as e:  # e.g. a malformed number the constructor cannot build
        return None, FileError(shown, None, None, "", f"expected valid YAML values, found: {e}")


def load_positioned(text: str) -> Any:
    """The same document with positions (`.lc`) on every mapping and sequence."""
    try:
        return _positioned().load(text)
    except (YAMLError, ValueError):
        return None


def position(doc: Any, path: tuple[int | str, ...]) -> tuple[int | None, int | None]:
    """1-based line and column of the node at `path`, or of the nearest ancestor that exists.

    For a mapping key, the position of the key; for a sequence item, of the item.
    """
    node = doc
    line: int | None = None
    col: int | None = None
    if hasattr(node, "lc"):
        line, col = 1, 1
    for part in path:
        lc = getattr(node, "lc", None)
        if lc is None:
            break
        try:
            if isinstance(part, str) and isinstance(node, dict) and part in node:
                ln, cn = lc.key(part)
                line, col = ln + 1, cn + 1
                node = node[part]
            elif isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
                ln, cn = lc.item(part)
                line, col = ln + 1, cn + 1
                node = node[part]
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
    return line, col


# --- the limits on a document, checked on the parser's events before anything is built --------

# C0 and C1 control characters, and DEL; newline and tab are text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(slots=True)
class _Frame:
    """An open mapping or list while the events are read."""

    path: tuple[int | str, ...]
    is_list: bool
    start: int  # the node count when it opened (its size, for an anchor, is counted from here)
    anchor: str | None
    items: int = 0
    expecting_key: bool = True
    key: str = "?"
    refused: bool = False  # already reported too long


@dataclass(slots=True)
class _Scan:
    shown: str
    errors: list[FileError] = field(default_factory=list)
    stack: list[_Frame] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    nodes: int = 0
    want: set[tuple[str, ...]] | None = None  # paths (parts as text) whose positions are asked for
    marks: dict[tuple[str, ...], tuple[int, int]] = field(default_factory=dict)

    def mark(self, event: NodeEvent, path: tuple[int | str, ...]) -> None:
        if self.want is None or event.start_mark is None:
            return
        key = tuple(str(p) for p in path)
        if key in self.want and key not in self.marks:
            self.marks[key] = (event.start_mark.line + 1, event.start_mark.column + 1)

    def error(self, event: NodeEvent, path: tuple[int | str, ...], message: str) -> None:
        mark = event.start_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        self.errors.append(FileError(self.shown, line, col, show_path(path), message))

    def begin(self, event: NodeEvent) -> tuple[tuple[int | str, ...], bool]:
        """A node starts inside the innermost open collection: its path, and whether it is a key."""
        if not self.stack:
            return (), False
        parent = self.stack[-1]
        if parent.is_list:
            index = parent.items
            parent.items += 1
            self._count(parent, event)
            return (*parent.path, index), False
        if parent.expecting_key:
            parent.items += 1
            self._count(parent, event)
            return parent.path, True
        return (*parent.path, parent.key), False

    def _count(self, parent: _Frame, event: NodeEvent) -> None:
        if parent.items > limits.MAX_ITEMS and not parent.refused:
            parent.refused = True
            what = "items in a list" if parent.is_list else "keys in a mapping"
            self.error(
                event,
                parent.path,
                f"expected at most {limits.MAX_ITEMS:,} {what}, found more "
                f"(item {parent.items:,} is here)",
            )

    def end(self, key: str | None) -> None:
        """A node ended inside the innermost open collection (`key`: its text, if a scalar)."""
        if not self.stack or self.stack[-1].is_list:
            return
        parent = self.stack[-1]
        if parent.expecting_key:
            parent.key = key if key is not None else "?"
            parent.expecting_key = False
        else:
            parent.expecting_key = True

    def text(self, event: ScalarEvent, path: tuple[int | str, ...], is_key: bool) -> None:
        """A scalar's checks; a key's errors name the mapping (the key itself is not shown)."""
        value = event.value
        what = "a key" if is_key else "a text"
        if len(value) > limits.MAX_STRING:
            self.error(
                event,
                path,
                f"expected {what} of at most {limits.MAX_STRING:,} characters, "
                f"found {len(value):,}",
            )
        bad = _CONTROL.search(value)
        if bad is not None:
            self.error(
                event,
                path,
                f"expected {what} without control characters (only newline and tab), found "
                f"U+{ord(bad.group()):04X} at character {bad.start() + 1}",
            )


def scan(text: str, shown: str) -> list[FileError]:
    """Every limit the document breaks (see `limits`), read from the parser's events before any
    value is built: nesting depth, values (aliases expanded), items per list or mapping, text
    length, and control characters in text. A document too deep or too large is refused at the
    event that crosses the limit. A syntax error is left to `load_plain`, which reports it."""
    return _walk(text, shown, None).errors


def locate(text: str, locs: Sequence[tuple[int | str, ...]]) -> list[tuple[int | None, int | None]]:
    """1-based line and column of each path, or of its nearest ancestor that exists (for a
    mapping key, the key's position; for a list item, the item's), read from the C parser's
    events: one pass, whatever the number of paths."""
    want = {tuple(str(p) for p in loc[:i]) for loc in locs for i in range(len(loc) + 1)}
    s = _walk(text, "", want)
    out: list[tuple[int | None, int | None]] = []
    for loc in locs:
        key = tuple(str(p) for p in loc)
        found: tuple[int | None, int | None] = (None, None)
        for i in range(len(key), -1, -1):
            if key[:i] in s.marks:
                found = s.marks[key[:i]]
                break
        out.append(found)
    return out


def _walk(text: str, shown: str, want: set[tuple[str, ...]] | None) -> _Scan:
    s = _Scan(shown, want=want)
    try:
        for event in _plain().parse(text):
            if isinstance(event, ScalarEvent):
                path, is_key = s.begin(event)
                s.mark(event, (*path, event.value) if is_key else path)
                s.nodes += 1
                s.text(event, path, is_key)
                if event.anchor:
                    s.sizes[event.anchor] = 1
                s.end(event.value)
            elif isinstance(event, CollectionStartEvent):
                path, is_key = s.begin(event)
                if not s.stack and s.want is not None:
                    s.marks.setdefault((), (1, 1))  # the document itself: its first line
                else:
                    s.mark(event, path if not is_key else (*path, "?"))
                s.nodes += 1
                if len(s.stack) + 1 > limits.MAX_DEPTH:
                    s.error(
                        event,
                        path,
                        f"expected mappings and lists nested at most {limits.MAX_DEPTH} deep, "
                        f"found deeper nesting here",
                    )
                    return s
                s.stack.append(
                    _Frame(
                        path,
                        not isinstance(event, MappingStartEvent),
                        s.nodes - 1,
                        event.anchor,
                    )
                )
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                frame = s.stack.pop()
                if frame.anchor:
                    s.sizes[frame.anchor] = s.nodes - frame.start
                s.end(None)
            elif isinstance(event, AliasEvent):
                path, is_key = s.begin(event)
                s.mark(event, path)
                s.nodes += s.sizes.get(event.anchor or "", 1)
                if s.nodes > limits.MAX_NODES:
                    s.error(
                        event,
                        path,
                        f"expected at most {limits.MAX_NODES:,} values in a file, each alias "
                        f"counted as the values it repeats, found more with this alias "
                        f"(*{event.anchor})",
                    )
                    return s
                s.end(None)
            if s.nodes > limits.MAX_NODES:
                s.error(
                    event,
                    s.stack[-1].path if s.stack else (),
                    f"expected at most {limits.MAX_NODES:,} values in a file, found more",
                )
                return s
    except YAMLError:
        pass  # reported by load_plain, with its line and column
    return s
