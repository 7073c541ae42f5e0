"""The rule language: one registry of conditions, built from Python as from YAML, one walker,
and compiled forms whose fast value and explained value agree with a plain oracle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casus.law.claims import proposition_value
from casus.model.common import Value
from casus.model.places import Place
from casus.model.rules import (
    CONDITIONS,
    AllOf,
    AnyOf,
    Before,
    Expr,
    NotOf,
    OnOrAfter,
    PlaceIn,
    Situation,
    TerritoryOf,
    compile_expr,
    places_of,
    propositions_of,
)
from casus.schema import translate

DAY = dt.date(2022, 1, 6)
PLACE = Place(id="almaty", name="Almaty", state="KZ", areas=["central-asia"], sources=["s"])
SITUATION = Situation(DAY, PLACE, "KZ", frozenset({"KZ", "RU"}))
NAMES = ("p", "q", "r")
VALUES = list(Value)


def test_every_condition_builds_from_python_and_round_trips_through_yaml_form() -> None:
    expr = AllOf(
        all=[
            PlaceIn(place_in=["central-asia"]),
            TerritoryOf(territory_of="affected_party"),
            AnyOf(any=["p", NotOf.model_validate({"not": "q"})]),
            OnOrAfter(on_or_after=dt.date(2010, 1, 1)),
            Before(before=dt.date(2030, 1, 1)),
        ]
    )
    again = AllOf.model_validate(expr.model_dump(by_alias=True, mode="json"))
    assert again == expr
    assert propositions_of(expr) == ["p", "q"]
    assert places_of(expr) == ["central-asia", "territory of affected party"]


def test_the_registry_is_the_one_list_of_conditions() -> None:
    keys = {c.key for c in CONDITIONS}
    assert keys == {
        "all",
        "any",
        "not",
        "on_or_after",
        "before",
        "place_in",
        "territory_of",
        "held_by",
        "attacker",
        "provision",
    }
    # The loader's error translation knows every registered kind, and nothing else.
    assert set(translate._TAG_MODELS) == {f"expr:{k}" for k in keys}


def _oracle(e: Expr, env: dict[str, Value], sit: Situation) -> Value:
    """The four-valued semantics written out plainly, independent of the compiler."""
    rank = {Value.YES: 0, Value.CONTESTED: 1, Value.UNDETERMINED: 2, Value.NO: 3}
    if isinstance(e, str):
        return env.get(e, Value.UNDETERMINED)
    if isinstance(e, AllOf):
        return max((_oracle(x, env, sit) for x in e.all), key=rank.__getitem__)
    if isinstance(e, AnyOf):
        vals = [_oracle(x, env, sit) for x in e.any]
        flip = {Value.YES: 3, Value.CONTESTED: 1, Value.UNDETERMINED: 2, Value.NO: 0}
        return max(vals, key=flip.__getitem__)
    if isinstance(e, NotOf):
        v = _oracle(e.not_, env, sit)
        return {Value.YES: Value.NO, Value.NO: Value.YES}.get(v, v)
    if isinstance(e, OnOrAfter):
        return Value.YES if sit.on >= e.on_or_after else Value.NO
    if isinstance(e, Before):
        return Value.YES if sit.on < e.before else Value.NO
    assert sit.place is not None
    if isinstance(e, PlaceIn):
        return Value.YES if set(e.place_in) & set(sit.place.areas) else Value.NO
    assert isinstance(e, TerritoryOf)
    return Value.YES if sit.place.state == sit.affected_state else Value.NO


def _exprs() -> st.SearchStrategy[Any]:
    leaves = st.one_of(
        st.sampled_from(NAMES),
        st.builds(OnOrAfter, on_or_after=st.dates(dt.date(2020, 1, 1), dt.date(2024, 1, 1))),
        st.builds(Before, before=st.dates(dt.date(2020, 1, 1), dt.date(2024, 1, 1))),
        st.builds(
            PlaceIn, place_in=st.lists(st.sampled_from(["central-asia", "europe"]), min_size=1)
        ),
        st.just(TerritoryOf(territory_of="affected_party")),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(AllOf, all=st.lists(inner, min_size=1, max_size=3)),
            st.builds(AnyOf, any=st.lists(inner, min_size=1, max_size=3)),
            inner.map(lambda x: NotOf.model_validate({"not": x})),
        ),
        max_leaves=8,
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=_exprs(), env=st.dictionaries(st.sampled_from(NAMES), st.sampled_from(VALUES)))
def test_compiled_value_and_explained_value_agree_with_the_oracle(
    expr: Expr, env: dict[str, Value]
) -> None:
    compiled = compile_expr(expr, SITUATION, "i/art_1@2000-01-01")
    values = {k: proposition_value(k, v) for k, v in env.items()}
    missing: list[str] = []
    contested: list[str] = []
    fast = compiled.value(values)
    explained, node = compiled.explain(values, missing, contested)
    assert fast is explained is _oracle(expr, env, SITUATION)
    assert node.value is fast
    # What is reported missing or contested is read by the rule, and has that value.
    for m in missing:
        assert m in propositions_of(expr) and env.get(m, Value.UNDETERMINED) is Value.UNDETERMINED
    for c in contested:
        assert env[c] is Value.CONTESTED


def test_a_rule_without_a_place_reports_the_place_missing() -> None:
    sit = Situation(DAY, None, "KZ", frozenset())
    v, node = compile_expr(PlaceIn(place_in=["europe"]), sit, "c").explain({}, missing := [], [])
    assert v is Value.UNDETERMINED and missing == ["place"]
    assert "missing: the place" in node.statement


def test_a_provision_used_in_its_own_definition_is_undetermined_not_a_loop() -> None:
    from casus.model.rules import UsesProvision

    loop = UsesProvision(provision="i/art_6")
    sit = Situation(DAY, PLACE, "KZ", frozenset(), lambda ref: ("i/art_6@2000-01-01", loop))
    value, node = compile_expr(loop, sit, "i/art_5@2000-01-01").explain({}, [], [])
    assert value is Value.UNDETERMINED
    assert "within its own definition" in node.walk()[-1].statement
