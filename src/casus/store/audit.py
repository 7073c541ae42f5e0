"""Checking a case's hash chain, and saying what was done to it when it does not hold.

Pure: it reads events as given (in seq order) and the head the projection recorded, and names
the first bad event and why: edited, deleted, inserted or reordered. It must not know about the
database; `store.Store.verify` feeds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from casus.store.canonical import GENESIS, event_content, event_hash
from casus.store.events import Event

Kind = Literal["edited", "deleted", "inserted", "reordered", "projection"]


@dataclass(frozen=True)
class Head:
    """What the projection recorded as a case's last event, in the transaction that wrote it."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Finding:
    case_id: str
    seq: int
    kind: Kind
    detail: str

    def message(self) -> str:
        if self.kind == "projection":
            return f"case {self.case_id}: projection: {self.detail}"
        return f"case {self.case_id}, event #{self.seq}: {self.kind}: {self.detail}"


def own_hash(e: Event, seq: int | None = None) -> str:
    content = event_content(
        case_id=e.case_id,
        seq=e.seq if seq is None else seq,
        type=e.type,
        payload=e.payload,
        author=e.author,
        recorded_at=e.recorded_at,
        command_id=e.command_id,
    )
    return event_hash(e.prev_hash, content)


def verify_chain(case_id: str, rows: Sequence[Event], head: Head | None) -> Finding | None:
    """The first bad event of one case's log, or None when the chain holds end to end."""
    at = {r.hash: i for i, r in enumerate(rows)}
    prev = GENESIS
    past_head = f"it lies past the last event the store recorded (#{head.seq if head else 0})"

    def found(seq: int, kind: Kind, detail: str) -> Finding:
        return Finding(case_id, seq, kind, detail)

    for i, r in enumerate(rows):
        expected = i + 1
        if r.seq != expected:
            # Before calling it a deletion: is the event recorded as #expected elsewhere?
            for j in range(i, len(rows)):
                moved = rows[j]
                if moved.prev_hash == prev and own_hash(moved, expected) == moved.hash:
                    return found(expected, "reordered", f"it was moved to #{moved.seq}")
            before = (
                f"#{expected - 1} is followed by #{r.seq}" if i else f"the log starts at #{r.seq}"
            )
            return found(expected, "deleted", f"it is missing: {before}")
        if own_hash(r) != r.hash:
            recorded = _recorded_seq(r, len(rows) + 1)
            if recorded is None and head is not None and r.seq > head.seq:
                return found(r.seq, "inserted", past_head)
            if recorded is None:
                nxt = rows[i + 1] if i + 1 < len(rows) else None
                if nxt is not None and nxt.prev_hash == prev:
                    return found(
                        r.seq,
                        "inserted",
                        f"it is not in the recorded chain: #{nxt.seq} follows the event before it",
                    )
                return found(r.seq, "edited", "its content no longer matches its hash")
            return _misplaced(case_id, rows, i, recorded, at, prev)
        if r.prev_hash != prev:
            return _unlinked(case_id, rows, i, at)
        prev = r.hash
    if head is None:
        if rows:
            return found(rows[0].seq, "inserted", "the store never recorded this case")
        return None
    if len(rows) > head.seq:
        return found(head.seq + 1, "inserted", past_head)
    if len(rows) < head.seq:
        return found(
            len(rows) + 1,
            "deleted",
            f"it is missing: the log ends at #{len(rows)}, the store recorded #{head.seq}",
        )
    if rows and rows[-1].hash != head.hash:
        return found(
            rows[-1].seq, "edited", "the log no longer ends at the hash the store recorded"
        )
    return None


def _recorded_seq(r: Event, upto: int) -> int | None:
    """The sequence number under which this event's hash was computed, if not its own."""
    for s in range(1, max(upto, r.seq) + 1):
        if s != r.seq and own_hash(r, s) == r.hash:
            return s
    return None


def _misplaced(
    case_id: str, rows: Sequence[Event], i: int, recorded: int, at: dict[str, int], prev: str
) -> Finding:
    r = rows[i]
    pred = -1 if r.prev_hash == GENESIS else at.get(r.prev_hash)
    if r.prev_hash == prev:
        return Finding(
            case_id, r.seq, "edited", f"its number was changed (recorded as #{recorded})"
        )
    if pred is not None and pred > i:
        return Finding(
            case_id,
            r.seq,
            "reordered",
            f"it was recorded as #{recorded}, after the event now at #{rows[pred].seq}",
        )
    if pred is not None and pred < i - 1:
        extra = rows[pred + 1]
        return Finding(
            case_id,
            extra.seq,
            "inserted",
            f"it is not in the recorded chain: #{r.seq} (recorded as #{recorded}) "
            f"was recorded right after {'the start' if pred < 0 else f'#{rows[pred].seq}'}",
        )
    return Finding(
        case_id,
        recorded - 1,
        "deleted",
        f"it is missing: the event recorded after it is now #{r.seq} (recorded as #{recorded})",
    )


def _unlinked(case_id: str, rows: Sequence[Event], i: int, at: dict[str, int]) -> Finding:
    """Row i is consistent in itself but not chained to the row before it."""
    r = rows[i]
    pred = -1 if r.prev_hash == GENESIS else at.get(r.prev_hash)
    if pred is not None and pred > i:
        return Finding(
            case_id, r.seq, "reordered", f"it was recorded after the event now at #{rows[pred].seq}"
        )
    if pred is not None and pred < i - 1:
        return Finding(
            case_id,
            rows[pred + 1].seq,
            "inserted",
            f"it is not in the recorded chain: #{r.seq} was recorded right after "
            f"{'the start' if pred < 0 else f'#{rows[pred].seq}'}",
        )
    if i == 0:
        return Finding(case_id, r.seq, "edited", "it is not chained to the start of the log")
    return Finding(
        case_id,
        rows[i - 1].seq,
        "edited",
        f"it was changed and its hash recomputed: #{r.seq} was chained to another #{rows[i - 1].seq}",
    )


def derived_rows(
    log_id: str, what: str, expected: Mapping[Any, Mapping[str, Any]], actual: Mapping[Any, Any]
) -> Finding | None:
    """The first row of a table derived from a chain (accounts, positions) that is not what
    the chain gives: a row the chain never made (forged), one whose columns differ from it
    (changed), or one the chain made that is gone (deleted). `expected` and `actual` map each
    row's key to the columns the chain fixes."""
    for key in sorted(actual, key=str):
        if key not in expected:
            return Finding(log_id, 0, "projection", f"{what} {key} is in no chain: a forged row")
        changed = sorted(k for k, v in expected[key].items() if actual[key].get(k) != v)
        if changed:
            return Finding(
                log_id,
                0,
                "projection",
                f"{what} {key} differs from what its chain gives ({', '.join(changed)})",
            )
    for key in sorted(expected, key=str):
        if key not in actual:
            return Finding(log_id, 0, "projection", f"{what} {key} is missing: its row was deleted")
    return None
