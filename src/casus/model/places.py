"""A gazetteer: named places and the treaty areas they belong to. Never coordinates.

Territorial scope clauses (North Atlantic Treaty Art. 6, ANZUS Art. V, Rio Treaty Art. 4, the
US-Japan Treaty's "territories under the administration of Japan") are encoded as areas and as
holdings; a place says which areas it lies in and who holds it, as the sources describe it.

Each of those attributes is either a **stated fact** (with its sources) or a **claim** by a named
government (`claimed_by`), dated where the source dates it. Who holds a place may change over
time (`valid_from`/`valid_to`: Okinawa's administration returned to Japan on 15 May 1972) and
may be contested (each government's claim kept beside the others). A place is either an entry
of the gazetteer (`Place`, by id) or written inline in a request (`InlinePlace`); the rules read
both through the same functions below, so that a scope clause is tested the same way whatever
the place's origin, and its explanation says where each attribute came from.

What counts on a date: facts and claims whose interval covers it, and only claims made on or
before it (a later statement is never read back into an earlier date). Facts settle a question;
claims alone settle it when they agree, and make it contested when they do not.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from casus.model.common import Frozen, Id, Value
from casus.model.states import State

HoldingKind = Literal["sovereignty", "administration", "jurisdiction"]


class Area(Frozen):
    id: Id
    name: str
    description: str
    sources: list[Id] = Field(min_length=1)


class _Attributed(Frozen):
    """A fact, or a government's claim: who says it, when, and where it is written."""

    claimed_by: str | None = Field(
        default=None,
        description="The government (or authorities) whose claim this is, named in words; "
        "absent: a stated fact, resting on its sources.",
    )
    date: dt.date | None = Field(
        default=None,
        description="When the claim was made; a claim made after the date evaluated is not read.",
    )
    quote: str | None = Field(default=None, description="A short quote, attributed.")
    sources: list[Id] = Field(default_factory=list)
    label: Literal["VERIFY", "RECALLED", "NOT FOUND", "PARTLY", "INTERPRETATION"] | None = Field(
        default=None,
        description="An assumption label when the fact or claim rests on what was not verified "
        "(shown with it wherever it is read); absent: verified in its sources.",
    )
    note: str | None = None

    def said_by(self, on: dt.date) -> bool:
        """Whether it may be read on the date: a fact always, a claim once it was made."""
        return self.claimed_by is None or self.date is None or self.date <= on

    def attribution(self) -> str:
        label = f" [{self.label}]" if self.label else ""
        if self.claimed_by is None:
            return f"stated fact{label}"
        when = f", {self.date.isoformat()}" if self.date is not None else ""
        quote = f': "{self.quote}"' if self.quote else ""
        return f"claimed by {self.claimed_by}{when}{quote}{label}"


class Holding(_Attributed):
    """Who holds a place, in which capacity, over which dates."""

    state: State
    kind: HoldingKind = Field(
        default="sovereignty",
        description="sovereignty (whose territory it is), administration (who administers it), "
        "jurisdiction (sovereign rights and jurisdiction, e.g. in an exclusive economic zone).",
    )
    holds: bool = Field(
        default=True,
        description="false: that the state does not hold it so (a government disputing another's "
        "administration or jurisdiction).",
    )
    valid_from: dt.date | None = Field(default=None, description="First day it holds, if known.")
    valid_to: dt.date | None = Field(
        default=None, description="First day on which it no longer holds; open if absent."
    )

    def covers(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on < self.valid_to
        )


class AreaClaim(_Attributed):
    """That a place lies (or does not lie) in a treaty area, as somebody says it does."""

    area: Id
    lies_in: bool = True


class PlaceFacts(Frozen):
    """What a place is, wherever it is written: its name, whose it is, where it lies."""

    name: str
    state: State | None = Field(
        default=None,
        description="Whose territory it is, as a stated fact without dates; for dated or "
        "contested sovereignty use `holders`.",
    )
    areas: list[Id] = Field(
        default_factory=list, description="Areas (by id) the place lies in, as stated facts."
    )
    area_claims: list[AreaClaim] = Field(
        default_factory=list, description="Areas the place lies in (or not) as somebody claims."
    )
    holders: list[Holding] = Field(
        default_factory=list,
        description="Who holds it, dated, each a stated fact or a government's claim.",
    )
    sources: list[Id] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> PlaceFacts:
        if not self.areas and not self.area_claims:
            raise ValueError("a place lies in at least one area: give `areas` or `area_claims`")
        return self

    def origin(self) -> str:
        """Where its attributes come from, for explanations."""
        return "as written in the request"


class Place(PlaceFacts):
    """A place of the gazetteer, named by its id."""

    id: Id
    sources: list[Id] = Field(min_length=1)

    def origin(self) -> str:
        return f"gazetteer place {self.id}"


class InlinePlace(PlaceFacts):
    """A place written in a request: by name, with whose it is and the areas it lies in."""


class PlacesFile(Frozen):
    """A gazetteer file (`kind: places`)."""

    kind: Literal["places"]
    areas: list[Area] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)


# --- what the rules read of a place on a date -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Standing:
    """A question about a place answered on a date: its value, the statement of each fact or
    claim that spoke to it, and their sources."""

    value: Value
    said: tuple[str, ...]
    sources: tuple[str, ...]

    def words(self) -> str:
        return "; ".join(self.said) if self.said else "nothing is stated"


def _judge(
    facts: Sequence[tuple[bool, _Attributed, str]],
    claims: Sequence[tuple[bool, _Attributed, str]],
    fallback: tuple[bool, str, tuple[str, ...]] | None = None,
) -> Standing:
    """Facts settle; claims alone settle when they agree, and are contested when they do not."""
    said = [f"{what} ({a.attribution()})" for _, a, what in (*facts, *claims)]
    sources = tuple(dict.fromkeys(s for _, a, _ in (*facts, *claims) for s in a.sources))
    if facts:
        value = Value.YES if any(v for v, _, _ in facts) else Value.NO
    elif claims:
        answers = {v for v, _, _ in claims}
        value = (
            Value.CONTESTED if len(answers) > 1 else (Value.YES if answers == {True} else Value.NO)
        )
    elif fallback is not None:
        v, what, fb_sources = fallback
        return Standing(Value.YES if v else Value.NO, (what,), fb_sources)
    else:
        return Standing(Value.UNDETERMINED, (), ())
    return Standing(value, tuple(said), sources)


def in_areas(place: PlaceFacts, areas: Iterable[str], on: dt.date) -> Standing:
    """Whether the place lies in any of the areas on the date."""
    wanted = list(areas)
    stated = _Attributed(sources=list(place.sources))
    facts = [(True, stated, f"lies in {a}") for a in place.areas if a in wanted]
    claims = [
        (c.lies_in, c, f"{'lies' if c.lies_in else 'does not lie'} in {c.area}")
        for c in place.area_claims
        if c.area in wanted and c.said_by(on)
    ]
    if not facts and not claims:
        if any(c.area in wanted for c in place.area_claims):
            # Whether it lies there is a matter of claims, none of them made by this date: open,
            # never a silent no (and the later claim is not named).
            return Standing(
                Value.UNDETERMINED,
                (
                    f"whether it lies in {', '.join(wanted)} is no stated fact, and no claim by "
                    f"{on.isoformat()} speaks to it",
                ),
                tuple(place.sources),
            )
        # Stated areas that are none of these answer no; nothing at all leaves it open.
        named = ", ".join(place.areas) or "no area"
        return Standing(
            Value.NO if place.areas else Value.UNDETERMINED,
            (f"lies in {named}, none of {', '.join(wanted)} (stated fact)",),
            tuple(place.sources),
        )
    return _judge(facts, claims)


def held_by(place: PlaceFacts, states: Iterable[str], kind: HoldingKind, on: dt.date) -> Standing:
    """Whether one of the states holds the place in that capacity on the date.

    Holdings of the kind asked count; without any, sovereignty answers for administration and
    jurisdiction (a state administers its own territory), and the undated `state` for all."""
    wanted = set(states)
    current = [h for h in place.holders if h.covers(on) and h.said_by(on)]
    of_kind = [h for h in current if h.kind == kind]
    if not of_kind and kind != "sovereignty":
        of_kind = [h for h in current if h.kind == "sovereignty"]
    rows: list[tuple[bool, _Attributed, str]] = []
    for h in of_kind:
        says = h.state in wanted if h.holds else False
        word = "holds" if h.holds else "does not hold"
        rows.append((says, h, f"{h.state} {word} {h.kind}"))
    facts = [r for r in rows if r[1].claimed_by is None]
    claims = [r for r in rows if r[1].claimed_by is not None]
    # A fact that a state does not hold leaves the others open: only positive facts settle.
    if facts and not any(isinstance(a, Holding) and a.holds for _, a, _ in facts):
        claims, facts = [*claims, *facts], []
    fallback = None
    if place.state is not None:
        fallback = (
            place.state in wanted,
            f"{place.state} holds sovereignty (stated fact)",
            tuple(place.sources),
        )
    return _judge(facts, claims, fallback)


def holders_summary(place: PlaceFacts, on: dt.date) -> list[str]:
    """Every holding that may be read on the date, in words (the explanation's context)."""
    out = []
    for h in place.holders:
        if h.covers(on) and h.said_by(on):
            word = "holds" if h.holds else "does not hold"
            out.append(f"{h.state} {word} {h.kind} ({h.attribution()})")
    if not out and place.state is not None:
        out.append(f"{place.state} holds sovereignty (stated fact)")
    return out


def unknown_place(place_id: str, known: Iterable[str]) -> str:
    """The message for a place id the gazetteer does not hold: the nearest ids, and how to
    write the place inline instead."""
    near = difflib.get_close_matches(place_id, sorted(known), n=5, cutoff=0.5)
    hint = f"; nearest known: {', '.join(near)}" if near else "; every known place: `casus places`"
    return (
        f"expected the id of a known place, found '{place_id}'{hint}; or write the place inline: "
        "place: {name: ..., state: XX, areas: [AREA, ...]} (see docs/reference/request-file.md)"
    )


#: The tags of a request's two forms of `place`, which the loader leaves out of error paths.
PLACE_FORMS = ("place-id", "place-inline")


def _place_form(value: object) -> str:
    """A mapping is a place written inline; anything else is read as a gazetteer id."""
    return PLACE_FORMS[1] if isinstance(value, (dict, PlaceFacts)) else PLACE_FORMS[0]


#: A request's `place`: a gazetteer id, or the place written inline.
RequestPlace = Annotated[
    Annotated[
        Annotated[Id, Tag(PLACE_FORMS[0])] | Annotated[InlinePlace, Tag(PLACE_FORMS[1])],
        Discriminator(_place_form),
    ]
    | None,
    Field(
        description="Where the event took place: a gazetteer id, or the place written inline "
        "(name, the state it belongs to, the areas it lies in, each a fact or a claim)."
    ),
]
