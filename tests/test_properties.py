"""Property tests (hypothesis) for the pure core: dates, four-valued logic, voting, membership.

Each property is checked against a brute-force or textbook oracle written here, never against
the implementation itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import reduce
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from casus.law.dates import Gap, NoVersionInForce, check_intervals, in_force
from casus.law.membership import members_on, membership_on
from casus.model.common import Dated, Value
from casus.model.logic import CONTESTED, NO, UNDETERMINED, YES, v_and, v_not, v_or, with_exception
from casus.model.organization import Member, MembershipEvent, Organ, Organization, VotingRule
from casus.vote.rules import POSITIONS, RuleName, decide

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DAY = dt.timedelta(days=1)
EPOCH = dt.date(2000, 1, 1)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every date in [start, end]."""
    return [start + DAY * i for i in range((end - start).days + 1)]


# --- date resolution ------------------------------------------------------------------------


@st.composite
def disjoint_versions(draw: st.DrawFn) -> list[Dated]:
    """Non-overlapping half-open intervals with random gaps (possibly none), in random order;
    the last one (in time) is sometimes open-ended."""
    n = draw(st.integers(min_value=1, max_value=6))
    cursor = EPOCH + DAY * draw(st.integers(min_value=0, max_value=30))
    out: list[Dated] = []
    for i in range(n):
        start = cursor + DAY * draw(st.integers(min_value=0, max_value=8))
        length = draw(st.integers(min_value=1, max_value=15))
        last = i == n - 1
        if last and draw(st.booleans()):
            out.append(Dated(valid_from=start, valid_to=None))
        else:
            out.append(Dated(valid_from=start, valid_to=start + DAY * length))
        cursor = start + DAY * length
    return draw(st.permutations(out))


@st.composite
def any_versions(draw: st.DrawFn) -> list[Dated]:
    """Arbitrary intervals: they may overlap, touch, be open-ended or even empty."""
    n = draw(st.integers(min_value=0, max_value=6))
    out: list[Dated] = []
    for _ in range(n):
        start = EPOCH + DAY * draw(st.integers(min_value=0, max_value=40))
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            out.append(Dated(valid_from=start, valid_to=None))
        else:
            length = draw(st.integers(min_value=-3, max_value=15))
            out.append(Dated(valid_from=start, valid_to=start + DAY * length))
    return out


def span(versions: Sequence[Dated]) -> list[dt.date]:
    """Every date from a few days before the first start to a few days after the last bound."""
    bounds = [v.valid_from for v in versions] + [v.valid_to for v in versions if v.valid_to]
    return days(min(bounds) - DAY * 3, max(bounds) + DAY * 3)


@FAST
@given(disjoint_versions())
def test_in_force_returns_the_covering_version_or_says_why_not(versions: list[Dated]) -> None:
    first_start = min(v.valid_from for v in versions)
    for on in span(versions):
        covering = [
            v for v in versions if v.valid_from <= on and (v.valid_to is None or on < v.valid_to)
        ]
        assert len(covering) <= 1, "generated intervals must not overlap"
        got = in_force(versions, on)
        if covering:
            assert got is covering[0]
            continue
        assert isinstance(got, NoVersionInForce)
        assert got.on == on
        ended = [v.valid_to for v in versions if v.valid_to is not None and v.valid_to <= on]
        later = [v.valid_from for v in versions if v.valid_from > on]
        assert got.previous_to == (max(ended) if ended else None)
        assert got.next_from == (min(later) if later else None)
        if on < first_start:
            assert got.reason.startswith("not yet in force")
            assert got.reason.endswith(f"applies from {first_start.isoformat()}")
        elif not later:
            assert got.reason.startswith("no longer in force")
            assert got.reason.endswith(f"ceased on {max(ended).isoformat()}")
        else:
            assert "gap" in got.reason
            assert f"from {max(ended).isoformat()} to {min(later).isoformat()}" in got.reason


@FAST
@given(disjoint_versions())
def test_check_intervals_reports_exactly_the_gaps_of_disjoint_versions(
    versions: list[Dated],
) -> None:
    overlaps, gaps, empty = check_intervals(versions)
    assert overlaps == []
    assert empty == []
    order = sorted(range(len(versions)), key=lambda i: versions[i].valid_from)
    expected = []
    for a, b in pairwise(order):
        end_a = versions[a].valid_to
        assert end_a is not None  # only the last may be open
        if end_a < versions[b].valid_from:
            expected.append(Gap(a, end_a, versions[b].valid_from))
    assert sorted(gaps, key=lambda g: g.start) == expected
    # A gap is exactly a run of uncovered days between two versions.
    for gap in gaps:
        for on in days(gap.start, gap.end - DAY):
            assert isinstance(in_force(versions, on), NoVersionInForce)
        assert not isinstance(in_force(versions, gap.end), NoVersionInForce)


@FAST
@given(any_versions())
def test_check_intervals_finds_an_overlap_iff_some_date_is_covered_twice(
    versions: list[Dated],
) -> None:
    overlaps, _gaps, empty = check_intervals(versions)
    assert empty == [
        i for i, v in enumerate(versions) if v.valid_to is not None and v.valid_to <= v.valid_from
    ]
    doubly_covered = bool(versions) and any(
        sum(v.covers(on) for v in versions) >= 2 for on in span(versions)
    )
    assert bool(overlaps) == doubly_covered
    for o in overlaps:
        assert o.first not in empty and o.second not in empty
        a, b = versions[o.first], versions[o.second]
        assert a.covers(o.start) and b.covers(o.start)
        if o.end is not None:
            before_end = o.end - DAY
            assert a.covers(before_end) and b.covers(before_end)
            assert not (a.covers(o.end) and b.covers(o.end))


def test_in_force_with_no_versions_says_so() -> None:
    got = in_force([], EPOCH)
    assert isinstance(got, NoVersionInForce)
    assert got.reason == "no version at all"


# --- four-valued logic ----------------------------------------------------------------------

values = st.sampled_from(list(Value))
determined = st.sampled_from([YES, NO])
unknown = st.sampled_from([CONTESTED, UNDETERMINED])


def _and(a: Value, b: Value) -> Value:
    return v_and([a, b])


def _or(a: Value, b: Value) -> Value:
    return v_or([a, b])


@FAST
@given(values, values)
def test_and_or_are_commutative(a: Value, b: Value) -> None:
    assert _and(a, b) == _and(b, a)
    assert _or(a, b) == _or(b, a)


@FAST
@given(values, values, values)
def test_and_or_are_associative(a: Value, b: Value, c: Value) -> None:
    assert _and(_and(a, b), c) == _and(a, _and(b, c)) == v_and([a, b, c])
    assert _or(_or(a, b), c) == _or(a, _or(b, c)) == v_or([a, b, c])


@FAST
@given(st.lists(values, max_size=6))
def test_n_ary_connectives_are_folds_of_the_binary_ones(xs: list[Value]) -> None:
    assert v_and(xs) == reduce(_and, xs, YES)
    assert v_or(xs) == reduce(_or, xs, NO)
    assert v_and(iter(xs)) == v_and(xs)  # any iterable, consumed once


@FAST
@given(values, values)
def test_de_morgan_and_double_negation(a: Value, b: Value) -> None:
    assert v_not(_and(a, b)) == _or(v_not(a), v_not(b))
    assert v_not(_or(a, b)) == _and(v_not(a), v_not(b))
    assert v_not(v_not(a)) == a


@FAST
@given(values)
def test_identities_and_annihilators(a: Value) -> None:
    assert _and(a, YES) == a
    assert _or(a, NO) == a
    assert _and(a, NO) == NO
    assert _or(a, YES) == YES
    assert v_and([]) == YES
    assert v_or([]) == NO
    assert _and(a, a) == a and _or(a, a) == a  # idempotence


@FAST
@given(unknown)
def test_unknowns_are_never_read_as_no(a: Value) -> None:
    assert v_not(a) == a
    assert _and(a, YES) == a
    assert _or(a, NO) == a
    # A missing fact dominates a contested one in both connectives.
    assert _and(CONTESTED, UNDETERMINED) == UNDETERMINED
    assert _or(CONTESTED, UNDETERMINED) == UNDETERMINED


@FAST
@given(determined, determined)
def test_agrees_with_classical_logic_on_yes_and_no(a: Value, b: Value) -> None:
    def b2v(x: bool) -> Value:
        return YES if x else NO

    pa, pb = a is YES, b is YES
    assert _and(a, b) == b2v(pa and pb)
    assert _or(a, b) == b2v(pa or pb)
    assert v_not(a) == b2v(not pa)


@FAST
@given(values, values)
def test_with_exception_is_base_and_not_exception(base: Value, exc: Value) -> None:
    got = with_exception(base, exc)
    assert got == _and(base, v_not(exc))
    if exc is YES:
        assert got == NO  # an exception that holds defeats the base case
    if exc is NO:
        assert got == base  # one that does not hold leaves it


Tree = tuple[str, Any]

# Expressions over variables 0..N_VARS-1: ("var", i) | ("not", e) | ("and"|"or", [e, ...]).
N_VARS = 4
exprs = st.recursive(
    st.tuples(st.just("var"), st.integers(min_value=0, max_value=N_VARS - 1)),
    lambda sub: st.one_of(
        st.tuples(st.just("not"), sub),
        st.tuples(st.sampled_from(["and", "or"]), st.lists(sub, min_size=1, max_size=3)),
    ),
    max_leaves=10,
)


def evaluate(expr: Tree, env: Sequence[Value]) -> Value:
    op, arg = expr
    if op == "var":
        value: Value = env[arg]
        return value
    if op == "not":
        return v_not(evaluate(arg, env))
    parts = [evaluate(x, env) for x in arg]
    return v_and(parts) if op == "and" else v_or(parts)


@SLOW
@given(
    exprs,
    st.lists(values, min_size=N_VARS, max_size=N_VARS),
    st.lists(st.one_of(st.none(), determined), min_size=N_VARS, max_size=N_VARS),
)
def test_a_determined_result_survives_resolving_unknown_inputs(
    expr: Tree,
    env: list[Value],
    resolution: list[Value | None],
) -> None:
    before = evaluate(expr, env)
    assume(before in (YES, NO))
    refined = [
        r if (r is not None and v in (CONTESTED, UNDETERMINED)) else v
        for v, r in zip(env, resolution, strict=True)
    ]
    assert evaluate(expr, refined) == before


# --- voting ---------------------------------------------------------------------------------

STATES = ["AM", "BY", "KG", "KZ", "RU", "TJ", "UZ", "AZ"]


Vote = tuple[list[str], dict[str, str]]


@st.composite
def votes(
    draw: st.DrawFn,
    *,
    allowed: Sequence[str] = POSITIONS,
    can_miss: bool = True,
    must: Sequence[str | None] = (),
) -> Vote:
    """Members (unique) and their positions, drawn from `allowed`; None means no recorded
    position. Members are drawn first for each entry of `must` (a position or None)."""
    members = draw(
        st.lists(st.sampled_from(STATES), min_size=max(1, len(must)), max_size=6, unique=True)
    )
    choices = [*allowed, None] if can_miss else list(allowed)
    drawn = [*must, *(draw(st.sampled_from(choices)) for _ in members[len(must) :])]
    order = draw(st.permutations(range(len(members))))
    positions = {members[i]: p for i, p in zip(order, drawn, strict=True) if p is not None}
    return members, positions


RANK = {"refused": 0, "undetermined": 1, "approved": 2}
NON_OBJECTING = ("support", "abstain", "absent")


@FAST
@given(votes(), st.sampled_from(["consensus", "unanimity"]), st.booleans(), st.data())
def test_more_support_never_makes_the_outcome_worse(
    vote: Vote, rule: RuleName, limited: bool, data: st.DataObject
) -> None:
    members, positions = vote
    before = decide(rule, members, positions, limited_format=limited)
    who = data.draw(st.sampled_from(members))
    after = decide(rule, members, {**positions, who: "support"}, limited_format=limited)
    assert RANK[after.outcome] >= RANK[before.outcome]
    if before.outcome == "approved":
        assert after.outcome == "approved"


@FAST
@given(votes(must=["object"]), st.booleans())
def test_consensus_objection_to_support_never_turns_approval_into_refusal(
    vote: Vote, limited: bool
) -> None:
    members, positions = vote
    objectors = [m for m in members if positions.get(m) == "object"]
    before = decide("consensus", members, positions, limited_format=limited)
    assert before.outcome == "refused"
    assert before.value is NO
    assert set(before.blocking) == set(objectors)
    after = decide(
        "consensus", members, {**positions, objectors[0]: "support"}, limited_format=limited
    )
    if len(objectors) > 1:
        assert after.outcome == "refused"
    elif any(m not in positions for m in members):
        assert after.outcome == "undetermined"
    else:
        assert after.outcome == "approved"


@FAST
@given(votes(), st.booleans(), st.data())
def test_a_single_objection_always_refuses_under_consensus(
    vote: Vote, limited: bool, data: st.DataObject
) -> None:
    members, positions = vote
    objector = data.draw(st.sampled_from(members))
    result = decide("consensus", members, {**positions, objector: "object"}, limited_format=limited)
    assert result.outcome == "refused"
    assert result.value is NO
    assert objector in result.blocking
    assert result.binds == ()


@FAST
@given(votes(allowed=NON_OBJECTING, can_miss=False, must=["support"]), st.booleans())
def test_abstentions_and_absences_never_block_under_consensus(vote: Vote, limited: bool) -> None:
    members, positions = vote
    result = decide("consensus", members, positions, limited_format=limited)
    assert result.outcome == "approved"
    assert result.value is YES
    assert result.blocking == ()
    # Swapping abstain and absent changes nothing.
    swapped = {
        m: {"abstain": "absent", "absent": "abstain"}.get(p, p) for m, p in positions.items()
    }
    assert decide("consensus", members, swapped, limited_format=limited).outcome == "approved"


@FAST
@given(votes(allowed=NON_OBJECTING, can_miss=False, must=["support"]), st.booleans())
def test_limited_format_binds_exactly_the_supporters(vote: Vote, limited: bool) -> None:
    members, positions = vote
    result = decide("consensus", members, positions, limited_format=limited)
    assert result.outcome == "approved"
    supporters = [m for m in members if positions[m] == "support"]
    assert list(result.joined) == supporters
    if limited:
        assert list(result.binds) == supporters
    else:
        assert list(result.binds) == members
    assert set(result.joined) | set(result.not_joined) == set(members)


@FAST
@given(votes())
def test_unanimity_approves_iff_every_member_supports(vote: Vote) -> None:
    members, positions = vote
    result = decide("unanimity", members, positions)
    all_support = all(positions.get(m) == "support" for m in members)
    assert (result.outcome == "approved") == all_support
    if all_support:
        assert result.binds == tuple(members)
        assert result.pivotal == tuple(members)
    non_supporters = [m for m in members if m in positions and positions[m] != "support"]
    if non_supporters:
        assert result.outcome == "refused"
        assert sorted(result.blocking) == sorted(non_supporters)


@FAST
@given(votes(must=[None]), st.sampled_from(["consensus", "unanimity"]), st.booleans())
def test_a_missing_position_leaves_the_outcome_open_unless_already_refused(
    vote: Vote, rule: RuleName, limited: bool
) -> None:
    members, positions = vote
    missing = [m for m in members if m not in positions]
    result = decide(rule, members, positions, limited_format=limited)
    assert result.outcome != "approved"
    if rule == "consensus":
        already_refused = "object" in positions.values()
    else:
        already_refused = any(p != "support" for p in positions.values())
    if already_refused:
        assert result.outcome == "refused"
        # However the missing members vote, the outcome stays refused.
        for fill in POSITIONS:
            full = {**positions, **dict.fromkeys(missing, fill)}
            assert decide(rule, members, full, limited_format=limited).outcome == "refused"
    else:
        assert result.outcome == "undetermined"
        assert result.value is UNDETERMINED
        assert list(result.missing) == missing


@FAST
@given(votes(can_miss=False), st.booleans(), st.data())
def test_pivotal_members_under_consensus(vote: Vote, limited: bool, data: st.DataObject) -> None:
    members, positions = vote
    result = decide("consensus", members, positions, limited_format=limited)
    if result.outcome == "approved":
        assert result.pivotal == tuple(members)
    sole = data.draw(st.sampled_from(members))
    others = {m: p if p != "object" else "abstain" for m, p in positions.items() if m != sole}
    lone = decide("consensus", members, {**others, sole: "object"}, limited_format=limited)
    assert lone.outcome == "refused"
    assert lone.pivotal == (sole,)


# --- membership -----------------------------------------------------------------------------

EVENT_STATUSES = ["member", "suspended", "participation_frozen", "withdrawn"]


def _org(events: list[MembershipEvent]) -> Organization:
    return Organization(
        kind="organization",
        id="tst-org",
        name="Test Organization",
        short_name="TO",
        founding_instrument="tst-pact",
        sources=["tst-treaty"],
        members=[Member(state="KZ", name="Kazakhstan", events=events)],
        organs=[
            Organ(
                id="council",
                name="Council",
                composition="Heads of state",
                voting=[
                    VotingRule(
                        valid_from=EPOCH, rule="consensus", basis="Art. 12", sources=["tst-treaty"]
                    )
                ],
                sources=["tst-treaty"],
            )
        ],
    )


@st.composite
def ordered_events(draw: st.DrawFn) -> list[MembershipEvent]:
    n = draw(st.integers(min_value=1, max_value=6))
    offsets = draw(st.lists(st.integers(min_value=1, max_value=20), min_size=n, max_size=n))
    out = []
    on = EPOCH
    for i, off in enumerate(offsets):
        on += DAY * off
        contested = draw(st.one_of(st.none(), st.just(f"disputed by someone ({i})")))
        out.append(
            MembershipEvent(
                date=on,
                status=draw(st.sampled_from(EVENT_STATUSES)),
                what=f"event {i}",
                sources=["tst-treaty"],
                contested=contested,
            )
        )
    return out


@SLOW
@given(ordered_events())
def test_membership_status_is_that_of_the_latest_event_on_or_before_the_date(
    events: list[MembershipEvent],
) -> None:
    org = _org(events)
    for on in days(events[0].date - DAY * 3, events[-1].date + DAY * 3):
        got = membership_on(org, "KZ", on)
        past = [e for e in events if e.date <= on]
        assert got.state == "KZ" and got.on == on
        if not past:
            assert got.status == "not_yet_member"
            assert got.event is None
            assert got.participates is NO
            continue
        latest = past[-1]
        assert got.status == latest.status
        assert got.event is latest
        assert got.contested == latest.contested
        expected = {
            "member": CONTESTED if latest.contested else YES,
            "participation_frozen": CONTESTED,
        }.get(latest.status, NO)
        assert got.participates is expected
        listed = [m.state for m in members_on(org, on)]
        assert listed == ([] if latest.status == "withdrawn" else ["KZ"])
        # A state the organization never had is never a member.
        assert membership_on(org, "RU", on).status == "not_yet_member"
