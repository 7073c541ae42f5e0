"""Exercises in the store: each one a hash-chained log of its own (table `exercise_events`,
chained and audited exactly as a case's log is) and a projection (table `exercises`: its head,
its state, and the scenario case it started from), appended in one transaction.

Why not the case log itself: a case's projection must be a valid case after every event, and an
exercise is not a case until a request is filed in it (a blank scenario has no request at all).
The hashes, the idempotency ids, the locking and the audit are the case log's own
(`canonical`, `audit.verify_chain`, `Store._write`), so the guarantees are the same.

On PostgreSQL every append also sends `NOTIFY casus_exercises, 'EXERCISE SEQ'` inside its
transaction (delivered on commit), so that every server process can push it to its clients.
This module must not know about HTTP, accounts' rights or the engine.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, text, update
from sqlalchemy import exc as sa_exc

from casus.store import tables
from casus.store.audit import Finding, Head, verify_chain
from casus.store.canonical import GENESIS, sha256_text
from casus.store.errors import Conflict, InvalidCommand, StoreError
from casus.store.events import Event, chained
from casus.store.exercise_fold import Rejected, State, apply, normalized_payload
from casus.store.store import MAX_ATTEMPTS, Appended, Store, _utc
from casus.store.store import _event as _row_event

#: The PostgreSQL channel every append is announced on, as 'EXERCISE SEQ' (several joined
#: by ';' when one transaction appended to several exercises).
CHANNEL = "casus_exercises"

# The statements of the write path, built once: building a statement costs more than running
# it on SQLite, and every position cast runs these.
_HEAD = (
    select(
        tables.exercises.c.head_seq,
        tables.exercises.c.head_hash,
        tables.exercises.c.head_recorded_at,
        tables.exercises.c.state,
    )
    .where(tables.exercises.c.exercise_id == bindparam("xid"))
    .with_for_update()
)
_HEADS = (
    select(
        tables.exercises.c.exercise_id,
        tables.exercises.c.head_seq,
        tables.exercises.c.head_hash,
        tables.exercises.c.head_recorded_at,
        tables.exercises.c.state,
    )
    .where(tables.exercises.c.exercise_id.in_(bindparam("xids", expanding=True)))
    .order_by(tables.exercises.c.exercise_id)  # one lock order for every writer: no deadlock
    .with_for_update()
)
_BY_COMMAND = select(tables.exercise_events).where(
    tables.exercise_events.c.command_id == bindparam("cid")
)
_INSERT_EVENT = insert(tables.exercise_events)
_UPDATE_HEAD = update(tables.exercises).where(tables.exercises.c.exercise_id == bindparam("xid"))
_NOTIFY = text("SELECT pg_notify(:channel, :message)")


class UnknownExercise(StoreError):
    """No exercise by that id in the store."""


@dataclass(frozen=True)
class ExerciseCommand:
    """A request to record one exercise event; `command_id` is the idempotency id."""

    type: str
    payload: dict[str, Any]
    author: str
    command_id: str


@dataclass(frozen=True)
class Creation:
    """What the first event of an exercise writes beside it: its projection's fixed columns."""

    title: str
    organization: str
    source_case: str | None
    scenario: str | None  # the scenario case as canonical JSON, or None for a blank scenario


@dataclass(frozen=True)
class Recorded:
    """What one append did: its events, and the exercise's state and head after it (None when
    a retry found every event recorded already, so that nothing was folded)."""

    appended: list[Appended]
    state: State | None
    head_seq: int
    head_hash: str


@dataclass(frozen=True)
class ExerciseRecord:
    """An exercise as the projection holds it."""

    exercise_id: str
    title: str
    organization: str
    source_case: str | None
    created_by: str
    head_seq: int
    head_hash: str
    state: State


def _event(row: Row[Any]) -> Event:
    return _row_event(row, "exercise_id")


def _check_command(c: ExerciseCommand) -> str:
    # The same author and id rules as the case log's commands.
    if not re.match(r"^(user|delegation|system):\S{1,190}$", c.author):
        raise InvalidCommand(
            f"expected an author 'user:NAME', 'delegation:NAME' or 'system:NAME', found '{c.author}'"
        )
    if not re.match(r"^\S{1,200}$", c.command_id):
        raise InvalidCommand(
            f"expected an idempotency id of 1 to 200 characters without spaces, found '{c.command_id}'"
        )
    try:
        return normalized_payload(c.type, c.payload)
    except Rejected as e:
        raise InvalidCommand(str(e)) from None


def fold_events(exercise_id: str, events: Sequence[Event]) -> State | None:
    """The state the events give, folded in order."""
    state: State | None = None
    for e in events:
        state = apply(state, exercise_id, e.type, e.data(), e.author, e.seq)
    return state


class ExerciseLog:
    """The exercises of one store (its engine, lock and clock are the store's)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- writing ---------------------------------------------------------------------------

    def append_many(
        self,
        exercise_id: str,
        commands: Sequence[ExerciseCommand],
        *,
        creation: Creation | None = None,
        alongside: Callable[[Connection], None] | None = None,
    ) -> list[Appended]:
        """Record events of one exercise in one transaction: all or none. `creation` goes with
        the first event of a new exercise; `alongside` writes other rows (an account) in the
        same transaction, only when the events are new (not when a retry finds them recorded)."""
        return self.record(exercise_id, commands, creation=creation, alongside=alongside).appended

    def record(
        self,
        exercise_id: str,
        commands: Sequence[ExerciseCommand],
        *,
        creation: Creation | None = None,
        alongside: Callable[[Connection], None] | None = None,
    ) -> Recorded:
        """As `append_many`, and the state after it."""
        payloads = [_check_command(c) for c in commands]
        ids = [c.command_id for c in commands]
        if len(set(ids)) != len(ids):
            raise InvalidCommand("one batch names the same idempotency id twice")
        for attempt in range(MAX_ATTEMPTS):
            try:
                with self.store._write() as conn:
                    return self._append_in(
                        conn, exercise_id, commands, payloads, creation, alongside
                    )
            except sa_exc.IntegrityError:
                # Another writer took this seq (or id) first; read the new head and try again.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise Conflict(
            f"exercise {exercise_id}: could not append after {MAX_ATTEMPTS} attempts: other "
            "writers kept appending first"
        )

    def append(self, exercise_id: str, command: ExerciseCommand) -> Appended:
        return self.append_many(exercise_id, [command])[0]

    def record_from_state(
        self,
        exercise_id: str,
        command_id: str,
        build: Callable[[State], Sequence[ExerciseCommand]],
    ) -> Recorded:
        """Record the commands `build` makes from the exercise's state, read under the write
        lock, so that what they depend on (a position cast already, a decision still open)
        cannot change between the look and the append. If an event is recorded under
        `command_id` already, that event is returned (recorded=False) and `build` is not
        called: the caller compares it with what it asked. Whatever `build` raises aborts the
        transaction and reaches the caller."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                with self.store._write() as conn:
                    return self._from_state_in(conn, exercise_id, command_id, build)
            except sa_exc.IntegrityError:
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise Conflict(
            f"exercise {exercise_id}: could not append after {MAX_ATTEMPTS} attempts: other "
            "writers kept appending first"
        )

    def _from_state_in(
        self,
        conn: Connection,
        exercise_id: str,
        command_id: str,
        build: Callable[[State], Sequence[ExerciseCommand]],
    ) -> Recorded:
        earlier = self._by_command(conn, command_id)
        if earlier is not None:
            return Recorded([Appended(earlier, recorded=False)], None, earlier.seq, earlier.hash)
        head = self._head(conn, exercise_id)
        if head is None:
            raise UnknownExercise(f"no exercise '{exercise_id}' in the store")
        commands = list(build(json.loads(head.state)))
        payloads = [_check_command(c) for c in commands]
        # Everything that can refuse the command (build, the payloads, the fold) runs before
        # the first write: a refusal leaves the transaction as it found it.
        return self._append_in(
            conn, exercise_id, commands, payloads, None, None, head=head, looked_up=True
        )

    def _append_jobs(self, conn: Connection, jobs: Sequence[_Job]) -> list[_Outcome]:
        """Record many `record_from_state` jobs in the open transaction with few statements:
        one read of each exercise's head, one insert of every event, one update of each head
        (and one NOTIFY each). Each job is built, checked and folded in memory against the
        state its predecessors left; one that is refused is refused alone, and leaves nothing
        behind. A job whose id another job of the batch also names is left to be retried alone
        (outcome None, None).

        Idempotency ids are not looked up first: a retry is rare, and the unique constraint
        on command_id refuses it, failing the batch, whose jobs are then tried again one by
        one (and a retry then finds its event). The common case saves a query per batch."""
        earlier: dict[str, Event] = {}
        xids = sorted({j.exercise_id for j in jobs})
        heads: dict[str, _Head | None] = dict.fromkeys(xids)
        heads.update({r.exercise_id: _Head(r) for r in conn.execute(_HEADS, {"xids": xids})})
        rows: list[dict[str, Any]] = []
        outcomes: list[_Outcome] = []
        taken: set[str] = set()
        now = self.store.clock()
        for job in jobs:
            if job.command_id in earlier:
                e = earlier[job.command_id]
                outcomes.append(
                    (job, Recorded([Appended(e, recorded=False)], None, e.seq, e.hash), None)
                )
                continue
            if job.command_id in taken:
                outcomes.append((job, None, None))
                continue
            head = heads[job.exercise_id]
            try:
                if head is None:
                    raise UnknownExercise(f"no exercise '{job.exercise_id}' in the store")
                # The job's own copy of the state: `build` reads it, the fold changes it; a job
                # refused half-way leaves the head's text as it was.
                state = json.loads(head.text)
                commands = list(job.build(state))
                checked = [(c, _check_command(c)) for c in commands]
                if any(c.command_id in taken or c.command_id in earlier for c, _ in checked):
                    outcomes.append((job, None, None))
                    continue
                moment = max(now, head.recorded_at)
                state, events = _chain(job.exercise_id, state, head.seq, head.hash, checked, moment)
            except Exception as e:  # refused: nothing of it was written
                outcomes.append((job, None, e))
                continue
            taken.update(c.command_id for c, _ in checked)
            rows.extend(_row(e) for e in events)
            head.seq, head.hash, head.recorded_at = events[-1].seq, events[-1].hash, moment
            head.text, head.changed = _dumps(state), True
            appended = [Appended(e, recorded=True) for e in events]
            outcomes.append((job, Recorded(appended, state, head.seq, head.hash), None))
        changed = [(xid, h) for xid, h in heads.items() if h is not None and h.changed]
        if rows:
            # executemany: one round trip each on PostgreSQL (psycopg's pipeline), one C loop
            # on SQLite.
            conn.execute(_INSERT_EVENT, rows)
            conn.execute(
                _UPDATE_HEAD,
                [
                    {
                        "xid": xid,
                        "head_seq": h.seq,
                        "head_hash": h.hash,
                        "head_recorded_at": h.recorded_at,
                        "state": h.text,
                        "state_sha256": sha256_text(h.text),
                    }
                    for xid, h in changed
                ],
            )
        if changed and conn.dialect.name == "postgresql":
            message = ";".join(f"{xid} {h.seq}" for xid, h in changed)
            conn.execute(_NOTIFY, {"channel": CHANNEL, "message": message})
        return outcomes

    def _head(self, conn: Connection, exercise_id: str) -> Any:
        return conn.execute(_HEAD, {"xid": exercise_id}).first()

    def _append_in(
        self,
        conn: Connection,
        exercise_id: str,
        commands: Sequence[ExerciseCommand],
        payloads: list[str],
        creation: Creation | None,
        alongside: Callable[[Connection], None] | None,
        *,
        head: Any = None,
        looked_up: bool = False,
    ) -> Recorded:
        x = tables.exercises
        if head is None:
            head = self._head(conn, exercise_id)
        results: list[Appended | None] = []
        fresh: list[tuple[ExerciseCommand, str]] = []
        for command, payload in zip(commands, payloads, strict=True):
            # `looked_up`: the caller looked the id up in this transaction already.
            earlier = None if looked_up else self._by_command(conn, command.command_id)
            if earlier is not None:
                if (earlier.case_id, earlier.type, earlier.payload, earlier.author) != (
                    exercise_id,
                    command.type,
                    payload,
                    command.author,
                ):
                    raise Conflict(
                        f"the idempotency id '{command.command_id}' was already used for "
                        f"another command (event #{earlier.seq} of exercise {earlier.case_id}, "
                        f"{earlier.type})"
                    )
                results.append(Appended(earlier, recorded=False))
            else:
                results.append(None)
                fresh.append((command, payload))
        if not fresh:
            done = [r for r in results if r is not None]
            return Recorded(done, None, done[-1].event.seq, done[-1].event.hash)
        state: State | None = json.loads(head.state) if head is not None else None
        seq = head.head_seq if head is not None else 0
        prev = head.head_hash if head is not None else GENESIS
        last = _utc(head.head_recorded_at) if head is not None else None
        now = self.store.clock()
        moment = now if last is None or now >= last else last
        state, new_events = _chain(exercise_id, state, seq, prev, fresh, moment)
        seq, prev = new_events[-1].seq, new_events[-1].hash
        conn.execute(_INSERT_EVENT, [_row(e) for e in new_events])
        state_text = _dumps(state)
        values = {
            "head_seq": seq,
            "head_hash": prev,
            "head_recorded_at": moment,
            "state": state_text,
            "state_sha256": sha256_text(state_text),
        }
        if head is None:
            if creation is None:
                raise InvalidCommand(f"no exercise '{exercise_id}': create it first")
            conn.execute(
                insert(x).values(
                    exercise_id=exercise_id,
                    title=creation.title,
                    organization=creation.organization,
                    source_case=creation.source_case,
                    created_by=new_events[0].author,
                    created_at=moment,
                    scenario=creation.scenario,
                    **values,
                )
            )
        else:
            conn.execute(_UPDATE_HEAD, {"xid": exercise_id, **values})
        if alongside is not None:
            alongside(conn)
        if conn.dialect.name == "postgresql":
            conn.execute(
                _NOTIFY,
                {"channel": CHANNEL, "message": f"{exercise_id} {seq}"},
            )
        it = iter(new_events)
        appended = [r if r is not None else Appended(next(it), recorded=True) for r in results]
        return Recorded(appended, state, seq, prev)

    def _by_command(self, conn: Connection, command_id: str) -> Event | None:
        row = conn.execute(_BY_COMMAND, {"cid": command_id}).first()
        return None if row is None else _event(row)

    # --- reading ---------------------------------------------------------------------------

    def by_command(self, command_id: str) -> Event | None:
        """The event recorded under an idempotency id, if any."""
        with self.store._read() as conn:
            return self._by_command(conn, command_id)

    def get(self, exercise_id: str) -> ExerciseRecord:
        x = tables.exercises
        with self.store._read() as conn:
            row = conn.execute(
                select(
                    x.c.exercise_id,
                    x.c.title,
                    x.c.organization,
                    x.c.source_case,
                    x.c.created_by,
                    x.c.head_seq,
                    x.c.head_hash,
                    x.c.state,
                ).where(x.c.exercise_id == exercise_id)
            ).first()
        if row is None:
            raise UnknownExercise(f"no exercise '{exercise_id}' in the store")
        return ExerciseRecord(
            row.exercise_id,
            row.title,
            row.organization,
            row.source_case,
            row.created_by,
            row.head_seq,
            row.head_hash,
            json.loads(row.state),
        )

    def scenario(self, exercise_id: str) -> str | None:
        """The scenario case (canonical JSON) the exercise started from; None for a blank one."""
        x = tables.exercises
        with self.store._read() as conn:
            row = conn.execute(select(x.c.scenario).where(x.c.exercise_id == exercise_id)).first()
        if row is None:
            raise UnknownExercise(f"no exercise '{exercise_id}' in the store")
        return None if row[0] is None else str(row[0])

    def all(self) -> list[ExerciseRecord]:
        x = tables.exercises
        with self.store._read() as conn:
            rows = conn.execute(
                select(
                    x.c.exercise_id,
                    x.c.title,
                    x.c.organization,
                    x.c.source_case,
                    x.c.created_by,
                    x.c.head_seq,
                    x.c.head_hash,
                    x.c.state,
                ).order_by(x.c.created_at, x.c.exercise_id)
            ).all()
        return [
            ExerciseRecord(
                r.exercise_id,
                r.title,
                r.organization,
                r.source_case,
                r.created_by,
                r.head_seq,
                r.head_hash,
                json.loads(r.state),
            )
            for r in rows
        ]

    def heads(self) -> dict[str, int]:
        """Every exercise's last event number: what a poller compares to see what changed."""
        x = tables.exercises
        with self.store._read() as conn:
            return {r[0]: r[1] for r in conn.execute(select(x.c.exercise_id, x.c.head_seq))}

    def events(self, exercise_id: str, *, after: int = 0) -> list[Event]:
        ev = tables.exercise_events
        with self.store._read() as conn:
            rows = conn.execute(
                select(ev)
                .where(ev.c.exercise_id == exercise_id, ev.c.seq > after)
                .order_by(ev.c.seq)
            )
            return [_event(r) for r in rows]

    # --- auditing --------------------------------------------------------------------------

    def verify(self, exercise_id: str | None = None) -> list[tuple[str, int, Finding | None]]:
        """Check every exercise's chain (or one's), that its projection is what its log folds
        to, and that its scenario is the one its first event names. With no exercise named,
        the accounts are checked too, last, under the log name `accounts` (when the store has
        any): the accounts' log's chain, and every `accounts` row against the chains."""
        out = self._verify_exercises(exercise_id)
        if exercise_id is None:
            from casus.store.accounts import LOG, Accounts

            accounts = Accounts(self.store)
            if accounts.any():
                out.append((LOG, *accounts.verify()))
        return out

    def _verify_exercises(self, exercise_id: str | None) -> list[tuple[str, int, Finding | None]]:
        ev, x = tables.exercise_events, tables.exercises
        with self.store._read(snapshot=True) as conn:
            heads_q = select(
                x.c.exercise_id,
                x.c.head_seq,
                x.c.head_hash,
                x.c.state,
                x.c.state_sha256,
                x.c.scenario,
            )
            events_q = select(ev).order_by(ev.c.exercise_id, ev.c.seq)
            if exercise_id is not None:
                heads_q = heads_q.where(x.c.exercise_id == exercise_id)
                events_q = events_q.where(ev.c.exercise_id == exercise_id)
            heads = {r.exercise_id: r for r in conn.execute(heads_q)}
            logs: dict[str, list[Event]] = {}
            for row in conn.execute(events_q):
                e = _event(row)
                logs.setdefault(e.case_id, []).append(e)
        ids = sorted(set(heads) | set(logs))
        if exercise_id is not None and not ids:
            raise UnknownExercise(f"no exercise '{exercise_id}' in the store")
        out: list[tuple[str, int, Finding | None]] = []
        for xid in ids:
            rows = logs.get(xid, [])
            h = heads.get(xid)
            finding = verify_chain(xid, rows, Head(h.head_seq, h.head_hash) if h else None)
            if finding is None and h is not None:
                finding = _check_projection(xid, rows, h)
            out.append((xid, len(rows), finding))
        return out


def _check_projection(xid: str, rows: list[Event], h: Any) -> Finding | None:
    try:
        state = fold_events(xid, rows)
    except (Rejected, ValueError) as e:
        return Finding(xid, len(rows), "projection", f"the log does not fold: {e}")
    text_ = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if text_ != h.state or sha256_text(text_) != h.state_sha256:
        return Finding(
            xid, len(rows), "projection", "the current state differs from the one its log gives"
        )
    named = rows[0].data().get("scenario_sha256") if rows else None
    actual = None if h.scenario is None else sha256_text(h.scenario)
    if named != actual:
        return Finding(
            xid, 1, "projection", "the scenario differs from the one its first event names"
        )
    return None


def _row(e: Event) -> dict[str, Any]:
    return {
        "exercise_id": e.case_id,
        "seq": e.seq,
        "type": e.type,
        "payload": e.payload,
        "author": e.author,
        "recorded_at": e.recorded_at,
        "command_id": e.command_id,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


def _chain(
    exercise_id: str,
    state: State | None,
    seq: int,
    prev: str,
    commands: Sequence[tuple[ExerciseCommand, str]],
    moment: dt.datetime,
) -> tuple[State | None, list[Event]]:
    """The commands folded into the state (changed in place) and chained after `prev`: the
    events they make. InvalidCommand, before anything is written, if the fold refuses one."""
    events: list[Event] = []
    for command, payload in commands:
        seq += 1
        try:
            state = apply(
                state, exercise_id, command.type, json.loads(payload), command.author, seq
            )
        except Rejected as e:
            raise InvalidCommand(str(e)) from None
        event = chained(
            exercise_id,
            seq,
            command.type,
            payload,
            command.author,
            moment,
            command.command_id,
            prev,
        )
        events.append(event)
        prev = event.hash
    return state, events


def _dumps(state: State | None) -> str:
    return json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class _Head:
    """An exercise's head while a batch is written: read once, advanced in memory."""

    def __init__(self, row: Any) -> None:
        self.seq: int = row.head_seq
        self.hash: str = row.head_hash
        self.recorded_at: dt.datetime = _utc(row.head_recorded_at)
        self.text: str = row.state
        self.changed = False


class GroupWriter:
    """Appends from many callers in few transactions: a thread takes what is queued (up to
    `batch` commands) and records it in one transaction, so that one commit (one fsync)
    serves many positions. Each command still sees the state its predecessors left, and a
    command that is refused is refused alone (every refusal comes before its writes). If
    the transaction itself fails, each command is tried again on its own.

    Used for the busiest call (positions); `submit` answers with a future of `Recorded`. The
    command `build` makes must carry `command_id`: a retry is found by it."""

    def __init__(self, log: ExerciseLog, *, batch: int = 64) -> None:
        self.log = log
        self.batch = batch
        self._queue: queue.Queue[_Job] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="casus-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def submit(
        self,
        exercise_id: str,
        command_id: str,
        build: Callable[[State], Sequence[ExerciseCommand]],
    ) -> Future[Recorded]:
        job = _Job(exercise_id, command_id, build, Future())
        if self._stop.is_set() or not self._thread.is_alive():
            job.run_alone(self.log)  # no writer thread: record it here
        else:
            self._queue.put(job)
        return job.future

    def _run(self) -> None:
        while not self._stop.is_set() or not self._queue.empty():
            try:
                first = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            jobs = [first]
            while len(jobs) < self.batch:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(jobs)

    def _write(self, jobs: list[_Job]) -> None:
        try:
            with self.log.store._write() as conn:
                outcomes = self.log._append_jobs(conn, jobs)
        except Exception:
            # The transaction failed as a whole (a database error, another process's append
            # taking a number first): each job is tried again on its own, with its retries.
            for job in jobs:
                job.run_alone(self.log)
            return
        for job, recorded, error in outcomes:
            if error is not None:
                job.future.set_exception(error)
            elif recorded is not None:
                job.future.set_result(recorded)
            else:
                job.run_alone(self.log)


@dataclass
class _Job:
    exercise_id: str
    command_id: str
    build: Callable[[State], Sequence[ExerciseCommand]]
    future: Future[Recorded]

    def args(self) -> tuple[str, str, Callable[[State], Sequence[ExerciseCommand]]]:
        return self.exercise_id, self.command_id, self.build

    def run_alone(self, log: ExerciseLog) -> None:
        try:
            self.future.set_result(log.record_from_state(*self.args()))
        except Exception as e:
            self.future.set_exception(e)


_Outcome = tuple[_Job, Recorded | None, BaseException | None]
