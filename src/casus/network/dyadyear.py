"""Directed dyad-years: the obligations of the network, year by year, in the layout political
scientists merge on (Correlates of War state codes `ccode1`, `ccode2`, and `year`).

One row for each ordered pair of states and each year in which, on at least one day of the year,
the first state (`ccode1`) bears an obligation towards the second (`ccode2`) under an instrument
casus encodes. The rule of "at least one day" is the one the COW Formal Alliances dyadic files
state (dyad members "members of the alliance for at least one common day" of the year: COW
Formal Alliances v4.1, dyadic data set description, Harvard Dataverse, doi:10.7910/DVN/NXZWI8).
The obligation columns carry ATOP's names for its five obligations (`defense`, `offense`,
`neutral`, `nonagg`, `consul`: `casus.network.atop.OBLIGATIONS`), the set the R package
peacesciencer's `atop_alliance` dyad-year data carries with an `atop_` prefix (peacesciencer
reference, `atop_alliance`, v. 5.1); casus's own columns follow (the states' ISO codes and the
citations).

Nothing here re-computes the law: the obligations on a date are the network's pools on that
date (`casus.network.builtin.builtin_table`, through the evaluation engine), asked on every date
on which the data say something changes; between two such dates the answer is the same.

Pure: data in, rows out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casus.model.common import Value
from casus.network.atop import OBLIGATIONS
from casus.network.cow import code_on, successions
from casus.network.links import Kind, PoolTable

if TYPE_CHECKING:
    from casus.model.world import World

#: Obligation kind -> its column (ATOP's names). `other` duties (reporting to the Security
#: Council, contributing contingents) have no column: they draw no one in.
KIND_COLUMNS: dict[Kind, str] = {kind: spec[0] for kind, spec in OBLIGATIONS.items()}
OBLIGATION_COLUMNS: tuple[str, ...] = tuple(KIND_COLUMNS.values())
COLUMNS: tuple[str, ...] = (
    "ccode1",
    "ccode2",
    "year",
    *OBLIGATION_COLUMNS,
    "state1",
    "state2",
    "instruments",
    "citations",
    "contested",
)

#: What a row's obligation columns mean, for the documents that carry the rows.
RULE = (
    "one row for each ordered pair of states and each year in which, on at least one day of the "
    "year, state1 (ccode1) bears an obligation towards state2 (ccode2); an obligation column is 1 "
    "when an obligation of that kind may arise (the engine's value yes, undetermined or "
    "contested: its conditions, such as the place of an attack or an organ's decision, are not "
    "coded) and 0 otherwise; an obligation whose value is no (suspended, not a party) gives no row"
)


@dataclass(frozen=True, slots=True)
class DyadYear:
    """State1 bears obligations towards state2 on at least one day of `year`."""

    ccode1: int | None
    ccode2: int | None
    year: int
    state1: str
    state2: str
    kinds: frozenset[Kind]
    citations: tuple[str, ...]
    contested: tuple[str, ...]

    @property
    def instruments(self) -> tuple[str, ...]:
        return tuple(sorted({c.split("/", 1)[0] for c in self.citations}))

    def row(self) -> list[str]:
        """The CSV row, in `COLUMNS` order (an unknown COW code is an empty cell)."""
        return [
            "" if self.ccode1 is None else str(self.ccode1),
            "" if self.ccode2 is None else str(self.ccode2),
            str(self.year),
            *("1" if kind in self.kinds else "0" for kind in KIND_COLUMNS),
            self.state1,
            self.state2,
            " ".join(self.instruments),
            " ".join(self.citations),
            " ".join(self.contested),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ccode1": self.ccode1,
            "ccode2": self.ccode2,
            "year": self.year,
            **{col: int(kind in self.kinds) for kind, col in KIND_COLUMNS.items()},
            "state1": self.state1,
            "state2": self.state2,
            "instruments": list(self.instruments),
            "citations": list(self.citations),
            "contested": list(self.contested),
        }


def change_dates(*parts: Iterable[Any]) -> set[dt.date]:
    """Every date named anywhere in the given data (instruments, organizations…): the days on
    which what is in force, who is a member or how an organ decides may change. Also the days
    a state's COW code changes (`cow.successions`)."""
    found: set[dt.date] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dt.date):
            found.add(x)
        elif isinstance(x, (list, tuple, set, frozenset)):
            for y in x:
                walk(y)
        elif isinstance(x, dict):
            for y in x.values():
                walk(y)
        elif hasattr(type(x), "model_fields"):  # a pydantic model of casus.model
            for name in type(x).model_fields:
                walk(getattr(x, name))

    for part in parts:
        walk(list(part))
    found.update(successions())
    return found


def dyad_years(
    table_on: Callable[[dt.date], PoolTable],
    changes: Iterable[dt.date],
    first: int,
    last: int,
) -> list[DyadYear]:
    """The directed dyad-years of `first`..`last` (inclusive). `table_on(day)` gives the pools in
    force on a day; it is asked on 1 January of `first` and on every change date after it up to
    31 December of `last`, each answer holding until the next change date."""
    if last < first:
        raise ValueError(f"the last year ({last}) is before the first ({first})")
    start, end = dt.date(first, 1, 1), dt.date(last + 1, 1, 1)
    days = sorted({start} | {d for d in changes if start < d < end})
    rows: dict[tuple[int | str, int | str, int], _Row] = {}
    for i, day in enumerate(days):
        until = days[i + 1] if i + 1 < len(days) else end
        years = range(day.year, (until - dt.timedelta(days=1)).year + 1)
        for bearer, towards, kind, cite, value in _obligations(table_on(day)):
            c1, c2 = code_on(bearer, day), code_on(towards, day)
            for year in years:
                key = (bearer if c1 is None else c1, towards if c2 is None else c2, year)
                row = rows.get(key)
                if row is None:
                    row = rows[key] = _Row(c1, c2, year, bearer, towards)
                row.add(kind, cite, value)
    return [rows[k].done() for k in sorted(rows, key=_order)]


def _order(key: tuple[int | str, int | str, int]) -> tuple[int, str, int, str, int]:
    # Numeric codes in numeric order; states with no COW code after them, by identifier.
    a, b, year = key
    return (
        a if isinstance(a, int) else 10**6,
        str(a),
        b if isinstance(b, int) else 10**6,
        str(b),
        year,
    )


def _obligations(table: PoolTable) -> Iterable[tuple[str, str, Kind, str, Value]]:
    for pool in table.pools:
        if pool.kind not in KIND_COLUMNS:
            continue
        for bearer in pool.bearers:
            if not bearer.holds:
                continue
            for towards in pool.beneficiaries:
                if towards != bearer.state:
                    yield bearer.state, towards, pool.kind, pool.cite, bearer.value


@dataclass
class _Row:
    ccode1: int | None
    ccode2: int | None
    year: int
    state1: str
    state2: str

    def __post_init__(self) -> None:
        self.kinds: set[Kind] = set()
        self.cites: set[str] = set()
        self.contested: set[str] = set()

    def add(self, kind: Kind, cite: str, value: Value) -> None:
        self.kinds.add(kind)
        self.cites.add(cite)
        if value is Value.CONTESTED:
            self.contested.add(cite)

    def done(self) -> DyadYear:
        return DyadYear(
            self.ccode1,
            self.ccode2,
            self.year,
            self.state1,
            self.state2,
            frozenset(self.kinds),
            tuple(sorted(self.cites)),
            tuple(sorted(self.contested)),
        )


def builtin_dyad_years(
    world: World,
    first: int,
    last: int,
    *,
    event: str = "armed-attack-by-state",
    organizations: list[str] | None = None,
) -> list[DyadYear]:
    """The directed dyad-years of the instruments casus encodes (built-in and --data), through
    the network's pools (`builtin_table`) on every date the data name."""
    from casus.network.builtin import builtin_table

    changes = change_dates(world.instruments.values(), world.organizations.values())
    return dyad_years(
        lambda day: builtin_table(world, day, event=event, organizations=organizations),
        changes,
        first,
        last,
    )


def first_year(world: World) -> int:
    """The first year in which a provision of an organization's instrument is in force."""
    starts = [
        v.valid_from
        for inst in world.instruments.values()
        if inst.organization is not None
        for prov in inst.provisions
        for v in prov.versions
    ]
    return min(starts).year if starts else dt.date.today().year
