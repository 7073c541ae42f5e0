"""Each stage of the engine on its own: resolve, entitle, arise, decide (primary, consequence,
basis, vote), outcome, obligations; and the compiled question against the answers it gives."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import casus
from casus.evaluation.engine import EvaluationError, Outcome, evaluate
from casus.evaluation.invocation import Invocation, from_request_file
from casus.evaluation.question import compile_question, computed_outcome, question, resolve
from casus.model.common import Value
from casus.model.request import RequestFile
from casus.model.rules import propositions_of
from casus.vote.rules import decide
from casus.whatif.grid import grid

WORLD = casus.load_world()
YES, NO, CONTESTED, UNDETERMINED = Value.YES, Value.NO, Value.CONTESTED, Value.UNDETERMINED
NATO_ART_4 = "north-atlantic-treaty/art_4"
NATO_ART_5 = "north-atlantic-treaty/art_5"


def _request(**fields: Any) -> Invocation:
    doc: dict[str, Any] = {
        "kind": "request",
        "id": "t",
        "title": "a test request",
        "organization": "nato",
        "date": "2023-01-10",
        "requester": {"state": "PL", "office": "head_of_state", "person": "the President"},
        "place": "warsaw",
    }
    doc.update(fields)
    return from_request_file(RequestFile.model_validate(doc))


def _reads(*refs: str) -> dict[str, str]:
    """Every proposition the provisions read, stipulated yes."""
    props: dict[str, str] = {}
    for ref in refs:
        inst, _, eid = ref.partition("/")
        prov = WORLD.instruments[inst].provision(eid)
        assert prov is not None
        for v in prov.versions:
            if v.casus is not None:
                for e in (v.casus.when, *(x.when for x in v.casus.exceptions)):
                    props.update(dict.fromkeys(propositions_of(e), "yes"))
    return props


def test_resolve_gives_the_version_in_force_or_why_none_is() -> None:
    r = resolve(WORLD, [NATO_ART_5], dt.date(1949, 1, 1))
    assert r.in_force == () and r.not_in_force[0].provision == NATO_ART_5
    assert r.nodes[0].value is NO
    r = resolve(WORLD, [NATO_ART_5], dt.date(2023, 1, 10))
    assert [x[0] for x in r.in_force] == [NATO_ART_5]
    with pytest.raises(EvaluationError, match="no provision 'art_99'"):
        resolve(WORLD, ["north-atlantic-treaty/art_99"], dt.date(2023, 1, 10))


def test_entitle_reads_membership_party_and_office() -> None:
    q = question(WORLD, _request())
    assert q.entitled is YES
    outsider = question(
        WORLD, _request(requester={"state": "KZ", "office": "head_of_state", "person": "P"})
    )
    assert outsider.entitled is NO
    assert any("not a member" in n.statement for n in outsider.entitled_node.walk())


def test_with_both_art_4_and_art_5_holding_and_nothing_cited_the_strongest_consequence_wins() -> (
    None
):
    inv = _request(grounds={"propositions": _reads(NATO_ART_4, NATO_ART_5)})
    q = question(WORLD, inv)
    arisen = q.arise(inv.reading(inv.default_reading).values)
    assert list(arisen) == [YES, YES]
    assert q.consequence(arisen) == "assistance"
    assert q.basis(arisen) is YES
    assert evaluate(WORLD, inv).outcome["computed"] == Outcome.OBLIGATIONS_ARISE
    # The grid reaches the same answer through the same stages (it once said consultation_due).
    g = grid(WORLD, inv, ["proposition.armed_attack_on_party"])
    by_value = {r["proposition.armed_attack_on_party"]: r["outcome"] for r in g.records()}
    assert by_value["yes"] == "obligations_arise"


def test_primary_prefers_a_cited_provision() -> None:
    inv = casus.from_case(WORLD.cases["kz-2022"], WORLD.cases["kz-2022"].requests[0])
    q = question(WORLD, inv)
    cited = [p for p in q.provisions if p.cited and p.decided_by]
    assert q.primary([NO] * len(q.provisions)) is cited[0]


@pytest.mark.parametrize(
    ("entitled", "basis", "vote", "expected"),
    [
        (NO, YES, None, Outcome.NOT_ENTITLED),
        (YES, NO, None, Outcome.CASUS_NOT_ESTABLISHED),
        (YES, CONTESTED, None, Outcome.CONTESTED),
        (YES, YES, None, Outcome.OBLIGATIONS_ARISE),
        (YES, YES, ("consensus", {"A": "object"}), Outcome.REFUSED),
        (YES, YES, ("consensus", {"A": "support"}), Outcome.UNDETERMINED),
        (YES, YES, ("consensus", {"A": "support", "B": "support"}), Outcome.APPROVED),
        (UNDETERMINED, YES, ("consensus", {"A": "support", "B": "support"}), Outcome.UNDETERMINED),
    ],
)
def test_computed_outcome(entitled: Value, basis: Value, vote: Any, expected: Outcome) -> None:
    result = None if vote is None else decide(vote[0], ["A", "B"], vote[1])
    assert computed_outcome(entitled, basis, result, "assistance")[0] is expected


def test_limited_format_and_consultation_outcomes() -> None:
    lf = decide("consensus", ["A", "B"], {"A": "support", "B": "abstain"}, limited_format=True)
    assert computed_outcome(YES, YES, lf, "assistance")[0] is Outcome.APPROVED_LIMITED_FORMAT
    assert computed_outcome(YES, YES, None, "consultation")[0] is Outcome.CONSULTATION_DUE


def test_obligations_bind_only_those_who_joined_under_the_limited_format() -> None:
    kz = WORLD.cases["kz-2022"]
    inv = casus.from_case(kz, kz.requests[0])
    q = compile_question(WORLD, inv, inv.date)
    arisen = [YES] * len(q.provisions)
    deciding = q.deciding(q.primary(arisen))
    assert deciding is not None
    positions = {**dict(inv.positions), "AM": "abstain"}
    vote = deciding.vote(positions)
    assert vote is not None
    obligations, nodes = q.obligations(arisen, vote)
    joined = [o for o in obligations if any(s.why == "joined the decision" for s in o.states)]
    for o in joined:
        am = next(s for s in o.states if s.state == "AM")
        assert am.value is NO and "did not join" in am.why
    assert len(nodes) == len(obligations)


def test_the_run_is_the_stages_with_words() -> None:
    kz = WORLD.cases["kz-2022"]
    inv = casus.from_case(kz, kz.requests[0])
    q = question(WORLD, inv)
    ev = q.run(inv)
    label, value, vote = q.outcome(inv.reading(ev.reading).values, inv.positions)
    assert ev.outcome["computed"] == label and ev.outcome["value"] == value.value
    assert ev.vote == vote
    assert ev.to_dict() == evaluate(WORLD, inv).to_dict()


def test_a_request_before_the_instrument_is_in_force_is_a_gap_not_a_refusal() -> None:
    inv = _request(
        date="1949-01-01",
        provisions_cited=[NATO_ART_5],
        grounds={"propositions": _reads(NATO_ART_5)},
    )
    ev = evaluate(WORLD, inv)
    assert ev.outcome["computed"] == Outcome.NO_PROVISION_IN_FORCE
    assert ev.outcome["nearest_in_force"] == [
        {"provision": NATO_ART_5, "in_force_until": None, "in_force_from": "1949-08-24"}
    ]
    assert ev.outcome["value"] == "no"


def test_provisions_naming_different_organs_are_a_reported_conflict() -> None:
    refs = ["rio-treaty/art_6", "rio-treaty/art_13"]
    inv = _request(
        organization="tiar",
        date="2019-09-11",
        requester={"state": "US", "office": "head_of_state", "person": "the President"},
        place=None,
        grounds={"propositions": _reads(*refs)},
    )
    q = question(WORLD, inv)
    arisen = q.arise(inv.reading(inv.default_reading).values)
    organs = {p.decided_by for p, v in zip(q.provisions, arisen, strict=True) if v is YES}
    assert len(organs) >= 2, organs
    ev = evaluate(WORLD, inv)
    conflict = ev.outcome["conflict"]
    assert conflict["kind"] == "deciding_organ"
    assert {c["organ"] for c in conflict["provisions"]} >= organs - {None}
    assert conflict["chosen"] in {c["provision"] for c in conflict["provisions"]}
    assert any(n.statement.startswith("conflict:") for n in ev.explanation.children)


def _rio_with_priority(prefer: str, over: str) -> casus.World:
    from dataclasses import replace

    from casus.model.organization import Priority

    tiar = WORLD.organizations["tiar"]
    priority = Priority(
        id="test-priority",
        valid_from=dt.date(1948, 12, 3),
        prefer=prefer,
        over=[over],
        basis="interpretation",
        label="a priority stipulated by this test",
        sources=list(tiar.sources[:1]),
    )
    org = tiar.model_copy(update={"priorities": [priority]})
    return replace(WORLD, organizations={**WORLD.organizations, "tiar": org})


RIO = ("rio-treaty/art_6", "rio-treaty/art_13")


def _rio_request() -> Invocation:
    return _request(
        organization="tiar",
        date="2019-09-11",
        requester={"state": "US", "office": "head_of_state", "person": "the President"},
        place=None,
        grounds={"propositions": _reads(*RIO)},
    )


@pytest.mark.parametrize(("prefer", "over"), [RIO, RIO[::-1]])
def test_a_labelled_priority_settles_which_organ_decides(prefer: str, over: str) -> None:
    world = _rio_with_priority(prefer, over)
    ev = evaluate(world, _rio_request())
    assert "conflict" not in ev.outcome
    settled = ev.outcome["priority"]
    assert settled["chosen"].startswith(prefer + "@")
    assert settled["resolved_by"]["priority"] == "test-priority"
    organ = {c["provision"]: c["organ"] for c in settled["provisions"]}[settled["chosen"]]
    assert ev.organ is not None and ev.organ["id"] == organ
    node = next(n for n in ev.explanation.children if n.statement.startswith("priority:"))
    assert node.value is YES
    assert f"source:{world.organizations['tiar'].sources[0]}" in node.cites


def test_a_priority_that_does_not_cover_the_provisions_leaves_the_conflict() -> None:
    world = _rio_with_priority("rio-treaty/art_6", "rio-treaty/art_3")
    ev = evaluate(world, _rio_request())
    assert ev.outcome["conflict"]["resolved_by"] is None
    assert "priority" not in ev.outcome


def test_a_priority_before_its_date_does_not_apply() -> None:
    world = _rio_with_priority(*RIO)
    tiar = world.organizations["tiar"]
    later = tiar.priorities[0].model_copy(update={"valid_from": dt.date(2020, 1, 1)})
    from dataclasses import replace

    world = replace(
        world,
        organizations={
            **world.organizations,
            "tiar": tiar.model_copy(update={"priorities": [later]}),
        },
    )
    assert "conflict" in evaluate(world, _rio_request()).outcome


def test_one_organ_is_no_conflict() -> None:
    kz = WORLD.cases["kz-2022"]
    ev = evaluate(WORLD, casus.from_case(kz, kz.requests[0]))
    assert "conflict" not in ev.outcome


@pytest.mark.parametrize(
    ("date", "art_6"),
    [
        ("1950-06-01", "1949-08-24"),
        ("1952-02-16", "1949-08-24"),  # the Protocol applies from the deposit of 18 Feb
        ("1955-06-01", "1952-02-18"),
        ("2001-09-12", "1962-07-03"),
    ],
)
def test_art_5_has_one_version_and_reads_the_scope_of_art_6_in_force(date: str, art_6: str) -> None:
    inv = _request(
        date=date,
        requester={"state": "US", "office": "head_of_state", "person": "the President"},
        place="new-york-city",
        provisions_cited=[NATO_ART_5],
        grounds={"propositions": {"armed_attack_on_party": "yes"}},
    )
    ev = evaluate(WORLD, inv)
    assert [t.provision for t in ev.triggered] == ["north-atlantic-treaty/art_5@1949-08-24"]
    applied = [n for n in ev.explanation.walk() if n.statement.startswith("as ")]
    assert applied and applied[0].cites == (
        "north-atlantic-treaty/art_5@1949-08-24",
        f"north-atlantic-treaty/art_6@{art_6}",
    )
    assert ev.triggered[0].value is YES


def test_a_priority_is_shown_in_the_terminal_and_the_report() -> None:
    import io

    from rich.console import Console

    from casus.cli.render import print_evaluation
    from casus.report.html import render_report

    world = _rio_with_priority(*RIO)
    doc = evaluate(world, _rio_request()).to_dict()
    out = io.StringIO()
    print_evaluation(doc, title="t", console=Console(file=out, width=250))
    assert "priority: provisions that arise name different organs" in out.getvalue()
    assert "a priority stipulated by this test" in out.getvalue()
    case = WORLD.cases["rio-2019-ve"]
    replay = casus.replay(WORLD, case.id).to_dict()
    replay["requests"][0]["evaluation"] = doc
    html = render_report(replay)
    assert "Priority: provisions that arise name different organs" in html
    assert "a priority stipulated by this test" in html


def test_not_a_member_says_since_when_it_became_one_cited() -> None:
    inv = _request(date="1990-01-01", provisions_cited=[NATO_ART_4])
    ev = evaluate(WORLD, inv)
    node = next(n for n in ev.explanation.walk() if n.statement.startswith("PL is not yet"))
    assert "it became one on 1999-03-12" in node.statement
    pl = WORLD.organizations["nato"].member("PL")
    assert pl is not None
    assert set(node.cites) == {f"source:{s}" for s in pl.events[0].sources}


def test_a_suspension_is_in_the_explanation_cited_for_the_party_it_affects() -> None:
    inv = _request(
        organization="anzus",
        date="1990-06-01",
        requester={"state": "NZ", "office": "head_of_government", "person": "the PM"},
        place="wellington",
        provisions_cited=["anzus/art_4"],
        grounds={"propositions": {"armed_attack_on_party": "yes"}},
    )
    ev = evaluate(WORLD, inv)
    suspension = WORLD.organizations["anzus"].suspensions[0]
    nodes = [
        n for n in ev.explanation.walk() if n.statement.startswith("US: obligations towards NZ")
    ]
    assert nodes and all(n.value is NO for n in nodes)
    assert all(set(n.cites) == {f"source:{s}" for s in suspension.sources} for n in nodes)
