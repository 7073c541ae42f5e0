"""Where casus's hand encoding of an alliance and ATOP's coding of it agree and differ.

For each alliance casus encodes by hand (CSTO, NATO, ANZUS, the Rio Treaty), compared with the
ATOP alliance it corresponds to: when it begins, who is a member from when to when, whether
there is a defence obligation, what it is conditional on (the place; an organ's decision, a
request: ATOP has no column for decision rules), and whether there is a consultation
obligation. Each side is cited: `instrument/eid@version-date` or the organization file's
membership events for casus, `atop:ID` with the file and line for ATOP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from casus.law.dates import NoVersionInForce, in_force
from casus.model.organization import Organization
from casus.model.rules import Casus, UsesProvision, places_of, walk
from casus.model.world import World
from casus.network.atop import AtopData, AtopMembership

# The ATOP ids the project's notes give (FACTS.md §4, read in the v4.01 files).
ATOP_IDS: dict[str, int] = {"csto": 4220, "nato": 3180, "anzus": 3215}
HAND_ENCODED: tuple[str, ...] = ("csto", "nato", "anzus", "tiar")
NO_ID_NOTE = {
    "tiar": "the project's notes give no ATOP id for the Rio Treaty (NOT FOUND); "
    "pass --atop-id tiar=ID to compare it",
}


@dataclass(frozen=True, slots=True)
class Row:
    aspect: str
    casus: str
    atop: str
    agrees: bool | None  # None: not comparable
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "aspect": self.aspect,
            "casus": self.casus,
            "atop": self.atop,
            "agrees": self.agrees,
            "note": self.note,
        }


@dataclass(frozen=True)
class OrgAgreement:
    organization: str
    name: str
    atopid: int | None
    rows: tuple[Row, ...] = ()
    problem: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "name": self.name,
            "atop": None if self.atopid is None else f"atop:{self.atopid}",
            "problem": self.problem,
            "agree": self.counts.get("agree", 0),
            "differ": self.counts.get("differ", 0),
            "rows": [r.to_dict() for r in self.rows],
        }


def _iso(d: dt.date | None) -> str:
    return "open" if d is None else d.isoformat()


def _casus_periods(
    org: Organization, state: str
) -> tuple[list[tuple[dt.date, dt.date | None]], list[str]]:
    """Periods as a member (participation frozen counts as member), and notes on the rest."""
    member = org.member(state)
    if member is None:
        return [], []
    periods: list[tuple[dt.date, dt.date | None]] = []
    notes: list[str] = []
    start: dt.date | None = None
    previous: str | None = None
    for e in sorted(member.events, key=lambda e: e.date):
        inside = e.status in ("member", "participation_frozen")
        # A later event of the same status continues it (e.g. a freeze restated): one note.
        if e.status == "participation_frozen" and previous != e.status:
            notes.append(f"participation frozen from {e.date.isoformat()}")
        if e.status == "suspended" and previous != e.status:
            notes.append(f"suspended from {e.date.isoformat()}")
        previous = e.status
        if inside and start is None:
            start = e.date
        elif not inside and start is not None:
            periods.append((start, e.date))
            start = None
    if start is not None:
        periods.append((start, None))
    return periods, notes


def _atop_periods(rows: list[AtopMembership]) -> list[tuple[dt.date, dt.date | None, list[str]]]:
    """A member's rows merged where one phase ends the day the next begins."""
    out: list[tuple[dt.date, dt.date | None, list[str]]] = []
    for m in sorted(rows, key=lambda m: m.start):
        if out and out[-1][1] is not None and out[-1][1] == m.start:
            out[-1] = (out[-1][0], m.end, [*out[-1][2], m.row])
        else:
            out.append((m.start, m.end, [m.row]))
    return out


def _show(periods: list[tuple[dt.date, dt.date | None]]) -> str:
    return "; ".join(f"{_iso(a)} – {_iso(b)}" for a, b in periods) or "not a member"


def _conditions(m: AtopMembership) -> tuple[str, ...]:
    c = m.commitment("defence")
    return () if c is None else c.conditions


def _scopes(world: World, cite: str, c: Casus) -> list[tuple[str, list[str]]]:
    """The places a casus names; where it uses a scope another provision defines (NATO Art. 5
    and Art. 6), once per version of that provision, labelled with both citations."""
    used = [e.provision for e in walk(c.when) if isinstance(e, UsesProvision)]
    if not used:
        return [(cite, places_of(c.when))]
    out = []
    for ref in used:
        inst_id, _, eid = ref.partition("/")
        prov = world.instruments[inst_id].provision(eid) if inst_id in world.instruments else None
        for v in prov.versions if prov is not None else []:
            if v.defines is not None:
                places = list(dict.fromkeys([*places_of(c.when), *places_of(v.defines)]))
                out.append((f"{cite} with {v.cite(inst_id, eid)}", places))
    return out


def _defence_provisions(world: World, org_id: str) -> list[tuple[str, Casus, dt.date]]:
    out = []
    for inst in world.instruments_of(org_id):
        for prov in inst.provisions:
            for v in prov.versions:
                c = v.casus
                if c is None or c.consequence not in ("assistance",):
                    continue
                if any(o.bearer == "other_parties" for o in c.obligations):
                    out.append((v.cite(inst.id, prov.eid), c, v.valid_from))
    return out


def _consultation_provisions(world: World, org_id: str) -> list[str]:
    out = []
    for inst in world.instruments_of(org_id):
        for prov in inst.provisions:
            for v in prov.versions:
                if v.casus is not None and v.casus.consequence == "consultation":
                    out.append(v.cite(inst.id, prov.eid))
    return out


def _organ_text(org: Organization, organ_id: str, on: dt.date) -> str:
    organ = org.organ(organ_id)
    if organ is None:
        return organ_id
    rule = in_force(organ.voting, on)
    how = "" if isinstance(rule, NoVersionInForce) else f", by {rule.rule}"
    return f"{organ.name}{how}"


def compare_organization(
    world: World, data: AtopData, org_id: str, atopid: int | None
) -> OrgAgreement:
    org = world.organizations.get(org_id)
    if org is None:
        return OrgAgreement(
            org_id,
            org_id,
            atopid,
            problem=f"casus has no organization '{org_id}' loaded (its data files are missing)",
        )
    if atopid is None:
        return OrgAgreement(
            org_id, org.name, None, problem=NO_ID_NOTE.get(org_id, "no ATOP id given")
        )
    alliance = data.alliances.get(atopid)
    members = data.members(atopid)
    if alliance is None and not members:
        return OrgAgreement(
            org_id,
            org.name,
            atopid,
            problem=f"the ATOP files ({data.label}) hold no alliance atop:{atopid}",
        )
    rows: list[Row] = []
    cite = f"atop:{atopid}"

    # When it begins.
    founding = world.instruments.get(org.founding_instrument)
    if founding is not None and alliance is not None:
        begin = alliance.begin.start()
        casus_text = (
            f"{founding.id}: signed {_iso(founding.signed)}, in force {_iso(founding.in_force)}"
        )
        if begin == founding.signed:
            agrees, note = True, "ATOP dates the alliance from its signature"
        elif begin == founding.in_force:
            agrees, note = True, "ATOP dates the alliance from its entry into force"
        else:
            agrees, note = False, ""
        rows.append(
            Row("begins", casus_text, f"{alliance.begin} ({cite}, {alliance.row})", agrees, note)
        )

    # Membership, state by state.
    by_state: dict[str, list[AtopMembership]] = {}
    for m in members:
        by_state.setdefault(m.state, []).append(m)
    states = sorted({m.state for m in org.members} | set(by_state))
    for state in states:
        periods, notes = _casus_periods(org, state)
        atop = _atop_periods(by_state.get(state, []))
        atop_pairs = [(a, b) for a, b, _ in atop]
        rows_cited = ", ".join(r for _, _, rr in atop for r in rr)
        atop_text = f"{_show(atop_pairs)} ({cite}, {rows_cited})" if atop else "not a member"
        casus_text = _show(periods)
        suspended = [
            f"obligations of {s.bearer} towards {s.towards} "
            f"{'contested' if s.contested else 'suspended'} from {s.valid_from.isoformat()}"
            for s in org.suspensions
            if state in (s.towards,)
        ]
        extra = notes + suspended
        if extra:
            casus_text += " (" + "; ".join(extra) + ")"
        casus_text += f" ({org.id} membership events)"
        diffs = _differences(periods, atop_pairs)
        rows.append(Row(f"member {state}", casus_text, atop_text, not diffs, "; ".join(diffs)))

    # Membership in sum: who, and whether the entry dates fall on the same days.
    casus_states = {m.state for m in org.members}
    atop_states = set(by_state)
    shifts = []
    for state in sorted(casus_states & atop_states):
        periods, _ = _casus_periods(org, state)
        atop = _atop_periods(by_state[state])
        if periods and atop:
            shifts.append((periods[0][0] - atop[0][0]).days)
    shifts.sort()
    same = sum(1 for d in shifts if d == 0)
    median = shifts[len(shifts) // 2] if shifts else 0
    only_casus = sorted(casus_states - atop_states)
    only_atop = sorted(atop_states - casus_states)
    note = f"first entry on the same day for {same} of {len(shifts)} states"
    if shifts and same < len(shifts):
        note += f"; casus later by a median of {median} days"
    if only_casus:
        note += f"; in casus only: {', '.join(only_casus)}"
    if only_atop:
        note += f"; in ATOP only: {', '.join(only_atop)}"
    rows.insert(
        1 if rows and rows[0].aspect == "begins" else 0,
        Row(
            "members (summary)",
            f"{len(casus_states)} states ever members",
            f"{len(atop_states)} states ever members",
            casus_states == atop_states and same == len(shifts),
            note,
        ),
    )

    # Defence.
    defence = _defence_provisions(world, org.id)
    atop_def_members = [m for m in members if m.commitment("defence") is not None]
    atop_has_def = (alliance is not None and "defence" in alliance.obligations) or bool(
        atop_def_members
    )
    rows.append(
        Row(
            "defence obligation",
            ("yes: " + ", ".join(c for c, _, _ in defence)) if defence else "none encoded",
            (
                f"yes (defense=1; {len(atop_def_members)} of {len(members)} member rows)"
                if atop_has_def
                else "no (defense=0)"
            )
            + f" ({cite})",
            bool(defence) == atop_has_def,
        )
    )

    # Conditionality of defence.
    atop_conditional = alliance.conditional.get("defence") if alliance is not None else None
    atop_conditions = sorted({c for m in atop_def_members for c in _conditions(m)})
    casus_location = []
    casus_other = []
    for c_cite, c, on in defence:
        for label, places in _scopes(world, c_cite, c):
            if places:
                casus_location.append(f"{label}: {', '.join(places)}")
        other = []
        if c.decided_by:
            other.append(f"a decision of the {_organ_text(org, c.decided_by, on)}")
        if c.invoked_by.party == "affected_party":
            offices = (
                " through its " + ", ".join(o.replace("_", " ") for o in c.invoked_by.offices)
                if c.invoked_by.offices
                else ""
            )
            other.append(f"a request of the state attacked{offices}")
        for ex in c.exceptions:
            other.append(f"no exception: {ex.label}")
        if other:
            casus_other.append(f"{c_cite}: {'; '.join(other)}")
    atop_loc = "location" in atop_conditions
    rows.append(
        Row(
            "defence conditional on location",
            ("yes: " + " | ".join(casus_location)) if casus_location else "no",
            f"{'yes (defcoloc=1)' if atop_loc else 'no (defcoloc=0)'} ({cite})",
            bool(casus_location) == atop_loc,
        )
    )
    casus_conditional = bool(casus_location or casus_other)
    atop_cond_text = {
        True: "conditional (defcon=1)",
        False: "unconditional (defcon=0)",
        None: "not coded (defcon blank)",
    }[atop_conditional]
    others = [c for c in atop_conditions if c != "location"]
    if others:
        atop_cond_text += "; also on " + ", ".join(others)
    rows.append(
        Row(
            "defence conditional (any condition)",
            ("yes: " + " | ".join(casus_other + casus_location)) if casus_conditional else "no",
            f"{atop_cond_text} ({cite})",
            None if atop_conditional is None else casus_conditional == atop_conditional,
            "ATOP has no column for decision rules (consensus, majority): an organ's decision "
            "is a condition casus encodes and ATOP cannot"
            if any("decision of the" in c for c in casus_other)
            else "",
        )
    )

    # Consultation.
    consult = _consultation_provisions(world, org.id)
    atop_consul = [m for m in members if m.commitment("consultation") is not None]
    atop_has_consul = (alliance is not None and "consultation" in alliance.obligations) or bool(
        atop_consul
    )
    rows.append(
        Row(
            "consultation obligation",
            ("yes: " + ", ".join(consult)) if consult else "none encoded",
            ("yes (consul=1)" if atop_has_consul else "no (consul=0)") + f" ({cite})",
            bool(consult) == atop_has_consul,
        )
    )
    counts = {
        "agree": sum(1 for r in rows if r.agrees is True),
        "differ": sum(1 for r in rows if r.agrees is False),
    }
    return OrgAgreement(org.id, org.name, atopid, tuple(rows), None, counts)


def _differences(
    casus: list[tuple[dt.date, dt.date | None]], atop: list[tuple[dt.date, dt.date | None]]
) -> list[str]:
    if casus == atop:
        return []
    if not casus:
        return ["a member in ATOP only"]
    if not atop:
        return ["a member in casus only"]
    out = []
    if len(casus) != len(atop):
        out.append(f"{len(casus)} period(s) in casus, {len(atop)} in ATOP")
    for (ca, cb), (aa, ab) in zip(casus, atop, strict=False):
        if ca != aa:
            out.append(f"entry differs by {(ca - aa).days:+d} days (casus − ATOP)")
        if cb != ab:
            if cb is None or ab is None:
                out.append(f"exit: casus {_iso(cb)}, ATOP {_iso(ab)}")
            else:
                out.append(f"exit differs by {(cb - ab).days:+d} days (casus − ATOP)")
    return out


def agreement(
    world: World, data: AtopData, ids: dict[str, int | None] | None = None
) -> list[OrgAgreement]:
    """The comparison for every hand-encoded alliance (and any other given an ATOP id)."""
    mapping: dict[str, int | None] = {o: ATOP_IDS.get(o) for o in HAND_ENCODED}
    mapping.update(ids or {})
    return [compare_organization(world, data, o, i) for o, i in mapping.items()]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(results: list[OrgAgreement], label: str) -> str:
    lines = [f"ATOP data: {label}.", ""]
    for r in results:
        title = f"## {r.name} (`{r.organization}`"
        title += f", atop:{r.atopid})" if r.atopid is not None else ")"
        lines += [title, ""]
        if r.problem:
            lines += [f"Not compared: {r.problem}.", ""]
            continue
        lines += [
            f"{r.counts.get('agree', 0)} aspects agree, {r.counts.get('differ', 0)} differ.",
            "",
            "| aspect | casus | ATOP | agree? | note |",
            "|---|---|---|---|---|",
        ]
        for row in r.rows:
            mark = {True: "yes", False: "**no**", None: "n/a"}[row.agrees]
            lines.append(
                f"| {_cell(row.aspect)} | {_cell(row.casus)} | {_cell(row.atop)} | {mark} | {_cell(row.note)} |"
            )
        lines.append("")
    return "\n".join(lines)
