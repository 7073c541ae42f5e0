"""A writer for the crash test, run as its own process: appends claims to kz-2022 until killed.

Before each append it writes `begin ID`, and after the commit returns `done ID`, each line
flushed at once, so the test knows exactly which commits returned before the SIGKILL.
"""

from __future__ import annotations

import sys
from pathlib import Path

from casus.schema.loader import load_world
from casus.store.events import Command
from casus.store.store import open_store


def main(url: str, report: str) -> None:
    case = load_world().cases["kz-2022"]
    base = case.claims[0].model_dump(mode="json")
    store = open_store(url, world=None)
    with Path(report).open("a", encoding="utf-8", buffering=1) as out:
        i = 0
        while True:
            cid = f"crash-{i}"
            claim = base | {"id": cid, "quote": None, "note": None}
            out.write(f"begin {cid}\n")
            out.flush()
            store.append("kz-2022", Command("claim_added", {"claim": claim}, "user:crash", cid))
            out.write(f"done {cid}\n")
            out.flush()
            i += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
