"""A gazetteer: named places and the treaty areas they belong to. Never coordinates.

Territorial scope clauses (North Atlantic Treaty Art. 6, ANZUS Art. V, Rio Treaty Art. 4) are
encoded as areas; a place says which areas it lies in, as the sources describe it, and whose
territory it is.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from casus.model.common import Frozen, Id, StateCode


class Area(Frozen):
    id: Id
    name: str
    description: str
    sources: list[Id] = Field(min_length=1)


class Place(Frozen):
    id: Id
    name: str
    state: StateCode | None = Field(
        default=None, description="Whose territory it is, if a state's."
    )
    areas: list[Id] = Field(min_length=1, description="Areas (by id) the place lies in.")
    sources: list[Id] = Field(min_length=1)
    note: str | None = None


class PlacesFile(Frozen):
    """A gazetteer file (`kind: places`)."""

    kind: Literal["places"]
    areas: list[Area] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
