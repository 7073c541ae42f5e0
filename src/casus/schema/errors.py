"""Errors found in data files, each pinned to a file, line and column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileError:
    file: str
    line: int | None  # 1-based
    column: int | None  # 1-based
    path: str  # field path, e.g. provisions[0].versions[1].valid_from ('' for the whole file)
    message: str  # 'expected ..., found ...'
    warning: bool = False  # a warning: the data may be right, and the file is still loaded
    more: int = 0  # a line that stands for this many further errors of the file, not shown

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        prefix = " warning:" if self.warning and not self.more else ""
        return f"{where}:{field}{prefix} {self.message}"


def count(errors: Sequence[FileError]) -> int:
    """How many errors a list stands for (a '… and K more' line counts K)."""
    return sum(e.more or 1 for e in errors)


def cap(errors: Sequence[FileError], limit: int) -> list[FileError]:
    """At most `limit` lines per file (errors and warnings apart), in order; the rest of a
    file's become one line '… and K more', after its last line shown."""
    shown: dict[tuple[str, bool], int] = {}
    hidden: dict[tuple[str, bool], int] = {}
    out: list[FileError] = []
    last: dict[tuple[str, bool], int] = {}
    for e in errors:
        group = (e.file, e.warning)
        if e.more:
            hidden[group] = hidden.get(group, 0) + e.more
            last.setdefault(group, len(out) - 1)
            continue
        if shown.get(group, 0) < limit:
            shown[group] = shown.get(group, 0) + 1
            out.append(e)
            last[group] = len(out) - 1
        else:
            hidden[group] = hidden.get(group, 0) + 1
    for group, index in sorted(last.items(), key=lambda item: -item[1]):
        k = hidden.get(group, 0)
        if k:
            out.insert(index + 1, _more(group[0], k, group[1]))
    return out


def _more(file: str, k: int, warning: bool) -> FileError:
    from casus.schema.limits import MAX_ERRORS_VARIABLE

    what = "warning(s)" if warning else "error(s)"
    return FileError(
        file,
        None,
        None,
        "",
        f"… and {k:,} more {what} (not shown: {MAX_ERRORS_VARIABLE} sets how many are shown "
        "per file)",
        warning=warning,
        more=k,
    )


class DataError(Exception):
    """One or more files are invalid. `errors` lists every problem found, in file order (at
    most `limits.max_errors()` per file, then a line '… and K more')."""

    def __init__(self, errors: list[FileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
