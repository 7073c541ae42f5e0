"""Whether a provision's casus arises: its base condition and labelled exceptions, over the
values of propositions under a reading, with an explanation citing the provision and the claims.

A casus is compiled once for a situation (the date, the place, the parties) and a citation:
what does not depend on the propositions is settled then, and the compiled form is evaluated
over each reading's values, with or without its explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from casus.law.claims import PropositionValue
from casus.model.common import Value
from casus.model.explain import Node
from casus.model.logic import v_and, v_not, with_exception
from casus.model.rules import Casus, Compiled, Situation, Values, compile_expr

__all__ = ["CasusResult", "CompiledCasus", "Situation", "compile_casus", "evaluate_casus"]

_WORD = {
    Value.YES: "holds",
    Value.NO: "does not hold",
    Value.CONTESTED: "is contested",
    Value.UNDETERMINED: "is undetermined",
}


@dataclass(frozen=True, slots=True)
class CasusResult:
    value: Value
    base: Value
    exceptions: tuple[tuple[str, Value], ...]
    missing: tuple[str, ...]
    contested: tuple[str, ...]
    node: Node


@dataclass(frozen=True, slots=True)
class CompiledCasus:
    """A casus compiled for one situation and citation."""

    casus: Casus
    cite: str
    base: Compiled
    exceptions: tuple[tuple[str, tuple[str, ...], Compiled], ...]  # id, cites, rule
    # The statements of the base case and of each exception, by value (built once).
    base_statements: Mapping[Value, str]
    exception_statements: tuple[Mapping[Value, str], ...]
    cites: tuple[str, ...]  # (cite,): what the casus's own nodes rest on

    def value(self, values: Values) -> Value:
        """Whether the casus arises, without its explanation (grids, searches)."""
        result = self.base.value(values)
        for _, _, rule in self.exceptions:
            result = v_and((result, v_not(rule.value(values))))
        return result

    def result(self, values: Values, reading_label: str) -> CasusResult:
        """Whether the casus arises, with its explanation and what was missing or contested."""
        missing: list[str] = []
        contested: list[str] = []
        cites = self.cites
        base, base_node = self.base.explain(values, missing, contested)
        base_node = Node(self.base_statements[base], base, cites, (base_node,))
        result = base
        exc_values: list[tuple[str, Value]] = []
        children = [base_node]
        for (ex_id, ex_cites, rule), statements in zip(
            self.exceptions, self.exception_statements, strict=True
        ):
            ev, enode = rule.explain(values, missing, contested)
            exc_values.append((ex_id, ev))
            result = with_exception(result, ev)
            children.append(Node(statements[ev], ev, ex_cites, (enode,)))
        node = Node(
            f"the casus of {self.cite} {_WORD[result]} under {reading_label}",
            result,
            cites,
            tuple(children),
        )
        return CasusResult(result, base, tuple(exc_values), tuple(missing), tuple(contested), node)


def compile_casus(casus: Casus, situation: Situation, cite: str) -> CompiledCasus:
    """The casus compiled for a situation; its statements are built once per value."""
    exceptions = []
    statements = []
    for ex in casus.exceptions:
        basis = "interpretation, attributed" if ex.basis == "interpretation" else "in the text"
        words = f"exception '{ex.id}' ({basis}: {ex.label})"
        statements.append({v: f"{words} {_WORD[v]}" for v in Value})
        exceptions.append(
            (
                ex.id,
                (cite, *(f"source:{s}" for s in ex.sources)),
                compile_expr(ex.when, situation, cite),
            )
        )
    return CompiledCasus(
        casus,
        cite,
        compile_expr(casus.when, situation, cite),
        tuple(exceptions),
        {v: f"base case ({casus.event}) {_WORD[v]}" for v in Value},
        tuple(statements),
        (cite,),
    )


def evaluate_casus(
    casus: Casus,
    values: Mapping[str, PropositionValue],
    situation: Situation,
    cite: str,
    reading_label: str,
) -> CasusResult:
    """Evaluate the base condition, then each labelled exception; an exception that holds wins."""
    return compile_casus(casus, situation, cite).result(values, reading_label)
