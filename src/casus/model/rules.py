"""The rule language of a casus: small, declarative, and read by lawyers as well as by the engine.

An expression is one of
- a proposition name (`armed_attack_on_party`), whose value comes from claims under a reading;
- `{all: [...]}`, `{any: [...]}`, `{not: ...}` over expressions;
- `{on_or_after: DATE}` / `{before: DATE}` over the date of the request;
- `{place_in: [AREA, ...]}`: the place of the event lies in one of the areas (a gazetteer of
  named places and the areas they belong to; never coordinates);
- `{territory_of: affected_party | any_party}`: the place is territory of that party.

Rules never read free text. A casus has a base condition (`when`) and labelled exceptions, after
Catala: an exception that holds defeats the base case, and the explanation names it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag

from casus.model.common import Frozen, Id, Proposition


class AllOf(Frozen):
    all: list[Expr] = Field(min_length=1)


class AnyOf(Frozen):
    any: list[Expr] = Field(min_length=1)


class NotOf(Frozen):
    not_: Expr = Field(alias="not")


class OnOrAfter(Frozen):
    on_or_after: dt.date


class Before(Frozen):
    before: dt.date


class PlaceIn(Frozen):
    place_in: list[Id] = Field(min_length=1, description="Area ids from the gazetteer.")


class TerritoryOf(Frozen):
    territory_of: Literal["affected_party", "any_party"]


EXPR_FORMS = ("all", "any", "not", "on_or_after", "before", "place_in", "territory_of")


def _expr_form(value: Any) -> str | None:
    """Which form of expression a value is, so that errors speak of that form alone."""
    if isinstance(value, str):
        return "expr:proposition"
    if isinstance(value, dict):
        for key in EXPR_FORMS:
            if key in value:
                return f"expr:{key}"
        return None
    for cls, key in (
        (AllOf, "all"),
        (AnyOf, "any"),
        (NotOf, "not"),
        (OnOrAfter, "on_or_after"),
        (Before, "before"),
    ):
        if isinstance(value, cls):
            return f"expr:{key}"
    return None


Expr = Annotated[
    Union[  # noqa: UP007 (a recursive alias needs the Union form)
        Annotated[Proposition, Tag("expr:proposition")],
        Annotated[AllOf, Tag("expr:all")],
        Annotated[AnyOf, Tag("expr:any")],
        Annotated[NotOf, Tag("expr:not")],
        Annotated[OnOrAfter, Tag("expr:on_or_after")],
        Annotated[Before, Tag("expr:before")],
        Annotated[PlaceIn, Tag("expr:place_in")],
        Annotated[TerritoryOf, Tag("expr:territory_of")],
    ],
    Discriminator(
        _expr_form,
        custom_error_type="expression",
        custom_error_message=(
            "expected an expression: a proposition name, or a mapping with one of the keys "
            "all, any, not, on_or_after, before, place_in, territory_of"
        ),
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


def propositions_of(expr: Expr) -> list[str]:
    """Every proposition an expression reads, in order of first appearance."""
    seen: list[str] = []

    def walk(e: Expr) -> None:
        if isinstance(e, str):
            if e not in seen:
                seen.append(e)
        elif isinstance(e, AllOf):
            for x in e.all:
                walk(x)
        elif isinstance(e, AnyOf):
            for x in e.any:
                walk(x)
        elif isinstance(e, NotOf):
            walk(e.not_)

    walk(expr)
    return seen


Office = Literal[
    "head_of_state",
    "head_of_government",
    "minister_for_foreign_affairs",
    "minister_of_defence",
    "parliament",
    "permanent_representative",
    "other",
]


class Assumption(Frozen):
    """An encoding choice that rests on text not verified, or on an interpretation.

    Assumptions are always shown beside the result that depends on them.
    """

    id: Id
    text: str
    label: Literal["VERIFY", "RECALLED", "NOT FOUND", "PARTLY", "INTERPRETATION", "PLANNING"]
    sources: list[Id] = Field(default_factory=list)


class InvokedBy(Frozen):
    """Who may invoke the provision: which party, through which office."""

    party: Literal["affected_party", "any_party"] = Field(
        description="affected_party: only the state the casus concerns; any_party: any member."
    )
    offices: list[Office] | None = Field(
        default=None,
        description="Offices that may make the state's request; absent means any organ of the state.",
    )
    assumptions: list[Id] = Field(
        default_factory=list, description="Ids of assumptions (in this version) the rule rests on."
    )


class RuleException(Frozen):
    """A labelled exception: when it holds, the casus does not arise."""

    id: Id
    label: str
    when: Expr
    basis: Literal["text", "interpretation"] = Field(
        description="text: written in the provision; interpretation: a reading of it, attributed."
    )
    sources: list[Id] = Field(min_length=1)
    assumptions: list[Id] = Field(default_factory=list)


class Obligation(Frozen):
    """What follows when the casus arises and the organ decides."""

    id: Id
    bearer: Literal["other_parties", "all_parties", "requester", "organ"]
    duty: str = Field(description="The duty in the provision's own words or a close paraphrase.")
    binds: Literal["all", "joined"] = Field(
        default="joined",
        description="joined: only the members that joined the decision (limited format).",
    )
    modality: Literal["must", "may"] = "must"


class Casus(Frozen):
    """A provision's trigger: the event, who may invoke it, who decides, what follows."""

    event: str = Field(description="The kind of event, in the provision's words.")
    when: Expr
    exceptions: list[RuleException] = Field(default_factory=list)
    invoked_by: InvokedBy
    decided_by: Id | None = Field(
        default=None, description="The organ (of the instrument's organization) that decides."
    )
    consequence: Literal["assistance", "consultation", "decision", "measures"]
    obligations: list[Obligation] = Field(default_factory=list)
