"""An explanation for a date says nothing of what happened after it: evaluated on any date, no
statement names a later date, except where it says so in terms (a provision "not yet in force"
and the date it applies from; the decision recorded later, beside the computed outcome)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import casus
from casus.evaluation.engine import evaluate_frames

WORLD = casus.load_world()
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = "|".join(MONTHS) + "|" + "|".join(m[:3] for m in MONTHS)
DATES = re.compile(
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?:(?P<day>\d{{1,2}}) )?(?P<month>{_MONTH})\.? (?P<year>\d{{4}})"
)
#: Where a later date is said to be later: the law's own timeline, and the record.
SAID_LATER = ("not yet in force", "; recorded: ", "not yet a member", "nearest")


def _earliest(m: re.Match[str]) -> dt.date:
    """The earliest day the date written could mean."""
    if m.group("iso"):
        return dt.date.fromisoformat(m.group("iso"))
    month = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(m.group("month")[:3]))
    return dt.date(int(m.group("year")), month, int(m.group("day") or 1))


def _dates_to_check() -> list[tuple[str, int, dt.date]]:
    out = []
    for cid, case in sorted(WORLD.cases.items()):
        org = WORLD.organizations[case.organization]
        days = {e.date for m in org.members for e in m.events}
        for i, rq in enumerate(case.requests):
            for day in sorted(d for d in days | {rq.date} if d >= rq.date):
                out.append((cid, i, day))
    return out


@pytest.mark.parametrize(("case", "index", "on"), _dates_to_check())
def test_no_statement_names_a_later_date(case: str, index: int, on: dt.date) -> None:
    c = WORLD.cases[case]
    inv = casus.from_case(c, c.requests[index])
    evaluations = [casus.evaluate(WORLD, inv, on=on), *evaluate_frames(WORLD, inv, on=on).values()]
    for ev in evaluations:
        for node in ev.explanation.walk():
            if any(marker in node.statement for marker in SAID_LATER):
                continue
            later = [m.group(0) for m in DATES.finditer(node.statement) if _earliest(m) > on]
            assert not later, f"{case} on {on}: {later} in: {node.statement}"
