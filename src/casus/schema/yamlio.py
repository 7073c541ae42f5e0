"""YAML in two speeds: a fast plain load, and a round-trip load that keeps line numbers.

Files are read fast first (the C parser where available). Only when a file has an error is it
read again with positions, so that the error can name its line and column. Timestamps are kept
as strings so that a malformed date is reported by the validator, not lost in the parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from casus.schema.errors import FileError

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


def read_text(path: Path, shown: str) -> tuple[str | None, FileError | None]:
    try:
        return path.read_text(encoding="utf-8"), None
    except FileNotFoundError:
        return None, FileError(shown, None, None, "", "expected a file, found nothing at this path")
    except IsADirectoryError:
        return None, FileError(shown, None, None, "", "expected a file, found a directory")
    except UnicodeDecodeError as e:
        return None, FileError(
            shown,
            None,
            None,
            "",
            f"expected UTF-8 text, found undecodable bytes at offset {e.start}",
        )
    except OSError as e:
        return None, FileError(
            shown, None, None, "", f"expected a readable file, found: {e.strerror}"
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
