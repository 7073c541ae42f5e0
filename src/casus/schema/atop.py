"""Reading (and writing) ATOP CSV files: the I/O edge of `casus.network.atop`.

casus ships no ATOP data (its licence is unknown): a user downloads the alliance-level and
member-level CSV files (v5.x) and passes them to `casus network`. The reader is tolerant of
columns it does not need and strict about those it does: a missing column, a value of the wrong
form, a date that does not exist, a COW code casus does not know or an alliance the member file
names but the alliance file lacks is an error naming the file, the line, the column, what was
expected and what was found. Every error of both files is reported, not just the first.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from casus.network.atop import (
    ALLIANCE_COLUMNS,
    MEMBER_COLUMNS,
    OBLIGATIONS,
    OPTIONAL_ALLIANCE_COLUMNS,
    OPTIONAL_MEMBER_COLUMNS,
    AtopAlliance,
    AtopData,
    AtopMembership,
    Commitment,
    PartialDate,
)
from casus.network.cow import COW
from casus.network.links import Kind
from casus.schema.errors import DataError, FileError

_INT = re.compile(r"^-?\d+(\.0+)?$")
T = TypeVar("T")


class _Bad(ValueError):
    """A value of the wrong form; the message is 'expected ..., found ...'."""


class _Row:
    def __init__(self, file: str, line: int, header: dict[str, int], fields: list[str]) -> None:
        self.file, self.line, self.header, self.fields = file, line, header, fields
        self.errors: list[FileError] = []

    def raw(self, column: str) -> str:
        i = self.header.get(column)
        return "" if i is None else self.fields[i].strip()

    def error(self, column: str, message: str) -> None:
        i = self.header.get(column)
        self.errors.append(
            FileError(self.file, self.line, None if i is None else i + 1, column, message)
        )

    def get(self, column: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(self.raw(column))
        except _Bad as e:
            self.error(column, str(e))
            return None


def _int(text: str) -> int:
    if not _INT.match(text):
        raise _Bad(f"expected an integer, found {_shown(text)}")
    return int(float(text)) if "." in text else int(text)


def _opt_int(text: str) -> int | None:
    return None if text == "" else _int(text)


def _shown(text: str) -> str:
    return "a blank" if text == "" else f"'{text}'"


def _flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise _Bad(f"expected 0 or 1, found {_shown(text)}")
    return text == "1"


def _opt_flag(text: str) -> bool | None:
    if text == "":
        return None
    if text not in ("0", "1"):
        raise _Bad(f"expected 0, 1 or a blank, found {_shown(text)}")
    return text == "1"


def _cow(text: str) -> int:
    code = _int(text)
    if code not in COW:
        raise _Bad(f"expected a COW state code casus knows (see casus.network.cow), found '{text}'")
    return code


def _opt_cow(text: str) -> int | None:
    if text in ("", "0"):
        return None
    return _cow(text)


def _date(
    row: _Row, year_col: str, month_col: str, day_col: str, *, required: bool
) -> PartialDate | None:
    before = len(row.errors)
    year = row.get(year_col, _opt_int)
    month = row.get(month_col, _opt_int)
    day = row.get(day_col, _opt_int)
    if len(row.errors) > before:
        return None
    if year in (None, 0):
        if required:
            row.error(year_col, f"expected a year, found {_shown(row.raw(year_col))}")
        return None
    assert year is not None
    if not 1700 <= year <= 2200:
        row.error(year_col, f"expected a year between 1700 and 2200, found '{row.raw(year_col)}'")
        return None
    month = month or None
    day = day or None
    if month is not None and not 1 <= month <= 12:
        row.error(month_col, f"expected a month 1-12, 0 or a blank, found '{row.raw(month_col)}'")
        return None
    if day is not None:
        if month is None:
            row.error(
                day_col, f"expected no day when the month is not given, found '{row.raw(day_col)}'"
            )
            return None
        try:
            dt.date(year, month, day)
        except ValueError:
            row.error(
                day_col,
                f"expected a date that exists, found {year:04d}-{month:02d}-{day:02d}",
            )
            return None
    return PartialDate(year, month, day)


def _decode(path: Path, shown: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError([FileError(shown, None, None, "", f"cannot be read: {e.strerror}")]) from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise DataError(
            [
                FileError(
                    shown,
                    line,
                    None,
                    "",
                    f"expected UTF-8 text, found the byte 0x{data[e.start]:02x}",
                )
            ]
        ) from e


def _rows(
    text: str, shown: str, required: tuple[str, ...], layout: str, errors: list[FileError]
) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header_fields = next(reader)
    except StopIteration:
        errors.append(
            FileError(
                shown, None, None, "", f"expected ATOP's {layout} header, found an empty file"
            )
        )
        return
    names = [h.strip().lower() for h in header_fields]
    header: dict[str, int] = {}
    for i, name in enumerate(names):
        header.setdefault(name, i)
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(names[:12]) + (", …" if len(names) > 12 else "")
        errors.append(
            FileError(
                shown,
                1,
                None,
                "",
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: expected "
                f"ATOP's {layout} layout (v5.x column names), found {len(names)} columns ({found})",
            )
        )
        return
    for fields in reader:
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) < len(names):
            errors.append(
                FileError(
                    shown,
                    reader.line_num,
                    None,
                    "",
                    f"expected {len(names)} fields as in the header, found {len(fields)}",
                )
            )
            continue
        yield _Row(shown, reader.line_num, header, fields)


def _commitments(row: _Row) -> tuple[Commitment, ...]:
    out: list[Commitment] = []
    for kind, (col, con, conds) in OBLIGATIONS.items():
        has = row.get(col, _flag)
        conditional = row.get(con, _opt_flag) if con is not None else False
        names = []
        for ccol, name in conds:
            if row.get(ccol, _opt_flag):
                names.append(name)
        if has:
            out.append(Commitment(kind, conditional, tuple(names) if conditional else ()))
    return tuple(out)


def parse_atop(
    alliance_text: str, alliance_file: str, member_text: str, member_file: str
) -> AtopData:
    """ATOP facts from the text of the two files; raises DataError listing every error."""
    errors: list[FileError] = []
    alliances: dict[int, AtopAlliance] = {}
    recalled: set[int] = set()
    for row in _rows(alliance_text, alliance_file, ALLIANCE_COLUMNS, "alliance-level", errors):
        atopid = row.get("atopid", _int)
        begin = _date(row, "begyr", "begmo", "begday", required=True)
        end = _date(row, "endyr", "endmo", "endday", required=False)
        kinds: list[Kind] = []
        conditional: dict[Kind, bool | None] = {}
        for kind, (col, con, _) in OBLIGATIONS.items():
            if row.get(col, _flag):
                kinds.append(kind)
            if con is not None:
                conditional[kind] = row.get(con, _opt_flag)
        threats = []
        for col in ("statthr1", "statthr2"):
            if col in row.header:
                code = row.get(col, _opt_cow)
                if code is not None:
                    threats.append(COW[code].state)
        if atopid is not None and atopid in alliances:
            row.error(
                "atopid",
                f"expected each alliance once, found '{atopid}' again (first on line {alliances[atopid].line})",
            )
        if row.errors:
            errors.extend(row.errors)
            continue
        assert atopid is not None and begin is not None
        alliances[atopid] = AtopAlliance(
            atopid, begin, end, tuple(kinds), conditional, tuple(threats), alliance_file, row.line
        )
    memberships: list[AtopMembership] = []
    check_ids = not errors
    for row in _rows(member_text, member_file, MEMBER_COLUMNS, "member-level", errors):
        atopid = row.get("atopid", _int)
        cow = row.get("member", _cow)
        phase = row.get("phase", _opt_int) if "phase" in row.header else None
        entry = _date(row, "yrent", "moent", "dayent", required=True)
        exit_ = _date(row, "yrexit", "moexit", "dayexit", required=False)
        commitments = _commitments(row)
        if check_ids and atopid is not None and atopid not in alliances:
            row.error("atopid", f"expected an alliance of {alliance_file}, found '{atopid}'")
        if entry is not None and exit_ is not None and exit_.after() <= entry.start():
            row.error(
                "yrexit",
                f"expected an exit after the entry ({entry}), found {exit_}",
            )
        if row.errors:
            errors.extend(row.errors)
            continue
        assert atopid is not None and cow is not None and entry is not None
        if COW[cow].provenance == "RECALLED":
            recalled.add(cow)
        memberships.append(
            AtopMembership(
                atopid,
                cow,
                COW[cow].state,
                phase or None,
                entry,
                exit_,
                commitments,
                member_file,
                row.line,
            )
        )
    if errors:
        raise DataError(errors)
    label = f"ATOP files {alliance_file} and {member_file}"
    return AtopData(alliances, tuple(memberships), label, tuple(sorted(recalled)))


def read_atop(alliances: Path, members: Path) -> AtopData:
    """Read the alliance-level and member-level CSV files; raises DataError."""
    a_shown, m_shown = str(alliances), str(members)
    errors: list[FileError] = []
    texts: list[str] = []
    for path, shown in ((alliances, a_shown), (members, m_shown)):
        try:
            texts.append(_decode(path, shown))
        except DataError as e:
            errors.extend(e.errors)
    if errors:
        raise DataError(errors)
    return parse_atop(texts[0], a_shown, texts[1], m_shown)


def write_atop(
    alliance_rows: list[dict[str, str]], member_rows: list[dict[str, str]], out: Path
) -> list[Path]:
    """Write rows in ATOP's layout as out/alliances.csv and out/members.csv."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows, first in (
        ("alliances.csv", alliance_rows, (*ALLIANCE_COLUMNS, *OPTIONAL_ALLIANCE_COLUMNS)),
        ("members.csv", member_rows, (*MEMBER_COLUMNS, *OPTIONAL_MEMBER_COLUMNS)),
    ):
        columns = [c for c in first if any(c in r for r in rows[:1])]
        extra = sorted({k for r in rows for k in r} - set(columns))
        path = out / name
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=[*columns, *extra], restval="", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        written.append(path)
    return written
