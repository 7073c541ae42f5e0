"""What the routers share for the life of one application: the store, the world, the exercise
log, the accounts, the live hub, and small caches keyed by what makes them valid (a case's head
hash, an exercise's positions), so that nothing stale is ever served.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from fastapi import Request

from casus.api.live import Hub
from casus.api.settings import Settings
from casus.model.case import Case
from casus.model.world import World
from casus.store.accounts import Account, Accounts
from casus.store.errors import UnknownCase
from casus.store.exercises import ExerciseLog, GroupWriter
from casus.store.store import Store

V = TypeVar("V")


class Lru(Generic[V]):
    """A small thread-safe LRU cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> tuple[bool, V | None]:
        """(found, value) without computing anything."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return True, self._items[key]
        return False, None

    def get(self, key: Hashable, make: Callable[[], V], *, keep_none: bool = True) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: two threads may both compute, and that is fine
        if value is None and not keep_none:
            return value
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


class Recent(Generic[V]):
    """A small thread-safe LRU cache whose entries are trusted for `ttl` seconds only: what
    the store may change behind this process (a token revoked by another server process) is
    read again after that."""

    def __init__(self, size: int, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.ttl = ttl
        self.clock = clock
        self._items: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> tuple[bool, V | None]:
        """(found, value) without computing anything; an entry older than `ttl` is gone."""
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return False, None
            if self.clock() - entry[0] >= self.ttl:
                del self._items[key]
                return False, None
            self._items.move_to_end(key)
            return True, entry[1]

    def get(self, key: Hashable, make: Callable[[], V], *, keep_none: bool = True) -> V:
        found, value = self.peek(key)
        if found:
            return value  # type: ignore[return-value]  # found: the value stored, V
        checked = self.clock()  # before the read: trusted from what the read may have missed
        made = make()
        if made is None and not keep_none:
            return made
        with self._lock:
            self._items[key] = (checked, made)
            self._items.move_to_end(key)
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass
class Services:
    settings: Settings
    world: World
    store: Store
    hub: Hub
    exercises: ExerciseLog = field(init=False)
    writer: GroupWriter = field(init=False)
    accounts: Accounts = field(init=False)
    cases: Lru[Case] = field(default_factory=lambda: Lru(64))
    replays: Lru[dict[str, Any]] = field(default_factory=lambda: Lru(64))
    evaluations: Lru[Any] = field(default_factory=lambda: Lru(1024))
    scenarios: Lru[Any] = field(default_factory=lambda: Lru(256))
    #: Tokens checked lately, each trusted for `settings.token_recheck_seconds`: a token
    #: revoked or reissued anywhere is refused here within that time.
    tokens: Recent[Account | None] = field(init=False)
    voters: Lru[Any] = field(default_factory=lambda: Lru(256))
    _seeded: set[str] = field(default_factory=set)
    _seed_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.exercises = ExerciseLog(self.store)
        self.writer = GroupWriter(self.exercises)
        self.accounts = Accounts(self.store)
        self.tokens = Recent(4096, self.settings.token_recheck_seconds)

    # --- cases, read through the store as `casus replay` reads them ------------------------

    def _seed(self, case_id: str) -> None:
        """Record a built-in case in the store on first use (as `casus replay` does)."""
        builtin = self.world.cases.get(case_id)
        if builtin is None or case_id in self._seeded:
            return
        with self._seed_lock:
            if case_id not in self._seeded:
                self.store.seed_builtin(builtin)
                self._seeded.add(case_id)

    def case_ids(self) -> list[str]:
        return sorted(set(self.world.cases) | set(self.store.case_ids()))

    def case(self, case_id: str, *, seed: bool = True) -> tuple[Case, str]:
        """The case as the store records it, and its head hash (what caches key on)."""
        if seed:
            self._seed(case_id)
        head = self.store.head(case_id)
        if head is None:
            builtin = self.world.cases.get(case_id)
            if builtin is None or seed:
                known = ", ".join(self.case_ids()) or "none"
                raise UnknownCase(f"no case '{case_id}' (cases: {known})")
            return builtin, "built-in"
        return self.cases.get((case_id, head[1]), lambda: self.store.current(case_id)), head[1]

    def world_with(self, case: Case) -> World:
        if self.world.cases.get(case.id) is case:
            return self.world
        return replace(self.world, cases={**self.world.cases, case.id: case})


async def get_services(request: Request) -> Services:
    # async: FastAPI runs a plain function dependency in a worker thread; this one is trivial.
    services: Services = request.app.state.services
    return services
