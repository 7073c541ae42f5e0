"""JSON Schemas generated from the models, so that editors validate files as they are typed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from casus.schema.loader import KINDS


def schema_for(kind: str) -> dict[str, Any]:
    model = KINDS[kind]
    doc = model.model_json_schema(by_alias=True)
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["$id"] = f"https://casus.invalid/schemas/{kind}.schema.json"
    return doc


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        target = out / f"{kind}.schema.json"
        target.write_text(
            json.dumps(schema_for(kind), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        written.append(target)
    return written
