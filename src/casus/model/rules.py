"""The rule language of a casus: small, declarative, and read by lawyers as well as by the engine.

An expression is one of
- a proposition name (`armed_attack_on_party`), whose value comes from claims under a reading;
- `{all: [...]}`, `{any: [...]}`, `{not: ...}` over expressions;
- `{on_or_after: DATE}` / `{before: DATE}` over the date of the request;
- `{place_in: [AREA, ...]}`: the place of the event lies in one of the areas (a gazetteer of
  named places and the areas they belong to; never coordinates);
- `{territory_of: affected_party | any_party}`: the place is territory of that party (its
  sovereignty on the date, stated or claimed);
- `{held_by: affected_party | any_party | STATE, as: administration | jurisdiction | sovereignty}`:
  the place is held so on the date (US-Japan Treaty Art. V: "territories under the
  administration of Japan");
- `{attacker: member | non_member_state | state | non_state_group}`: who attacked or
  threatened, as the request's claims name them (contested when they name different kinds).

Rules never read free text. A casus has a base condition (`when`) and labelled exceptions, after
Catala: an exception that holds defeats the base case, and the explanation names it.

**One point of extension.** Every kind of condition is one class below, registered in
`CONDITIONS`: its YAML key, its children, the places it names, and how it compiles into a pair of
functions (a fast value, and the value with its explanation). The YAML/JSON schema, the loader's
error messages, the walker used by the network and the vocabulary check, and every evaluator
derive from that registry, so a new kind of condition is one class here and its test.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Protocol, Union

from pydantic import Discriminator, Field, Tag

from casus.model.attacker import AttackerClaim, attacker_standing
from casus.model.common import Frozen, Id, Proposition, Value
from casus.model.explain import Node
from casus.model.logic import v_and, v_not, v_or
from casus.model.places import HoldingKind, PlaceFacts, Standing, held_by, in_areas

YES, NO, UNDETERMINED, CONTESTED = Value.YES, Value.NO, Value.UNDETERMINED, Value.CONTESTED


class Fact(Protocol):
    """What a rule reads of a proposition under a reading: its value, in words, with citations."""

    @property
    def value(self) -> Value: ...
    @property
    def statement(self) -> str: ...
    @property
    def cites(self) -> tuple[str, ...]: ...


Values = Mapping[str, Fact]


@dataclass(frozen=True, slots=True)
class Situation:
    """What a rule may read besides propositions: the date, the place, the parties."""

    on: dt.date
    place: PlaceFacts | None
    affected_state: str
    parties: frozenset[str]
    # What another provision defines on the date (its citation and expression), for
    # `{provision: …}`; None when the rule is evaluated without a world.
    provisions: Callable[[str], tuple[str, Expr] | None] | None = None
    using: tuple[str, ...] = ()  # the provisions being applied, innermost last (no cycles)
    # What the rules' instrument presumes of a proposition no claim speaks to (see Presumption).
    presumed: Mapping[str, Presumption] = field(default_factory=dict)
    # Who attacked or threatened, as the request's claims name them (see model/attacker.py).
    attacker: tuple[AttackerClaim, ...] = ()


ValueFn = Callable[[Values], Value]
ExplainFn = Callable[[Values, list[str], list[str]], tuple[Value, Node]]


@dataclass(frozen=True, slots=True)
class Compiled:
    """An expression compiled for one situation and one citation.

    `value` gives the truth value alone (for grids and searches); `explain` gives it with its
    explanation node and records, in the lists it is given, the propositions that were missing or
    contested where they mattered. Both agree by construction: `explain` is `value` plus words.
    """

    value: ValueFn
    explain: ExplainFn


def _constant(value: Value, node: Node, missing: str | None = None) -> Compiled:
    def explain(values: Values, miss: list[str], contested: list[str]) -> tuple[Value, Node]:
        if missing is not None and missing not in miss:
            miss.append(missing)
        return value, node

    return Compiled(lambda values: value, explain)


class Condition(Frozen):
    """One kind of condition. Subclasses set `key` (their YAML key) and compile themselves."""

    key: ClassVar[str]

    def children(self) -> tuple[Expr, ...]:
        """The expressions this condition is built from."""
        return ()

    def places(self) -> tuple[str, ...]:
        """The areas or territories this condition names, in words a reader of the network sees."""
        return ()

    @abstractmethod
    def compile(self, situation: Situation, cite: str) -> Compiled:
        """This condition compiled for a situation and the citation its nodes carry."""


def _junction(parts: list[Compiled], conjunction: bool, cite: str) -> Compiled:
    fns = tuple(p.value for p in parts)
    explains = tuple(p.explain for p in parts)
    combine = v_and if conjunction else v_or
    # An open condition matters only when the others leave the answer open: a failed conjunct
    # settles `all`, a satisfied disjunct settles `any`.
    settled = NO if conjunction else YES
    word = "all" if conjunction else "any"
    n = len(parts)
    cites = (cite,)
    statements = {x: f"{word} of {n} conditions: {x.value}" for x in Value}

    def value(values: Values) -> Value:
        return combine(f(values) for f in fns)

    def explain(values: Values, missing: list[str], contested: list[str]) -> tuple[Value, Node]:
        sub_missing: list[str] = []
        sub_contested: list[str] = []
        vals = []
        nodes = []
        for e in explains:
            v, node = e(values, sub_missing, sub_contested)
            vals.append(v)
            nodes.append(node)
        v = combine(vals)
        if v is not settled:
            if sub_missing:
                missing.extend(m for m in sub_missing if m not in missing)
            if sub_contested:
                contested.extend(c for c in sub_contested if c not in contested)
        return v, Node(statements[v], v, cites, tuple(nodes))

    return Compiled(value, explain)


class AllOf(Condition):
    key: ClassVar[str] = "all"
    all: list[Expr] = Field(min_length=1)

    def children(self) -> tuple[Expr, ...]:
        return tuple(self.all)

    def compile(self, situation: Situation, cite: str) -> Compiled:
        return _junction([compile_expr(e, situation, cite) for e in self.all], True, cite)


class AnyOf(Condition):
    key: ClassVar[str] = "any"
    any: list[Expr] = Field(min_length=1)

    def children(self) -> tuple[Expr, ...]:
        return tuple(self.any)

    def compile(self, situation: Situation, cite: str) -> Compiled:
        return _junction([compile_expr(e, situation, cite) for e in self.any], False, cite)


class NotOf(Condition):
    key: ClassVar[str] = "not"
    not_: Expr = Field(alias="not")

    def children(self) -> tuple[Expr, ...]:
        return (self.not_,)

    def compile(self, situation: Situation, cite: str) -> Compiled:
        inner = compile_expr(self.not_, situation, cite)
        inner_value, inner_explain = inner.value, inner.explain

        statements = {x: f"not: {x.value}" for x in Value}
        cites = (cite,)

        def explain(values: Values, missing: list[str], contested: list[str]) -> tuple[Value, Node]:
            iv, node = inner_explain(values, missing, contested)
            v = v_not(iv)
            return v, Node(statements[v], v, cites, (node,))

        return Compiled(lambda values: v_not(inner_value(values)), explain)


class OnOrAfter(Condition):
    key: ClassVar[str] = "on_or_after"
    on_or_after: dt.date

    def compile(self, situation: Situation, cite: str) -> Compiled:
        v = YES if situation.on >= self.on_or_after else NO
        return _constant(v, Node(f"on or after {self.on_or_after.isoformat()}: {v}", v, (cite,)))


class Before(Condition):
    key: ClassVar[str] = "before"
    before: dt.date

    def compile(self, situation: Situation, cite: str) -> Compiled:
        v = YES if situation.on < self.before else NO
        return _constant(v, Node(f"before {self.before.isoformat()}: {v}", v, (cite,)))


def _no_place(cite: str) -> Compiled:
    return _constant(
        UNDETERMINED,
        Node("undetermined, missing: the place of the event", UNDETERMINED, (cite,)),
        "place",
    )


def _place_node(place: PlaceFacts, question: str, standing: Standing, cite: str) -> Compiled:
    """A place condition settled at compile time: the question, its value, and where each
    attribute read came from (the gazetteer or the request; a fact or whose claim), cited."""
    v = standing.value
    sources = dict.fromkeys((*place.sources, *standing.sources))
    return _constant(
        v,
        Node(
            f"{place.name} {question}: {v} ({place.origin()}: {standing.words()})",
            v,
            (cite, *(f"source:{s}" for s in sources)),
        ),
    )


class PlaceIn(Condition):
    key: ClassVar[str] = "place_in"
    place_in: list[Id] = Field(min_length=1, description="Area ids from the gazetteer.")

    def places(self) -> tuple[str, ...]:
        return tuple(self.place_in)

    def compile(self, situation: Situation, cite: str) -> Compiled:
        place = situation.place
        if place is None:
            return _no_place(cite)
        standing = in_areas(place, self.place_in, situation.on)
        hit = [a for a in self.place_in if a in place.areas]
        if standing.value is YES and hit:
            question = f"lies in {', '.join(hit)}"
        elif standing.value is NO and not place.area_claims:
            question = f"lies in none of {', '.join(self.place_in)}"
        else:
            question = f"lies in one of {', '.join(self.place_in)}"
        return _place_node(place, question, standing, cite)


_Holder = Literal["affected_party", "any_party"]


def _holders(who: str, situation: Situation) -> tuple[frozenset[str], str]:
    if who == "affected_party":
        return frozenset({situation.affected_state}), situation.affected_state
    if who == "any_party":
        return situation.parties, "a party"
    return frozenset({who}), who


class TerritoryOf(Condition):
    key: ClassVar[str] = "territory_of"
    territory_of: _Holder

    def places(self) -> tuple[str, ...]:
        return (f"territory of {self.territory_of.replace('_', ' ')}",)

    def compile(self, situation: Situation, cite: str) -> Compiled:
        place = situation.place
        if place is None:
            return _no_place(cite)
        states, whose = _holders(self.territory_of, situation)
        standing = held_by(place, states, "sovereignty", situation.on)
        return _place_node(
            place, f"({place.state or 'no state'}) is territory of {whose}", standing, cite
        )


class HeldBy(Condition):
    """The place is held by a state in a capacity on the date: under its administration (US-Japan
    Treaty Art. V), under its jurisdiction (US-Philippines Treaty Art. V, "island territories
    under its jurisdiction"), or its territory."""

    key: ClassVar[str] = "held_by"
    held_by: Annotated[str, Field(pattern=r"^(affected_party|any_party|[A-Z]{2})$")] = Field(
        description="affected_party, any_party, or a state's ISO 3166-1 alpha-2 code."
    )
    as_: HoldingKind = Field(default="administration", alias="as")

    def places(self) -> tuple[str, ...]:
        return (f"under the {self.as_} of {self.held_by.replace('_', ' ')}",)

    def compile(self, situation: Situation, cite: str) -> Compiled:
        place = situation.place
        if place is None:
            return _no_place(cite)
        states, whose = _holders(self.held_by, situation)
        standing = held_by(place, states, self.as_, situation.on)
        return _place_node(place, f"is under the {self.as_} of {whose}", standing, cite)


AttackerKind = Literal["member", "non_member_state", "state", "non_state_group"]


class AttackerIs(Condition):
    """Who attacked or threatened, as the claims of the request name them: a member of the
    organization on the date, a state that is not one, any state, or a non-state group."""

    key: ClassVar[str] = "attacker"
    attacker: AttackerKind

    def compile(self, situation: Situation, cite: str) -> Compiled:
        standing = attacker_standing(
            situation.attacker, self.attacker, situation.parties, situation.on
        )
        v = standing.value
        words = self.attacker.replace("_", " ")
        node = Node(
            f"the attacker is a {words}: {v} ({standing.words()})",
            v,
            (cite, *(f"source:{s}" for s in standing.sources)),
        )
        return _constant(v, node, "attacker" if v is UNDETERMINED else None)


class UsesProvision(Condition):
    """What another provision defines, as its version in force on the date has it: NATO Art. 5
    reads the territorial scope of Art. 6. The explanation cites the version applied."""

    key: ClassVar[str] = "provision"
    provision: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*/[A-Za-z0-9_]+$",
        description="instrument/eid of a provision whose versions `define` an expression.",
    )

    def compile(self, situation: Situation, cite: str) -> Compiled:
        ref = self.provision
        if ref in situation.using:
            return _constant(
                UNDETERMINED,
                Node(
                    f"{ref} is used within its own definition: undetermined", UNDETERMINED, (cite,)
                ),
            )
        found = situation.provisions(ref) if situation.provisions is not None else None
        if found is None:
            return _constant(
                UNDETERMINED,
                Node(
                    f"{ref} defines nothing in force on {situation.on.isoformat()}: undetermined",
                    UNDETERMINED,
                    (cite,),
                ),
                ref,
            )
        used_cite, expr = found
        inner_situation = replace(situation, using=(*situation.using, ref))
        # The conditions inside are the using provision's reading of the definition: they cite
        # it, and the node that applies the definition cites both.
        inner = compile_expr(expr, inner_situation, cite)
        inner_explain = inner.explain
        statements = {x: f"as {used_cite} defines it: {x.value}" for x in Value}
        cites = (cite, used_cite)

        def explain(values: Values, missing: list[str], contested: list[str]) -> tuple[Value, Node]:
            v, node = inner_explain(values, missing, contested)
            return v, Node(statements[v], v, cites, (node,))

        return Compiled(inner.value, explain)


# The registry: every kind of condition, in the order errors list them.
CONDITIONS: tuple[type[Condition], ...] = (
    AllOf,
    AnyOf,
    NotOf,
    OnOrAfter,
    Before,
    PlaceIn,
    TerritoryOf,
    HeldBy,
    AttackerIs,
    UsesProvision,
)
EXPR_FORMS = tuple(c.key for c in CONDITIONS)
_BY_CLASS: dict[type[Condition], str] = {c: f"expr:{c.key}" for c in CONDITIONS}


def _expr_form(value: Any) -> str | None:
    """Which form of expression a value is, so that errors speak of that form alone."""
    if isinstance(value, str):
        return "expr:proposition"
    if isinstance(value, dict):
        for key in EXPR_FORMS:
            if key in value:
                return f"expr:{key}"
        return None
    return _BY_CLASS.get(type(value))


if TYPE_CHECKING:
    Expr = Union[str, Condition]  # noqa: UP007
else:
    Expr = Annotated[
        Union[
            (
                Annotated[Proposition, Tag("expr:proposition")],
                *(Annotated[c, Tag(f"expr:{c.key}")] for c in CONDITIONS),
            )
        ],
        Discriminator(
            _expr_form,
            custom_error_type="expression",
            custom_error_message=(
                "expected an expression: a proposition name, or a mapping with one of the keys "
                + ", ".join(EXPR_FORMS)
            ),
        ),
    ]


Uses = Callable[[str], "Expr | None"]


def walk(expr: Expr, uses: Uses | None = None) -> Iterator[Expr]:
    """Every expression in `expr`, itself first, depth first: the one generic walker. With
    `uses`, a `{provision: …}` is followed into what that provision defines."""
    yield expr
    if isinstance(expr, str):
        return
    for child in expr.children():
        yield from walk(child, uses)
    if uses is not None and isinstance(expr, UsesProvision):
        used = uses(expr.provision)
        if used is not None:
            yield from walk(used, None)  # one level: a definition does not chain here


def propositions_of(expr: Expr, uses: Uses | None = None) -> list[str]:
    """Every proposition an expression reads, in order of first appearance."""
    return list(dict.fromkeys(e for e in walk(expr, uses) if isinstance(e, str)))


def places_of(expr: Expr, uses: Uses | None = None) -> list[str]:
    """Every area or territory an expression names, in order of first appearance."""
    return list(
        dict.fromkeys(p for e in walk(expr, uses) if not isinstance(e, str) for p in e.places())
    )


def _proposition(name: str, cite: str, presumed: Presumption | None = None) -> Compiled:
    # What no claim speaks to reads the same in every run: its node is built once.
    missing_node = Node(
        f"{name}: undetermined, missing: no claim about it counts under this reading",
        UNDETERMINED,
        (cite,),
    )

    # With a presumption, no claim means the presumed value (labelled, cited), not a gap.
    absent = UNDETERMINED if presumed is None else Value(presumed.value)
    presumed_node = (
        None
        if presumed is None
        else Node(
            f"{name}: {presumed.value}, presumed: no claim speaks to it under this reading "
            f"({presumed.label}: {presumed.text})",
            absent,
            (cite, *(f"source:{s}" for s in presumed.sources)),
        )
    )

    def value(values: Values) -> Value:
        pv = values.get(name)
        return absent if pv is None else pv.value

    def explain(values: Values, missing: list[str], contested: list[str]) -> tuple[Value, Node]:
        pv = values.get(name)
        if pv is None:
            if presumed_node is not None:
                return absent, presumed_node
            if name not in missing:
                missing.append(name)
            return UNDETERMINED, missing_node
        v = pv.value
        if v is UNDETERMINED:
            if name not in missing:
                missing.append(name)
        elif v is CONTESTED and name not in contested:
            contested.append(name)
        return v, Node(pv.statement, v, (cite, *pv.cites))

    return Compiled(value, explain)


def compile_expr(expr: Expr, situation: Situation, cite: str) -> Compiled:
    """Compile an expression for a situation: what is static (dates, places) is settled now."""
    if isinstance(expr, str):
        return _proposition(expr, cite, situation.presumed.get(expr))
    return expr.compile(situation, cite)


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


class Presumption(Frozen):
    """What an instrument's rules take a proposition to be when no claim speaks to it under a
    reading: a defeater that must be alleged to count (e.g. that consent was vitiated). Shown,
    labelled and cited, wherever it is applied; a claim either way replaces it."""

    proposition: Proposition
    value: Literal["yes", "no"]
    label: Literal["INTERPRETATION", "VERIFY", "RECALLED", "PARTLY"]
    text: str = Field(description="Why the rule may take it so, and on whose reading.")
    sources: list[Id] = Field(min_length=1)


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
    consequence: Literal["assistance", "consultation", "decision", "measures", "permission"] = (
        Field(
            description="What follows: assistance, consultation, a decision, measures; or, in "
            "general international law, permission (a lawful basis for the foreign force)."
        )
    )
    obligations: list[Obligation] = Field(default_factory=list)
