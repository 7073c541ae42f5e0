"""Replay a case end to end: every request evaluated, the force, the mandate, the record."""

from casus.cases.replay import Replay, replay

__all__ = ["Replay", "replay"]
