"""Date resolution: which version of a provision (or rule) is in force on a date.

Intervals are half-open, [valid_from, valid_to), everywhere. Asking for a date no version covers
gives an explicit `NoVersionInForce`, naming the nearest versions, never a silent default.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar


class DatedLike(Protocol):
    @property
    def valid_from(self) -> dt.date: ...

    @property
    def valid_to(self) -> dt.date | None: ...


T = TypeVar("T", bound=DatedLike)


@dataclass(frozen=True, slots=True)
class NoVersionInForce:
    """No version covers the date: before the first, in a gap, or after the last closed one."""

    on: dt.date
    reason: str
    previous_to: dt.date | None
    next_from: dt.date | None


@dataclass(frozen=True, slots=True)
class Overlap:
    first: int
    second: int
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class Gap:
    after: int
    start: dt.date
    end: dt.date


def in_force(versions: Sequence[T], on: dt.date) -> T | NoVersionInForce:
    """The one version covering `on`, or why there is none.

    Versions must not overlap (`check_intervals` finds overlaps; the loader rejects them).
    """
    previous_to: dt.date | None = None
    next_from: dt.date | None = None
    for v in versions:
        if v.valid_from <= on and (v.valid_to is None or on < v.valid_to):
            return v
        if (
            v.valid_to is not None
            and v.valid_to <= on
            and (previous_to is None or v.valid_to > previous_to)
        ):
            previous_to = v.valid_to
        if v.valid_from > on and (next_from is None or v.valid_from < next_from):
            next_from = v.valid_from
    if previous_to is None and next_from is not None:
        reason = f"not yet in force: the first version applies from {next_from.isoformat()}"
    elif previous_to is not None and next_from is None:
        reason = f"no longer in force: the last version ceased on {previous_to.isoformat()}"
    elif previous_to is not None and next_from is not None:
        reason = (
            f"no version covers this date: a gap from {previous_to.isoformat()} "
            f"to {next_from.isoformat()}"
        )
    else:
        reason = "no version at all"
    return NoVersionInForce(on, reason, previous_to, next_from)


def check_intervals(versions: Sequence[DatedLike]) -> tuple[list[Overlap], list[Gap], list[int]]:
    """Overlaps, gaps, and empty intervals (valid_to <= valid_from) among versions.

    Gaps are reported, not rejected: a provision may lapse and return. Overlaps and empty
    intervals are errors, since a date would then have two versions or none by mistake.
    """
    empty = [
        i for i, v in enumerate(versions) if v.valid_to is not None and v.valid_to <= v.valid_from
    ]
    order = sorted(
        (i for i in range(len(versions)) if i not in empty), key=lambda i: versions[i].valid_from
    )
    overlaps: list[Overlap] = []
    gaps: list[Gap] = []
    for a, b in itertools.pairwise(order):
        va, vb = versions[a], versions[b]
        if va.valid_to is None or va.valid_to > vb.valid_from:
            end = (
                va.valid_to
                if vb.valid_to is None
                else (vb.valid_to if va.valid_to is None else min(va.valid_to, vb.valid_to))
            )
            overlaps.append(Overlap(a, b, vb.valid_from, end))
        elif va.valid_to < vb.valid_from:
            gaps.append(Gap(a, va.valid_to, vb.valid_from))
    return overlaps, gaps, empty
