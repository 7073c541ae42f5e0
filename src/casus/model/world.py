"""The world the engine reasons over: instruments, organizations, sources and cases, by id."""

from __future__ import annotations

from dataclasses import dataclass, field

from casus.model.case import Case
from casus.model.instrument import Instrument
from casus.model.organization import Organization
from casus.model.places import Area, Place
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

    def instruments_of(self, organization: str) -> list[Instrument]:
        return [i for i in self.instruments.values() if i.organization == organization]

    def vocabulary(self, organization: str) -> dict[str, str]:
        """The propositions the organization's instruments declare, with their meanings."""
        out: dict[str, str] = {}
        for inst in self.instruments_of(organization):
            for name, meaning in inst.propositions.items():
                out.setdefault(name, meaning)
        return out
