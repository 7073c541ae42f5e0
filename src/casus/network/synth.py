"""Synthetic ATOP-shaped data at full scale: about 200 states and 750 alliances, 1816-2018.

For benchmarks and tests only: nothing here describes a real alliance. The same seed always
gives the same data. States are drawn from the COW table (so the files can be read back by the
ATOP reader) and given made-up dates in the state system; alliances get made-up dates, members
(mostly neighbours by COW code, as regional blocs are), obligations, conditions, members who
join late or leave early, and occasionally a second phase. The proportions are rough guesses of
ATOP's, chosen so that modern years hold a few large blocs and many bilateral pacts.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from casus.network.atop import (
    ALLIANCE_COLUMNS,
    MEMBER_COLUMNS,
    OBLIGATIONS,
    AtopAlliance,
    AtopData,
    AtopMembership,
    Commitment,
    PartialDate,
)
from casus.network.cow import COW
from casus.network.links import Kind

GREAT_POWERS = (2, 200, 220, 255, 365, 710)
_PROBABILITY: dict[Kind, float] = {
    "defence": 0.55,
    "offence": 0.12,
    "neutrality": 0.22,
    "nonaggression": 0.40,
    "consultation": 0.55,
}
_CONDITIONAL: dict[Kind, float] = {
    "defence": 0.45,
    "offence": 0.5,
    "neutrality": 0.5,
    "consultation": 0.3,
}
_CONDITION_P = {
    "adversary": 0.35,
    "location": 0.55,
    "conflict": 0.12,
    "number": 0.08,
    "demands": 0.08,
    "non-provocation": 0.2,
    "request": 0.3,
}


@dataclass(frozen=True, slots=True)
class SynthState:
    cow: int
    state: str
    start: dt.date
    end: dt.date | None

    def alive(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


@dataclass(frozen=True)
class Synthetic:
    seed: int
    first_year: int
    last_year: int
    states: tuple[SynthState, ...]
    data: AtopData

    def states_on(self, on: dt.date) -> list[str]:
        return sorted(s.state for s in self.states if s.alive(on))


def _date(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def _pd(d: dt.date) -> PartialDate:
    return PartialDate(d.year, d.month, d.day)


def _states(rng: random.Random, count: int, first: int, last: int) -> list[SynthState]:
    unique: dict[str, int] = {}
    for code in sorted(COW):
        unique.setdefault(COW[code].state, code)
    codes = sorted(rng.sample(sorted(unique.values()), min(count, len(unique))))
    out = []
    founders = set(rng.sample(codes, min(25, len(codes))))
    for code in codes:
        if code in founders:
            start = dt.date(first, 1, 1)
        else:
            r = rng.random()
            if r < 0.2:
                y = rng.randint(first, 1914)
            elif r < 0.35:
                y = rng.randint(1918, 1945)
            elif r < 0.8:
                y = rng.randint(1946, 1980)
            else:
                y = rng.randint(1990, min(2011, last))
            start = _date(rng, y)
        end = None
        if start.year < 1900 and rng.random() < 0.12:
            end = _date(rng, rng.randint(start.year + 20, 1945))
        out.append(SynthState(code, COW[code].state, start, end))
    return out


def _begin_year(rng: random.Random, first: int, last: int) -> int:
    r = rng.random()
    if r < 0.10:
        return rng.randint(first, 1870)
    if r < 0.20:
        return rng.randint(1871, 1913)
    if r < 0.35:
        return rng.randint(1914, 1945)
    if r < 0.80:
        return rng.randint(1946, 1991)
    return rng.randint(1992, last)


def _size(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.60:
        return 2
    if r < 0.80:
        return rng.randint(3, 5)
    if r < 0.92:
        return rng.randint(6, 15)
    return rng.randint(16, 40)


def _commitment(rng: random.Random, kind: Kind, conditional: bool | None) -> Commitment:
    if kind == "nonaggression" or conditional is None or not conditional:
        return Commitment(
            kind, None if kind != "nonaggression" and conditional is None else False, ()
        )
    names = [name for _, name in OBLIGATIONS[kind][2]]
    chosen = tuple(n for n in names if rng.random() < _CONDITION_P[n]) or (rng.choice(names),)
    return Commitment(kind, True, chosen)


def synthetic(
    seed: int = 0,
    *,
    states: int = 200,
    alliances: int = 750,
    first_year: int = 1816,
    last_year: int = 2018,
) -> Synthetic:
    """Deterministic synthetic ATOP-shaped data."""
    rng = random.Random(seed)
    system = _states(rng, states, first_year, last_year)
    found: dict[int, AtopAlliance] = {}
    memberships: list[AtopMembership] = []
    line = 1
    for i in range(alliances):
        atopid = 1000 + 5 * i
        for _attempt in range(20):
            year = _begin_year(rng, first_year, last_year)
            begin = _date(rng, year)
            alive = [s for s in system if s.alive(begin)]
            if len(alive) >= 2:
                break
        else:  # pragma: no cover - the state system always has founders
            continue
        alive.sort(key=lambda s: s.cow)
        size = min(_size(rng), len(alive))
        centre = rng.randrange(len(alive))
        window = alive[max(0, centre - 2 * size) : centre + 2 * size + 1]
        chosen = rng.sample(window, min(size, len(window)))
        if size > 2 and rng.random() < 0.5:
            outside = [s for s in alive if s.cow in GREAT_POWERS and s not in chosen]
            if outside:
                chosen[-1] = rng.choice(outside)
        if len(chosen) < 2:
            chosen = rng.sample(alive, 2)
        end: dt.date | None = None
        if not (year >= 1946 and rng.random() < 0.4):
            end_year = year + max(1, int(rng.expovariate(1 / 18)))
            if end_year <= last_year:
                end = _date(rng, end_year)
                if end <= begin:
                    end = begin + dt.timedelta(days=365)
        kinds = [k for k in OBLIGATIONS if rng.random() < _PROBABILITY[k]] or ["consultation"]
        conditional: dict[Kind, bool | None] = {}
        for k in kinds:
            if k == "nonaggression":
                conditional[k] = None
                continue
            r = rng.random()
            conditional[k] = None if r < 0.01 else r < _CONDITIONAL[k]
        phases: list[tuple[dt.date, dt.date | None, dict[Kind, bool | None]]] = [
            (begin, end, conditional)
        ]
        span_end = end or dt.date(last_year, 12, 31)
        if (span_end - begin).days > 3650 and rng.random() < 0.08:
            middle = begin + (span_end - begin) / 2
            flipped = {
                k: (None if v is None else not v) if k != "nonaggression" else None
                for k, v in conditional.items()
            }
            phases = [(begin, middle, conditional), (middle, end, flipped)]
        commitments = {
            k: _commitment(rng, k, c) for k, c in conditional.items()
        }  # conditions named once per alliance
        for n_phase, (p_start, p_end, p_cond) in enumerate(
            phases, start=1 if len(phases) > 1 else 0
        ):
            for idx, s in enumerate(chosen):
                start = p_start
                stop = p_end
                if len(chosen) > 2 and rng.random() < 0.1 and n_phase <= 1:
                    late = p_start + ((stop or span_end) - p_start) / 2 * rng.random()
                    start = max(p_start, late)
                if len(chosen) > 2 and rng.random() < 0.1:
                    early = start + ((stop or span_end) - start) * rng.random()
                    stop = early if early > start else stop
                if s.end is not None and (stop is None or s.end < stop):
                    stop = s.end
                if stop is not None and stop <= start:
                    continue
                own: list[Commitment] = []
                for k in kinds:
                    if k == "defence" and idx > 0 and rng.random() < 0.1:
                        continue  # an asymmetric pact: this member gives no defence promise
                    base = commitments[k]
                    c = p_cond[k]
                    if c is None:
                        own.append(Commitment(k, None, ()) if k != "nonaggression" else base)
                    elif c:
                        own.append(base if base.conditional else Commitment(k, True, ("location",)))
                    else:
                        own.append(Commitment(k, False, ()))
                line += 1
                memberships.append(
                    AtopMembership(
                        atopid,
                        s.cow,
                        s.state,
                        n_phase or None,
                        _pd(start),
                        None if stop is None else _pd(stop),
                        tuple(own),
                        "synthetic-members.csv",
                        line,
                    )
                )
        found[atopid] = AtopAlliance(
            atopid,
            _pd(begin),
            None if end is None else _pd(end),
            tuple(kinds),
            {k: conditional[k] for k in kinds if k != "nonaggression"},
            (),
            "synthetic-alliances.csv",
            i + 2,
        )
    data = AtopData(found, tuple(memberships), label=f"synthetic ATOP-shaped data, seed {seed}")
    return Synthetic(seed, first_year, last_year, tuple(system), data)


def _flag(x: bool | None) -> str:
    return "" if x is None else ("1" if x else "0")


def rows(data: AtopData) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The alliance-level and member-level rows, in ATOP's column layout (v5.x names)."""
    alliance_rows = []
    for a in sorted(data.alliances.values(), key=lambda a: a.atopid):
        row = dict.fromkeys(ALLIANCE_COLUMNS, "0")
        row.update(
            atopid=str(a.atopid),
            begyr=str(a.begin.year),
            begmo=str(a.begin.month or ""),
            begday=str(a.begin.day or ""),
        )
        if a.end is not None:
            row.update(
                endyr=str(a.end.year), endmo=str(a.end.month or ""), endday=str(a.end.day or "")
            )
        for kind, (col, con, _) in OBLIGATIONS.items():
            row[col] = "1" if kind in a.obligations else "0"
            if con is not None:
                row[con] = _flag(a.conditional.get(kind, False))
        row["version"] = "synthetic"
        alliance_rows.append(row)
    member_rows = []
    for m in data.memberships:
        row = dict.fromkeys(MEMBER_COLUMNS, "0")
        row.update(
            atopid=str(m.atopid),
            member=str(m.cow),
            yrent=str(m.entry.year),
            moent=str(m.entry.month or ""),
            dayent=str(m.entry.day or ""),
            phase=str(m.phase or 0),
        )
        if m.exit is not None:
            row.update(
                yrexit=str(m.exit.year),
                moexit=str(m.exit.month or ""),
                dayexit=str(m.exit.day or ""),
            )
        for kind, (col, con, conds) in OBLIGATIONS.items():
            c = m.commitment(kind)
            row[col] = "1" if c is not None else "0"
            if con is not None:
                row[con] = "0" if c is None else _flag(c.conditional)
            for ccol, name in conds:
                row[ccol] = "1" if c is not None and name in c.conditions else "0"
        row["version"] = "synthetic"
        member_rows.append(row)
    return alliance_rows, member_rows
