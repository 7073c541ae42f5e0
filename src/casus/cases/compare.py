"""One event evaluated under several alliances side by side.

`compare` builds, for each organization that has rules with a casus, the request the attacked
state could make on the date, with the event's facts stipulated, and evaluates it: which casus
arise, who decides and by what rule, what each member must or may do. Facts are stipulated
(the event is hypothetical), so there is one reading; positions are unknown unless given, and
the organ's outcome is then shown both as it stands and as it would be if every member joined.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from casus.evaluation.engine import Evaluation, EvaluationError, candidate_refs, evaluate
from casus.evaluation.invocation import from_request_file
from casus.law.membership import members_on, membership_on
from casus.model.case import Requester
from casus.model.request import Grounds, RequestFile
from casus.model.world import World

# The facts each kind of event stipulates, in the propositions the encoded rules read. Every
# proposition not listed stays undetermined, and the evaluation says so.
EVENTS: dict[str, dict[str, Any]] = {
    "armed-attack-by-state": {
        "label": "an armed attack by a state on a member",
        "propositions": {
            "armed_attack_on_party": "yes",
            "aggression_against_party": "yes",
            "attack_by_state_or_group": "yes",
            "armed_aggression_on_territory": "yes",
            "armed_attack_by_state": "yes",
            "internal_conflict": "no",
            "threat_to_security": "yes",
            "threat_to_sovereignty": "yes",
            "threat_to_territorial_integrity": "yes",
            "threat_in_opinion_of_a_party": "yes",
        },
    },
    "terrorist-attack": {
        "label": "an armed attack by non-state terrorist forces from abroad",
        "propositions": {
            "armed_attack_on_party": "yes",
            "aggression_against_party": "yes",
            "attack_by_international_terrorist_forces": "yes",
            "attack_by_state_or_group": "no",
            "armed_attack_by_state": "no",
            "internal_conflict": "no",
            "threat_to_security": "yes",
            "threat_in_opinion_of_a_party": "yes",
        },
    },
    "threat": {
        "label": "a threat to a member's security short of an armed attack",
        "propositions": {
            "armed_attack_on_party": "no",
            "aggression_against_party": "no",
            "armed_attack_by_state": "no",
            "threat_to_security": "yes",
            "threat_in_opinion_of_a_party": "yes",
        },
    },
}


@dataclass(frozen=True)
class Comparison:
    event: str
    label: str
    target: str
    attacker: str | None
    place: str | None
    on: dt.date
    rows: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "label": self.label,
            "target": self.target,
            "attacker": self.attacker,
            "place": self.place,
            "on": self.on.isoformat(),
            "organizations": list(self.rows),
        }


def _row(
    org_id: str, name: str, status: str, ev: Evaluation, joined: Evaluation | None
) -> dict[str, Any]:
    d = ev.to_dict()
    out: dict[str, Any] = {
        "organization": org_id,
        "name": name,
        "target_status": status,
        "entitled": d["entitled"],
        "triggered": [
            {
                "provision": t["provision"],
                "heading": t["heading"],
                "value": t["value"],
                "missing": t["missing"],
            }
            for t in d["triggered"]
        ],
        "organ": d["organ"],
        "rule": d["rule"],
        "outcome": d["outcome"]["computed"],
        "outcome_if_all_join": None,
        "obligations": d["obligations"],
        "assumptions": d["assumptions"],
        "explanation": d["explanation"],
    }
    if joined is not None:
        jd = joined.to_dict()
        out["outcome_if_all_join"] = jd["outcome"]["computed"]
        out["obligations_if_all_join"] = jd["obligations"]
    return out


def compare(
    world: World,
    *,
    event: str,
    target: str,
    on: dt.date,
    attacker: str | None = None,
    place: str | None = None,
    organizations: list[str] | None = None,
    positions: dict[str, str] | None = None,
) -> Comparison:
    """Evaluate the event against every organization with a casus (or those named)."""
    spec = EVENTS.get(event)
    if spec is None:
        raise EvaluationError(f"unknown event '{event}' (known: {', '.join(EVENTS)})")
    if place is not None and place not in world.places:
        raise EvaluationError(f"unknown place '{place}'")
    orgs = organizations or sorted(o for o in world.organizations if candidate_refs(world, o))
    rows = []
    for org_id in orgs:
        org = world.organizations.get(org_id)
        if org is None:
            raise EvaluationError(
                f"unknown organization '{org_id}' (known: {', '.join(sorted(world.organizations))})"
            )
        status = membership_on(org, target, on).status
        rf = RequestFile(
            kind="request",
            id=f"compare-{org_id}",
            title=f"{spec['label']} ({org.short_name})",
            organization=org_id,
            date=on,
            requester=Requester(
                state=target, office="head_of_state", person=f"Head of state of {target}"
            ),
            place=place,
            parties_to_dispute=[s for s in (target, attacker) if s],
            grounds=Grounds(propositions=spec["propositions"]),
            positions={k: v for k, v in (positions or {}).items() if org.member(k) is not None},
        )
        inv = from_request_file(rf)
        ev = evaluate(world, inv, on=on)
        joined = None
        if ev.vote is not None and ev.vote.outcome == "undetermined":
            everyone = {m.state: "support" for m in members_on(org, on)}
            if attacker in everyone:
                everyone[attacker] = "object"
            joined = evaluate(world, replace(inv, positions={**everyone, **inv.positions}), on=on)
        rows.append(_row(org_id, org.name, status, ev, joined))
    return Comparison(event, spec["label"], target, attacker, place, on, tuple(rows))
