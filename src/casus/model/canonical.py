"""Canonical JSON: one text for one value, and its digest. What a case is stored, hashed and
compared as, wherever it is compared (the store, the command line's light path).

Pure functions over plain values and models, with the standard library alone at run time (the
store's fast reader uses them).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no insignificant spaces, UTF-8 kept as is.

    NaN and infinities are refused, since JSON has no spelling for them that every reader agrees on.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def model_text(model: BaseModel) -> str:
    """A model's canonical JSON: what a case's state is stored and compared as."""
    return canonical_json(model.model_dump(mode="json", by_alias=True))
