"""Live updates: wake the event streams of an exercise when its log grows, whichever server
process appended.

- In this process, a router that appended calls `Hub.publish_threadsafe` after the commit.
- On PostgreSQL, every append sends `NOTIFY casus_exercises, 'EXERCISE SEQ'` in its transaction;
  a thread per process LISTENs on its own connection and publishes what it hears, so a position
  cast through one process reaches the streams of every other.
- On SQLite (one machine, usually one process), a task polls the exercises' heads while anyone
  is listening, so that appends by other processes (the CLI, say) are seen too.

A stream never trusts a wake-up for content: woken, it reads the log after the last event it
sent. A missed notification therefore only delays an event until the next heartbeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator

from casus.store.exercises import CHANNEL

log = logging.getLogger("casus.api.live")


class Hub:
    """Per-exercise wake-ups for the streams of this process (used from its event loop)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._events: dict[str, asyncio.Event] = {}
        self._listeners = 0

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def waiter(self, exercise_id: str) -> asyncio.Event:
        """The event the next publish for this exercise sets. Take it *before* reading the log,
        so that an append between the read and the wait is not missed."""
        event = self._events.get(exercise_id)
        if event is None:
            event = self._events[exercise_id] = asyncio.Event()
        return event

    def publish(self, exercise_id: str | None) -> None:
        """Wake the streams of one exercise (None: of every exercise)."""
        if exercise_id is None:
            events, self._events = list(self._events.values()), {}
        else:
            one = self._events.pop(exercise_id, None)
            events = [] if one is None else [one]
        for event in events:
            event.set()

    def publish_threadsafe(self, exercise_id: str | None) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody listens
            loop.call_soon_threadsafe(self.publish, exercise_id)

    @contextlib.contextmanager
    def listening(self) -> Iterator[Hub]:
        self._listeners += 1
        try:
            yield self
        finally:
            self._listeners -= 1

    @property
    def listeners(self) -> int:
        return self._listeners


class PgListener:
    """A thread that LISTENs on the PostgreSQL channel and publishes what it hears."""

    def __init__(self, conninfo: str, publish: Callable[[str | None], None]) -> None:
        self.conninfo = conninfo
        self.publish = publish
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="casus-pg-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.ready.set()
                    # Whatever was appended while (re)connecting was not heard: wake everyone.
                    self.publish(None)
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            # 'EXERCISE SEQ', several joined by ';' for a batch.
                            for part in note.payload.split(";"):
                                exercise_id = part.split(" ", 1)[0]
                                self.publish(exercise_id or None)
            except Exception as e:  # a lost connection: say so, wait, connect again
                self.ready.clear()
                log.warning("LISTEN connection lost (%s); reconnecting", e)
                self._stop.wait(1.0)


def pg_conninfo(sqlalchemy_url: str) -> str:
    """A libpq URL from the store's SQLAlchemy URL (postgresql+psycopg://…)."""
    _scheme, _, rest = sqlalchemy_url.partition("://")
    return f"postgresql://{rest}"


async def poll_heads(
    hub: Hub, heads: Callable[[], dict[str, int]], interval: float, stop: asyncio.Event
) -> None:
    """Publish every exercise whose head moved, looking every `interval` seconds while anyone
    listens (SQLite: appends by other processes)."""
    seen: dict[str, int] | None = None
    while not stop.is_set():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        if stop.is_set():
            return
        if hub.listeners == 0:
            seen = None
            continue
        try:
            now = await asyncio.to_thread(heads)
        except Exception as e:
            log.warning("could not read the exercises' heads: %s", e)
            continue
        if seen is not None:
            for exercise_id, seq in now.items():
                if seen.get(exercise_id) != seq:
                    hub.publish(exercise_id)
        seen = now
