"""Errors found in data files, each pinned to a file, line and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileError:
    file: str
    line: int | None  # 1-based
    column: int | None  # 1-based
    path: str  # field path, e.g. provisions[0].versions[1].valid_from ('' for the whole file)
    message: str  # 'expected ..., found ...'

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class DataError(Exception):
    """One or more files are invalid. `errors` lists every problem found, in file order."""

    def __init__(self, errors: list[FileError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
