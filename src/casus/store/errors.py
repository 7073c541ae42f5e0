"""The store's errors: each carries one message a person can act on, shown as `casus: …`.

Must not import SQLAlchemy: the CLI catches these without paying for it.
"""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot do what was asked; nothing was changed. `str()` is the message."""


class Unreachable(StoreError):
    """The database cannot be reached or opened at all."""


class Damaged(StoreError):
    """The database is there but is not a readable casus store (a truncated file, say)."""


class InvalidCommand(StoreError):
    """A command that would record an invalid event, or leave the case invalid."""


class Conflict(StoreError):
    """An idempotency id reused for another command, or a write that lost every retry."""


class UnknownCase(StoreError):
    """No case by that id in the store (or not yet, on the date asked)."""
