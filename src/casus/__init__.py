"""casus: collective-security treaties as code.

The public facade. Names are imported on first use, so `import casus` is cheap and has no side
effects::

    import casus
    world = casus.load_world()
    result = casus.replay(world, "kz-2022")
    result.evaluations[0].outcome["computed"]
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_world": "casus.schema.loader",
    "load_file": "casus.schema.loader",
    "DataError": "casus.schema.errors",
    "evaluate": "casus.evaluation.engine",
    "Evaluation": "casus.evaluation.engine",
    "EvaluationError": "casus.evaluation.engine",
    "from_case": "casus.evaluation.invocation",
    "from_request_file": "casus.evaluation.invocation",
    "replay": "casus.cases",
    "Replay": "casus.cases",
    "Value": "casus.model.common",
    "World": "casus.model.world",
}

__all__ = [
    "DataError",
    "Evaluation",
    "EvaluationError",
    "Replay",
    "Value",
    "World",
    "evaluate",
    "from_case",
    "from_request_file",
    "load_file",
    "load_world",
    "replay",
]

if TYPE_CHECKING:
    from casus.cases import Replay, replay
    from casus.evaluation.engine import Evaluation, EvaluationError, evaluate
    from casus.evaluation.invocation import from_case, from_request_file
    from casus.model.common import Value
    from casus.model.world import World
    from casus.schema.errors import DataError
    from casus.schema.loader import load_file, load_world


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'casus' has no attribute '{name}'")
    return getattr(import_module(module), name)
