"""Evaluate a request on a date: what is in force, whether the requester may ask, whether each
casus arises under each reading, which organ decides by which rule, the computed outcome beside
the recorded one, and the obligations that follow. Every step is cited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from casus.evaluation.invocation import Invocation
from casus.law.casus import CasusResult, Situation, evaluate_casus
from casus.law.dates import NoVersionInForce, in_force
from casus.law.membership import MembershipOnDate, members_on, membership_on
from casus.model.common import Value
from casus.model.explain import Node
from casus.model.instrument import Instrument, Provision, ProvisionVersion
from casus.model.logic import v_and, v_or
from casus.model.organization import Organization, VotingRule
from casus.model.rules import Assumption
from casus.model.world import World
from casus.vote.rules import VoteResult, decide

YES, NO, CONTESTED, UNDETERMINED = Value.YES, Value.NO, Value.CONTESTED, Value.UNDETERMINED


class EvaluationError(ValueError):
    """The request cannot be evaluated at all (unknown organization, provision or reading)."""


@dataclass(frozen=True, slots=True)
class AssumptionUsed:
    id: str
    label: str
    text: str
    where: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label, "text": self.text, "where": self.where}


@dataclass(frozen=True, slots=True)
class Triggered:
    provision: str
    instrument: str
    eid: str
    heading: str
    cited: bool
    text: str
    text_status: str
    consequence: str
    entitled: Value
    value: Value
    by_reading: dict[str, Value]
    missing: tuple[str, ...]
    contested: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "heading": self.heading,
            "cited": self.cited,
            "text": self.text,
            "text_status": self.text_status,
            "consequence": self.consequence,
            "entitled": self.entitled.value,
            "value": self.value.value,
            "readings": {k: v.value for k, v in self.by_reading.items()},
            "missing": list(self.missing),
            "contested": list(self.contested),
        }


@dataclass(frozen=True, slots=True)
class NotInForce:
    provision: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"provision": self.provision, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class BoundState:
    state: str
    value: Value
    why: str


@dataclass(frozen=True, slots=True)
class ObligationResult:
    provision: str
    duty: str
    bearer: str
    modality: str
    value: Value
    states: tuple[BoundState, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "duty": self.duty,
            "bearer": self.bearer,
            "modality": self.modality,
            "value": self.value.value,
            "states": [
                {"state": s.state, "value": s.value.value, "why": s.why} for s in self.states
            ],
        }


@dataclass(frozen=True)
class Evaluation:
    request: str
    on: dt.date
    reading: str
    readings: dict[str, str]
    in_force: tuple[Triggered, ...]
    not_in_force: tuple[NotInForce, ...]
    entitled: Value
    organ: dict[str, str] | None
    rule: dict[str, Any] | None
    vote: VoteResult | None
    outcome: dict[str, Any]
    obligations: tuple[ObligationResult, ...]
    assumptions: tuple[AssumptionUsed, ...]
    explanation: Node
    notes: tuple[str, ...] = field(default=())

    @property
    def triggered(self) -> tuple[Triggered, ...]:
        return self.in_force

    def to_dict(self) -> dict[str, Any]:
        vote = self.vote
        return {
            "request": self.request,
            "on": self.on.isoformat(),
            "reading": self.reading,
            "readings": dict(self.readings),
            "entitled": self.entitled.value,
            "triggered": [t.to_dict() for t in self.in_force],
            "not_in_force": [n.to_dict() for n in self.not_in_force],
            "organ": self.organ,
            "rule": self.rule,
            "vote": None
            if vote is None
            else {
                "outcome": vote.outcome,
                "value": vote.value.value,
                "joined": list(vote.joined),
                "not_joined": list(vote.not_joined),
                "blocking": list(vote.blocking),
                "missing": list(vote.missing),
                "pivotal": list(vote.pivotal),
                "binds": list(vote.binds),
                "reason": vote.reason,
            },
            "outcome": self.outcome,
            "obligations": [o.to_dict() for o in self.obligations],
            "assumptions": [a.to_dict() for a in self.assumptions],
            "notes": list(self.notes),
            "explanation": self.explanation.to_dict(),
        }


# ---------------------------------------------------------------------------------------------


def _resolve_ref(world: World, ref: str) -> tuple[Instrument, Provision]:
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
    refs = []
    for inst in world.instruments_of(organization):
        for p in inst.provisions:
            if any(v.casus is not None for v in p.versions):
                refs.append(f"{inst.id}/{p.eid}")
    return refs


def _membership_node(m: MembershipOnDate, org: Organization) -> Node:
    if m.event is None:
        return Node(
            f"{m.state} is not a member of {org.short_name} on {m.on.isoformat()}",
            NO,
            tuple(f"source:{s}" for s in org.sources),
        )
    text = f"{m.state}'s status in {org.short_name} on {m.on.isoformat()}: {m.status.replace('_', ' ')}"
    text += f" (since {m.event.date.isoformat()}: {m.event.what})"
    if m.contested:
        text += f"; contested: {m.contested}"
    return Node(text, m.participates, tuple(f"source:{s}" for s in m.event.sources))


def _entitlement(
    inv: Invocation,
    org: Organization,
    version: ProvisionVersion,
    cite: str,
    membership: Node,
    member_value: Value,
) -> tuple[Value, Node]:
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


def _rule_on(org: Organization, organ_id: str, on: dt.date) -> VotingRule | NoVersionInForce:
    organ = org.organ(organ_id)
    if organ is None:
        raise EvaluationError(f"organization '{org.id}' has no organ '{organ_id}'")
    return in_force(organ.voting, on)


def _rule_cites(world: World, rule: VotingRule, on: dt.date) -> tuple[str, ...]:
    cites: list[str] = []
    if rule.provision is not None:
        try:
            inst, prov = _resolve_ref(world, rule.provision)
        except EvaluationError:
            pass
        else:
            v = in_force(prov.versions, on)
            if not isinstance(v, NoVersionInForce):
                cites.append(v.cite(inst.id, prov.eid))
    cites.extend(f"source:{s}" for s in rule.sources)
    return tuple(cites)


def computed_outcome(
    entitled: Value, basis: Value, vote: VoteResult | None, consequence: str | None
) -> tuple[str, Value]:
    """The outcome the rules give, as a label and as the value of 'the request succeeds'.

    `vote` is None when no organ decides: the obligations then arise from the provision itself.
    """
    if entitled is NO:
        return "not_entitled", NO
    if basis is NO:
        return "casus_not_established", NO
    if vote is None:
        grounded = v_and((entitled, basis))
        if grounded is not YES:
            return grounded.value, grounded
        return ("consultation_due" if consequence == "consultation" else "obligations_arise"), YES
    if vote.outcome == "refused":
        return "refused", NO
    if vote.outcome == "undetermined":
        return "undetermined", UNDETERMINED
    grounded = v_and((entitled, basis))
    if grounded is not YES:
        # The organ's rule gives an approval, but whether the request was grounded is open.
        return grounded.value, grounded
    label = "approved_limited_format" if vote.limited_format and vote.not_joined else "approved"
    return label, YES


_VALUE_RANK = {YES: 0, CONTESTED: 1, UNDETERMINED: 2, NO: 3}
_CONSEQUENCE_RANK = {"assistance": 0, "decision": 1, "measures": 2, "consultation": 3}


def _primary(
    candidates: list[tuple[ProvisionVersion, str, bool, Value, str, Value]],
) -> tuple[ProvisionVersion, str] | None:
    """The provision whose organ decides the request: the first cited one with a deciding organ;
    without citations, one the requester may invoke whose casus is most clearly met, assistance
    before consultation."""
    if not candidates:
        return None
    cited = [c for c in candidates if c[2]]
    if cited:
        return cited[0][0], cited[0][1]
    best = min(
        candidates,
        key=lambda c: (_VALUE_RANK[c[5]], _VALUE_RANK[c[3]], _CONSEQUENCE_RANK.get(c[4], 9)),
    )
    return best[0], best[1]


_AGREES: dict[str, frozenset[str]] = {
    "approved": frozenset({"approved"}),
    "approved_limited_format": frozenset({"approved"}),
    "refused": frozenset({"refused", "no_decision"}),
    "not_entitled": frozenset({"refused", "no_decision"}),
    "casus_not_established": frozenset({"refused", "no_decision"}),
    "consultation_due": frozenset({"consulted"}),
    "obligations_arise": frozenset({"approved", "invoked"}),
}


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
    elif computed in ("refused", "not_entitled", "casus_not_established") and recorded == "partial":
        head = (
            f"The rules give '{computed.replace('_', ' ')}' under {reading_label}; the organ "
            "nonetheless decided part of what was asked (partial): measures the rules did not "
            "require, taken at its discretion"
        )
    elif (
        computed in ("refused", "not_entitled", "casus_not_established") and recorded == "approved"
    ):
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


def evaluate(
    world: World,
    inv: Invocation,
    *,
    on: dt.date | None = None,
    reading: str | None = None,
) -> Evaluation:
    """Evaluate the invocation on `on` (default: the date of the request) under `reading`."""
    on = on or inv.date
    org = world.organizations.get(inv.organization)
    if org is None:
        raise EvaluationError(f"unknown organization '{inv.organization}'")
    reading_id = reading or inv.default_reading
    chosen = inv.reading(reading_id)
    labels = {r.id: r.label for r in inv.readings}
    assumptions: dict[str, AssumptionUsed] = {}

    def use(items: list[Assumption], where: str) -> None:
        for a in items:
            assumptions.setdefault(a.id + "@" + where, AssumptionUsed(a.id, a.label, a.text, where))

    refs = list(inv.provisions_cited) or candidate_refs(world, org.id)
    cited = set(inv.provisions_cited)
    # Members that take part in the organ on the date: suspended members do not.
    voters_all = [m.state for m in members_on(org, on) if m.status != "suspended"]
    place = None
    if inv.place is not None:
        place = world.places.get(inv.place)
        if place is None:
            raise EvaluationError(f"unknown place '{inv.place}'")
    situation = Situation(on, place, inv.affected_state, frozenset(voters_all))
    membership = membership_on(org, inv.requester.state, on)
    member_node = _membership_node(membership, org)
    member_value = membership.participates

    triggered: list[Triggered] = []
    triggered_versions: list[ProvisionVersion] = []
    not_in_force: list[NotInForce] = []
    nodes_in_force: list[Node] = []
    nodes_entitled: list[Node] = []
    nodes_casus: list[Node] = []
    candidates: list[tuple[ProvisionVersion, str, bool, Value, str, Value]] = []
    basis_values: dict[str, list[Value]] = {r.id: [] for r in inv.readings}

    for ref in refs:
        inst, prov = _resolve_ref(world, ref)
        version = in_force(prov.versions, on)
        if isinstance(version, NoVersionInForce):
            nearest = prov.versions[0]
            not_in_force.append(NotInForce(f"{ref}", version.reason))
            nodes_in_force.append(
                Node(
                    f"{ref} is not in force on {on.isoformat()}: {version.reason}",
                    NO,
                    (nearest.cite(inst.id, prov.eid),),
                )
            )
            continue
        cite = version.cite(inst.id, prov.eid)
        use(version.assumptions, cite)
        nodes_in_force.append(
            Node(
                f"{cite} ({prov.heading}) is the version in force on {on.isoformat()}"
                f" [{version.text_status}]: \u201c{version.text}\u201d",
                YES,
                (cite, *(f"source:{s}" for s in version.sources)),
            )
        )
        if version.casus is None:
            continue
        casus = version.casus
        ent_value, ent_node = _entitlement(inv, org, version, cite, member_node, member_value)
        nodes_entitled.append(ent_node)
        by_reading: dict[str, Value] = {}
        results: dict[str, CasusResult] = {}
        for r in inv.readings:
            res = evaluate_casus(casus, r.values, situation, cite, r.label)
            results[r.id] = res
            by_reading[r.id] = res.value
            basis_values[r.id].append(v_and((ent_value, res.value)))
        main = results[reading_id]
        others = tuple(res.node for rid, res in results.items() if rid != reading_id)
        nodes_casus.append(
            Node(
                f"the casus of {cite} ({casus.event}): {main.value} under {chosen.label}; "
                + "; ".join(
                    f"{v} under {labels[rid]}" for rid, v in by_reading.items() if rid != reading_id
                ),
                main.value,
                (cite,),
                (main.node, *others),
            )
        )
        triggered_versions.append(version)
        triggered.append(
            Triggered(
                provision=cite,
                instrument=inst.id,
                eid=prov.eid,
                heading=prov.heading,
                cited=ref in cited,
                text=version.text,
                text_status=version.text_status,
                consequence=casus.consequence,
                entitled=ent_value,
                value=main.value,
                by_reading=by_reading,
                missing=main.missing,
                contested=main.contested,
            )
        )
        if casus.decided_by is not None:
            candidates.append(
                (version, cite, ref in cited, main.value, casus.consequence, ent_value)
            )

    primary = _primary(candidates)
    entitled = v_or(t.entitled for t in triggered) if triggered else NO
    basis_by_reading = {rid: (v_or(vals) if vals else NO) for rid, vals in basis_values.items()}

    # The deciding organ and its rule.
    organ_info: dict[str, str] | None = None
    rule_info: dict[str, Any] | None = None
    vote: VoteResult | None = None
    decision_node: Node | None = None
    if primary is not None:
        version, cite = primary
        assert version.casus is not None and version.casus.decided_by is not None
        organ = org.organ(version.casus.decided_by)
        if organ is None:
            raise EvaluationError(
                f"{cite} names organ '{version.casus.decided_by}', unknown to {org.id}"
            )
        organ_info = {
            "id": organ.id,
            "name": organ.name,
            "organization": org.id,
            "composition": organ.composition,
        }
        rule = _rule_on(org, organ.id, on)
        if isinstance(rule, NoVersionInForce):
            decision_node = Node(
                f"{organ.name}: no voting rule in force on {on.isoformat()}: {rule.reason}",
                UNDETERMINED,
                (cite,),
            )
        else:
            use(rule.assumptions, f"{org.id}/{organ.id}/voting@{rule.valid_from.isoformat()}")
            rcites = _rule_cites(world, rule, on)
            maj = rule.majority
            rule_info = {
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
            }
            voters = voters_all
            excluded = (
                inv.parties_to_dispute if maj is not None and maj.exclude_parties_to_dispute else ()
            )
            vote = decide(
                rule.rule,
                voters,
                inv.positions,
                limited_format=rule.limited_format,
                majority=maj,
                vetoes=rule.vetoes,
                excluded=excluded,
            )
            fmt = " with the limited format" if rule.limited_format else ""
            if maj is not None:
                more = "more than " if maj.strictly_more else ""
                fmt = f" of {more}{maj.fraction} of the {maj.of}"
                if maj.quorum_equals_threshold:
                    fmt += ", with a quorum equal to the votes needed"
            rule_info["text"] = f"{rule.rule}{fmt}"
            pos_nodes = tuple(
                Node(
                    f"{s}: {inv.positions.get(s, 'no recorded position')}",
                    UNDETERMINED
                    if s not in inv.positions
                    else (YES if inv.positions[s] == "support" else NO),
                    tuple(f"source:{x}" for x in inv.position_sources.get(s, ())) or (cite,),
                )
                for s in voters
            )
            rule_node = Node(
                f"{organ.name} decides by {rule.rule}{fmt} ({rule.basis}; in force from "
                f"{rule.valid_from.isoformat()})",
                YES,
                rcites or (cite,),
            )
            decision_node = Node(
                f"{organ.name} ({', '.join(voters)}): {vote.outcome}: {vote.reason}",
                vote.value,
                (cite,),
                (rule_node, *pos_nodes),
            )

    # Outcome under every reading.
    by_reading_outcome: dict[str, dict[str, str]] = {}
    # The strongest consequence among the casus that hold: assistance before consultation.
    held = [t for t in triggered if t.value is YES and t.entitled is YES] or triggered
    consequence = (
        min(held, key=lambda t: _CONSEQUENCE_RANK.get(t.consequence, 9)).consequence
        if held
        else None
    )
    for r in inv.readings:
        label, val = computed_outcome(entitled, basis_by_reading[r.id], vote, consequence)
        by_reading_outcome[r.id] = {
            "computed": label,
            "value": val.value,
            "basis": basis_by_reading[r.id].value,
        }
    computed, value = computed_outcome(entitled, basis_by_reading[reading_id], vote, consequence)
    recorded = inv.recorded
    agrees: bool | None = None
    if recorded is not None:
        mapped = _AGREES.get(computed)
        agrees = None if mapped is None else (recorded.outcome in mapped)
    outcome: dict[str, Any] = {
        "computed": computed,
        "value": value.value,
        "basis": basis_by_reading[reading_id].value,
        "reading": reading_id,
        "by_reading": by_reading_outcome,
        "recorded": recorded.outcome if recorded else None,
        "recorded_date": recorded.date.isoformat() if recorded else None,
        "recorded_summary": recorded.summary if recorded else None,
        "recorded_measures": recorded.measures if recorded else None,
        "announced_by": (
            {
                "person": recorded.announced_by.person,
                "office": recorded.announced_by.office,
                "state": recorded.announced_by.state,
                "quote": recorded.announced_by.quote,
            }
            if recorded and recorded.announced_by
            else None
        ),
        "agrees": agrees,
    }
    if recorded is not None and agrees is not True:
        outcome["difference"] = _difference(inv, computed, chosen.label, recorded.outcome)
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

    # Obligations that follow from each triggered provision.
    obligations: list[ObligationResult] = []
    ob_nodes: list[Node] = []
    suspended = {
        sp.bearer: sp
        for sp in org.suspensions
        if sp.towards == inv.affected_state and sp.covers(on)
    }
    for t, version in zip(triggered, triggered_versions, strict=True):
        assert version.casus is not None
        arises = v_and((t.entitled, t.value))
        if version.casus.decided_by is not None:
            arises = v_and((arises, vote.value if vote is not None else UNDETERMINED))
        for ob in version.casus.obligations:
            if ob.bearer == "other_parties":
                bearers = [s for s in voters_all if s != inv.affected_state]
            elif ob.bearer == "all_parties":
                bearers = list(voters_all)
            elif ob.bearer == "requester":
                bearers = [inv.requester.state]
            else:
                bearers = []
            states: list[BoundState] = []
            for s in bearers:
                if s in suspended:
                    sp = suspended[s]
                    states.append(
                        BoundState(
                            s,
                            NO,
                            f"obligations towards {sp.towards} suspended since "
                            f"{sp.valid_from.isoformat()}: {sp.what}",
                        )
                    )
                    continue
                if ob.binds == "joined" and vote is not None and vote.outcome == "approved":
                    if s in vote.binds:
                        states.append(BoundState(s, arises, "joined the decision"))
                    else:
                        states.append(
                            BoundState(
                                s, NO, "did not join: the limited format binds only those who join"
                            )
                        )
                else:
                    states.append(
                        BoundState(
                            s, arises, "a party" if ob.binds == "all" else "bound if it joins"
                        )
                    )
            obligations.append(
                ObligationResult(
                    t.provision, ob.duty, ob.bearer, ob.modality, arises, tuple(states)
                )
            )
            who = ", ".join(s.state for s in states if s.value is not NO) or ob.bearer.replace(
                "_", " "
            )
            ob_nodes.append(
                Node(
                    f"{who} ({ob.modality}): {ob.duty} [{t.provision}]: {arises}",
                    arises,
                    (t.provision,),
                )
            )

    children: list[Node] = [
        Node(
            f"what was in force on {on.isoformat()}",
            YES if triggered else NO,
            tuple(t.provision for t in triggered),
            tuple(nodes_in_force),
        ),
        Node(
            f"{inv.requester.state} was entitled to ask: {entitled}",
            entitled,
            (),
            tuple(nodes_entitled) or (member_node,),
        ),
    ]
    if nodes_casus:
        children.append(
            Node(
                "whether each casus arose", v_or(t.value for t in triggered), (), tuple(nodes_casus)
            )
        )
    if decision_node is not None:
        children.append(decision_node)
    if ob_nodes:
        children.append(
            Node(
                "the obligations that follow",
                v_or(o.value for o in obligations),
                (),
                tuple(ob_nodes),
            )
        )
    root_cites = tuple(t.provision for t in triggered) or tuple(f"source:{s}" for s in org.sources)
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
        readings={r.id: r.label for r in inv.readings},
        in_force=tuple(triggered),
        not_in_force=tuple(not_in_force),
        entitled=entitled,
        organ=organ_info,
        rule=rule_info,
        vote=vote,
        outcome=outcome,
        obligations=tuple(obligations),
        assumptions=tuple(assumptions.values()),
        explanation=root,
        notes=inv.notes,
    )
