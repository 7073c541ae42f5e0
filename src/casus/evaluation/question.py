"""The staged engine: a question compiled once, then answered over facts and positions.

A *question* is a request to one organization on one date, by one requester through one office,
about one affected state and place, citing some provisions (or none). Everything that depends
on those alone is resolved when the question is compiled:

1. **resolve** — which version of each provision is in force on the date (cited, dated);
2. **entitle** — whether the requester may invoke each one (membership, party, office);
3. the casus rules, compiled for the date, the place and the parties (`law.casus`);
4. the deciding organs, their voting rules on the date, the voters, and the static parts of
   the explanation; the obligations' bearers and suspensions.

Answering the question over the propositions' values and the members' positions is then a run
of small pure stages, each a function of plain data:

5. **arise** — each provision's casus under a reading (`arise`, or `arise_explained`);
6. **decide** — the deciding provision (`primary`), the strongest consequence (`consequence`),
   whether the request is grounded (`basis`) and the organ's vote (`Deciding.vote`);
7. **outcome** — `computed_outcome`, an `Outcome`;
8. **obligations** — who is bound to what (`obligations`);
9. **explain** — the cited explanation tree (`Question.run` assembles it).

`evaluate`, the what-if grid, minimal changes, `compare` and the network all call these stages,
so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from casus.evaluation.context import UnknownPlace, attacker_node, place_node, resolve_place
from casus.evaluation.invocation import Invocation
from casus.evaluation.results import (
    AssumptionUsed,
    BoundState,
    Evaluation,
    EvaluationError,
    NotInForce,
    ObligationResult,
    Outcome,
    Triggered,
)
from casus.law.casus import CompiledCasus, compile_casus
from casus.law.dates import NoVersionInForce, in_force
from casus.law.membership import MembershipOnDate, members_on, membership_on
from casus.model.case import Decision
from casus.model.common import Value
from casus.model.explain import Node
from casus.model.instrument import Instrument, Provision, ProvisionVersion
from casus.model.logic import v_and, v_or
from casus.model.organization import Organization, Priority, VotingRule
from casus.model.places import PlaceFacts
from casus.model.rules import Assumption, Obligation, Situation, Values
from casus.model.world import World
from casus.vote.rules import VoteResult, decide

YES, NO, CONTESTED, UNDETERMINED = Value.YES, Value.NO, Value.CONTESTED, Value.UNDETERMINED

_VALUE_RANK = {YES: 0, CONTESTED: 1, UNDETERMINED: 2, NO: 3}
# The strength of a consequence: assistance before a decision, measures, then consultation.
CONSEQUENCE_RANK = {
    "assistance": 0,
    "decision": 1,
    "measures": 2,
    "consultation": 3,
    "permission": 4,
}


# --- 1. resolve ------------------------------------------------------------------------------


def resolve_ref(world: World, ref: str) -> tuple[Instrument, Provision]:
    inst_id, _, eid = ref.partition("/")
    inst = world.instruments.get(inst_id)
    if inst is None:
        raise EvaluationError(f"unknown instrument '{inst_id}' in '{ref}'")
    prov = inst.provision(eid)
    if prov is None:
        known = ", ".join(p.eid for p in inst.provisions)
        raise EvaluationError(f"instrument '{inst_id}' has no provision '{eid}' (it has: {known})")
    return inst, prov


def candidate_refs(world: World, organization: str) -> list[str]:
    """Every provision with a casus in some version, among the organization's instruments."""
    return [r for inst in world.instruments_of(organization) for r in _casus_refs(inst)]


def _cites(sources: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"source:{x}" for x in sources)


def _presuming(situation: Situation, inst: Instrument) -> Situation:
    """The situation with what the instrument presumes of propositions no claim speaks to."""
    if not inst.presumptions:
        return situation
    return replace(situation, presumed={p.proposition: p for p in inst.presumptions})


def _casus_refs(inst: Instrument) -> list[str]:
    return [
        f"{inst.id}/{p.eid}"
        for p in inst.provisions
        if any(v.casus is not None for v in p.versions)
    ]


@dataclass(frozen=True, slots=True)
class Resolved:
    """The provisions considered on a date: those in force (with their nodes) and those not."""

    in_force: tuple[tuple[str, Instrument, Provision, ProvisionVersion, str], ...]  # ref … cite
    not_in_force: tuple[NotInForce, ...]
    nodes: tuple[Node, ...]
    gaps: tuple[tuple[str, NoVersionInForce], ...] = ()


def resolve(world: World, refs: Sequence[str], on: dt.date) -> Resolved:
    """Stage 1: the version of each provision in force on the date, or why none is."""
    found = []
    not_in_force: list[NotInForce] = []
    nodes: list[Node] = []
    gaps: list[tuple[str, NoVersionInForce]] = []
    for ref in refs:
        inst, prov = resolve_ref(world, ref)
        version = in_force(prov.versions, on)
        if isinstance(version, NoVersionInForce):
            nearest = prov.versions[0]
            not_in_force.append(NotInForce(ref, version.reason))
            gaps.append((ref, version))
            nodes.append(
                Node(
                    f"{ref} is not in force on {on.isoformat()}: {version.reason}",
                    NO,
                    (nearest.cite(inst.id, prov.eid),),
                )
            )
            continue
        cite = version.cite(inst.id, prov.eid)
        nodes.append(
            Node(
                f"{cite} ({prov.heading}) is the version in force on {on.isoformat()}"
                f" [{version.text_status}]: \u201c{version.text}\u201d",
                YES,
                (cite, *(f"source:{s}" for s in version.sources)),
            )
        )
        found.append((ref, inst, prov, version, cite))
    return Resolved(tuple(found), tuple(not_in_force), tuple(nodes), tuple(gaps))


# --- 2. entitle ------------------------------------------------------------------------------


def membership_node(m: MembershipOnDate, org: Organization) -> Node:
    if m.event is None:
        member = org.member(m.state)
        joins = None if member is None else min(member.events, key=lambda e: e.date)
        if joins is None:
            return Node(
                f"{m.state} is not a member of {org.short_name} on {m.on.isoformat()}, nor at "
                "any time its membership record covers",
                NO,
                tuple(f"source:{s}" for s in org.sources),
            )
        return Node(
            f"{m.state} is not yet a member of {org.short_name} on {m.on.isoformat()}: it "
            f"became one on {joins.date.isoformat()} ({joins.what})",
            NO,
            tuple(f"source:{s}" for s in joins.sources),
        )
    text = f"{m.state}'s status in {org.short_name} on {m.on.isoformat()}: {m.status.replace('_', ' ')}"
    text += f" (since {m.event.date.isoformat()}: {m.event.what})"
    if m.contested:
        text += f"; contested: {m.contested}"
    return Node(text, m.participates, tuple(f"source:{s}" for s in m.event.sources))


def entitle(
    inv: Invocation, version: ProvisionVersion, cite: str, membership: Node, member_value: Value
) -> tuple[Value, Node]:
    """Stage 2: whether the requester may invoke the provision: member, party, office."""
    casus = version.casus
    assert casus is not None
    ib = casus.invoked_by
    children = [membership]
    if ib.party == "affected_party":
        party = YES if inv.affected_state == inv.requester.state else NO
        children.append(
            Node(
                f"only the affected party may invoke it: {inv.requester.state} "
                + (
                    "is" if party is YES else f"is not (the affected state is {inv.affected_state})"
                ),
                party,
                (cite,),
            )
        )
    else:
        party = YES
        children.append(Node("any party may invoke it", YES, (cite,)))
    if ib.offices is None:
        office = YES
        children.append(Node("the provision names no office for the request", YES, (cite,)))
    else:
        office = YES if inv.requester.office in ib.offices else NO
        allowed = ", ".join(o.replace("_", " ") for o in ib.offices)
        verb = "is one of" if office is YES else "is not one of"
        notes = ""
        if ib.assumptions:
            notes = f" [assumption: {', '.join(ib.assumptions)}]"
        children.append(
            Node(
                f"the request came from the {inv.requester.office.replace('_', ' ')} "
                f"({inv.requester.person}), which {verb} the offices read as entitled: {allowed}{notes}",
                office,
                (cite,),
            )
        )
    value = v_and((member_value, party, office))
    return value, Node(
        f"{inv.requester.state} may invoke {cite}: {value}", value, (cite,), tuple(children)
    )


# --- 4. the deciding organ -------------------------------------------------------------------


def rule_cites(world: World, rule: VotingRule, on: dt.date) -> tuple[str, ...]:
    cites: list[str] = []
    if rule.provision is not None:
        try:
            inst, prov = resolve_ref(world, rule.provision)
        except EvaluationError:
            pass
        else:
            v = in_force(prov.versions, on)
            if not isinstance(v, NoVersionInForce):
                cites.append(v.cite(inst.id, prov.eid))
    cites.extend(f"source:{s}" for s in rule.sources)
    return tuple(cites)


@dataclass(frozen=True, slots=True)
class Deciding:
    """An organ that decides, with its voting rule on the date, compiled for one citation."""

    cite: str
    info: dict[str, str]
    name: str
    rule: VotingRule | None
    rule_info: dict[str, Any] | None
    rule_node: Node | None  # the rule, cited; None when no rule is in force
    no_rule_node: Node | None  # why no rule is in force
    voters: tuple[str, ...]
    excluded: tuple[str, ...]
    assumptions: tuple[tuple[Assumption, str], ...]
    _positions: dict[tuple[str, str | None, tuple[str, ...]], Node] = field(default_factory=dict)

    def _position(self, state: str, position: str | None, sources: tuple[str, ...]) -> Node:
        key = (state, position, sources)
        node = self._positions.get(key)
        if node is None:
            node = self._positions[key] = Node(
                f"{state}: {position or 'no recorded position'}",
                UNDETERMINED if position is None else (YES if position == "support" else NO),
                tuple(f"source:{x}" for x in sources) or (self.cite,),
            )
        return node

    def vote(self, positions: Mapping[str, str]) -> VoteResult | None:
        """Stage 6: the organ's vote over the members' positions (None: no rule in force)."""
        rule = self.rule
        if rule is None:
            return None
        return decide(
            rule.rule,
            self.voters,
            positions,
            limited_format=rule.limited_format,
            majority=rule.majority,
            vetoes=rule.vetoes,
            excluded=self.excluded,
        )

    def node(
        self,
        vote: VoteResult | None,
        positions: Mapping[str, str],
        position_sources: Mapping[str, tuple[str, ...]],
    ) -> Node:
        if vote is None or self.rule_node is None:
            assert self.no_rule_node is not None
            return self.no_rule_node
        cite = self.cite
        pos_nodes = tuple(
            self._position(s, positions.get(s), tuple(position_sources.get(s, ())))
            for s in self.voters
        )
        return Node(
            f"{self.name} ({', '.join(self.voters)}): {vote.outcome}: {vote.reason}",
            vote.value,
            (cite,),
            (self.rule_node, *pos_nodes),
        )


def compile_organ(
    world: World,
    org: Organization,
    organ_id: str,
    cite: str,
    on: dt.date,
    voters: tuple[str, ...],
    parties_to_dispute: tuple[str, ...],
) -> Deciding:
    """Stage 4: the organ named by a provision, its rule on the date, and who votes."""
    organ = org.organ(organ_id)
    if organ is None:
        raise EvaluationError(f"{cite} names organ '{organ_id}', unknown to {org.id}")
    info = {
        "id": organ.id,
        "name": organ.name,
        "organization": org.id,
        "composition": organ.composition,
    }
    rule = in_force(organ.voting, on)
    if isinstance(rule, NoVersionInForce):
        no_rule = Node(
            f"{organ.name}: no voting rule in force on {on.isoformat()}: {rule.reason}",
            UNDETERMINED,
            (cite,),
        )
        return Deciding(cite, info, organ.name, None, None, None, no_rule, voters, (), ())
    where = f"{org.id}/{organ.id}/voting@{rule.valid_from.isoformat()}"
    rcites = rule_cites(world, rule, on)
    maj = rule.majority
    fmt = " with the limited format" if rule.limited_format else ""
    if maj is not None:
        more = "more than " if maj.strictly_more else ""
        fmt = f" of {more}{maj.fraction} of the {maj.of}"
        if maj.quorum_equals_threshold:
            fmt += ", with a quorum equal to the votes needed"
    rule_info: dict[str, Any] = {
        "rule": rule.rule,
        "majority": None
        if maj is None
        else {
            "fraction": maj.fraction,
            "strictly_more": maj.strictly_more,
            "of": maj.of,
            "quorum_equals_threshold": maj.quorum_equals_threshold,
            "exclude_parties_to_dispute": maj.exclude_parties_to_dispute,
        },
        "vetoes": list(rule.vetoes),
        "limited_format": rule.limited_format,
        "basis": rule.basis,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "cites": list(rcites),
        "text": f"{rule.rule}{fmt}",
    }
    rule_node = Node(
        f"{organ.name} decides by {rule.rule}{fmt} ({rule.basis}; in force from "
        f"{rule.valid_from.isoformat()})",
        YES,
        rcites or (cite,),
    )
    excluded = parties_to_dispute if maj is not None and maj.exclude_parties_to_dispute else ()
    return Deciding(
        cite,
        info,
        organ.name,
        rule,
        rule_info,
        rule_node,
        None,
        voters,
        excluded,
        tuple((a, where) for a in rule.assumptions),
    )


# --- the compiled question -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Considered:
    """A provision in force with a casus, compiled for the question."""

    ref: str
    instrument: str
    eid: str
    heading: str
    cited: bool
    text: str
    text_status: str
    cite: str
    event: str
    consequence: str
    casus: CompiledCasus
    entitled: Value
    entitled_node: Node
    decided_by: str | None
    obligations: tuple[tuple[Obligation, tuple[str, ...]], ...]  # each with its bearers


@dataclass(frozen=True, slots=True)
class Suspended:
    towards: str
    since: dt.date
    what: str
    contested: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """A request compiled for one world, organization, date and requester. Answer it with `run`
    (a full evaluation) or with the stages (`arise`, `primary`, `basis`, `consequence`, the
    organ's `vote`, `computed_outcome`), which take and return plain data."""

    on: dt.date
    voters: tuple[str, ...]
    provisions: tuple[Considered, ...]
    not_in_force: tuple[NotInForce, ...]
    in_force_node: Node
    entitled: Value
    entitled_node: Node
    organs: Mapping[str, Deciding | EvaluationError]
    suspended: Mapping[str, Suspended]
    assumptions: tuple[AssumptionUsed, ...]
    # When no provision with a casus is in force on the date: the nearest dates each one was or
    # will be in force (a gap in the law is its own outcome, not a refusal).
    nearest_in_force: tuple[dict[str, str | None], ...] | None = None
    # The organization's labelled priorities in force on the date.
    priorities: tuple[Priority, ...] = ()
    # What the answer rests on when no provision is in force: the organization's sources, or
    # those of the frame's instruments.
    sources: tuple[str, ...] = ()
    # What the explanation shows of the place and the attacker (evaluation/context.py).
    context: tuple[Node, ...] = ()
    # Immutable parts of answers, shared between runs (a state bound with a value, and why).
    _bound: dict[tuple[str, Value, str], BoundState] = field(default_factory=dict)
    # By the identity of a Deciding of this question (they live as long as it does).
    _assumption_sets: dict[int, tuple[AssumptionUsed, ...]] = field(default_factory=dict)
    _obligations: dict[tuple[Any, ...], tuple[tuple[ObligationResult, ...], tuple[Node, ...]]] = (
        field(default_factory=dict)
    )
    # The decision table: for each tuple of casus values met so far, the deciding organ, the
    # basis and the consequence (at most 4^n entries for n provisions).
    _decisions: dict[tuple[Value, ...], tuple[Deciding | None, Value, str | None]] = field(
        default_factory=dict
    )

    def _assumptions_with(self, deciding: Deciding | None) -> tuple[AssumptionUsed, ...]:
        """The assumptions of the provisions in force, then those of the deciding organ's rule."""
        key = id(deciding)
        found = self._assumption_sets.get(key)
        if found is None:
            merged = dict.fromkeys(self.assumptions)
            if deciding is not None:
                for a, where in deciding.assumptions:
                    merged.setdefault(AssumptionUsed(a.id, a.label, a.text, where))
            found = self._assumption_sets[key] = tuple(merged)
        return found

    def _state(self, state: str, value: Value, why: str) -> BoundState:
        key = (state, value, why)
        b = self._bound.get(key)
        if b is None:
            b = self._bound[key] = BoundState(state, value, why)
        return b

    # --- 5. arise ----------------------------------------------------------------------------

    def arise(self, values: Values) -> tuple[Value, ...]:
        """Each provision's casus over one reading's values, without explanations."""
        return tuple(p.casus.value(values) for p in self.provisions)

    # --- 6. decide ---------------------------------------------------------------------------

    def basis(self, arisen: Sequence[Value]) -> Value:
        """Whether the request is grounded: some provision it may invoke arises."""
        if not arisen:
            return NO
        return v_or(v_and((p.entitled, v)) for p, v in zip(self.provisions, arisen, strict=True))

    def consequence(self, arisen: Sequence[Value]) -> str | None:
        """The strongest consequence among the provisions that hold (all, if none holds)."""
        pairs = list(zip(self.provisions, arisen, strict=True))
        held = [p for p, v in pairs if v is YES and p.entitled is YES] or [p for p, _ in pairs]
        if not held:
            return None
        return min(held, key=lambda p: CONSEQUENCE_RANK.get(p.consequence, 9)).consequence

    def primary(self, arisen: Sequence[Value]) -> Considered | None:
        """The provision whose organ decides: the first cited one with a deciding organ; without
        citations, the one a labelled priority prefers among those that arise, else one the
        requester may invoke whose casus is most clearly met, the strongest consequence first."""
        candidates = [
            (p, v) for p, v in zip(self.provisions, arisen, strict=True) if p.decided_by is not None
        ]
        if not candidates:
            return None
        for p, _ in candidates:
            if p.cited:
                return p
        preferred = self.prioritised(arisen)
        if preferred is not None:
            return preferred[1]
        return min(
            candidates,
            key=lambda c: (
                _VALUE_RANK[c[0].entitled],
                _VALUE_RANK[c[1]],
                CONSEQUENCE_RANK.get(c[0].consequence, 9),
            ),
        )[0]

    def _arising(self, arisen: Sequence[Value]) -> list[Considered]:
        """The provisions with a deciding organ that arise and that the requester may invoke."""
        return [
            p
            for p, v in zip(self.provisions, arisen, strict=True)
            if p.decided_by is not None and v is YES and p.entitled is YES
        ]

    def prioritised(self, arisen: Sequence[Value]) -> tuple[Priority, Considered] | None:
        """The labelled priority that settles which organ decides among the provisions that
        arise and name different organs, and the provision it prefers; None if none does."""
        arising = self._arising(arisen)
        if len({p.decided_by for p in arising}) < 2:
            return None
        by_ref = {p.ref: p for p in arising}
        for priority in self.priorities:
            chosen = by_ref.get(priority.prefer)
            if chosen is not None and all(
                p.ref in priority.over for p in arising if p.decided_by != chosen.decided_by
            ):
                return priority, chosen
        return None

    def conflict(self, arisen: Sequence[Value]) -> dict[str, Any] | None:
        """Provisions that arise (and may be invoked) but name different deciding organs. Which
        one decides, and why, is said: by a labelled priority (`resolved_by`), else by the
        citation or the ranking, the data then giving no priority between them."""
        arising = self._arising(arisen)
        if len({p.decided_by for p in arising}) < 2:
            return None
        chosen = self.primary(arisen)
        assert chosen is not None
        settled = self.prioritised(arisen)
        record: dict[str, Any] = {
            "kind": "deciding_organ",
            "provisions": [{"provision": p.cite, "organ": p.decided_by} for p in arising],
            "chosen": chosen.cite,
            "resolved_by": None,
        }
        if settled is not None and settled[1] is chosen:
            priority = settled[0]
            record["rule"] = f"the labelled priority '{priority.id}' ({priority.basis})"
            record["resolved_by"] = {
                "priority": priority.id,
                "basis": priority.basis,
                "label": priority.label,
                "valid_from": priority.valid_from.isoformat(),
                "sources": list(priority.sources),
            }
        elif chosen.cited:
            record["rule"] = "the first provision cited"
        else:
            record["rule"] = (
                "no provision cited: the one the requester may invoke whose casus is most "
                "clearly met, the strongest consequence first"
            )
        return record

    def deciding(self, provision: Considered | None) -> Deciding | None:
        if provision is None or provision.decided_by is None:
            return None
        organ = self.organs[provision.cite]
        if isinstance(organ, EvaluationError):
            raise organ
        return organ

    def decide_outcome(
        self, basis: Value, vote: VoteResult | None, consequence: str | None
    ) -> tuple[Outcome, Value]:
        """Stage 7 for this question: no provision in force, or `computed_outcome`."""
        if self.nearest_in_force is not None:
            return Outcome.NO_PROVISION_IN_FORCE, NO
        return computed_outcome(self.entitled, basis, vote, consequence)

    def outcome(
        self, values: Values, positions: Mapping[str, str]
    ) -> tuple[Outcome, Value, VoteResult | None]:
        """Stages 5–7 without explanations: the outcome over one reading's values and positions."""
        _, vote, label, value = self.decide(self.arise(values), positions)
        return label, value, vote

    def decide(
        self,
        arisen: Sequence[Value],
        positions: Mapping[str, str],
        votes: dict[int, VoteResult | None] | None = None,
    ) -> tuple[Deciding | None, VoteResult | None, Outcome, Value]:
        """Stages 6–7 over the casus values: the deciding organ, its vote, and the outcome.
        `votes` keeps one vote per deciding organ across calls with the same positions."""
        key = tuple(arisen)
        row = self._decisions.get(key)
        if row is None:
            if len(self._decisions) >= 4096:
                self._decisions.clear()
            row = (
                self.deciding(self.primary(arisen)),
                self.basis(arisen),
                self.consequence(arisen),
            )
            self._decisions[key] = row
        deciding, basis, consequence = row
        if votes is None or id(deciding) not in votes:
            vote = deciding.vote(positions) if deciding is not None else None
            if votes is not None:
                votes[id(deciding)] = vote
        else:
            vote = votes[id(deciding)]
        label, value = self.decide_outcome(basis, vote, consequence)
        return deciding, vote, label, value

    # --- 8. obligations ----------------------------------------------------------------------

    def obligations(
        self,
        arisen: Sequence[Value],
        vote: VoteResult | None,
    ) -> tuple[tuple[ObligationResult, ...], tuple[Node, ...]]:
        """Who is bound to what by each provision, given the casus and the vote. It depends on
        the casus values and on the vote's value, outcome and binding members alone, so each
        answer is kept for the next run that reaches the same ones (a grid, a search, a replay)."""
        approved = vote is not None and vote.outcome == "approved"
        key = (
            tuple(arisen),
            vote.value if vote is not None else None,
            approved,
            vote.binds if vote is not None else (),
        )
        found = self._obligations.get(key)
        if found is None:
            if len(self._obligations) >= 1024:
                self._obligations.clear()
            found = self._obligations[key] = self._bind(arisen, vote, approved)
        return found

    def _bind(
        self, arisen: Sequence[Value], vote: VoteResult | None, approved: bool
    ) -> tuple[tuple[ObligationResult, ...], tuple[Node, ...]]:
        out: list[ObligationResult] = []
        nodes: list[Node] = []
        binds = frozenset(vote.binds) if vote is not None else frozenset()
        for p, value in zip(self.provisions, arisen, strict=True):
            arises = v_and((p.entitled, value))
            if p.decided_by is not None:
                arises = v_and((arises, vote.value if vote is not None else UNDETERMINED))
            for ob, bearers in p.obligations:
                states: list[BoundState] = []
                suspensions: list[Node] = []
                for s in bearers:
                    sp = self.suspended.get(s)
                    if sp is not None and sp.contested:
                        states.append(
                            self._state(
                                s,
                                v_and((arises, CONTESTED)),
                                f"contested whether its obligations towards {sp.towards} are "
                                f"suspended since {sp.since.isoformat()}: {sp.contested}",
                            )
                        )
                    elif sp is not None:
                        states.append(
                            self._state(
                                s,
                                NO,
                                f"obligations towards {sp.towards} suspended since "
                                f"{sp.since.isoformat()}: {sp.what}",
                            )
                        )
                    elif ob.binds == "joined" and approved:
                        if s in binds:
                            states.append(self._state(s, arises, "joined the decision"))
                        else:
                            states.append(
                                self._state(
                                    s,
                                    NO,
                                    "did not join: the limited format binds only those who join",
                                )
                            )
                    else:
                        states.append(
                            self._state(
                                s, arises, "a party" if ob.binds == "all" else "bound if it joins"
                            )
                        )
                    if sp is not None:
                        # The suspension, cited, under the duty it changes for this party.
                        suspensions.append(
                            Node(f"{s}: {states[-1].why}", states[-1].value, _cites(sp.sources))
                        )
                out.append(
                    ObligationResult(p.cite, ob.duty, ob.bearer, ob.modality, arises, tuple(states))
                )
                who = ", ".join(s.state for s in states if s.value is not NO) or ob.bearer.replace(
                    "_", " "
                )
                nodes.append(
                    Node(
                        f"{who} ({ob.modality}): {ob.duty} [{p.cite}]: {arises}",
                        arises,
                        (p.cite,),
                        tuple(suspensions),
                    )
                )
        return tuple(out), tuple(nodes)

    # --- 9. the whole run, explained ---------------------------------------------------------

    def run(self, inv: Invocation, reading: str | None = None) -> Evaluation:
        """Every stage over the invocation's readings and positions, with the explanation."""
        on = self.on
        reading_id = reading or inv.default_reading
        chosen = inv.reading(reading_id)
        labels = {r.id: r.label for r in inv.readings}
        triggered: list[Triggered] = []
        nodes_casus: list[Node] = []
        arisen: dict[str, list[Value]] = {r.id: [] for r in inv.readings}
        for p in self.provisions:
            by_reading: dict[str, Value] = {}
            main_node: Node | None = None
            others: list[Node] = []
            main = None
            for r in inv.readings:
                res = p.casus.result(r.values, r.label)
                by_reading[r.id] = res.value
                arisen[r.id].append(res.value)
                if r.id == reading_id:
                    main, main_node = res, res.node
                else:
                    others.append(res.node)
            assert main is not None and main_node is not None
            nodes_casus.append(
                Node(
                    f"the casus of {p.cite} ({p.event}): {main.value} under {chosen.label}; "
                    + "; ".join(
                        f"{v} under {labels[rid]}"
                        for rid, v in by_reading.items()
                        if rid != reading_id
                    ),
                    main.value,
                    (p.cite,),
                    (main_node, *others),
                )
            )
            triggered.append(
                Triggered(
                    provision=p.cite,
                    instrument=p.instrument,
                    eid=p.eid,
                    heading=p.heading,
                    cited=p.cited,
                    text=p.text,
                    text_status=p.text_status,
                    consequence=p.consequence,
                    entitled=p.entitled,
                    value=main.value,
                    by_reading=by_reading,
                    missing=main.missing,
                    contested=main.contested,
                )
            )

        main_values = arisen[reading_id]
        decided: dict[
            tuple[Value, ...], tuple[Deciding | None, VoteResult | None, Outcome, Value]
        ] = {}
        votes: dict[int, VoteResult | None] = {}

        def decide_under(
            values: list[Value],
        ) -> tuple[Deciding | None, VoteResult | None, Outcome, Value]:
            # Under each reading its own deciding provision and consequence; readings whose
            # casus values coincide are decided once, and each organ votes once.
            key = tuple(values)
            found = decided.get(key)
            if found is None:
                found = decided[key] = self.decide(values, inv.positions, votes)
            return found

        by_reading_outcome: dict[str, dict[str, str]] = {}
        for r in inv.readings:
            _, _, label, val = decide_under(arisen[r.id])
            by_reading_outcome[r.id] = {
                "computed": label.value,
                "value": val.value,
                "basis": self.basis(arisen[r.id]).value,
            }
        deciding, vote, computed, value = decide_under(main_values)
        main_basis = self.basis(main_values)
        outcome = outcome_record(inv, computed, value, main_basis, reading_id, chosen.label)
        if self.nearest_in_force is not None:
            outcome["nearest_in_force"] = [dict(n) for n in self.nearest_in_force]
        conflict = self.conflict(main_values)
        if conflict is not None:
            # Settled by a labelled priority, it is no conflict: it is said which priority.
            outcome["priority" if conflict["resolved_by"] else "conflict"] = conflict
        outcome["by_reading"] = by_reading_outcome
        obligations, ob_nodes = self.obligations(main_values, vote)

        assumptions = self._assumptions_with(deciding)
        children: list[Node] = [self.in_force_node, self.entitled_node, *self.context]
        if nodes_casus:
            children.append(
                Node("whether each casus arose", v_or(main_values), (), tuple(nodes_casus))
            )
        if deciding is not None:
            children.append(deciding.node(vote, inv.positions, inv.position_sources))
        if conflict is not None:
            children.append(conflict_node(conflict))
        if ob_nodes:
            children.append(
                Node(
                    "the obligations that follow",
                    v_or(o.value for o in obligations),
                    (),
                    ob_nodes,
                )
            )
        recorded = inv.recorded
        root_cites = tuple(p.cite for p in self.provisions) or tuple(
            f"source:{s}" for s in self.sources
        )
        rec = f"; recorded: {recorded.outcome} on {recorded.date.isoformat()}" if recorded else ""
        root = Node(
            f"request {inv.id} by {inv.requester.state} ({inv.requester.person}, "
            f"{inv.requester.office.replace('_', ' ')}) of {inv.date.isoformat()}, evaluated on "
            f"{on.isoformat()} under {chosen.label}: {computed}{rec}",
            value,
            root_cites,
            tuple(children),
        )
        return Evaluation(
            request=inv.id,
            on=on,
            reading=reading_id,
            readings=labels,
            in_force=tuple(triggered),
            not_in_force=self.not_in_force,
            entitled=self.entitled,
            organ=deciding.info if deciding is not None else None,
            rule=deciding.rule_info if deciding is not None else None,
            vote=vote,
            outcome=outcome,
            obligations=obligations,
            assumptions=assumptions,
            explanation=root,
            notes=inv.notes,
        )


def compile_question(
    world: World, inv: Invocation, on: dt.date, frame: str | None = None
) -> Question:
    """Resolve and compile everything about the request that facts and positions do not change.

    With `frame` (general-international-law), the request is put to that frame's rules instead
    of the organization's: they bind every state, so no membership, organ or vote enters."""
    org: Organization | None = None
    if frame is None:
        org = world.organizations.get(inv.organization)
        if org is None:
            raise EvaluationError(f"unknown organization '{inv.organization}'")
        refs = list(inv.provisions_cited) or candidate_refs(world, org.id)
        cited = set(inv.provisions_cited)
        # Members that take part in the organ on the date: suspended members do not.
        voters = tuple(m.state for m in members_on(org, on) if m.status != "suspended")
        membership = membership_on(org, inv.requester.state, on)
        member_node = membership_node(membership, org)
        member_value = membership.participates
        member_event = membership.event
        sources = tuple(org.sources)
    else:
        instruments = world.frame_instruments(frame)
        if not instruments:
            raise EvaluationError(f"no instrument of the frame '{frame}' is loaded")
        refs = [r for inst in instruments for r in _casus_refs(inst)]
        cited = set()
        voters = ()
        member_value = YES
        member_event = None
        sources = tuple(dict.fromkeys(s for inst in instruments for s in inst.sources))
        member_node = Node(
            f"general international law applies to every State, {inv.requester.state} "
            "included: no membership is needed to ask",
            YES,
            tuple(f"source:{s}" for s in sources),
        )
    place, context = circumstances(world, inv, org, on)
    situation = Situation(
        on,
        place,
        inv.affected_state,
        frozenset(voters),
        lambda ref: world.defined(ref, on),
        attacker=inv.attacker,
    )

    resolved = resolve(world, refs, on)
    assumptions: dict[str, AssumptionUsed] = {}
    provisions: list[Considered] = []
    entitled_nodes: list[Node] = []
    organs: dict[str, Deciding | EvaluationError] = {}
    others = tuple(s for s in voters if s != inv.affected_state)
    bearers_of = {
        "other_parties": others,
        "all_parties": voters,
        "requester": (inv.requester.state,),
        "organ": (),
    }
    for ref, inst, prov, version, cite in resolved.in_force:
        for a in version.assumptions:
            assumptions.setdefault(a.id + "@" + cite, AssumptionUsed(a.id, a.label, a.text, cite))
        casus = version.casus
        if casus is None:
            continue
        for pr in inst.presumptions:
            assumptions.setdefault(
                f"presumed:{pr.proposition}@{inst.id}",
                AssumptionUsed(
                    f"presumed-{pr.proposition}".replace("_", "-"),
                    pr.label,
                    f"{pr.proposition} is taken as {pr.value} when no claim speaks to it: {pr.text}",
                    inst.id,
                ),
            )
        ent_value, ent_node = entitle(inv, version, cite, member_node, member_value)
        entitled_nodes.append(ent_node)
        if casus.decided_by is not None:
            if org is None:
                raise EvaluationError(f"{cite} names an organ, but its frame has no organs")
            try:
                organs[cite] = compile_organ(
                    world, org, casus.decided_by, cite, on, voters, inv.parties_to_dispute
                )
            except EvaluationError as e:  # raised only if this provision is the one deciding
                organs[cite] = e
        provisions.append(
            Considered(
                ref=ref,
                instrument=inst.id,
                eid=prov.eid,
                heading=prov.heading,
                cited=ref in cited,
                text=version.text,
                text_status=version.text_status,
                cite=cite,
                event=casus.event,
                consequence=casus.consequence,
                casus=compile_casus(casus, _presuming(situation, inst), cite),
                entitled=ent_value,
                entitled_node=ent_node,
                decided_by=casus.decided_by,
                obligations=tuple((ob, bearers_of[ob.bearer]) for ob in casus.obligations),
            )
        )
    entitled = v_or(p.entitled for p in provisions) if provisions else NO
    applied = (
        []
        if org is None
        else [sp for sp in org.suspensions if sp.towards == inv.affected_state and sp.covers(on)]
    )
    suspended = {
        sp.bearer: Suspended(sp.towards, sp.valid_from, sp.what, sp.contested, tuple(sp.sources))
        for sp in applied
    }
    # What the answer rests on beyond the provisions: the suspensions that apply, and the
    # requester's membership event.
    body = org.id if org is not None else frame
    for sp in applied:
        where = f"{body}/suspensions/{sp.bearer}-{sp.towards}@{sp.valid_from.isoformat()}"
        for a in sp.assumptions:
            assumptions.setdefault(a.id + "@" + where, AssumptionUsed(a.id, a.label, a.text, where))
    if member_event is not None:
        where = f"{body}/members/{inv.requester.state}@{member_event.date.isoformat()}"
        for a in member_event.assumptions:
            assumptions.setdefault(a.id + "@" + where, AssumptionUsed(a.id, a.label, a.text, where))
    nearest = None
    if not provisions and resolved.gaps:
        nearest = tuple(
            {
                "provision": ref,
                "in_force_until": gap.previous_to.isoformat() if gap.previous_to else None,
                "in_force_from": gap.next_from.isoformat() if gap.next_from else None,
            }
            for ref, gap in resolved.gaps
        )
    in_force_node = Node(
        f"what was in force on {on.isoformat()}",
        YES if provisions else NO,
        tuple(p.cite for p in provisions),
        resolved.nodes,
    )
    entitled_node = Node(
        f"{inv.requester.state} was entitled to ask: {entitled}",
        entitled,
        (),
        tuple(entitled_nodes) or (member_node,),
    )
    return Question(
        on=on,
        voters=voters,
        provisions=tuple(provisions),
        not_in_force=resolved.not_in_force,
        in_force_node=in_force_node,
        entitled=entitled,
        entitled_node=entitled_node,
        organs=organs,
        suspended=suspended,
        assumptions=tuple(assumptions.values()),
        nearest_in_force=nearest,
        priorities=() if org is None else tuple(p for p in org.priorities if p.covers(on)),
        sources=sources,
        context=context,
    )


def circumstances(
    world: World, inv: Invocation, org: Organization | None, on: dt.date
) -> tuple[PlaceFacts | None, tuple[Node, ...]]:
    """The request's place and attacker, for the rules, and the nodes the explanation shows of
    them (who holds the place on the date; who is said to have attacked, member or not)."""
    try:
        place = resolve_place(world, inv.place)
    except UnknownPlace as e:
        raise EvaluationError(str(e)) from None
    members = () if org is None else tuple(m.state for m in members_on(org, on))
    body = org.short_name if org is not None else "general international law"
    nodes = (
        None if place is None else place_node(place, on),
        attacker_node(inv.attacker, inv.requester.state, members, body, on, inv.actors),
    )
    return place, tuple(n for n in nodes if n is not None)


def conflict_node(conflict: dict[str, Any]) -> Node:
    """The explanation of which organ decides when provisions naming different organs arise."""
    organs = ", ".join(f"{c['organ']} ({c['provision']})" for c in conflict["provisions"])
    provisions = tuple(c["provision"] for c in conflict["provisions"])
    head = f"provisions that arise name different organs: {organs}"
    settled = conflict["resolved_by"]
    if settled is None:
        return Node(
            f"conflict: {head}; the data gives no priority between them, so "
            f"{conflict['chosen']} decides here by this rule: {conflict['rule']}",
            CONTESTED,
            provisions,
        )
    return Node(
        f"priority: {head}; {conflict['chosen']} decides by the labelled priority "
        f"'{settled['priority']}' ({settled['basis']}, from {settled['valid_from']}): "
        f"{settled['label']}",
        YES,
        (*provisions, *(f"source:{s}" for s in settled["sources"])),
    )


# --- 7. outcome ------------------------------------------------------------------------------


def computed_outcome(
    entitled: Value, basis: Value, vote: VoteResult | None, consequence: str | None
) -> tuple[Outcome, Value]:
    """The outcome the rules give, and the value of 'the request succeeds'.

    `vote` is None when no organ decides: the obligations then arise from the provision itself.
    """
    if entitled is NO:
        return Outcome.NOT_ENTITLED, NO
    if basis is NO:
        return Outcome.CASUS_NOT_ESTABLISHED, NO
    if vote is None:
        grounded = v_and((entitled, basis))
        if grounded is not YES:
            return Outcome(grounded.value), grounded
        if consequence == "consultation":
            return Outcome.CONSULTATION_DUE, YES
        if consequence == "permission":
            return Outcome.PERMITTED, YES
        return Outcome.OBLIGATIONS_ARISE, YES
    if vote.outcome == "refused":
        return Outcome.REFUSED, NO
    if vote.outcome == "undetermined":
        return Outcome.UNDETERMINED, UNDETERMINED
    grounded = v_and((entitled, basis))
    if grounded is not YES:
        # The organ's rule gives an approval, but whether the request was grounded is open.
        return Outcome(grounded.value), grounded
    if vote.limited_format and vote.not_joined:
        return Outcome.APPROVED_LIMITED_FORMAT, YES
    return Outcome.APPROVED, YES


_AGREES: dict[str, frozenset[str]] = {
    "approved": frozenset({"approved"}),
    "approved_limited_format": frozenset({"approved"}),
    "refused": frozenset({"refused", "no_decision"}),
    "not_entitled": frozenset({"refused", "no_decision"}),
    "no_provision_in_force": frozenset({"refused", "no_decision"}),
    "casus_not_established": frozenset({"refused", "no_decision"}),
    "consultation_due": frozenset({"consulted"}),
    "obligations_arise": frozenset({"approved", "invoked"}),
}


_NOT_PERMITTED = ("refused", "not_entitled", "casus_not_established", "no_provision_in_force")


def _difference(inv: Invocation, computed: str, reading_label: str, recorded: str) -> str:
    """Why the computed and recorded outcomes differ: a rule, or the organ's discretion."""
    permitted = computed in (
        "approved",
        "approved_limited_format",
        "obligations_arise",
        "consultation_due",
    )
    if permitted and recorded in ("refused", "partial", "no_decision"):
        head = (
            f"The rules permitted the request ({computed.replace('_', ' ')} under {reading_label}); "
            f"the organ decided otherwise ({recorded.replace('_', ' ')}). That is the organ's "
            "discretion, not a rule"
        )
    elif computed in _NOT_PERMITTED and recorded == "partial":
        head = (
            f"The rules give '{computed.replace('_', ' ')}' under {reading_label}; the organ "
            "nonetheless decided part of what was asked (partial): measures the rules did not "
            "require, taken at its discretion"
        )
    elif computed in _NOT_PERMITTED and recorded == "approved":
        head = (
            f"The rules give '{computed.replace('_', ' ')}' under {reading_label}, yet the organ "
            f"recorded '{recorded}'. The organ acted on a reading of the facts or of the rules "
            "other than this one"
        )
    else:
        head = (
            f"The rules give '{computed.replace('_', ' ')}' under {reading_label}; "
            f"the organ recorded '{recorded.replace('_', ' ')}'"
        )
    recorded_reasons = inv.recorded.reasons if inv.recorded else []
    if recorded_reasons:
        return head + "; the claims each side made about why are listed under reasons."
    return head + "; no claim about why is recorded."


def _announced(recorded: Decision | None) -> dict[str, Any] | None:
    if recorded is None or recorded.announced_by is None:
        return None
    a = recorded.announced_by
    return {"person": a.person, "office": a.office, "state": a.state, "quote": a.quote}


def outcome_record(
    inv: Invocation,
    computed: Outcome,
    value: Value,
    basis: Value,
    reading_id: str,
    reading_label: str,
) -> dict[str, Any]:
    """The computed outcome beside the recorded one, and why they differ if they do."""
    recorded = inv.recorded
    agrees: bool | None = None
    if recorded is not None:
        mapped = _AGREES.get(computed)
        agrees = None if mapped is None else (recorded.outcome in mapped)
    outcome: dict[str, Any] = {
        "computed": computed.value,
        "value": value.value,
        "basis": basis.value,
        "reading": reading_id,
        "by_reading": {},
        "recorded": recorded.outcome if recorded else None,
        "recorded_date": recorded.date.isoformat() if recorded else None,
        "recorded_summary": recorded.summary if recorded else None,
        "recorded_measures": recorded.measures if recorded else None,
        "announced_by": _announced(recorded),
        "agrees": agrees,
    }
    if recorded is not None and agrees is not True:
        outcome["difference"] = _difference(inv, computed, reading_label, recorded.outcome)
        outcome["reasons"] = [
            {
                "claim": c.id,
                "by": c.by,
                "by_name": inv.actors[c.by].name if c.by in inv.actors else c.by,
                "proposition": c.proposition,
                "value": c.value,
                "quote": c.quote,
                "status": c.status,
                "sources": list(c.sources),
            }
            for c in (inv.claims[r] for r in recorded.reasons if r in inv.claims)
        ]
    return outcome


# --- the cache of compiled questions ---------------------------------------------------------

# Compiled questions, per world (by identity, dropped when the world is), per question key.
_COMPILED: dict[int, dict[tuple[Any, ...], Question]] = {}
_PER_WORLD = 512


def _forget(world_id: int) -> None:
    _COMPILED.pop(world_id, None)


def question(
    world: World, inv: Invocation, on: dt.date | None = None, frame: str | None = None
) -> Question:
    """The compiled question for the invocation on a date (default: its own), compiled once;
    with `frame`, put to that frame of general international law instead of the organization."""
    day = on or inv.date
    rq = inv.requester
    key = (
        frame,
        inv.organization,
        day,
        rq.state,
        rq.office,
        rq.person,
        inv.affected_state,
        inv.situation_key,
        inv.provisions_cited,
        inv.parties_to_dispute,
    )
    per = _COMPILED.get(id(world))
    if per is None:
        per = _COMPILED[id(world)] = {}
        weakref.finalize(world, _forget, id(world))
    q = per.get(key)
    if q is None:
        q = compile_question(world, inv, day, frame)
        if len(per) >= _PER_WORLD:
            per.clear()
        per[key] = q
    return q
