"""The store: append events to a case's hash-chained log and keep its projections, in one
transaction; read the current state, the state as recorded on a date, the log; verify chains.

Writes serialize per case. On SQLite a write transaction takes the database's write lock when it
begins; on PostgreSQL it locks the case's projection row (SELECT … FOR UPDATE). Whatever slips
past (two first events of a new case, a retried idempotency id) meets the unique constraints on
(case_id, seq) and command_id and is retried, so the chain never forks. This module must not know
about files, the terminal or the engine that evaluates cases.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    Connection,
    Engine,
    Row,
    bindparam,
    delete,
    exists,
    insert,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy import exc as sa_exc

from casus.model.case import Case
from casus.model.world import World
from casus.store import layout, tables
from casus.store.audit import Finding, Head, verify_chain
from casus.store.canonical import GENESIS, case_text, model_text, sha256_text, split_state
from casus.store.engine import Target, make_engine, resolve, translated
from casus.store.errors import Conflict, InvalidCommand, StoreError, UnknownCase
from casus.store.events import Command, CommandError, Event, chained
from casus.store.fold import POSITION_EVENTS, Fold, Rejected, State, position_rows
from casus.store.migrate import ensure_schema
from casus.store.validate import case_fields, fields_text, validate_case, validate_change

Clock = Callable[[], dt.datetime]
#: Attempts at one append before giving up with a Conflict; each conflict means another writer
#: appended first, so the next attempt reads the new head.
MAX_ATTEMPTS = 50


class _Sql:
    """The statements an append runs, built once: building a statement costs more than running
    it on SQLite, and an append runs several."""

    _c, _ev, _t = tables.cases, tables.events, tables.case_items
    #: The head, and whether any of the commands' ids is in the log already (one round trip).
    head = (
        select(
            _c,
            exists()
            .where(_ev.c.command_id.in_(bindparam("command_ids", expanding=True)))
            .label("earlier"),
        )
        .where(_c.c.case_id == bindparam("case_id"))
        .with_for_update(of=_c)
    )
    by_command = select(_ev).where(_ev.c.command_id == bindparam("command_id"))
    insert_events = insert(_ev)
    insert_head = insert(_c)
    update_head = update(_c).where(_c.c.case_id == bindparam("b_case_id"))
    find_item = (
        select(_t.c.pos, _t.c.item)
        .where(
            _t.c.case_id == bindparam("case_id"),
            _t.c.field == bindparam("field"),
            _t.c.item_id == bindparam("item_id"),
        )
        .order_by(_t.c.pos.desc())  # the last, as a fold of the whole case finds it
        .limit(1)
    )
    # Not max(pos): PostgreSQL may answer that from the other index, reading every row.
    last_item = (
        select(_t.c.pos)
        .where(_t.c.case_id == bindparam("case_id"), _t.c.field == bindparam("field"))
        .order_by(_t.c.pos.desc())
        .limit(1)
    )
    #: Both at once: the item found (with its text) and the last place (with none).
    _found, _last = find_item.subquery("found"), last_item.subquery("last")
    find_and_last = union_all(
        select(_found.c.pos, _found.c.item), select(_last.c.pos, null().label("item"))
    )
    insert_items = insert(_t)
    update_item = update(_t).where(
        _t.c.case_id == bindparam("b_case_id"),
        _t.c.field == bindparam("b_field"),
        _t.c.pos == bindparam("b_pos"),
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Appended:
    """The event a command produced; `recorded` is False when an earlier try had recorded it."""

    event: Event
    recorded: bool


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every time the store writes is UTC.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _event(row: Row[Any], log_column: str = "case_id") -> Event:
    """An event from its row; exercise logs name their log in `exercise_id`."""
    m = row._mapping
    return Event(
        case_id=m[log_column],
        seq=m["seq"],
        type=m["type"],
        payload=m["payload"],
        author=m["author"],
        recorded_at=_utc(m["recorded_at"]),
        command_id=m["command_id"],
        prev_hash=m["prev_hash"],
        hash=m["hash"],
    )


class Store:
    """One store (a SQLite file or a PostgreSQL database). Build it with `open_store`."""

    def __init__(
        self, engine: Engine, target: Target, *, world: World | None = None, clock: Clock = utcnow
    ) -> None:
        self.engine = engine
        self.target = target
        self.world = world
        self.clock = clock
        # SQLite writers in one process queue here rather than in SQLite's busy handler, which
        # sleeps in growing steps and so leaves the lock idle; other processes still meet the
        # busy timeout. PostgreSQL's row locks queue writers in the server already.
        self._local_writes: AbstractContextManager[Any] = (
            threading.Lock() if target.backend == "sqlite" else nullcontext()
        )
        #: Per case: the text of its fields other than its items, parsed and as models.
        self._fields_cache: dict[str, tuple[str, State, dict[str, Any]]] = {}

    # --- connections -----------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with (
            self._local_writes,
            translated(self.target),
            self.engine.connect().execution_options(casus_write=True) as conn,
            conn.begin(),
        ):
            yield conn

    @contextmanager
    def _read(self, *, snapshot: bool = False) -> Iterator[Connection]:
        """A read transaction; with snapshot, every query in it sees the same committed state
        (SQLite's read transactions do already; PostgreSQL needs REPEATABLE READ for it)."""
        with translated(self.target), self.engine.connect() as conn:
            if snapshot and self.target.backend == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------

    def append(self, case_id: str, command: Command) -> Appended:
        """Record one event, or return the one already recorded under the command's id."""
        return self.append_many(case_id, [command])[0]

    def append_many(
        self, case_id: str, commands: Sequence[Command], *, unless_state: str | None = None
    ) -> list[Appended]:
        """Record several events of one case in one transaction: all of them or none.

        With `unless_state` (a case's canonical text), nothing is recorded and the list is empty
        if the case, read under the case's write lock, already stands exactly so: the check and
        the append are one transaction, so writers racing to record one state record it once."""
        try:
            payloads = [c.normalized_payload() for c in commands]
        except CommandError as e:
            raise InvalidCommand(str(e)) from None
        ids = [c.command_id for c in commands]
        if len(set(ids)) != len(ids):
            raise InvalidCommand("one batch names the same idempotency id twice")
        for attempt in range(MAX_ATTEMPTS):
            try:
                with self._write() as conn:
                    return self._append_in(conn, case_id, commands, payloads, unless_state)
            except sa_exc.IntegrityError:
                # Another writer took this seq (or this command id) first; read again and retry.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise Conflict(
            f"case {case_id}: could not append after {MAX_ATTEMPTS} attempts: other writers "
            "kept appending first"
        )

    def _append_in(
        self,
        conn: Connection,
        case_id: str,
        commands: Sequence[Command],
        payloads: list[str],
        unless_state: str | None = None,
    ) -> list[Appended]:
        ids = [command.command_id for command in commands]
        head = conn.execute(_Sql.head, {"case_id": case_id, "command_ids": ids}).first()
        results: list[Appended | None] = []
        fresh: list[tuple[Command, str]] = []
        for command, payload in zip(commands, payloads, strict=True):
            earlier = (
                self._by_command(conn, command.command_id) if head is None or head.earlier else None
            )
            if earlier is not None:
                _same_command(earlier, case_id, command, payload)
                results.append(Appended(earlier, recorded=False))
            else:
                results.append(None)
                fresh.append((command, payload))
        if not fresh:
            return [r for r in results if r is not None]
        if (
            unless_state is not None
            and head is not None
            and _texts(conn, case_id).get(case_id) == unless_state
        ):
            return []
        rows = _Rows(conn, case_id)
        fields: dict[str, Any] | None = None
        if head is None:
            fold = Fold()
        else:
            try:
                state, fields = self._fields(case_id, head.fields)
            except Rejected as e:
                raise InvalidCommand(str(e)) from None
            fold = Fold(dict(state), rows)
        seq = head.head_seq if head is not None else 0
        prev = head.head_hash if head is not None else GENESIS
        last_time = _utc(head.head_recorded_at) if head is not None else None
        now = self.clock()
        # Recorded times never go backwards within a case, so "as recorded on a date" is a prefix.
        moment = now if last_time is None or now >= last_time else last_time
        new_events: list[Event] = []
        for command, payload in fresh:
            data = json.loads(payload)
            if command.type == "case_imported" and data["case"]["id"] != case_id:
                raise InvalidCommand(
                    f"case_imported: the case's id is '{data['case']['id']}', not '{case_id}'"
                )
            try:
                fold.apply(command.type, data)
            except Rejected as e:
                raise InvalidCommand(f"case {case_id}: {command.type}: {e}") from None
            seq += 1
            event = chained(
                case_id,
                seq,
                command.type,
                payload,
                command.author,
                moment,
                command.command_id,
                prev,
            )
            new_events.append(event)
            prev = event.hash
        shown = f"case {case_id}"
        values: dict[str, Any] = {"head_seq": seq, "head_hash": prev, "head_recorded_at": moment}
        try:
            if fold.touched is None:  # an import: the whole case, checked and written whole
                case = validate_case(fold.state, world=self.world, shown=shown)
                text, items = split_state(case.model_dump(mode="json", by_alias=True))
                values |= {"title": case.title, "fields": text}
                writes = _Writes(case_id, replace_all=head is not None)
                for name, texts in items.items():
                    for pos, item in enumerate(texts):
                        writes.insert(name, pos, getattr(case, name)[pos], item)
            else:
                assert fields is not None
                change = validate_change(fold, fields, world=self.world, shown=shown)
                if change.fields is not None:
                    values |= {
                        "title": change.fields["title"],
                        "fields": fields_text(change.fields),
                    }
                writes = _Writes(case_id, replace_all=False)
                for name, models in change.items.items():
                    for i, model in models.items():
                        item = model_text(model)
                        pos = fold.position(name, i)
                        if fold.added(name, i):
                            writes.insert(name, pos, model, item)
                        else:
                            writes.update(name, pos, item)
        except Rejected as e:
            raise InvalidCommand(str(e)) from None
        conn.execute(
            _Sql.insert_events,
            [
                {
                    "case_id": ne.case_id,
                    "seq": ne.seq,
                    "type": ne.type,
                    "payload": ne.payload,
                    "author": ne.author,
                    "recorded_at": ne.recorded_at,
                    "command_id": ne.command_id,
                    "prev_hash": ne.prev_hash,
                    "hash": ne.hash,
                }
                for ne in new_events
            ],
        )
        if head is None:
            conn.execute(_Sql.insert_head, {"case_id": case_id, **values})
        else:
            conn.execute(_Sql.update_head, {"b_case_id": case_id, **values})
        writes.run(conn)
        for ne in new_events:
            self._project_positions(conn, ne)
        it = iter(new_events)
        return [r if r is not None else Appended(next(it), recorded=True) for r in results]

    def _fields(self, case_id: str, text: str) -> tuple[State, dict[str, Any]]:
        """A case's fields other than its items, parsed (shared: never changed in place) and as
        models; kept per case while its text stays the same, since most events leave it alone."""
        cached = self._fields_cache.get(case_id)
        if cached is not None and cached[0] == text:
            return cached[1], cached[2]
        state = json.loads(text)
        models = case_fields(state, shown=f"case {case_id}")
        self._fields_cache[case_id] = (text, state, models)
        return state, models

    def _project_positions(self, conn: Connection, e: Event) -> None:
        if e.type not in POSITION_EVENTS:
            return
        replace_all, casts = position_rows(e.type, e.data())
        p = tables.positions
        current = p.c.superseded_by.is_(None)
        if replace_all:
            conn.execute(
                update(p).where(p.c.case_id == e.case_id, current).values(superseded_by=e.seq)
            )
        for request_id, state, value in casts:
            conn.execute(
                update(p)
                .where(
                    p.c.case_id == e.case_id,
                    p.c.request_id == request_id,
                    p.c.state == state,
                    current,
                )
                .values(superseded_by=e.seq)
            )
            conn.execute(
                insert(p).values(
                    case_id=e.case_id,
                    request_id=request_id,
                    state=state,
                    position=value,
                    seq=e.seq,
                    superseded_by=None,
                )
            )

    def head_event(self, case_id: str) -> Event | None:
        """The last event of a case's log, as the projection names it."""
        c, ev = tables.cases, tables.events
        with self._read() as conn:
            row = conn.execute(
                select(ev)
                .join(c, (c.c.case_id == ev.c.case_id) & (c.c.head_seq == ev.c.seq))
                .where(c.c.case_id == case_id)
            ).first()
        return None if row is None else _event(row)

    def seed_builtin(self, case: Case) -> Appended | None:
        """Record a built-in case file's case on first use, or again when the built-in data
        changed and nobody has changed the case in the store since its last seeding. The
        idempotency id names the head it builds on, so processes seeding at once record it once."""
        head = self.head_event(case.id)
        text = model_text(case)
        if head is not None:
            if not head.command_id.startswith(layout.BUILTIN_COMMAND_PREFIX):
                return None  # the store's record has moved on: it, not the file, is the case
            if self.current_text(case.id) == text:
                return None
        seq = 0 if head is None else head.seq
        command_id = f"{layout.BUILTIN_COMMAND_PREFIX}{case.id}:{seq}:{sha256_text(text)}"
        payload = {"case": case.model_dump(mode="json", by_alias=True), "source": "built-in data"}
        return self.append(case.id, Command("case_imported", payload, "system:casus", command_id))

    def _by_command(self, conn: Connection, command_id: str) -> Event | None:
        row = conn.execute(_Sql.by_command, {"command_id": command_id}).first()
        return None if row is None else _event(row)

    def import_case(
        self, case: Case, *, author: str, command_id: str, source: str | None = None
    ) -> Appended | None:
        """Record a whole case as one `case_imported` event; None if the store already holds
        exactly this state (nothing is recorded then, however many import it at once)."""
        text = model_text(case)
        if self.current_text(case.id) == text:
            return None  # the common case, answered without taking the write lock
        payload = {"case": case.model_dump(mode="json", by_alias=True), "source": source}
        command = Command("case_imported", payload, author, command_id)
        recorded = self.append_many(case.id, [command], unless_state=text)
        return recorded[0] if recorded else None

    # --- reading ---------------------------------------------------------------------------

    def case_ids(self) -> list[str]:
        with self._read() as conn:
            rows = conn.execute(select(tables.cases.c.case_id).order_by(tables.cases.c.case_id))
            return [r[0] for r in rows]

    def head(self, case_id: str) -> tuple[int, str] | None:
        c = tables.cases
        with self._read() as conn:
            row = conn.execute(
                select(c.c.head_seq, c.c.head_hash).where(c.c.case_id == case_id)
            ).first()
        return None if row is None else (row[0], row[1])

    def current_text(self, case_id: str) -> str | None:
        """The case's canonical text, assembled from its projection's rows."""
        with self._read(snapshot=True) as conn:
            texts = _texts(conn, case_id)
        if case_id in texts and texts[case_id] is None:
            raise StoreError(f"case {case_id}: its stored state is damaged (not JSON)")
        return texts.get(case_id)

    def current(self, case_id: str) -> Case:
        """The case as it stands now (its projection)."""
        text = self.current_text(case_id)
        if text is None:
            raise UnknownCase(self._unknown(case_id))
        return _as_case(case_id, json.loads(text))

    def events(self, case_id: str) -> list[Event]:
        ev = tables.events
        with self._read() as conn:
            rows = conn.execute(select(ev).where(ev.c.case_id == case_id).order_by(ev.c.seq))
            return [_event(r) for r in rows]

    def positions(self, case_id: str, *, current_only: bool = True) -> list[dict[str, Any]]:
        """The positions table: each delegation's position per request (and, with
        current_only=False, the superseded ones too), in the order cast."""
        p = tables.positions
        query = select(p).where(p.c.case_id == case_id).order_by(p.c.id)
        if current_only:
            query = query.where(p.c.superseded_by.is_(None))
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def as_of(self, case_id: str, cutoff: dt.datetime) -> Case:
        """The case as recorded before `cutoff`: the log's events recorded before then, folded.
        The chain of those events is checked on the way."""
        events = self.events(case_id)
        if not events:
            raise UnknownCase(self._unknown(case_id))
        upto = [e for e in events if e.recorded_at < cutoff]
        if not upto:
            raise UnknownCase(
                f"case {case_id} was not yet recorded before {cutoff.isoformat()} "
                f"(its first event was recorded {events[0].recorded_at.isoformat()})"
            )
        return rebuild(case_id, upto)

    def _unknown(self, case_id: str) -> str:
        known = self.case_ids()
        return (
            f"no case '{case_id}' in the store at {self.target.shown} "
            f"(cases there: {', '.join(known) or 'none'})"
        )

    # --- auditing --------------------------------------------------------------------------

    def verify(self, case_id: str | None = None) -> list[tuple[str, int, Finding | None]]:
        """Check every chain (or one case's): (case, events, the first bad event or None).

        Besides the links, the projection is checked against the log it was built from."""
        ev = tables.events
        c = tables.cases
        # One snapshot for heads and events: writers appending meanwhile must not look like
        # events inserted past the head.
        with self._read(snapshot=True) as conn:
            heads_q = select(c.c.case_id, c.c.head_seq, c.c.head_hash, c.c.title)
            events_q = select(ev).order_by(ev.c.case_id, ev.c.seq)
            if case_id is not None:
                heads_q = heads_q.where(c.c.case_id == case_id)
                events_q = events_q.where(ev.c.case_id == case_id)
            heads = {r.case_id: r for r in conn.execute(heads_q)}
            texts = _texts(conn, case_id)
            logs: dict[str, list[Event]] = {}
            for row in conn.execute(events_q):
                e = _event(row)
                logs.setdefault(e.case_id, []).append(e)
        ids = sorted(set(heads) | set(logs))
        if case_id is not None and not ids:
            raise UnknownCase(self._unknown(case_id))
        out: list[tuple[str, int, Finding | None]] = []
        for cid in ids:
            rows = logs.get(cid, [])
            h = heads.get(cid)
            finding = verify_chain(cid, rows, Head(h.head_seq, h.head_hash) if h else None)
            if finding is None and h is not None:
                try:
                    case = rebuild(cid, rows, check=False)
                except (Rejected, StoreError, ValueError) as e:
                    finding = Finding(cid, len(rows), "projection", f"the log does not fold: {e}")
                else:
                    if model_text(case) != texts.get(cid) or case.title != h.title:
                        finding = Finding(
                            cid,
                            len(rows),
                            "projection",
                            "the current state differs from the one its log gives",
                        )
            out.append((cid, len(rows), finding))
        return out


class _Rows:
    """A case's item rows, looked up in the appending transaction: the fold's `Items`."""

    def __init__(self, conn: Connection, case_id: str) -> None:
        self.conn = conn
        self.case_id = case_id
        self._sizes: dict[str, int] = {}

    def find(self, field: str, ident: str) -> tuple[int, dict[str, Any]] | None:
        params = {"case_id": self.case_id, "field": field, "item_id": ident}
        if field in self._sizes:
            row = self.conn.execute(_Sql.find_item, params).first()
            return None if row is None else (row[0], json.loads(row[1]))
        # The field's size too: an id looked up is most often one about to be added.
        found = None
        self._sizes[field] = 0
        for pos, item in self.conn.execute(_Sql.find_and_last, params):
            if item is None:
                self._sizes[field] = int(pos) + 1
            else:
                found = (int(pos), json.loads(item))
        return found

    def size(self, field: str) -> int:
        if field not in self._sizes:
            last = self.conn.execute(
                _Sql.last_item, {"case_id": self.case_id, "field": field}
            ).scalar()
            self._sizes[field] = 0 if last is None else int(last) + 1
        return self._sizes[field]


class _Writes:
    """The item rows an append writes: new rows, changed rows, or (an import over a case the
    store holds) every row anew."""

    def __init__(self, case_id: str, *, replace_all: bool) -> None:
        self.case_id = case_id
        self.replace_all = replace_all
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[tuple[str, int, str]] = []

    def insert(self, field: str, pos: int, model: Any, item: str) -> None:
        ident = getattr(model, "id", None)
        self.inserts.append(
            {
                "case_id": self.case_id,
                "field": field,
                "pos": pos,
                "item_id": ident if isinstance(ident, str) else None,
                "item": item,
            }
        )

    def update(self, field: str, pos: int, item: str) -> None:
        self.updates.append((field, pos, item))

    def run(self, conn: Connection) -> None:
        t = tables.case_items
        if self.replace_all:
            conn.execute(delete(t).where(t.c.case_id == self.case_id))
        for field, pos, item in self.updates:
            conn.execute(
                _Sql.update_item,
                {"b_case_id": self.case_id, "b_field": field, "b_pos": pos, "item": item},
            )
        if self.inserts:
            conn.execute(_Sql.insert_items, self.inserts)


def _texts(conn: Connection, case_id: str | None) -> dict[str, str | None]:
    """Each case's canonical text (or one case's), assembled from its projection's rows; None
    where they do not assemble (its fields are not JSON)."""
    c, t = tables.cases, tables.case_items
    heads_q = select(c.c.case_id, c.c.fields)
    items_q = select(t.c.case_id, t.c.field, t.c.item).order_by(t.c.case_id, t.c.field, t.c.pos)
    if case_id is not None:
        heads_q = heads_q.where(c.c.case_id == case_id)
        items_q = items_q.where(t.c.case_id == case_id)
    items: dict[str, dict[str, list[str]]] = {}
    for cid, name, item in conn.execute(items_q):
        items.setdefault(cid, {}).setdefault(name, []).append(item)
    out: dict[str, str | None] = {}
    for cid, text in conn.execute(heads_q):
        try:
            out[cid] = case_text(text, items.get(cid, {}))
        except ValueError:
            out[cid] = None
    return out


def rebuild(case_id: str, events: Sequence[Event], *, check: bool = True) -> Case:
    """Fold events (in seq order) into the case they make; with check, their chain must hold."""
    if check:
        finding = verify_chain(
            case_id, events, None if not events else Head(events[-1].seq, events[-1].hash)
        )
        if finding is not None:
            raise Conflict(f"the log is not intact: {finding.message()}")
    fold = Fold()
    for e in events:
        fold.apply(e.type, e.data())
    if fold.state is None:
        raise UnknownCase(f"no case '{case_id}' in these events")
    return _as_case(case_id, fold.state)


def _as_case(case_id: str, state: Any) -> Case:
    """A stored state as a Case. A state recorded by an older casus whose case model has since
    lost a field no longer validates; say so rather than fail with a traceback."""
    try:
        return Case.model_validate(state)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise StoreError(
            f"case {case_id} as recorded does not fit this casus's case model "
            f"({e.error_count()} problem(s); first: {where}: {first['msg']})"
        ) from None


def open_store(
    db: str | None = None,
    *,
    world: World | None = None,
    clock: Clock = utcnow,
    migrate: bool = True,
) -> Store:
    """The store at `db` (a URL or a SQLite file path; default: CASUS_DB_URL, else the user's
    data directory), its schema brought to head on first use."""
    target = resolve(db)
    engine = make_engine(target)
    try:
        with translated(target):
            if migrate:
                ensure_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, target, world=world, clock=clock)


def _same_command(earlier: Event, case_id: str, command: Command, payload: str) -> None:
    if (earlier.case_id, earlier.type, earlier.payload, earlier.author) != (
        case_id,
        command.type,
        payload,
        command.author,
    ):
        raise Conflict(
            f"the idempotency id '{command.command_id}' was already used for another command "
            f"(event #{earlier.seq} of case {earlier.case_id}, {earlier.type})"
        )
