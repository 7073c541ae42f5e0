"""The main job's answer, byte for byte: `casus replay kz-2022 --json` as a fresh process prints
exactly the document in tests/golden/. A change to it is deliberate: regenerate the file with
`casus replay kz-2022 --json > tests/golden/replay-kz-2022.json` and say in the commit why the
answer changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "replay-kz-2022.json"


def test_replay_kz_2022_json_is_the_golden_document() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "casus", "replay", "kz-2022", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == GOLDEN.read_text(encoding="utf-8")
