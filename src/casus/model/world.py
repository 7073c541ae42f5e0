"""The world the engine reasons over: instruments, organizations, sources and cases, by id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from casus.model.canonical import model_text, sha256_text
from casus.model.case import Case
from casus.model.instrument import Instrument
from casus.model.organization import Organization
from casus.model.places import Area, Place
from casus.model.rules import Expr
from casus.model.sources import Source


@dataclass(frozen=True)
class World:
    """An immutable collection of loaded data. Build it with `casus.schema.load_world`."""

    instruments: dict[str, Instrument] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    # Each case's canonical digest, kept with the case it was computed from (a world made by
    # `dataclasses.replace` with another case under the same id shares this dict, and the
    # identity check keeps it from answering for that case). Filled as digests are asked for;
    # the loader fills it for the data files' cases before the world is cached.
    _digests: dict[str, tuple[Case, str]] = field(default_factory=dict, repr=False, compare=False)

    def case_digest(self, case: Case) -> str:
        """The SHA-256 of the case's canonical JSON (what the store records its state as)."""
        found = self._digests.get(case.id)
        if found is not None and found[0] is case:
            return found[1]
        digest = sha256_text(model_text(case))
        self._digests[case.id] = (case, digest)
        return digest

    def defined(self, ref: str, on: dt.date) -> tuple[str, Expr] | None:
        """What the provision `ref` (instrument/eid) defines on the date: the citation of the
        version in force and its `defines` expression, or None if none is in force or it
        defines nothing."""
        inst_id, _, eid = ref.partition("/")
        inst = self.instruments.get(inst_id)
        prov = inst.provision(eid) if inst is not None else None
        if prov is None:
            return None
        for v in prov.versions:
            if v.covers(on):
                return (v.cite(inst_id, eid), v.defines) if v.defines is not None else None
        return None

    def definitions_on(self, on: dt.date) -> Callable[[str], Expr | None]:
        """What each provision defines on the date, for the rule language's walkers."""

        def uses(ref: str) -> Expr | None:
            found = self.defined(ref, on)
            return None if found is None else found[1]

        return uses

    def instruments_of(self, organization: str) -> list[Instrument]:
        return [i for i in self.instruments.values() if i.organization == organization]

    def frame_instruments(self, frame: str) -> list[Instrument]:
        return [i for i in self.instruments.values() if i.frame == frame]

    def vocabulary(self, organization: str) -> dict[str, str]:
        """The propositions the organization's instruments declare, with their meanings, and
        those of general international law, which applies to every request for a force."""
        out: dict[str, str] = {}
        for inst in (
            *self.instruments_of(organization),
            *self.frame_instruments("general-international-law"),
        ):
            for name, meaning in inst.propositions.items():
                out.setdefault(name, meaning)
        return out
