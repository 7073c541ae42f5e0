"""ATOP facts as casus reads them: alliances, members by phase, and their dated obligations.

ATOP (the Alliance Treaty Obligations and Provisions project: Leeds, Ritter, Mitchell & Long
2002) codes, for each member of an alliance and each phase of it, five obligations (defense,
offense, neutral, nonagg, consul) and, for most of them, whether they are conditional and on
what. casus reads the files a user downloads (`casus.schema.atop`, the I/O edge); this module is
pure: it holds the facts and turns them into obligation pools for a date.

The meanings of the condition columns below are those of the project's notes, marked there as
not checked against the ATOP codebook [U]; casus shows them with that label.

Reading the member-level file, casus takes a member's obligation as owed to every other member
active on the date (INTERPRETATION: ATOP codes obligations per member, not per pair of members).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from casus.model.common import Value
from casus.network.links import Bearer, Kind, Pool, PoolTable

CODEBOOK_CAVEAT = (
    "ATOP condition meanings as given in the project's notes, not checked against the ATOP "
    "codebook [U]"
)
READING = (
    "INTERPRETATION: an ATOP member's obligation is read as owed to every other member active on "
    "the date"
)

# Obligation column, conditionality column, and condition columns with their meaning.
OBLIGATIONS: dict[Kind, tuple[str, str | None, tuple[tuple[str, str], ...]]] = {
    "defence": (
        "defense",
        "defcon",
        (
            ("defcoadv", "adversary"),
            ("defcoloc", "location"),
            ("defcocon", "conflict"),
            ("defconum", "number"),
            ("defcodem", "demands"),
            ("defconpr", "non-provocation"),
        ),
    ),
    "offence": (
        "offense",
        "offcon",
        (
            ("offcoadv", "adversary"),
            ("offcoloc", "location"),
            ("offcocon", "conflict"),
            ("offconum", "number"),
            ("offcodem", "demands"),
        ),
    ),
    "neutrality": (
        "neutral",
        "neucon",
        (
            ("neucoadv", "adversary"),
            ("neucoloc", "location"),
            ("neucocon", "conflict"),
            ("neuconum", "number"),
            ("neucodem", "demands"),
            ("neuconpr", "non-provocation"),
        ),
    ),
    "nonaggression": ("nonagg", None, ()),
    "consultation": (
        "consul",
        "concon",
        (
            ("concoadv", "adversary"),
            ("concoloc", "location"),
            ("concocon", "conflict"),
            ("concoreq", "request"),
        ),
    ),
}

CONDITION_MEANINGS = {
    "adversary": "only against a specified adversary",
    "location": "only where the conflict takes place in a specified location",
    "conflict": "only in a specified conflict",
    "number": "depending on the number of adversaries",
    "demands": "only if specified demands are not met",
    "non-provocation": "only if the ally did not provoke the attack",
    "request": "at an ally's request",
}

DUTIES: dict[Kind, str] = {
    "defence": "active military support if the ally is attacked (ATOP defense)",
    "offence": "active military support in a conflict the ally enters other than by being attacked (ATOP offense)",
    "neutrality": "not to support the ally's adversary in a conflict (ATOP neutral)",
    "nonaggression": "not to use force against the ally (ATOP nonagg)",
    "consultation": "to consult the ally in a crisis (ATOP consul)",
    "other": "",
}

MEMBER_COLUMNS: tuple[str, ...] = (
    "atopid",
    "member",
    "yrent",
    "moent",
    "dayent",
    "yrexit",
    "moexit",
    "dayexit",
    *(col for col, _, _ in OBLIGATIONS.values()),
    *(con for _, con, _ in OBLIGATIONS.values() if con is not None),
    *(c for _, _, conds in OBLIGATIONS.values() for c, _ in conds),
)
ALLIANCE_COLUMNS: tuple[str, ...] = (
    "atopid",
    "begyr",
    "begmo",
    "begday",
    "endyr",
    "endmo",
    "endday",
    *(col for col, _, _ in OBLIGATIONS.values()),
    *(con for _, con, _ in OBLIGATIONS.values() if con is not None),
)
OPTIONAL_MEMBER_COLUMNS = ("phase",)
OPTIONAL_ALLIANCE_COLUMNS = ("specthrt", "statthr1", "statthr2")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as ATOP codes it: year, and month and day when known."""

    year: int
    month: int | None
    day: int | None

    def start(self) -> dt.date:
        """The first day the date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def after(self) -> dt.date:
        """The first day after the period the date can mean (end of an interval, exclusive):
        the day itself when known, else the first day of the next month or year."""
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            return (
                dt.date(self.year + 1, 1, 1)
                if self.month == 12
                else dt.date(self.year, self.month + 1, 1)
            )
        return dt.date(self.year + 1, 1, 1)

    @property
    def exact(self) -> bool:
        return self.month is not None and self.day is not None

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class Commitment:
    """One obligation of one member in one phase."""

    kind: Kind
    conditional: bool | None  # None: the conditionality column is blank (not coded)
    conditions: tuple[str, ...]  # labels from CONDITION_MEANINGS

    @property
    def value(self) -> Value:
        return Value.YES if self.conditional is False else Value.UNDETERMINED

    def labels(self) -> tuple[str, ...]:
        if self.conditional is None:
            return ("conditionality not coded",)
        if not self.conditional:
            return ()
        if not self.conditions:
            return ("conditional (ATOP names no condition column)",)
        return tuple(f"{c}: {CONDITION_MEANINGS[c]}" for c in self.conditions)


@dataclass(frozen=True, slots=True)
class AtopMembership:
    """One row of the member-level file: a state's membership in one phase of an alliance."""

    atopid: int
    cow: int
    state: str
    phase: int | None
    entry: PartialDate
    exit: PartialDate | None  # None: in force at the end of the data
    commitments: tuple[Commitment, ...]
    file: str
    line: int

    @property
    def start(self) -> dt.date:
        return self.entry.start()

    @property
    def end(self) -> dt.date | None:
        return None if self.exit is None else self.exit.after()

    def covers(self, on: dt.date) -> bool:
        end = self.end
        return self.start <= on and (end is None or on < end)

    @property
    def row(self) -> str:
        return f"{self.file}:{self.line}"

    def commitment(self, kind: Kind) -> Commitment | None:
        for c in self.commitments:
            if c.kind == kind:
                return c
        return None


@dataclass(frozen=True, slots=True)
class AtopAlliance:
    """One row of the alliance-level file."""

    atopid: int
    begin: PartialDate
    end: PartialDate | None
    obligations: tuple[Kind, ...]
    conditional: dict[Kind, bool | None]
    threats: tuple[str, ...]  # states named as a specific threat (statthr1/2), when given
    file: str
    line: int

    @property
    def row(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class AtopData:
    alliances: dict[int, AtopAlliance]
    memberships: tuple[AtopMembership, ...]
    label: str = "ATOP"
    recalled_codes: tuple[int, ...] = ()  # COW codes used whose mapping casus recalled
    last_year: int = field(init=False, compare=False)
    _by_year: dict[int, tuple[AtopMembership, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The last year the files speak of: an entry, an exit or an alliance's dates.
        years = [m.entry.year for m in self.memberships]
        years += [m.exit.year for m in self.memberships if m.exit is not None]
        years += [a.begin.year for a in self.alliances.values()]
        years += [a.end.year for a in self.alliances.values() if a.end is not None]
        last_year = max(years, default=0)
        object.__setattr__(self, "last_year", last_year)
        by_year: dict[int, list[AtopMembership]] = {}
        for m in self.memberships:
            last = m.end.year if m.end is not None else max(last_year, m.start.year) + 1
            for y in range(m.start.year, last + 1):
                by_year.setdefault(y, []).append(m)
        object.__setattr__(self, "_by_year", {k: tuple(v) for k, v in by_year.items()})

    def memberships_on(self, on: dt.date) -> list[AtopMembership]:
        pool = self._by_year.get(on.year)
        if pool is None:
            pool = tuple(m for m in self.memberships if m.end is None and m.start <= on)
        return [m for m in pool if m.covers(on)]

    def members(self, atopid: int) -> list[AtopMembership]:
        return [m for m in self.memberships if m.atopid == atopid]

    def pools_on(self, on: dt.date) -> PoolTable:
        return PoolTable(on, tuple(pools_of(self.memberships_on(on))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "alliances": len(self.alliances),
            "member_rows": len(self.memberships),
            "last_year": self.last_year,
            "recalled_cow_codes": list(self.recalled_codes),
        }


def pools_of(active: Iterable[AtopMembership]) -> list[Pool]:
    """The pools of the memberships active on one date: for each alliance and each kind of
    obligation, every member holding it owes it to every other active member."""
    by_alliance: dict[int, list[AtopMembership]] = {}
    for m in active:
        by_alliance.setdefault(m.atopid, []).append(m)
    pools: list[Pool] = []
    for atopid in sorted(by_alliance):
        members = by_alliance[atopid]
        beneficiaries = tuple(dict.fromkeys(m.state for m in members))
        for kind in OBLIGATIONS:
            bearers = []
            for m in members:
                c = m.commitment(kind)
                if c is None:
                    continue
                note = f"phase {m.phase}" if m.phase else None
                bearers.append(Bearer(m.state, "must", c.value, c.labels(), m.row, note))
            if bearers:
                pools.append(
                    Pool(
                        f"atop:{atopid}", kind, "atop", DUTIES[kind], beneficiaries, tuple(bearers)
                    )
                )
    return pools
