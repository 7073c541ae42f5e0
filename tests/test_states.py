"""One way to name a state: ISO 3166-1 alpha-2, alpha-3 or English short name, everywhere.

The resolver on its own; then each command that takes a state (`network`, `compare`, `whatif`)
and a request file: a code, an alpha-3 code and a name give the same answer, and anything else
is refused, exit 2, with the exact message and the nearest states.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from casus.model.states import EXPECTED, UnknownState, resolve_state
from test_cli import run

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "malformed"


def refused(out: subprocess.CompletedProcess[str], line: str) -> None:
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    assert out.stdout == ""
    assert out.stderr.strip().splitlines() == [line]


# --- the resolver ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("PL", "PL"),
        ("pl", "PL"),
        ("POL", "PL"),
        ("pol", "PL"),
        ("Poland", "PL"),
        ("POLAND", "PL"),
        (" poland ", "PL"),
        ("United States", "US"),
        ("united states of america", "US"),
        ("USA", "US"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("RUS", "RU"),
        ("Türkiye", "TR"),
        ("Turkiye", "TR"),
        ("Turkey", "TR"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("Czech Republic", "CZ"),
        ("Kazakhstan", "KZ"),
        ("KAZ", "KZ"),
    ],
)
def test_codes_and_names_resolve_to_alpha_2(text: str, code: str) -> None:
    assert resolve_state(text) == code


def test_an_unknown_name_is_refused_with_the_nearest_states() -> None:
    with pytest.raises(UnknownState) as e:
        resolve_state("Polnd")
    assert e.value.nearest[0] == ("PL", "Poland")
    assert str(e.value) == f"{EXPECTED}, found 'Polnd'; nearest: PL Poland"
    with pytest.raises(UnknownState) as e:
        resolve_state("POLX")
    assert str(e.value) == f"{EXPECTED}, found 'POLX'; nearest: PL Poland"


def test_a_code_iso_does_not_assign_is_refused() -> None:
    with pytest.raises(UnknownState) as e:
        resolve_state("XX")
    assert str(e.value) == f"{EXPECTED}, found 'XX'"
    assert e.value.nearest == []


def test_a_very_long_text_is_refused_without_a_search() -> None:
    with pytest.raises(UnknownState) as e:
        resolve_state("Poland" * 10_000)
    assert e.value.nearest == []
    assert len(str(e.value)) < 300


def test_the_database_is_not_read_at_import() -> None:
    code = "import sys, casus.model.states, casus.model.request; print('pycountry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


# --- network ----------------------------------------------------------------------------------

NETWORK = ("network", "--place", "warsaw", "--on", "2024-06-01", "--json")


def test_network_reads_alpha_3_and_names_as_alpha_2() -> None:
    # Before: `--target POL` printed "Nobody is drawn in." with exit 0.
    docs = []
    for attacker, target in (("RU", "PL"), ("RUS", "POL"), ("Russia", "poland")):
        out = run(*NETWORK, "--attacker", attacker, "--target", target)
        assert out.returncode == 0, out.stderr
        docs.append(json.loads(out.stdout))
    assert docs[0]["target"] == "PL" and docs[0]["attacker"] == "RU"
    assert "DE" in docs[0]["target_side"]["must"]
    assert docs[1] == docs[0] and docs[2] == docs[0]


def test_network_refuses_an_unknown_state_naming_the_nearest() -> None:
    out = run(*NETWORK, "--attacker", "RU", "--target", "POLX")
    refused(out, f"casus: --target: {EXPECTED}, found 'POLX'; nearest: PL Poland")
    out = run(*NETWORK, "--attacker", "XX", "--target", "PL")
    refused(out, f"casus: --attacker: {EXPECTED}, found 'XX'")


def test_network_refuses_the_same_state_on_both_sides_by_any_name() -> None:
    out = run(*NETWORK, "--attacker", "Poland", "--target", "POL")
    refused(out, "casus: --attacker and --target must be different states")


def test_network_refuses_an_unknown_place_naming_the_nearest() -> None:
    out = run(
        "network", "--attacker", "RU", "--target", "PL", "--place", "warsw", "--on", "2024-06-01"
    )
    assert out.returncode == 2
    assert out.stderr.startswith(
        "casus: --place: expected a place id of the gazetteer, found 'warsw'; nearest: warsaw"
    )


# --- compare ----------------------------------------------------------------------------------

COMPARE = ("compare", "--place", "warsaw", "--on", "2024-06-01", "--json")


def test_compare_reads_alpha_3_and_names_as_alpha_2() -> None:
    # Before: `--target POL` or `--attacker RUS` crashed with a pydantic traceback, exit 1.
    docs = []
    for attacker, target in (("RU", "PL"), ("RUS", "POL"), ("russia", "Poland")):
        out = run(*COMPARE, "--attacker", attacker, "--target", target)
        assert out.returncode == 0, out.stderr
        docs.append(json.loads(out.stdout))
    assert docs[0]["target"] == "PL"
    assert docs[1] == docs[0] and docs[2] == docs[0]


def test_compare_refuses_an_unknown_state_without_a_traceback() -> None:
    out = run(*COMPARE, "--target", "Polnd")
    refused(out, f"casus: --target: {EXPECTED}, found 'Polnd'; nearest: PL Poland")
    out = run(*COMPARE, "--target", "PL", "--attacker", "Rusia")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.startswith(
        f"casus: --attacker: {EXPECTED}, found 'Rusia'; nearest: RU Russian Federation"
    )


# --- whatif -----------------------------------------------------------------------------------


def test_whatif_refuses_a_position_of_no_state() -> None:
    # Before: `--set position.XX=object` was accepted and changed nothing.
    out = run("whatif", "kz-2022", "--set", "position.XX=object")
    refused(out, f"casus: position.XX: {EXPECTED}, found 'XX'")


def test_whatif_refuses_a_position_of_a_state_not_a_member_on_the_date() -> None:
    out = run("whatif", "kz-2022", "--set", "position.China=object")
    refused(
        out,
        "casus: position.CN: expected a member of csto on 2022-01-05 "
        "(AM, BY, KG, KZ, RU, TJ, UZ), found 'CN'",
    )


def test_whatif_position_of_a_member_by_any_name_gives_the_same_answer() -> None:
    docs = []
    for name in ("AM", "ARM", "Armenia"):
        out = run("whatif", "kz-2022", "--set", f"position.{name}=object", "--json")
        assert out.returncode == 0, out.stderr
        docs.append(json.loads(out.stdout))
    assert docs[0]["changes"] == ["position.AM=object"]
    assert docs[1] == docs[0] and docs[2] == docs[0]


def test_whatif_a_membership_change_makes_a_position_possible() -> None:
    out = run(
        "whatif",
        "kz-2022",
        "--set",
        "membership.Georgia=member",
        "--set",
        "position.GE=object",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["changes"] == ["membership.GE=member", "position.GE=object"]


def test_whatif_grid_variables_are_checked_against_what_exists() -> None:
    refused(
        run("whatif", "kz-2022", "--grid", "position.XX"),
        f"casus: position.XX: {EXPECTED}, found 'XX'",
    )
    refused(
        run("whatif", "kz-2022", "--grid", "membership.XQ"),
        f"casus: membership.XQ: {EXPECTED}, found 'XQ'",
    )
    # Before: a misspelt proposition in a grid was tabulated as if it were read.
    refused(
        run("whatif", "kz-2022", "--grid", "proposition.internal_conflct"),
        "casus: proposition.internal_conflct: expected a proposition declared by the "
        "instruments of csto or named by a claim of the request, found 'internal_conflct'; "
        "nearest: internal_conflict",
    )


def test_whatif_grid_reads_a_state_by_any_name() -> None:
    by_code = run("whatif", "kz-2022", "--grid", "position.AM", "--format", "csv")
    by_name = run("whatif", "kz-2022", "--grid", "position.Armenia", "--format", "csv")
    assert by_code.returncode == 0 and by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_code.stdout
    assert by_code.stdout.startswith("position.AM,")


def test_whatif_refuses_an_unknown_reading_and_claim_with_the_nearest() -> None:
    refused(
        run("whatif", "kz-2022", "--reading", "indepndent"),
        "casus: --reading: expected one of requester, independent, all, found 'indepndent'; "
        "nearest: independent",
    )
    refused(
        run("whatif", "kz-2022", "--set", "proposition.internal_conflict@indepndent=yes"),
        "casus: no reading 'indepndent' (known: all, independent, requester); nearest: independent",
    )


# --- a request file ---------------------------------------------------------------------------

WORLD = ("sources.yaml", "instrument.yaml", "organization.yaml")


def _request_dir(tmp_path: Path, edits: list[tuple[str, str]]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name in WORLD:
        (tmp_path / name).write_text((FIXTURES / name).read_text(encoding="utf-8"))
    text = (FIXTURES / "request.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "request.yaml").write_text(text)
    return tmp_path


def _evaluate(where: Path) -> subprocess.CompletedProcess[str]:
    data = [a for name in WORLD for a in ("--data", name)]
    return run("evaluate", "request.yaml", *data, "--json", cwd=where)


def test_a_request_file_names_states_by_alpha_3_or_name(tmp_path: Path) -> None:
    by_code = _evaluate(_request_dir(tmp_path / "code", []))
    by_name = _evaluate(
        _request_dir(
            tmp_path / "name",
            [
                ("state: KZ", "state: Kazakhstan"),
                ("KZ: support", "kaz: support"),
                ("AM: abstain", "Armenia: abstain"),
            ],
        )
    )
    assert by_code.returncode == 0, by_code.stderr
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout) == json.loads(by_code.stdout)


def test_a_request_file_refuses_an_unknown_state_at_its_line(tmp_path: Path) -> None:
    where = _request_dir(
        tmp_path, [("state: KZ", "state: Kazakhstn"), ("AM: abstain", "Armenai: abstain")]
    )
    out = run("validate", *WORLD, "request.yaml", cwd=where)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        f"request.yaml:6:3: requester.state: {EXPECTED}; nearest: KZ Kazakhstan; found 'Kazakhstn'",
        f"request.yaml:15:3: positions.Armenai: {EXPECTED}; nearest: AM Armenia, AR Argentina, "
        "AE United Arab Emirates; found 'Armenai'",
        "casus: 2 error(s) in 4 file(s)",
    ]
