"""Four-valued logic: yes, no, contested, undetermined.

Kleene's strong three-valued logic, with its unknown split in two. `undetermined` (no claim at
all) dominates `contested` (claims disagree) in both connectives, because a missing fact leaves
the answer open whatever the contested one turns out to be. `not` swaps yes and no and leaves
the two unknowns as they are, so De Morgan's laws hold.
"""

from __future__ import annotations

from collections.abc import Iterable

from casus.model.common import Value

YES, NO, CONTESTED, UNDETERMINED = Value.YES, Value.NO, Value.CONTESTED, Value.UNDETERMINED


def v_not(a: Value) -> Value:
    if a is YES:
        return NO
    if a is NO:
        return YES
    return a


def v_and(values: Iterable[Value]) -> Value:
    """Conjunction: no if any is no; else undetermined, contested or yes, in that order."""
    seen_contested = seen_undetermined = False
    for v in values:
        if v is NO:
            return NO
        if v is UNDETERMINED:
            seen_undetermined = True
        elif v is CONTESTED:
            seen_contested = True
    if seen_undetermined:
        return UNDETERMINED
    return CONTESTED if seen_contested else YES


def v_or(values: Iterable[Value]) -> Value:
    """Disjunction: yes if any is yes; else undetermined, contested or no, in that order."""
    seen_contested = seen_undetermined = False
    for v in values:
        if v is YES:
            return YES
        if v is UNDETERMINED:
            seen_undetermined = True
        elif v is CONTESTED:
            seen_contested = True
    if seen_undetermined:
        return UNDETERMINED
    return CONTESTED if seen_contested else NO


def with_exception(base: Value, exception: Value) -> Value:
    """The value of a rule whose base case is `base` and whose labelled exception is `exception`.

    An exception that holds defeats the base case; one that does not hold leaves it; an open
    exception leaves the result open unless the base case already fails.
    """
    return v_and((base, v_not(exception)))
