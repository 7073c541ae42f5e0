"""Force and mandate arithmetic.

Every reported figure is kept with its source; figures that measure the same thing and differ
are shown side by side as a conflict, never averaged or chosen between. The host personnel that
a handover of guard duty releases is computed from posts and reliefs per facility, which are
planning assumptions (no public doctrine gives guards per facility type), and is shown beside
the figure that officials reported, with the assumptions that make the difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from casus.model.case import Force, ForceFigure, Mandate, ReportedCount

_QUALIFIER_WORDS = {
    "exact": "",
    "about": "about ",
    "more_than": "more than ",
    "up_to": "up to ",
    "reportedly": "reportedly ",
    "approximate": "approximately ",
}


def figure_text(value: int | None, text: str | None, qualifier: str) -> str:
    if value is None:
        return text or "(not given)"
    return f"{_QUALIFIER_WORDS.get(qualifier, '')}{value:,}"


@dataclass(frozen=True, slots=True)
class FigureGroup:
    """All figures for one measure of one contingent (or of the whole force)."""

    measure: str
    contingent: str | None
    figures: tuple[ForceFigure, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(sorted({f.value for f in self.figures if f.value is not None}))

    @property
    def conflict(self) -> bool:
        return len(self.values) > 1 or (
            bool(self.values) and any(f.value is None for f in self.figures)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "contingent": self.contingent,
            "conflict": self.conflict,
            "values": list(self.values),
            "figures": [
                {
                    "id": f.id,
                    "value": f.value,
                    "text": figure_text(f.value, f.text, f.qualifier),
                    "qualifier": f.qualifier,
                    "by": f.by,
                    "date": f.date.isoformat() if f.date else None,
                    "quote": f.quote,
                    "sources": list(f.sources),
                    "note": f.note,
                }
                for f in self.figures
            ],
        }


def group_figures(force: Force) -> list[FigureGroup]:
    """Figures grouped by (contingent, measure): the whole force first, then each contingent."""
    groups: dict[tuple[str, str], list[ForceFigure]] = {}
    order: list[tuple[str, str]] = []
    for f in force.figures:
        key = (f.contingent or "", f.measure)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(f)
    contingent_order = {"": -1, **{c.state: i for i, c in enumerate(force.contingents)}}
    order.sort(key=lambda k: (contingent_order.get(k[0], 99), k[0]))
    return [FigureGroup(m, c or None, tuple(groups[(c, m)])) for c, m in order]


@dataclass(frozen=True, slots=True)
class ReleaseLine:
    facility: str
    category: str
    posts: int
    people: int
    named: bool


@dataclass(frozen=True, slots=True)
class ReleaseEstimate:
    """Host personnel released by a handover of guard duty: computed beside reported."""

    lines: tuple[ReleaseLine, ...]
    computed: int
    reported: tuple[ReportedCount, ...]
    reliefs_per_post: int
    supervision_and_reserve: float
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "computed": self.computed,
            "reported": [
                {
                    "id": r.id,
                    "value": r.value,
                    "text": figure_text(r.value, r.text, r.qualifier),
                    "by": r.by,
                    "date": r.date.isoformat() if r.date else None,
                    "quote": r.quote,
                    "sources": list(r.sources),
                }
                for r in self.reported
            ],
            "reliefs_per_post": self.reliefs_per_post,
            "supervision_and_reserve": self.supervision_and_reserve,
            "lines": [
                {
                    "facility": ln.facility,
                    "category": ln.category,
                    "posts": ln.posts,
                    "people": ln.people,
                    "named": ln.named,
                }
                for ln in self.lines
            ],
            "explanation": self.explanation,
        }


def people_for(posts: int, reliefs: int, extra: float) -> int:
    """People needed to keep `posts` 24-hour posts filled: posts × reliefs, plus a fraction."""
    return math.ceil(posts * reliefs * (1 + extra))


def release_estimate(mandate: Mandate) -> ReleaseEstimate | None:
    """The computed estimate, or None when the mandate has no planning assumptions."""
    gp = mandate.guard_planning
    if gp is None:
        return None
    lines: list[ReleaseLine] = []
    for fac in mandate.facilities:
        if not fac.taken_over_from_host:
            continue
        posts = gp.posts_per_category.get(fac.category, gp.posts_per_category.get("other", 0))
        lines.append(
            ReleaseLine(
                fac.name,
                fac.category,
                posts,
                people_for(posts, gp.reliefs_per_post, gp.supervision_and_reserve),
                True,
            )
        )
    if gp.unnamed_facilities:
        posts_each = gp.posts_per_category.get(gp.unnamed_category, 0)
        posts = posts_each * gp.unnamed_facilities
        lines.append(
            ReleaseLine(
                f"{gp.unnamed_facilities} facilities counted but not named",
                gp.unnamed_category,
                posts,
                people_for(posts, gp.reliefs_per_post, gp.supervision_and_reserve),
                False,
            )
        )
    computed = sum(ln.people for ln in lines)
    reported = tuple(c for c in mandate.counts if c.what == "host_personnel_released")
    reported_values = [r.value for r in reported if r.value is not None]
    total_posts = sum(ln.posts for ln in lines)
    explanation = (
        f"{total_posts} posts × {gp.reliefs_per_post} reliefs × (1 + {gp.supervision_and_reserve:g} "
        f"for supervision and reserve) = {computed} host personnel"
    )
    if reported_values:
        ref = reported_values[0]
        ratio = ref / computed if computed else math.inf
        explanation += (
            f"; reported: {ref:,}, {ratio:.1f}× the computed figure. The difference rests on the "
            "assumptions: posts per facility, reliefs per post, and whether host units released "
            "from guard duty were counted with their support and command elements."
        )
    return ReleaseEstimate(
        tuple(lines),
        computed,
        reported,
        gp.reliefs_per_post,
        gp.supervision_and_reserve,
        explanation,
    )
