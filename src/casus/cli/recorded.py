"""The case `replay` reads from the default SQLite store, without SQLAlchemy, when it is simply
there: one read-only query with the standard library (see `casus.store.fastread`).

Shared by the full command and the light start path, so it imports neither Typer nor the store's
engine; None means "take the store's full path", which migrates, seeds and reports errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casus.model.case import Case
    from casus.model.world import World


def current_from_store(
    world: World, builtin: Case | None, case_id: str, db: str | None
) -> Case | None:
    """The case from the default SQLite store without SQLAlchemy, when it is simply there."""
    from casus.model.case import Case
    from casus.store import layout
    from casus.store.engine import resolve
    from casus.store.errors import StoreError
    from casus.store.fastread import read_projection

    try:
        target = resolve(db)
    except StoreError:
        return None
    if target.backend != "sqlite" or target.path is None:
        return None
    found = read_projection(target.path, case_id)
    if found is None:
        return None
    if builtin is not None:
        if found.state_sha256 == world.case_digest(builtin):
            return builtin
        if found.head_command_id.startswith(layout.BUILTIN_COMMAND_PREFIX):
            return None  # the built-in data changed since it was seeded: reseed on the slow path
    try:
        return Case.model_validate_json(found.state)
    except ValueError:  # recorded by an older casus: the store's own path explains it
        return None
