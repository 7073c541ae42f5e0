"""ISO 3166-1 numeric codes of states, for the map.

The map's outlines (Natural Earth, as packaged by world-atlas) are keyed by the numeric code as a
three-digit string, the members by alpha-2: ISO 3166-1 (through `casus.model.states`, which reads
it from pycountry) joins them, for every state. A code ISO does not assign is shown without a
numeric code (null), never guessed.
"""

from __future__ import annotations

from casus.model.states import state_numeric


def numeric(alpha2: str) -> str | None:
    return state_numeric(alpha2)
