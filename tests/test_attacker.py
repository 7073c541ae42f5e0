"""Who attacked: claims, never facts. `{attacker: KIND}` answers yes or no only when the claims
that name an attacker agree, contested when they do not, undetermined when none does; a request
by one member against another says so; a misspelt attacker is refused by `casus validate`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import casus
from casus.model.attacker import AttackerClaim, attacker_standing
from casus.model.common import Value
from casus.model.rules import AttackerIs, Situation, compile_expr

DAY = dt.date(2022, 10, 19)
MEMBERS = frozenset({"AM", "BY", "KG", "KZ", "RU", "TJ"})


def _claim(by: str, **kw: object) -> AttackerClaim:
    return AttackerClaim.model_validate({"by": by, "sources": [f"src-{by}"], **kw})


KG_SAYS_TJ = _claim("kg", kind="state", state="TJ")
TJ_SAYS_KG = _claim("tj", kind="state", state="KG")
SOMEONE_SAYS_GROUP = _claim("x", kind="non_state_group", group="a named group")
UNKNOWN = _claim("y", kind="unknown")


def _value(kind: str, claims: tuple[AttackerClaim, ...], on: dt.date = DAY) -> Value:
    sit = Situation(on, None, "KG", MEMBERS, attacker=claims)
    value, _ = compile_expr(AttackerIs(attacker=kind), sit, "t/art_1@2000-01-01").explain(
        {}, [], []
    )
    assert value is compile_expr(AttackerIs(attacker=kind), sit, "c").value({})
    return value


def test_two_governments_blaming_each_other_agree_it_was_a_member_state() -> None:
    # Both name a member state: that the attacker is a member is not in dispute, who is.
    assert _value("member", (KG_SAYS_TJ, TJ_SAYS_KG)) is Value.YES
    assert _value("state", (KG_SAYS_TJ, TJ_SAYS_KG)) is Value.YES
    assert _value("non_member_state", (KG_SAYS_TJ, TJ_SAYS_KG)) is Value.NO


def test_a_state_against_a_group_is_contested_not_true() -> None:
    claims = (KG_SAYS_TJ, SOMEONE_SAYS_GROUP)
    for kind in ("member", "state", "non_state_group"):
        assert _value(kind, claims) is Value.CONTESTED, kind


def test_a_member_against_a_non_member_is_contested() -> None:
    claims = (KG_SAYS_TJ, _claim("z", kind="state", state="AF"))
    assert _value("member", claims) is Value.CONTESTED
    assert _value("non_member_state", claims) is Value.CONTESTED
    assert _value("state", claims) is Value.YES


def test_no_attacker_named_is_undetermined_and_reported_missing() -> None:
    for claims in ((), (UNKNOWN,)):
        sit = Situation(DAY, None, "KG", MEMBERS, attacker=claims)
        missing: list[str] = []
        value, node = compile_expr(AttackerIs(attacker="member"), sit, "c").explain({}, missing, [])
        assert value is Value.UNDETERMINED and missing == ["attacker"], node.statement


def test_a_claim_made_after_the_date_is_not_read() -> None:
    later = _claim("kg", kind="state", state="TJ", date="2023-01-01")
    assert _value("member", (later,)) is Value.UNDETERMINED
    assert _value("member", (later,), on=dt.date(2023, 1, 1)) is Value.YES


def test_each_claim_is_attributed_and_cited() -> None:
    standing = attacker_standing((KG_SAYS_TJ, TJ_SAYS_KG), "member", MEMBERS, DAY)
    assert standing.sources == ("src-kg", "src-tj")
    assert any("claimed by kg" in s for s in standing.said)
    assert any("claimed by tj" in s for s in standing.said)


def test_an_attacker_claim_names_what_its_kind_needs() -> None:
    with pytest.raises(ValueError, match="names the `state`"):
        _claim("kg", kind="state")
    with pytest.raises(ValueError, match="only for an attacker of kind state"):
        _claim("kg", kind="unknown", state="TJ")


def test_kg_2022_a_request_by_one_member_against_another_says_so() -> None:
    world = casus.load_world()
    case = world.cases["kg-2022"]
    (request,) = [r for r in case.requests if r.attacker]
    ev = casus.evaluate(world, casus.from_case(case, request))
    nodes = ev.explanation.walk()
    (who,) = [n for n in nodes if n.statement.startswith("who attacked is contested")]
    assert who.value is Value.CONTESTED
    assert "TJ (claimed by Government of Kyrgyzstan)" in who.statement
    assert "KG (claimed by Government of Tajikistan)" in who.statement
    (against,) = [
        n for n in who.children if "a request by one member against another" in n.statement
    ]
    assert against.statement.startswith("KG asks for assistance against TJ, itself a member of")
    assert "source:inozpress-2022-kg-statutory-documents" in against.cites


# --- bad input --------------------------------------------------------------------------------

REQUEST = """kind: request
id: tst-bad-attacker
organization: csto
date: 2022-10-19
requester: {state: KG, office: minister_of_defence, person: (hypothetical)}
actors:
  - {id: kg-government, name: Government of Kyrgyzstan, kind: government, state: KG}
attacker:
  - kind: {kind}
    state: {state}
    by: {by}
    sources: [request-file]
"""


def _validate(tmp_path: Path, kind: str, state: str, by: str) -> subprocess.CompletedProcess[str]:
    text = REQUEST.replace("{kind}", kind).replace("{state}", state).replace("{by}", by)
    (tmp_path / "request.yaml").write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "casus", "validate", "request.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )


def test_validate_accepts_a_good_attacker(tmp_path: Path) -> None:
    out = _validate(tmp_path, "state", "TJ", "kg-government")
    assert out.returncode == 0, out.stderr


def test_validate_a_misspelt_attacker_state(tmp_path: Path) -> None:
    out = _validate(tmp_path, "state", "Tajikstan", "kg-government")
    assert out.returncode == 2 and out.stdout == ""
    first = out.stderr.splitlines()[0]
    assert first.startswith("request.yaml:10:5: attacker[0].state: expected a state")
    assert "nearest: TJ Tajikistan" in first


def test_validate_a_misspelt_attacker_kind(tmp_path: Path) -> None:
    out = _validate(tmp_path, "stat", "TJ", "kg-government")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines()[0] == (
        "request.yaml:9:5: attacker[0].kind: expected one of 'state', 'non_state_group' or "
        "'unknown', found 'stat'"
    )


def test_validate_a_misspelt_actor_of_an_attacker_claim(tmp_path: Path) -> None:
    out = _validate(tmp_path, "state", "TJ", "kg-govt")
    assert out.returncode == 2 and out.stdout == ""
    first = out.stderr.splitlines()[0]
    assert first.startswith("request.yaml:11:5: attacker[0].by: expected the id of an actor")
    assert "found 'kg-govt' (nearest: kg-government)" in first


def test_validate_a_misspelt_attacker_in_a_rule() -> None:
    with pytest.raises(ValueError, match="non_member_state"):
        AttackerIs.model_validate({"attacker": "membr"})
