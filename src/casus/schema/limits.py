"""The limits on every file the loader reads, in one place (documented in docs/reference/limits.md).

Each limit is far above the built-in data (the largest file is about 60 KB, 15 levels deep, with
78 items in its longest list and 1,333 characters in its longest text), so that no real data
file meets one, while a hostile or broken file is refused before it costs time or memory.

Only the number of errors printed per file can be changed without editing this module, by the
environment variable `CASUS_MAX_ERRORS`.
"""

from __future__ import annotations

import os

MAX_FILE_BYTES = 4 * 1024 * 1024
"""The size of a file, in bytes: checked from `stat` before reading, and while reading."""

MAX_DEPTH = 64
"""How deeply mappings and lists may nest (the document itself is depth 1)."""

MAX_NODES = 250_000
"""Values in one file (each mapping, list, key and scalar), each alias counted as every value
it stands for: bounds what an alias bomb (aliases of aliases of aliases) can expand to."""

MAX_ITEMS = 5_000
"""Items in one list, or keys in one mapping."""

MAX_STRING = 100_000
"""Characters in one text (a scalar or a key)."""

DEFAULT_MAX_ERRORS = 100
"""Errors printed per file before '… and K more'; `CASUS_MAX_ERRORS` overrides it."""

MAX_ERRORS_VARIABLE = "CASUS_MAX_ERRORS"


def max_errors() -> int:
    """Errors shown per file: CASUS_MAX_ERRORS if it is a whole number ≥ 1, else the default."""
    raw = os.environ.get(MAX_ERRORS_VARIABLE, "").strip()
    try:
        value = int(raw)
    except ValueError:
        return DEFAULT_MAX_ERRORS
    return value if value >= 1 else DEFAULT_MAX_ERRORS


def size(n: int) -> str:
    """A byte count as the messages show it: 4 MiB (4,194,304 bytes)."""
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB ({n:,} bytes)"
    return f"{n:,} bytes"
