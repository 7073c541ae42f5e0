"""OpenFisca's vectorized cost per person, as a baseline for casus's grid cost per combination.

Run by `benchmarks/whatif.py` in a virtual environment of its own (`.venv-openfisca`, created on
first use with `pip install openfisca-core`), so that OpenFisca's pins never touch casus's
environment. A five-condition eligibility rule (member, entitled office, armed attack, not an
internal conflict, support) over 1,000,000 persons, as OpenFisca computes it: `calculate` alone,
and with the simulation's set-up (building it and setting the inputs). Prints one JSON object.
This file imports only numpy and openfisca_core; it is never imported by casus.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import numpy as np
from openfisca_core import entities, periods, taxbenefitsystems
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.variables import Variable

PERSONS = 1_000_000
NAMES = ("member", "entitled_office", "armed_attack", "internal_conflict", "support")

Person = entities.build_entity(key="person", plural="persons", label="A person", is_person=True)


def _input(name: str) -> type[Variable]:
    attrs = {
        "value_type": bool,
        "entity": Person,
        "definition_period": periods.DateUnit.YEAR,
        "label": name,
    }
    return type(name, (Variable,), attrs)


class request_succeeds(Variable):  # OpenFisca names a variable by its class
    value_type = bool
    entity = Person
    definition_period = periods.DateUnit.YEAR
    label = "the request succeeds"

    def formula(person: Any, period: Any) -> Any:
        return (
            person("member", period)
            * person("entitled_office", period)
            * person("armed_attack", period)
            * np.logical_not(person("internal_conflict", period))
            * person("support", period)
        )


def main(runs: int = 5) -> None:
    system = taxbenefitsystems.TaxBenefitSystem([Person])
    for name in NAMES:
        system.add_variable(_input(name))
    system.add_variable(request_succeeds)
    rng = np.random.default_rng(7)
    data = {name: rng.random(PERSONS) < 0.5 for name in NAMES}
    calc, full = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        sim = SimulationBuilder().build_default_simulation(system, count=PERSONS)
        for name in NAMES:
            sim.set_input(name, "2022", data[name])
        t1 = time.perf_counter()
        sim.calculate("request_succeeds", "2022")
        t2 = time.perf_counter()
        calc.append(t2 - t1)
        full.append(t2 - t0)
    calc.sort()
    full.sort()
    from importlib import metadata

    json.dump(
        {
            "openfisca_core": metadata.version("openfisca-core"),
            "persons": PERSONS,
            "calculate_nanoseconds_per_person": round(calc[runs // 2] / PERSONS * 1e9, 3),
            "with_setup_nanoseconds_per_person": round(full[runs // 2] / PERSONS * 1e9, 3),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
