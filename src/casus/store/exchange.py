"""A case from the store written back as a YAML case file, which re-imports to the same state.

The text is the case model dumped field by field (defaults left out, as a person would write
the file), with a comment saying which event of the log it reflects. It must not know about the
database: it is given a Case and the head it came from.
"""

from __future__ import annotations

import io
from typing import Any

from casus.model.case import Case


def _literal_blocks(value: Any) -> Any:
    """Long or multi-line strings as YAML block scalars, so the file stays readable."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, dict):
        return {k: _literal_blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal_blocks(v) for v in value]
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def case_to_yaml(case: Case, *, head: tuple[int, str] | None = None) -> str:
    from ruamel.yaml import YAML

    data = case.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    # `kind` has no default, but say it first, as every case file does.
    data = {"kind": data.pop("kind", "case"), **data}
    yaml = YAML(typ="rt")
    # No folding: a folded plain scalar leaves trailing spaces on every broken line.
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    if head is not None:
        out.write(
            f"# Exported from the casus store: case {case.id} as of event #{head[0]} "
            f"(sha256 {head[1]}).\n"
        )
    yaml.dump(_literal_blocks(data), out)
    return out.getvalue()
