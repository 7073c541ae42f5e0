"""Load and validate data files: instruments, organizations, cases, sources, requests.

Each file declares its `kind`. A file is read fast; if it fails validation it is read again with
positions so that every error names its line and column. Checks that span fields (intervals that
overlap, references to unknown actors, claims, sources, provisions) are made here too, so that
the engine only ever sees data it can trust.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from casus.law.dates import check_intervals
from casus.law.membership import membership_on
from casus.model.case import Case, Request
from casus.model.instrument import Instrument
from casus.model.organization import Organization
from casus.model.places import PLACE_FORMS, PlaceFacts, PlacesFile, unknown_place
from casus.model.request import RequestFile
from casus.model.rules import Condition, Expr, PlaceIn, UsesProvision
from casus.model.sources import SourceFile
from casus.model.world import World
from casus.schema import limits
from casus.schema.cache import builtin_files as builtin_files
from casus.schema.errors import DataError, FileError, cap
from casus.schema.translate import clean_loc, found, message, show_path
from casus.schema.yamlio import load_plain, locate, read_text, scan

KINDS: dict[str, type[BaseModel]] = {
    "instrument": Instrument,
    "organization": Organization,
    "case": Case,
    "sources": SourceFile,
    "places": PlacesFile,
    "request": RequestFile,
}

Loc = tuple[int | str, ...]

DATA_KINDS = ("instrument", "organization", "case", "sources", "places")
"""The kinds of file that make up a world (the built-in data, `--data`); a request is evaluated."""

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Loaded:
    """A validated file: its kind, its model, and the means to locate paths in it."""

    path: Path
    shown: str
    kind: str
    model: Any
    text: str

    def locate(self, loc: Loc, msg: str) -> FileError:
        ((line, col),) = locate(self.text, [loc])
        return FileError(self.shown, line, col, show_path(loc), msg)


def shown_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def _errors_at(
    text: str, shown: str, problems: Sequence[tuple[Loc, str]], *, warning: bool = False
) -> list[FileError]:
    """The problems located in the file: at most `limits.max_errors()`, then '… and K more'."""
    limit = limits.max_errors()
    out = []
    first = problems[:limit]
    for (loc, msg), (line, col) in zip(first, locate(text, [loc for loc, _ in first]), strict=True):
        out.append(FileError(shown, line, col, show_path(loc), msg, warning=warning))
    if len(problems) > limit:
        out.append(
            FileError(shown, None, None, "", "", warning=warning, more=len(problems) - limit)
        )
    return cap(out, limit)


def load_file(path: Path, kinds: Iterable[str] | None = None) -> Loaded:
    """Load one file; raise DataError listing every problem in it (at most
    `limits.max_errors()` of them, then '… and K more').

    The file must be a regular file within the limits of `casus.schema.limits`; they are
    checked before any value is built (see `yamlio.read_text` and `yamlio.scan`).
    """
    shown = shown_path(path)
    text, err = read_text(path, shown)
    if err is not None or text is None:
        raise DataError([err] if err else [])
    over = scan(text, shown)
    if over:
        raise DataError(cap(over, limits.max_errors()))
    data, err = load_plain(text, shown)
    if err is not None:
        raise DataError([err])
    allowed = list(kinds) if kinds is not None else list(KINDS)
    if not isinstance(data, dict):
        what = "an empty file" if data is None else found(data)
        raise DataError(
            [
                FileError(
                    shown,
                    1,
                    1,
                    "",
                    f"expected a mapping with a 'kind' key ({', '.join(allowed)}), found {what}",
                )
            ]
        )
    kind = data.get("kind")
    if kind not in allowed:
        if kind is None:
            msg = f"expected the key 'kind' with one of {', '.join(allowed)}, found it missing"
        elif kind == "request" and set(allowed) <= set(DATA_KINDS):
            msg = (
                f"expected one of {', '.join(allowed)}, found 'request': a request is not data "
                "to load; evaluate it with `casus evaluate FILE --on DATE`"
            )
        else:
            msg = f"expected one of {', '.join(allowed)}, found {found(kind)}"
        raise DataError(_errors_at(text, shown, [(("kind",), msg)]))
    model_cls = KINDS[kind]
    try:
        model = model_cls.model_validate(data)
    except ValidationError as e:
        problems: list[tuple[Loc, str]] = []
        details = e.errors()
        limit = limits.max_errors()
        for error in details[:limit]:
            # A request's place is an id or a mapping; which form was read is not a key.
            error["loc"] = tuple(p for p in error["loc"] if p not in PLACE_FORMS)
            loc = clean_loc(tuple(error["loc"]))
            problems.append((loc, message(error, model_cls)))
        located = _errors_at(text, shown, problems)
        if len(details) > limit:
            located = cap(
                [*located, FileError(shown, None, None, "", "", more=len(details) - limit)],
                limit,
            )
        raise DataError(located) from None
    problems = list(_raw_dates(model, data, ()))
    problems += check_model(model)
    if problems:
        raise DataError(_errors_at(text, shown, problems))
    return Loaded(path, shown, kind, model, text)


def _raw_dates(model: Any, raw: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Each date as written: YYYY-MM-DD, never a date and time or a number (which pydantic
    would read as a date, e.g. 2022-01-05T00:00:00 or 0 for 1970-01-01)."""
    if isinstance(model, BaseModel):
        if not isinstance(raw, dict):
            return
        for name, field in type(model).model_fields.items():
            key = field.alias or name
            if key in raw:
                yield from _raw_dates(getattr(model, name), raw[key], (*loc, key))
    elif isinstance(model, list):
        if isinstance(raw, list):
            for i, (m, r) in enumerate(zip(model, raw, strict=False)):
                yield from _raw_dates(m, r, (*loc, i))
    elif isinstance(model, dict):
        if isinstance(raw, dict):
            for k, r in raw.items():
                if k in model:
                    yield from _raw_dates(model[k], r, (*loc, k))
    elif isinstance(model, dt.date) and not isinstance(model, dt.datetime):
        if isinstance(raw, str) and _ISO_DATE.match(raw.strip()):
            return
        if isinstance(raw, str):
            yield loc, f"expected an ISO date YYYY-MM-DD, found {found(raw)} (a date and time)"
        else:
            yield loc, f"expected an ISO date YYYY-MM-DD, found {found(raw)}"


# --- checks within one file -------------------------------------------------------------------


def _dupes(items: Sequence[Any], attr: str, where: Loc, what: str) -> Iterator[tuple[Loc, str]]:
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        key = getattr(item, attr)
        if key in seen:
            yield (
                (*where, i, attr),
                f"expected a unique {what}, found '{key}' again (first at {show_path((*where, seen[key]))})",
            )
        else:
            seen[key] = i


def _intervals(items: Sequence[Any], where: Loc, what: str) -> Iterator[tuple[Loc, str]]:
    overlaps, _gaps, empty = check_intervals(items)
    for i in empty:
        v = items[i]
        yield (
            (*where, i, "valid_to"),
            (
                f"expected valid_to after valid_from ({v.valid_from.isoformat()}), found "
                f"{v.valid_to.isoformat()}: the interval [valid_from, valid_to) would be empty"
            ),
        )
    for o in overlaps:
        a, b = items[o.first], items[o.second]
        a_to = a.valid_to.isoformat() if a.valid_to else "open"
        yield (
            (*where, o.second, "valid_from"),
            (
                f"expected {what} that do not overlap, found this one (from {b.valid_from.isoformat()}) "
                f"inside {show_path((*where, o.first))} [{a.valid_from.isoformat()}, {a_to})"
            ),
        )


def check_model(model: Any) -> Iterator[tuple[Loc, str]]:
    if isinstance(model, Instrument):
        yield from _check_instrument(model)
    elif isinstance(model, Organization):
        yield from _check_organization(model)
    elif isinstance(model, Case):
        yield from _check_case(model)
    elif isinstance(model, RequestFile):
        yield from _check_request_file(model)
    elif isinstance(model, SourceFile):
        yield from _dupes(model.sources, "id", ("sources",), "source id")


def _check_instrument(inst: Instrument) -> Iterator[tuple[Loc, str]]:
    yield from _dupes(inst.provisions, "eid", ("provisions",), "provision eid")
    for k, pr in enumerate(inst.presumptions):
        if pr.proposition not in inst.propositions:
            yield (
                ("presumptions", k, "proposition"),
                f"expected a proposition this instrument declares, found '{pr.proposition}'",
            )
    if inst.frame is not None:
        if inst.organization is not None:
            yield (
                ("organization",),
                f"expected no organization for an instrument of the frame {inst.frame} (its "
                f"rules bind every state), found '{inst.organization}'",
            )
        if inst.status is None:
            yield (("frame",), "expected a `status` beside `frame` (treaty, codification …)")
        for p, prov in enumerate(inst.provisions):
            for v, version in enumerate(prov.versions):
                if version.casus is not None and version.casus.decided_by is not None:
                    yield (
                        ("provisions", p, "versions", v, "casus", "decided_by"),
                        "expected no deciding organ in a frame of general international law, "
                        f"found '{version.casus.decided_by}'",
                    )
    if inst.signed and inst.in_force and inst.in_force < inst.signed:
        yield (
            ("in_force",),
            f"expected an entry into force on or after signature ({inst.signed.isoformat()}), found {inst.in_force.isoformat()}",
        )
    for p, prov in enumerate(inst.provisions):
        yield from _intervals(prov.versions, ("provisions", p, "versions"), "versions")
        for v, version in enumerate(prov.versions):
            here: Loc = ("provisions", p, "versions", v)
            yield from _dupes(version.assumptions, "id", (*here, "assumptions"), "assumption id")
            if version.casus is None:
                continue
            known = {a.id for a in version.assumptions}
            for k, aid in enumerate(version.casus.invoked_by.assumptions):
                if aid not in known:
                    yield (
                        (*here, "casus", "invoked_by", "assumptions", k),
                        (
                            f"expected the id of an assumption of this version ({', '.join(sorted(known)) or 'none defined'}), found '{aid}'"
                        ),
                    )
            for e, exc in enumerate(version.casus.exceptions):
                for k, aid in enumerate(exc.assumptions):
                    if aid not in known:
                        yield (
                            (*here, "casus", "exceptions", e, "assumptions", k),
                            (f"expected the id of an assumption of this version, found '{aid}'"),
                        )
            yield from _dupes(
                version.casus.exceptions, "id", (*here, "casus", "exceptions"), "exception id"
            )
            yield from _dupes(
                version.casus.obligations, "id", (*here, "casus", "obligations"), "obligation id"
            )


def _check_organization(org: Organization) -> Iterator[tuple[Loc, str]]:
    yield from _dupes(org.members, "state", ("members",), "member state")
    yield from _dupes(org.organs, "id", ("organs",), "organ id")
    for m, member in enumerate(org.members):
        for e in range(1, len(member.events)):
            prev, cur = member.events[e - 1], member.events[e]
            if cur.date <= prev.date:
                yield (
                    ("members", m, "events", e, "date"),
                    (
                        f"expected events in date order, after {prev.date.isoformat()}, found {cur.date.isoformat()}"
                    ),
                )
    for o, organ in enumerate(org.organs):
        yield from _intervals(organ.voting, ("organs", o, "voting"), "voting rules")
        for r, rule in enumerate(organ.voting):
            if rule.majority is None:
                continue
            num, _sep, den = rule.majority.fraction.partition("/")
            if not (int(den) <= 2 * int(num) and int(num) <= int(den)):
                yield (
                    ("organs", o, "voting", r, "majority", "fraction"),
                    f"expected a majority fraction from 1/2 to 1 (e.g. 1/2, 2/3, 1/1), "
                    f"found {rule.majority.fraction}",
                )
    yield from _intervals(org.chairs, ("chairs",), "chairmanships")


def _check_actor_refs(
    items: Sequence[Any], attr: str, where: Loc, actors: set[str], what: str
) -> Iterator[tuple[Loc, str]]:
    for i, item in enumerate(items):
        ref = getattr(item, attr)
        if ref not in actors:
            yield (
                (*where, i, attr),
                f"expected the id of {what} defined in this file, found '{ref}'",
            )


def _check_case(case: Case) -> Iterator[tuple[Loc, str]]:
    actors = {a.id for a in case.actors}
    yield from _dupes(case.actors, "id", ("actors",), "actor id")
    yield from _dupes(case.readings, "id", ("readings",), "reading id")
    yield from _dupes(case.claims, "id", ("claims",), "claim id")
    yield from _dupes(case.requests, "id", ("requests",), "request id")
    if case.default_reading not in {r.id for r in case.readings}:
        yield (
            ("default_reading",),
            (
                f"expected the id of a reading ({', '.join(r.id for r in case.readings)}), found '{case.default_reading}'"
            ),
        )
    for r, reading in enumerate(case.readings):
        for k, a in enumerate(reading.actors or []):
            if a not in actors:
                yield ("readings", r, "actors", k), f"expected the id of an actor, found '{a}'"
    yield from _check_actor_refs(case.claims, "by", ("claims",), actors, "an actor")
    claim_ids = {c.id for c in case.claims}
    for q, req in enumerate(case.requests):
        for g, gid in enumerate(req.grounds):
            if gid not in claim_ids:
                yield (
                    ("requests", q, "grounds", g),
                    f"expected the id of a claim in this file, found '{gid}'",
                )
        if req.decision is not None:
            yield from _dupes(
                req.decision.positions, "state", ("requests", q, "decision", "positions"), "state"
            )
            for k, rid in enumerate(req.decision.reasons):
                if rid not in claim_ids:
                    yield (
                        ("requests", q, "decision", "reasons", k),
                        f"expected the id of a claim in this file, found '{rid}'",
                    )
            if req.decision.date < req.date:
                yield (
                    ("requests", q, "decision", "date"),
                    (
                        f"expected a decision on or after the request ({req.date.isoformat()}), found {req.decision.date.isoformat()}"
                    ),
                )
    if case.force is not None:
        yield from _check_actor_refs(
            case.force.figures, "by", ("force", "figures"), actors, "an actor"
        )
        yield from _dupes(case.force.figures, "id", ("force", "figures"), "figure id")
        yield from _dupes(
            case.force.contingents, "state", ("force", "contingents"), "contingent state"
        )
    if case.mandate is not None:
        yield from _check_actor_refs(
            case.mandate.tasks, "by", ("mandate", "tasks"), actors, "an actor"
        )
        yield from _check_actor_refs(
            case.mandate.counts, "by", ("mandate", "counts"), actors, "an actor"
        )
        yield from _dupes(case.mandate.facilities, "id", ("mandate", "facilities"), "facility id")
    for p, phase in enumerate(case.phases):
        if phase.end is not None and phase.end < phase.start:
            yield (
                ("phases", p, "end"),
                f"expected an end on or after the start ({phase.start.isoformat()}), found {phase.end.isoformat()}",
            )
    for t, ev in enumerate(case.timeline):
        if ev.end is not None and ev.end < ev.date:
            yield (
                ("timeline", t, "end"),
                f"expected an end on or after the date ({ev.date.isoformat()}), found {ev.end.isoformat()}",
            )


def _check_request_file(rf: RequestFile) -> Iterator[tuple[Loc, str]]:
    actors = {a.id for a in rf.actors}
    yield from _dupes(rf.actors, "id", ("actors",), "actor id")
    yield from _dupes(rf.grounds.claims, "id", ("grounds", "claims"), "claim id")
    yield from _check_actor_refs(rf.grounds.claims, "by", ("grounds", "claims"), actors, "an actor")


# --- checks across files ----------------------------------------------------------------------


def _walk_sources(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every source id referenced anywhere in a model, with its location."""
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            sub = getattr(value, name)
            key = field.alias or name
            if name == "sources" and isinstance(sub, list) and all(isinstance(s, str) for s in sub):
                for i, s in enumerate(sub):
                    yield (*loc, key, i), s
            else:
                yield from _walk_sources(sub, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk_sources(item, (*loc, i))
    elif isinstance(value, dict):
        for k, item in value.items():
            if isinstance(item, (BaseModel, list, dict)):
                yield from _walk_sources(item, (*loc, k))


def _expressions(value: Any, loc: Loc, in_expr: bool = False) -> Iterator[tuple[Loc, Expr]]:
    """Every expression in a file's model (each `when`, each `defines`, and every expression
    inside them), with its location: the one located walk the reference checks share."""
    if isinstance(value, str):
        if in_expr:
            yield loc, value
    elif isinstance(value, Condition):
        yield loc, value
        children = value.children()
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            key = field.alias or name
            if isinstance(item, list):
                for i, x in enumerate(item):
                    if any(x is c for c in children):
                        yield from _expressions(x, (*loc, key, i), True)
            elif any(item is c for c in children):
                yield from _expressions(item, (*loc, key), True)
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            yield from _expressions(
                getattr(value, name), (*loc, field.alias or name), name in ("when", "defines")
            )
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _expressions(item, (*loc, i))


def _rules_of(organization: str, world: World) -> str:
    """Whose instruments declare the vocabulary of a case or request under the organization."""
    if world.frame_instruments("general-international-law"):
        return f"{organization} and of general international law"
    return organization


def _undeclared(name: str, vocabulary: Iterable[str], whose: str) -> str:
    near = difflib.get_close_matches(name, list(vocabulary), n=3, cutoff=0.6)
    hint = f"; nearest declared: {', '.join(near)}" if near else ""
    return f"expected a proposition declared by {whose}, found '{name}'{hint}"


def _place_problems(place: PlaceFacts, loc: Loc, world: World) -> list[tuple[Loc, str]]:
    """Areas a place (of the gazetteer, or written in a request) names that are not known."""
    found = [((*loc, "areas", k), a) for k, a in enumerate(place.areas)]
    found += [((*loc, "area_claims", k, "area"), c.area) for k, c in enumerate(place.area_claims)]
    return [
        (where, f"expected the id of a known area, found '{area}' (known: `casus places`)")
        for where, area in found
        if area not in world.areas
    ]


def _request_place_problems(
    rq: Request | RequestFile, loc: Loc, world: World
) -> list[tuple[Loc, str]]:
    if rq.place is None:
        return []
    if isinstance(rq.place, str):
        if rq.place in world.places:
            return []
        return [((*loc, "place"), unknown_place(rq.place, world.places))]
    return _place_problems(rq.place, (*loc, "place"), world)


def check_references(files: Sequence[Loaded], world: World) -> list[FileError]:
    errors: list[FileError] = []
    for f in files:
        problems: list[tuple[Loc, str]] = []
        m = f.model
        if isinstance(m, SourceFile):
            continue
        if isinstance(m, PlacesFile):
            for i, place in enumerate(m.places):
                problems.extend(_place_problems(place, ("places", i), world))
        if isinstance(m, Instrument):
            for loc, e in _expressions(m, ()):
                if isinstance(e, PlaceIn):
                    for k, area in enumerate(e.place_in):
                        if area not in world.areas:
                            problems.append(
                                (
                                    (*loc, "place_in", k),
                                    f"expected the id of a known area, found '{area}'",
                                )
                            )
                elif isinstance(e, UsesProvision):
                    if not _provision_exists(world, e.provision):
                        problems.append(
                            (
                                (*loc, "provision"),
                                f"expected instrument/eid of a known provision, found "
                                f"'{e.provision}'",
                            )
                        )
                elif isinstance(e, str) and e not in m.propositions:
                    problems.append(
                        (loc, _undeclared(e, m.propositions, f"this instrument ({m.id})"))
                    )
        if isinstance(m, Case) and m.organization in world.organizations:
            vocabulary = {**world.vocabulary(m.organization), **m.propositions}
            whose = (
                f"the instruments of {_rules_of(m.organization, world)} or the case's propositions"
            )
            for c, claim in enumerate(m.claims):
                if claim.proposition not in vocabulary:
                    problems.append(
                        (
                            ("claims", c, "proposition"),
                            _undeclared(claim.proposition, vocabulary, whose),
                        )
                    )
        if isinstance(m, RequestFile) and m.organization in world.organizations:
            vocabulary = world.vocabulary(m.organization)
            whose = f"the instruments of {_rules_of(m.organization, world)}"
            for name in m.grounds.propositions:
                if name not in vocabulary:
                    problems.append(
                        (("grounds", "propositions", name), _undeclared(name, vocabulary, whose))
                    )
            for c, claim in enumerate(m.grounds.claims):
                if claim.proposition not in vocabulary:
                    problems.append(
                        (
                            ("grounds", "claims", c, "proposition"),
                            _undeclared(claim.proposition, vocabulary, whose),
                        )
                    )
        if isinstance(m, (Case, RequestFile)):
            reqs: list[tuple[Loc, Request | RequestFile]] = (
                [(("requests", q), r) for q, r in enumerate(m.requests)]
                if isinstance(m, Case)
                else [((), m)]
            )
            for base_loc, rq in reqs:
                problems.extend(_request_place_problems(rq, base_loc, world))
                actor_ids = {a.id for a in m.actors}
                for k, ac in enumerate(rq.attacker):
                    if ac.by not in actor_ids:
                        near = difflib.get_close_matches(ac.by, sorted(actor_ids), n=3)
                        hint = (
                            f" (nearest: {', '.join(near)})"
                            if near
                            else f" (actors: {', '.join(sorted(actor_ids)) or 'none; add one under actors'})"
                        )
                        problems.append(
                            (
                                (*base_loc, "attacker", k, "by"),
                                f"expected the id of an actor of this file, found '{ac.by}'{hint}",
                            )
                        )
        for loc, sid in _walk_sources(m, ()):
            if sid not in world.sources and not (
                isinstance(m, RequestFile) and sid == "request-file"
            ):
                problems.append((loc, f"expected the id of a known source, found '{sid}'"))
        if (
            isinstance(m, Instrument)
            and m.organization
            and m.organization not in world.organizations
        ):
            problems.append(
                (
                    ("organization",),
                    f"expected a known organization ({', '.join(world.organizations) or 'none loaded'}), found '{m.organization}'",
                )
            )
        if isinstance(m, Organization):
            if m.founding_instrument not in world.instruments:
                problems.append(
                    (
                        ("founding_instrument",),
                        f"expected a known instrument, found '{m.founding_instrument}'",
                    )
                )
            for k, priority in enumerate(m.priorities):
                for where, ref in [(("prefer",), priority.prefer)] + [
                    (("over", i), r) for i, r in enumerate(priority.over)
                ]:
                    if not _provision_exists(world, ref):
                        problems.append(
                            (
                                ("priorities", k, *where),
                                f"expected instrument/eid of a known provision, found '{ref}'",
                            )
                        )
            for o, organ in enumerate(m.organs):
                for r, rule in enumerate(organ.voting):
                    if rule.provision and not _provision_exists(world, rule.provision):
                        problems.append(
                            (
                                ("organs", o, "voting", r, "provision"),
                                f"expected instrument/eid of a known provision, found '{rule.provision}'",
                            )
                        )
        if isinstance(m, (Case, RequestFile)):
            org = world.organizations.get(m.organization)
            if org is None:
                problems.append(
                    (
                        ("organization",),
                        f"expected a known organization ({', '.join(world.organizations) or 'none loaded'}), found '{m.organization}'",
                    )
                )
            requests: list[Request | RequestFile] = list(m.requests) if isinstance(m, Case) else [m]
            for q, req in enumerate(requests):
                base: Loc = ("requests", q) if isinstance(m, Case) else ()
                for c, ref in enumerate(req.provisions_cited):
                    if not _provision_exists(world, ref):
                        problems.append(
                            (
                                (*base, "provisions_cited", c),
                                f"expected instrument/eid of a known provision, found '{ref}'",
                            )
                        )
                if org is None:
                    continue
                states = {mm.state for mm in org.members}
                if isinstance(req, Request) and req.decision is not None:
                    if org.organ(req.decision.organ) is None:
                        problems.append(
                            (
                                (*base, "decision", "organ"),
                                f"expected an organ of {org.id} ({', '.join(o.id for o in org.organs)}), found '{req.decision.organ}'",
                            )
                        )
                    for p, pos in enumerate(req.decision.positions):
                        if pos.state not in states:
                            problems.append(
                                (
                                    (*base, "decision", "positions", p, "state"),
                                    f"expected a state that is or was a member of {org.id}, found '{pos.state}'",
                                )
                            )
                if isinstance(m, RequestFile):
                    for state in m.positions:
                        if state not in states:
                            problems.append(
                                (
                                    ("positions", state),
                                    f"expected a state that is or was a member of {org.id}, found '{state}'",
                                )
                            )
        problems.extend(_check_states_and_organs(m, world))
        if problems:
            errors.extend(_errors_at(f.text, f.shown, problems))
    return errors


def _check_states_and_organs(m: Any, world: World) -> Iterator[tuple[Loc, str]]:
    """The organs rules name, the states requests name, and what founding instruments and
    definitions refer back to."""
    if isinstance(m, Instrument):
        org = world.organizations.get(m.organization) if m.organization else None
        for p, prov in enumerate(m.provisions):
            for v, version in enumerate(prov.versions):
                decided_by = version.casus.decided_by if version.casus else None
                if org is not None and decided_by and org.organ(decided_by) is None:
                    yield (
                        ("provisions", p, "versions", v, "casus", "decided_by"),
                        f"expected an organ of {org.id} "
                        f"({', '.join(o.id for o in org.organs)}), found '{decided_by}'",
                    )
        for loc, cycle in _definition_cycles(m, world):
            yield (
                loc,
                (
                    "expected a definition that does not lead back to itself, found the cycle "
                    + " -> ".join(cycle)
                ),
            )
    if isinstance(m, Organization):
        inst = world.instruments.get(m.founding_instrument)
        if inst is not None and inst.organization is not None and inst.organization != m.id:
            yield (
                ("founding_instrument",),
                f"expected an instrument of {m.id} (or of no organization), found "
                f"'{inst.id}', an instrument of {inst.organization}",
            )
    if isinstance(m, (Case, RequestFile)):
        org = world.organizations.get(m.organization)
        if org is None:
            return
        states = {mm.state for mm in org.members}
        requests: list[tuple[Loc, Request | RequestFile]] = (
            [(("requests", q), r) for q, r in enumerate(m.requests)]
            if isinstance(m, Case)
            else [((), m)]
        )
        for base, req in requests:
            if req.affected_state is not None and req.affected_state not in states:
                yield (
                    (*base, "affected_state"),
                    f"expected a state that is or was a member of {org.id}, "
                    f"found '{req.affected_state}'",
                )
            for k, state in enumerate(req.parties_to_dispute):
                if state not in states:
                    yield (
                        (*base, "parties_to_dispute", k),
                        f"expected a state that is or was a member of {org.id}, found '{state}'",
                    )


def _definition_cycles(inst: Instrument, world: World) -> Iterator[tuple[Loc, list[str]]]:
    """Each `{provision: …}` in one of this instrument's definitions (`defines`) from which
    the definitions lead back to where they started (which would use a term in its own
    definition), with the cycle."""

    def uses(ref: str) -> list[str]:
        inst_id, _sep, eid = ref.partition("/")
        other = world.instruments.get(inst_id)
        prov = other.provision(eid) if other is not None else None
        out: list[str] = []
        for version in prov.versions if prov is not None else []:
            if version.defines is not None:
                for _loc, e in _expressions(version.defines, ()):
                    if isinstance(e, UsesProvision) and e.provision not in out:
                        out.append(e.provision)
        return out

    for p, prov in enumerate(inst.provisions):
        start = f"{inst.id}/{prov.eid}"
        for v, version in enumerate(prov.versions):
            if version.defines is None:
                continue
            for loc, e in _expressions(
                version.defines, ("provisions", p, "versions", v, "defines")
            ):
                if not isinstance(e, UsesProvision):
                    continue
                # Depth-first from the provision used, looking for the way back to `start`.
                trail = [start, e.provision]
                todo: list[tuple[str, list[str]]] = [(e.provision, trail)]
                seen: set[str] = set()
                while todo:
                    ref, path = todo.pop()
                    if ref == start:
                        yield (*loc, "provision"), path
                        break
                    if ref in seen:
                        continue
                    seen.add(ref)
                    todo.extend((nxt, [*path, nxt]) for nxt in uses(ref))


def check_warnings(files: Sequence[Loaded], world: World) -> list[FileError]:
    """What may be legitimate but deserves a look, with file:line (`casus validate` prints
    these and still passes): a membership before the founding instrument is first in force,
    a request by a state that is not a member on the request date."""
    warnings: list[FileError] = []
    for f in files:
        m = f.model
        problems: list[tuple[Loc, str]] = []
        if isinstance(m, Organization):
            inst = world.instruments.get(m.founding_instrument)
            first = _first_in_force(inst) if inst is not None else None
            if inst is not None and first is not None:
                for k, member in enumerate(m.members):
                    e = member.events[0]
                    if e.date < first:
                        problems.append(
                            (
                                ("members", k, "events", 0, "date"),
                                f"expected a membership from the founding instrument's first "
                                f"version in force ({inst.id}, {first.isoformat()}) on, found "
                                f"{e.date.isoformat()} (source: {', '.join(e.sources)}); kept, "
                                "as a state may have been a member under an earlier text",
                            )
                        )
        if isinstance(m, (Case, RequestFile)):
            org = world.organizations.get(m.organization)
            requests: list[tuple[Loc, Request | RequestFile]] = (
                [(("requests", q), r) for q, r in enumerate(m.requests)]
                if isinstance(m, Case)
                else [((), m)]
            )
            for base, req in requests if org is not None else []:
                assert org is not None
                status = membership_on(org, req.requester.state, req.date)
                if status.status != "member":
                    problems.append(
                        (
                            (*base, "requester", "state"),
                            f"expected a requester that is a member of {org.id} on the request "
                            f"date ({req.date.isoformat()}), found '{req.requester.state}' "
                            f"{status.status.replace('_', ' ')}; kept, as such requests are "
                            "made (the evaluation reports the requester's status)",
                        )
                    )
        if problems:
            warnings.extend(_errors_at(f.text, f.shown, problems, warning=True))
    return warnings


def _first_in_force(inst: Instrument) -> dt.date | None:
    """The first day any version of the instrument's provisions is in force."""
    dates = [v.valid_from for p in inst.provisions for v in p.versions]
    return min(dates) if dates else None


def _provision_exists(world: World, ref: str) -> bool:
    inst_id, sep, eid = ref.partition("/")
    inst = world.instruments.get(inst_id)
    return bool(sep) and inst is not None and inst.provision(eid) is not None


# --- the world --------------------------------------------------------------------------------


def assemble(files: Sequence[Loaded]) -> tuple[World, list[FileError]]:
    world = World()
    errors: list[FileError] = []
    seen: dict[tuple[str, str], str] = {}
    for f in files:
        m = f.model
        items: list[tuple[str, str, Any, Loc]] = []
        if isinstance(m, SourceFile):
            items = [("source", s.id, s, ("sources", i, "id")) for i, s in enumerate(m.sources)]
        elif isinstance(m, PlacesFile):
            items = [("area", a.id, a, ("areas", i, "id")) for i, a in enumerate(m.areas)]
            items += [("place", p.id, p, ("places", i, "id")) for i, p in enumerate(m.places)]
        elif isinstance(m, Instrument):
            items = [("instrument", m.id, m, ("id",))]
        elif isinstance(m, Organization):
            items = [("organization", m.id, m, ("id",))]
        elif isinstance(m, Case):
            items = [("case", m.id, m, ("id",))]
        for kind, ident, model, loc in items:
            if (kind, ident) in seen:
                errors.append(
                    f.locate(
                        loc,
                        f"expected a unique {kind} id, found '{ident}' already defined in {seen[(kind, ident)]}",
                    )
                )
                continue
            seen[(kind, ident)] = f.shown
            tables: dict[str, dict[str, Any]] = {
                "source": world.sources,
                "instrument": world.instruments,
                "organization": world.organizations,
                "case": world.cases,
                "area": world.areas,
                "place": world.places,
            }
            table = tables[kind]
            table[ident] = model
    return world, errors


def load_world(extra: Iterable[Path] = (), *, builtin: bool = True, cache: bool = True) -> World:
    """The built-in data plus any extra files, validated together. Raises DataError.

    A world validated before from the very same files is read from the cache instead.
    """
    from casus.schema import cache as world_cache

    paths = (builtin_files() if builtin else []) + list(extra)
    cache_key = world_cache.key(paths) if cache and world_cache.enabled() else None
    if cache_key is not None:
        cached = world_cache.read(cache_key)
        if cached is not None:
            return cached
    world = _load_world(paths)
    if cache_key is not None:
        for case in world.cases.values():
            world.case_digest(case)  # cached with the world: a later run compares without dumping
        world_cache.write(cache_key, world)
    return world


def _load_world(paths: list[Path]) -> World:
    files: list[Loaded] = []
    errors: list[FileError] = []
    for p in paths:
        try:
            files.append(
                load_file(p, kinds=("instrument", "organization", "case", "sources", "places"))
            )
        except DataError as e:
            errors.extend(e.errors)
    world, dup_errors = assemble(files)
    errors.extend(dup_errors)
    errors.extend(check_references(files, world))
    if errors:
        raise DataError(errors)
    return world
