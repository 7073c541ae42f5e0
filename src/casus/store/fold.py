"""How each event changes a case: the fold from the log to the current state.

The state is the JSON form of a `casus.model.case.Case` (what `model_dump(mode="json")` gives),
changed in place event by event. Rules that need the order of events live here (a claim is added
once, a position is cast once per delegation and question, changed only once cast); rules about
the case as a whole are the loader's, applied to the result by `validate`. Pure: it must not know
about the database, the hash chain or files.
"""

from __future__ import annotations

from typing import Any, Protocol

from casus.store.layout import ITEM_FIELDS

State = dict[str, Any]


class Rejected(ValueError):
    """An event that cannot apply to the case as it stands."""


class Items(Protocol):
    """Where the items a fold does not hold yet are found (the store's rows of a case)."""

    def find(self, field: str, ident: str) -> tuple[int, dict[str, Any]] | None:
        """The position and content of the item of `field` with this id, if any."""
        ...

    def size(self, field: str) -> int:
        """How many items `field` has."""
        ...


class Fold:
    """A case's state while events are applied in order, with indexes for lookups by id.

    Indexes keep folding a long log linear: a 10,000-claim case is not scanned once per claim.

    Given `items`, the state holds the case's other fields and only those items of the list
    fields in `ITEM_FIELDS` that the events looked up or added: the rest stay where `items`
    finds them, so that applying an event costs the same in a case of ten events or of ten
    thousand. `position` gives each held item's place in the whole case.
    """

    def __init__(self, state: State | None = None, items: Items | None = None) -> None:
        self.state = state
        self.items = items
        self._index: dict[str, dict[str, int]] = {}
        #: With `items`: the place in the whole case of each item held, and each field's size.
        self._places: dict[str, list[int]] = {}
        self._sizes: dict[str, int] = {}
        self._added: dict[str, set[int]] = {}
        if items is not None and state is not None:
            for name in ITEM_FIELDS:
                state[name] = []
        #: What the events applied so far changed: list field -> item indexes; None when an
        #: import replaced the whole case. Lets `validate` check references of those items only.
        self.touched: dict[str, set[int]] | None = {}
        #: Every item the events changed (the touched ones, and claims whose status changed):
        #: list field -> item indexes, for the store to write back.
        self.changed: dict[str, set[int]] = {}
        #: Whether a field other than the item fields changed (a pledge changes the force).
        self.fields_changed = False

    def touch(self, field: str, index: int, *, references: bool = True) -> None:
        """Note an item changed; with `references`, its references are to be checked again."""
        self.changed.setdefault(field, set()).add(index)
        if references and self.touched is not None:
            self.touched.setdefault(field, set()).add(index)

    def apply(self, event_type: str, payload: dict[str, Any]) -> None:
        handler = _HANDLERS.get(event_type)
        if handler is None:
            raise Rejected(f"unknown event type '{event_type}'")
        if event_type == "case_imported":
            self.state = payload["case"]
            self.items = None  # the whole case is held from here on
            self._index = {}
            self._places = {}
            self.touched = None
            self.changed = {}
            return
        if self.state is None:
            raise Rejected("the case has no events yet: import it first (casus import FILE)")
        handler(self, payload)

    def position(self, field: str, index: int) -> int:
        """The place in the whole case of the item held at `index` of `field`."""
        places = self._places.get(field)
        return index if places is None else places[index]

    # --- lookups -------------------------------------------------------------------------

    def _items(self, field: str) -> list[dict[str, Any]]:
        assert self.state is not None
        items = self.state.setdefault(field, [])
        assert isinstance(items, list)
        return items

    def find(self, field: str, ident: str) -> dict[str, Any] | None:
        index = self._index.get(field)
        if index is None:
            index = {item["id"]: i for i, item in enumerate(self._items(field))}
            self._index[field] = index
        i = index.get(ident)
        if i is None and self.items is not None:
            found = self.items.find(field, ident)
            if found is None:
                return None
            i = self._hold(field, found[1], found[0])
            index[ident] = i
        return None if i is None else self._items(field)[i]

    def _hold(self, field: str, item: dict[str, Any], place: int) -> int:
        items = self._items(field)
        items.append(item)
        if self.items is not None:
            self._places.setdefault(field, []).append(place)
        return len(items) - 1

    def append(self, field: str, item: dict[str, Any]) -> int:
        """Add an item at the end of a list field; its index among the items held."""
        if self.items is None:
            i = self._hold(field, item, len(self._items(field)))
        else:
            size = self._sizes.get(field)
            if size is None:
                size = self.items.size(field)
            self._sizes[field] = size + 1
            i = self._hold(field, item, size)
            self._added.setdefault(field, set()).add(i)
        self.touch(field, i)
        return i

    def added(self, field: str, index: int) -> bool:
        """With `items`: whether the item held at `index` is new (else it was looked up)."""
        return index in self._added.get(field, ())

    def add(self, field: str, item: dict[str, Any], what: str) -> None:
        ident = item["id"]
        if self.find(field, ident) is not None:
            raise Rejected(f"{what} '{ident}' is already in the case")
        self._index[field][ident] = self.append(field, item)

    def request(self, ident: str) -> dict[str, Any]:
        found = self.find("requests", ident)
        if found is None:
            raise Rejected(f"no request '{ident}' in the case")
        self.touch("requests", self._index["requests"][ident])
        return found

    @property
    def case_id(self) -> str:
        return str((self.state or {}).get("id", ""))


def _claim_added(f: Fold, p: dict[str, Any]) -> None:
    f.add("claims", p["claim"], "claim")


def _claim_status_changed(f: Fold, p: dict[str, Any]) -> None:
    claim = f.find("claims", p["claim"])
    if claim is None:
        raise Rejected(f"no claim '{p['claim']}' in the case")
    claim["status"] = p["status"]
    if p.get("note") is not None:
        claim["note"] = p["note"]
    # Its status and note changed, not what it refers to.
    f.touch("claims", f._index["claims"][p["claim"]], references=False)


def _request_filed(f: Fold, p: dict[str, Any]) -> None:
    f.add("requests", p["request"], "request")


def _decision_recorded(f: Fold, p: dict[str, Any]) -> None:
    request = f.request(p["request"])
    if request.get("decision") is not None:
        raise Rejected(f"request '{p['request']}' already has a decision recorded")
    request["decision"] = p["decision"]


def _positions(f: Fold, request_id: str) -> list[dict[str, Any]]:
    request = f.request(request_id)
    decision = request.get("decision")
    if decision is None:
        # The case model keeps positions inside the decision's record; a position on an open
        # question belongs to an exercise, not to a case.
        raise Rejected(
            f"request '{request_id}' has no decision recorded: record it before positions on it"
        )
    positions = decision.setdefault("positions", [])
    assert isinstance(positions, list)
    return positions


def _position_cast(f: Fold, p: dict[str, Any]) -> None:
    positions = _positions(f, p["request"])
    state = p["position"]["state"]
    if any(x["state"] == state for x in positions):
        raise Rejected(
            f"{state} has already cast a position on request '{p['request']}': "
            "a change is recorded as position_changed"
        )
    positions.append(p["position"])


def _position_changed(f: Fold, p: dict[str, Any]) -> None:
    positions = _positions(f, p["request"])
    state = p["position"]["state"]
    for i, x in enumerate(positions):
        if x["state"] == state:
            positions[i] = p["position"]  # in place, so an export keeps the order of the record
            return
    raise Rejected(f"{state} has cast no position on request '{p['request']}' to change")


def _pledge_made(f: Fold, p: dict[str, Any]) -> None:
    assert f.state is not None
    force = f.state.get("force")
    if force is None:
        raise Rejected("the case has no force to pledge a contingent to")
    contingents = force.get("contingents", [])
    state = p["contingent"]["state"]
    if any(k["state"] == state for k in contingents):
        raise Rejected(f"{state} has already pledged a contingent")
    # A new force rather than a change to the old one: the store may share the old one.
    f.state["force"] = {**force, "contingents": [*contingents, p["contingent"]]}
    f.fields_changed = True


def _phase_started(f: Fold, p: dict[str, Any]) -> None:
    f.add("phases", p["phase"], "phase")


def _timeline_event_added(f: Fold, p: dict[str, Any]) -> None:
    f.append("timeline", p["event"])


_HANDLERS = {
    "case_imported": lambda f, p: None,
    "claim_added": _claim_added,
    "claim_status_changed": _claim_status_changed,
    "request_filed": _request_filed,
    "decision_recorded": _decision_recorded,
    "position_cast": _position_cast,
    "position_changed": _position_changed,
    "pledge_made": _pledge_made,
    "phase_started": _phase_started,
    "timeline_event_added": _timeline_event_added,
}


#: The events `position_rows` gives rows for; no other event touches the positions table.
POSITION_EVENTS = frozenset(
    {"case_imported", "decision_recorded", "position_cast", "position_changed"}
)


def position_rows(
    event_type: str, payload: dict[str, Any]
) -> tuple[bool, list[tuple[str, str, str]]]:
    """What an event does to the positions table: (replaces every earlier position?, and the
    positions it casts as (request, state, position))."""
    if event_type == "case_imported":
        rows = [
            (rq["id"], pos["state"], pos["position"])
            for rq in payload["case"].get("requests", [])
            if rq.get("decision")
            for pos in rq["decision"].get("positions", [])
        ]
        return True, rows
    if event_type == "decision_recorded":
        d = payload["decision"]
        return False, [
            (payload["request"], x["state"], x["position"]) for x in d.get("positions", [])
        ]
    if event_type in ("position_cast", "position_changed"):
        x = payload["position"]
        return False, [(payload["request"], x["state"], x["position"])]
    return False, []
