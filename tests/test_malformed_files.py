"""Malformed data files: `casus validate` names every error as `file:line:col: path: message`.

Each scenario writes a small file into its own temporary directory and runs
`python -m casus validate ...` there in a subprocess (so the paths shown are relative), then
checks the exit code (2), that stdout is empty, and that stderr is EXACTLY the expected error
lines followed by the summary line: any change of wording, path, line or column fails.

Most bad files are one-line edits of the valid fixtures in tests/fixtures/malformed/ (see
`patched`), so each holds exactly the error it is about; line numbers refer to those fixtures.
The fixtures use ids prefixed `tst-` so that they never collide with the built-in data, which
the CLI always loads beside the files given.

The subprocesses are independent and slow to start (each loads the built-in data), so a
module fixture runs the selected scenarios concurrently before the first assertion.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "malformed"
KINDS = "instrument, organization, case, sources, places, request"
SOURCES = ("sources.yaml",)
WORLD = ("sources.yaml", "instrument.yaml", "organization.yaml")
PRIORITY = """priorities:
  - id: tst-priority
    valid_from: 2000-06-01
    prefer: tst-pact/art_4
    over: [tst-pact/art_99]
    basis: interpretation
    label: a priority for the test
    sources: [tst-treaty]
"""
KNOWN_ORGS = "<KNOWN_ORGS>"  # replaced by the organizations the run knows (built-in + tst-org)


def patched(name: str, *edits: tuple[str, str]) -> str:
    """A fixture's text with each `old` (which must occur exactly once) replaced by `new`."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for old, new in edits:
        if text.count(old) != 1:
            raise ValueError(f"{old!r} occurs {text.count(old)} times in {name}, expected once")
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Scenario:
    id: str
    files: dict[str, str | bytes]  # written into the run directory
    args: tuple[str, ...]  # the file arguments of `casus validate`, in order
    errors: tuple[str, ...]  # the exact error lines on stderr
    dirs: tuple[str, ...] = ()  # directories created in the run directory
    ok: tuple[str, ...] = ()  # for a valid run: the exact stdout lines
    bug: str | None = None  # a known bug in src/: the scenario is a strict xfail
    data: tuple[str, ...] = ()  # files given with --data
    warnings: tuple[str, ...] = ()  # for a valid run: the exact warning lines on stderr
    env: tuple[tuple[str, str], ...] = ()  # environment variables of the run
    total: int | None = None  # the errors the summary counts, when more than are shown

    @property
    def summary(self) -> str:
        total = self.total if self.total is not None else len(self.errors)
        return f"casus: {total} error(s) in {len(self.args)} file(s)"


def bad(
    id: str,
    name: str,
    content: str | bytes,
    errors: list[str],
    *,
    before: tuple[str, ...] = SOURCES,
) -> Scenario:
    """One bad file `name`, validated after the (valid) fixture files `before`."""
    return Scenario(id, {name: content}, (*before, name), tuple(errors))


SCENARIOS: list[Scenario] = [
    # --- the file itself ----------------------------------------------------------------------
    bad(
        "yaml-syntax-error",
        "syntax.yaml",
        "kind: sources\nsources:\n  - id: tst-a\n  title: misindented\n",
        [
            "syntax.yaml:4:3: expected valid YAML, found a syntax error: did not find expected "
            "'-' indicator (while parsing a block collection)"
        ],
    ),
    bad(
        "yaml-duplicate-key",
        "dupkey.yaml",
        patched("case.yaml", ("title: Test case\n", "title: Test case\ntitle: Again\n")),
        [
            'dupkey.yaml:4:1: expected valid YAML, found a syntax error: found duplicate key "title" '
            'with value "Again" (original value: "Test case") (while constructing a mapping)'
        ],
    ),
    bad(
        "empty-file",
        "empty.yaml",
        "",
        [f"empty.yaml:1:1: expected a mapping with a 'kind' key ({KINDS}), found an empty file"],
    ),
    bad(
        "top-level-list",
        "list.yaml",
        "- kind: sources\n  sources: []\n",
        [f"list.yaml:1:1: expected a mapping with a 'kind' key ({KINDS}), found a list of 1 item"],
    ),
    bad(
        "missing-kind",
        "nokind.yaml",
        "sources:\n  - id: tst-a\n    title: A\n    publisher: P\n",
        [f"nokind.yaml:1:1: kind: expected the key 'kind' with one of {KINDS}, found it missing"],
    ),
    bad(
        "unknown-kind",
        "treaty.yaml",
        patched("instrument.yaml", ("kind: instrument", "kind: treaty")),
        [f"treaty.yaml:1:1: kind: expected one of {KINDS}, found 'treaty'"],
    ),
    Scenario(
        "not-utf8",
        {"latin1.yaml": (FIXTURES / "latin1.yaml").read_bytes()},
        ("sources.yaml", "latin1.yaml"),
        ("latin1.yaml: expected UTF-8 text, found undecodable bytes at offset 131",),
    ),
    Scenario(
        "path-does-not-exist",
        {},
        ("sources.yaml", "nowhere.yaml"),
        ("nowhere.yaml: expected a file, found nothing at this path",),
    ),
    Scenario(
        "path-is-a-directory",
        {},
        ("sources.yaml", "adir"),
        ("adir: expected a file, found a directory",),
        dirs=("adir",),
    ),
    # --- structure: keys, types, literals, patterns ---------------------------------------
    bad(
        "unknown-key-with-suggestion",
        "typo.yaml",
        patched("instrument.yaml", ("signed: 2000-01-01", "sigend: 2000-01-01")),
        [
            "typo.yaml:6:1: sigend: expected one of the keys kind, id, title, short_title, form, "
            "organization, frame, status, signed, signed_at, in_force, sources, assumptions, "
            "propositions, presumptions, provisions, found unknown key 'sigend' (did you mean "
            "'signed'?)"
        ],
    ),
    bad(
        "rule-reads-an-undeclared-proposition",
        "misspelt.yaml",
        patched("instrument.yaml", ("when: armed_attack_on_party", "when: armed_atack_on_party")),
        [
            "misspelt.yaml:20:11: provisions[0].versions[0].casus.when: expected a proposition "
            "declared by this instrument (tst-pact), found 'armed_atack_on_party'; nearest "
            "declared: armed_attack_on_party"
        ],
        before=("sources.yaml", "organization.yaml"),
    ),
    bad(
        "rule-reads-an-undeclared-proposition-deep-in-an-expression",
        "deep.yaml",
        patched("instrument.yaml", ("{not: peace_with_party}", "{not: peace_with_partie}")),
        [
            "deep.yaml:31:48: provisions[0].versions[1].casus.when.any[1].not: expected a "
            "proposition declared by this instrument (tst-pact), found 'peace_with_partie'; "
            "nearest declared: peace_with_party"
        ],
        before=("sources.yaml", "organization.yaml"),
    ),
    bad(
        "unknown-key-deep-in-provision-version",
        "deep_typo.yaml",
        patched("instrument.yaml", ("offices: [head_of_state]", "ofices: [head_of_state]")),
        [
            "deep_typo.yaml:34:13: provisions[0].versions[1].casus.invoked_by.ofices: expected one "
            "of the keys party, offices, assumptions, found unknown key 'ofices' "
            "(did you mean 'offices'?)"
        ],
    ),
    bad(
        "missing-required-field",
        "no_heading.yaml",
        patched("instrument.yaml", ("    heading: Decisions\n", "")),
        [
            "no_heading.yaml:37:5: provisions[1].heading: expected the required field 'heading', "
            "found it missing"
        ],
    ),
    bad(
        "list-where-mapping-expected",
        "list_for_map.yaml",
        patched(
            "instrument.yaml",
            (
                "invoked_by:\n            party: affected_party\n          decided_by",
                "invoked_by: [affected_party]\n          decided_by",
            ),
        ),
        [
            "list_for_map.yaml:21:11: provisions[0].versions[0].casus.invoked_by: expected a "
            "mapping, found a list of 1 item"
        ],
    ),
    bad(
        "text-where-number-expected",
        "figure.yaml",
        patched(
            "case.yaml",
            (
                "requests:\n",
                "force:\n  name: Test force\n  sources: [tst-press]\n  figures:\n"
                "    - id: f1\n      measure: deployed_personnel\n"
                "      value: about two thousand\n      by: gov-kz\n      sources: [tst-press]\n"
                "requests:\n",
            ),
        ),
        [
            "figure.yaml:30:7: force.figures[0].value: expected a whole number, "
            "found 'about two thousand'"
        ],
        before=WORLD,
    ),
    bad(
        "invalid-literal-text-status",
        "status.yaml",
        patched("instrument.yaml", ("text_status: PARTLY", "text_status: CHECKED")),
        [
            "status.yaml:27:9: provisions[0].versions[1].text_status: expected one of 'VERIFIED', "
            "'PARTLY', 'RECALLED', 'NOT FOUND' or 'PARAPHRASE', found 'CHECKED'"
        ],
    ),
    bad(
        "invalid-literal-office",
        "king.yaml",
        patched("case.yaml", ("office: head_of_state", "office: king")),
        [
            "king.yaml:29:7: requests[0].requester.office: expected one of 'head_of_state', "
            "'head_of_government', 'minister_for_foreign_affairs', 'minister_of_defence', "
            "'parliament', 'permanent_representative' or 'other', found 'king'"
        ],
        before=WORLD,
    ),
    bad(
        "upper-case-identifier",
        "upper_id.yaml",
        patched("instrument.yaml", ("id: tst-pact", "id: TST-Pact")),
        [
            "upper_id.yaml:2:1: id: expected a lower-case identifier (letters, digits, '.', '_', "
            "'-'), found 'TST-Pact'"
        ],
    ),
    bad(
        "state-codes-lower-case-and-three-letters",
        "states.yaml",
        patched("organization.yaml", ("state: KZ", "state: kz"), ("state: AM", "state: KAZ")),
        [
            "states.yaml:8:5: members[0].state: expected a two-letter ISO 3166-1 country code "
            "in capitals, e.g. KZ, found 'kz'",
            "states.yaml:15:5: members[1].state: expected a two-letter ISO 3166-1 country code "
            "in capitals, e.g. KZ, found 'KAZ'",
        ],
    ),
    # --- dates and intervals ------------------------------------------------------------------
    bad(
        "invalid-calendar-date",
        "month13.yaml",
        patched("instrument.yaml", ("valid_from: 2010-01-01", "valid_from: 2012-13-01")),
        [
            "month13.yaml:25:9: provisions[0].versions[1].valid_from: expected an ISO date "
            "YYYY-MM-DD, found '2012-13-01' (month value is outside expected range of 1-12)"
        ],
    ),
    bad(
        "text-where-date-expected",
        "early.yaml",
        patched("instrument.yaml", ("signed: 2000-01-01", "signed: early 2000")),
        [
            "early.yaml:6:1: signed: expected an ISO date YYYY-MM-DD, found 'early 2000' "
            "(invalid character in year)"
        ],
    ),
    bad(
        "valid-to-before-valid-from",
        "empty_interval.yaml",
        patched("instrument.yaml", ("valid_to: 2010-01-01", "valid_to: 1999-01-01")),
        [
            "empty_interval.yaml:14:9: provisions[0].versions[0].valid_to: expected valid_to after "
            "valid_from (2000-06-01), found 1999-01-01: the interval [valid_from, valid_to) would "
            "be empty"
        ],
    ),
    bad(
        "overlapping-versions",
        "overlap.yaml",
        patched("instrument.yaml", ("valid_from: 2010-01-01", "valid_from: 2009-01-01")),
        [
            "overlap.yaml:25:9: provisions[0].versions[1].valid_from: expected versions that do "
            "not overlap, found this one (from 2009-01-01) inside provisions[0].versions[0] "
            "[2000-06-01, 2010-01-01)"
        ],
    ),
    bad(
        "membership-events-out-of-order",
        "events.yaml",
        patched("organization.yaml", ("date: 2024-02-23", "date: 1999-02-23")),
        [
            "events.yaml:22:9: members[1].events[1].date: expected events in date order, after "
            "2000-06-01, found 1999-02-23"
        ],
    ),
    bad(
        "decision-before-request",
        "decision.yaml",
        patched("case.yaml", ("date: 2022-01-06", "date: 2022-01-04")),
        [
            "decision.yaml:37:7: requests[0].decision.date: expected a decision on or after the "
            "request (2022-01-05), found 2022-01-04"
        ],
        before=WORLD,
    ),
    # --- expressions --------------------------------------------------------------------------
    bad(
        "bad-proposition-name",
        "prop.yaml",
        patched("instrument.yaml", ("when: armed_attack_on_party", "when: Armed-Attack")),
        [
            "prop.yaml:20:11: provisions[0].versions[0].casus.when: expected a proposition name "
            "in snake_case, e.g. armed_attack_on_party, found 'Armed-Attack'"
        ],
    ),
    bad(
        "bad-proposition-name-nested",
        "nested_prop.yaml",
        patched("instrument.yaml", ("{not: peace_with_party}", "{not: PeaceWithParty}")),
        [
            "nested_prop.yaml:31:48: provisions[0].versions[1].casus.when.any[1].not: expected a "
            "proposition name in snake_case, e.g. armed_attack_on_party, found 'PeaceWithParty'"
        ],
    ),
    bad(
        "malformed-expressions",
        "exprs.yaml",
        patched(
            "instrument.yaml",
            ("when: armed_attack_on_party", "when: {alll: [armed_attack_on_party]}"),
            ("when: {any: [armed_attack_on_party, {not: peace_with_party}]}", "when: 42"),
        ),
        [
            "exprs.yaml:20:11: provisions[0].versions[0].casus.when: expected an expression: a "
            "proposition name, or a mapping with one of the keys all, any, not, on_or_after, "
            "before, place_in, territory_of, held_by, attacker, provision; found a mapping with keys alll",
            "exprs.yaml:31:11: provisions[0].versions[1].casus.when: expected an expression: a "
            "proposition name, or a mapping with one of the keys all, any, not, on_or_after, "
            "before, place_in, territory_of, held_by, attacker, provision; found the number 42",
        ],
    ),
    # --- identity and references within a file ------------------------------------------------
    bad(
        "duplicate-provision-eid",
        "dup_eid.yaml",
        patched("instrument.yaml", ("eid: art_12", "eid: art_4")),
        [
            "dup_eid.yaml:37:5: provisions[1].eid: expected a unique provision eid, found 'art_4' "
            "again (first at provisions[0])"
        ],
    ),
    bad(
        "duplicate-claim-id",
        "dup_claim.yaml",
        patched(
            "case.yaml",
            (
                "requests:\n",
                '  - id: attack\n    proposition: armed_attack_on_party\n    value: "no"\n'
                "    by: gov-kz\n    status: disputed\n    sources: [tst-press]\nrequests:\n",
            ),
        ),
        [
            "dup_claim.yaml:24:5: claims[1].id: expected a unique claim id, found 'attack' again "
            "(first at claims[0])"
        ],
        before=WORLD,
    ),
    bad(
        "claim-by-unknown-actor",
        "claim_by.yaml",
        patched("case.yaml", ("by: gov-kz", "by: gov-ru")),
        [
            "claim_by.yaml:21:5: claims[0].by: expected the id of an actor defined in this file, "
            "found 'gov-ru'"
        ],
        before=WORLD,
    ),
    bad(
        "reading-with-unknown-actor",
        "reading.yaml",
        patched("case.yaml", ("actors: [gov-kz]", "actors: [gov-kz, media-x]")),
        ["reading.yaml:14:22: readings[0].actors[1]: expected the id of an actor, found 'media-x'"],
        before=WORLD,
    ),
    bad(
        "default-reading-not-defined",
        "default_reading.yaml",
        patched("case.yaml", ("default_reading: requester", "default_reading: everyone")),
        [
            "default_reading.yaml:16:1: default_reading: expected the id of a reading "
            "(requester), found 'everyone'"
        ],
        before=WORLD,
    ),
    bad(
        "grounds-with-unknown-claim",
        "grounds.yaml",
        patched("case.yaml", ("grounds: [attack]", "grounds: [attack, invasion]")),
        [
            "grounds.yaml:33:23: requests[0].grounds[1]: expected the id of a claim in this file, "
            "found 'invasion'"
        ],
        before=WORLD,
    ),
    # --- references across files ----------------------------------------------------------
    bad(
        "unknown-source-id",
        "source.yaml",
        patched(
            "case.yaml", ("    sources: [tst-press]\nrequests", "    sources: [tst-pres]\nrequests")
        ),
        [
            "source.yaml:23:15: claims[0].sources[0]: expected the id of a known source, found 'tst-pres'"
        ],
        before=WORLD,
    ),
    bad(
        "decision-by-unknown-organ",
        "organ.yaml",
        patched("case.yaml", ("organ: council", "organ: summit")),
        [
            "organ.yaml:36:7: requests[0].decision.organ: expected an organ of tst-org (council), "
            "found 'summit'"
        ],
        before=WORLD,
    ),
    bad(
        "request-unknown-provision-and-organization",
        "request.yaml",
        patched(
            "request.yaml",
            ("organization: tst-org", "organization: no-such-pact"),
            ("[tst-pact/art_4]", "[cst/art_99]"),
        ),
        [
            f"request.yaml:3:1: organization: expected a known organization ({KNOWN_ORGS}), "
            "found 'no-such-pact'",
            "request.yaml:9:20: provisions_cited[0]: expected instrument/eid of a known provision, "
            "found 'cst/art_99'",
        ],
        before=WORLD,
    ),
    bad(
        "request-position-of-a-non-member",
        "request.yaml",
        patched("request.yaml", ("KZ: support", "RU: support")),
        [
            "request.yaml:14:3: positions.RU: expected a state that is or was a member of tst-org, "
            "found 'RU'"
        ],
        before=WORLD,
    ),
    bad(
        "rule-names-an-unknown-area-and-an-unknown-provision",
        "refs.yaml",
        patched(
            "instrument.yaml",
            (
                "when: armed_attack_on_party",
                "when: {all: [armed_attack_on_party, {place_in: [nowhere]}, "
                "{provision: tst-pact/art_99}]}",
            ),
        ),
        [
            "refs.yaml:20:59: provisions[0].versions[0].casus.when.all[1].place_in[0]: expected "
            "the id of a known area, found 'nowhere'",
            "refs.yaml:20:71: provisions[0].versions[0].casus.when.all[2].provision: expected "
            "instrument/eid of a known provision, found 'tst-pact/art_99'",
        ],
        before=("sources.yaml", "organization.yaml"),
    ),
    bad(
        "priority-names-an-unknown-provision",
        "priority.yaml",
        patched("organization.yaml", ("organs:\n", PRIORITY + "organs:\n")),
        [
            "priority.yaml:30:12: priorities[0].over[0]: expected instrument/eid of a known "
            "provision, found 'tst-pact/art_99'"
        ],
        before=("sources.yaml", "instrument.yaml"),
    ),
    bad(
        "case-claim-on-an-undeclared-proposition",
        "case.yaml",
        patched("case.yaml", ("proposition: armed_attack_on_party", "proposition: armed_attack")),
        [
            "case.yaml:19:5: claims[0].proposition: expected a proposition declared by the "
            "instruments of tst-org and of general international law or the case's propositions, "
            "found 'armed_attack'; nearest declared: armed_attack_on_party, "
            "armed_attack_from_abroad"
        ],
        before=WORLD,
    ),
    bad(
        "request-stipulates-an-undeclared-proposition",
        "request.yaml",
        patched("request.yaml", ('armed_attack_on_party: "yes"', 'armed_attack_on_prty: "yes"')),
        [
            "request.yaml:12:5: grounds.propositions.armed_attack_on_prty: expected a proposition "
            "declared by the instruments of tst-org and of general international law, found "
            "'armed_attack_on_prty'; nearest declared: armed_attack_on_party, "
            "armed_attack_from_abroad"
        ],
        before=WORLD,
    ),
    bad(
        "state-name-as-mapping-key-unknown",
        "request.yaml",
        patched("request.yaml", ("KZ: support", "Kazakstan: support")),
        [
            "request.yaml:14:3: positions.Kazakstan: expected a state: an ISO 3166-1 alpha-2 or "
            "alpha-3 code or an English short name, e.g. PL, POL or Poland; nearest: "
            "KZ Kazakhstan, PK Pakistan, UZ Uzbekistan; found 'Kazakstan'"
        ],
        before=WORLD,
    ),
    # --- all errors at once -----------------------------------------------------------------
    Scenario(
        "three-errors-in-one-file",
        {"three_errors.yaml": (FIXTURES / "three_errors.yaml").read_text(encoding="utf-8")},
        ("three_errors.yaml",),
        (
            "three_errors.yaml:6:1: form: expected one of 'treaty', 'charter', 'protocol', "
            "'agreement', 'decision', 'articles', 'resolution' or 'judgment', found 'pact'",
            "three_errors.yaml:7:1: signed: expected an ISO date YYYY-MM-DD, found '2000-02-30' "
            "(day value is outside expected range)",
            "three_errors.yaml:17:9: provisions[0].versions[0].amended_bye: expected one of the "
            "keys valid_from, valid_to, text, text_language, text_status, translation, sources, "
            "amended_by, assumptions, defines, casus, found unknown key 'amended_bye' "
            "(did you mean 'amended_by'?)",
        ),
    ),
    # --- a document that is not a mapping, and a kind that is not text ----------------------
    Scenario(
        "non-mapping-document-and-kind-described-like-other-values",
        {"scalar.yaml": "42\n", "kind_list.yaml": "kind: [instrument]\n"},
        ("scalar.yaml", "kind_list.yaml"),
        (
            f"scalar.yaml:1:1: expected a mapping with a 'kind' key ({KINDS}), found the number 42",
            f"kind_list.yaml:1:1: kind: expected one of {KINDS}, found a list of 1 item",
        ),
    ),
    # --- limits (casus.schema.limits; docs/reference/limits.md) --------------------------------
    bad(
        "limit-file-size",
        "big.yaml",
        "kind: sources\nsources: []\n" + "#" * (4 * 1024 * 1024 - 26) + "\n",
        ["big.yaml: expected a file of at most 4 MiB (4,194,304 bytes), found 4,194,305 bytes"],
    ),
    Scenario(
        "limit-not-a-regular-file",
        {},
        ("sources.yaml", "/dev/null"),
        ("/dev/null: expected a regular file, found a character device",),
    ),
    bad(
        "limit-nesting-depth",
        "deep.yaml",
        "kind: sources\nsources:\n" + "".join(f"{'  ' * i}- x{i}:\n" for i in range(40)),
        [
            "deep.yaml:34:65: sources[0].x0[0].x1[0].x2[0].x3[0].x4[0].x5[0].x6[0].x7[0].x8[0].x9[0].x10[0].x11[0].x12[0].x13[0].x14[0].x15[0].x16[0].x17[0].x18[0].x19[0].x20[0].x21[0].x22[0].x23[0].x24[0].x25[0].x26[0].x27[0].x28[0].x29[0].x30[0]: expected mappings and lists nested at most 64 deep, found deeper nesting here",
        ],
    ),
    bad(
        "limit-alias-expansion",
        "bomb.yaml",
        "kind: sources\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
            for p, n in zip("abcde", "bcdef", strict=True)
        )
        + "sources: []\n",
        [
            "bomb.yaml:7:12: f[1]: expected at most 250,000 values in a file, each alias counted as the values it repeats, found more with this alias (*e)",
        ],
    ),
    bad(
        "limit-items-in-a-list",
        "long.yaml",
        patched("sources.yaml", ("sources:\n", "x: [" + ", ".join(["1"] * 5001) + "]\nsources:\n")),
        [
            "long.yaml:3:15005: x: expected at most 5,000 items in a list, found more (item 5,001 is here)",
        ],
    ),
    bad(
        "limit-keys-in-a-mapping",
        "wide.yaml",
        patched(
            "sources.yaml",
            ("sources:\n", "x: {" + ", ".join(f"k{i}: 1" for i in range(5001)) + "}\nsources:\n"),
        ),
        [
            "wide.yaml:3:48895: x: expected at most 5,000 keys in a mapping, found more (item 5,001 is here)",
        ],
    ),
    bad(
        "limit-text-length",
        "text.yaml",
        patched("sources.yaml", ("title: Test news report", "title: " + "x" * 100_001)),
        [
            "text.yaml:10:12: sources[1].title: expected a text of at most 100,000 characters, found 100,001",
        ],
    ),
    bad(
        "control-character-escaped-in-a-text",
        "escape.yaml",
        patched("sources.yaml", ("title: Test news report", 'title: "Test \\e[31mnews\\e[0m"')),
        [
            "escape.yaml:10:12: sources[1].title: expected a text without control characters (only newline and tab), found U+001B at character 6",
        ],
    ),
    bad(
        "control-character-written-as-itself",
        "raw.yaml",
        patched("sources.yaml", ("title: Test news report", "title: Test \x1b[31mnews")),
        [
            "raw.yaml:10:17: expected text without control characters (only newline and tab), found U+001B",
        ],
    ),
    Scenario(
        "limit-errors-per-file",
        {
            "many.yaml": "kind: sources\nsources:\n"
            + "".join(f"  - id: BAD-{i}\n    title: T\n    publisher: P\n" for i in range(7))
        },
        ("many.yaml",),
        (
            "many.yaml:3:5: sources[0].id: expected a lower-case identifier (letters, digits, '.', '_', '-'), found 'BAD-0'",
            "many.yaml:6:5: sources[1].id: expected a lower-case identifier (letters, digits, '.', '_', '-'), found 'BAD-1'",
            "many.yaml:9:5: sources[2].id: expected a lower-case identifier (letters, digits, '.', '_', '-'), found 'BAD-2'",
            "many.yaml: … and 4 more error(s) (not shown: CASUS_MAX_ERRORS sets how many are shown per file)",
        ),
        env=(("CASUS_MAX_ERRORS", "3"),),
        total=7,
    ),
    # --- what was accepted silently ------------------------------------------------------------
    Scenario(
        "membership-before-the-founding-instrument-is-a-warning",
        {
            "early_member.yaml": patched(
                "organization.yaml",
                (
                    "date: 2000-06-01\n        status: member\n        what: ratified the pact\n"
                    "        sources: [tst-treaty]\n  - state: AM",
                    "date: 1999-06-01\n        status: member\n        what: ratified the pact\n"
                    "        sources: [tst-treaty]\n  - state: AM",
                ),
            )
        },
        ("sources.yaml", "instrument.yaml", "early_member.yaml"),
        (),
        ok=(
            "ok  sources.yaml  (sources)",
            "ok  instrument.yaml  (instrument)",
            "ok  early_member.yaml  (organization)",
        ),
        warnings=(
            "early_member.yaml:11:9: members[0].events[0].date: warning: expected a membership from the founding instrument's first version in force (tst-pact, 2000-06-01) on, found 1999-06-01 (source: tst-treaty); kept, as a state may have been a member under an earlier text",
        ),
    ),
    bad(
        "founding-instrument-of-another-organization",
        "founding.yaml",
        patched("organization.yaml", ("founding_instrument: tst-pact", "founding_instrument: cst")),
        [
            "founding.yaml:5:1: founding_instrument: expected an instrument of tst-org (or of no organization), found 'cst', an instrument of csto",
        ],
        before=("sources.yaml", "instrument.yaml"),
    ),
    bad(
        "definition-that-leads-back-to-itself",
        "cycle.yaml",
        patched(
            "instrument.yaml",
            (
                "        text: Decisions are taken by consensus.\n",
                "        text: Decisions are taken by consensus.\n"
                "        defines: {provision: tst-pact/art_12}\n",
            ),
        ),
        [
            "cycle.yaml:42:19: provisions[1].versions[0].defines.provision: expected a definition that does not lead back to itself, found the cycle tst-pact/art_12 -> tst-pact/art_12",
        ],
        before=("sources.yaml", "organization.yaml"),
    ),
    bad(
        "casus-decided-by-an-unknown-organ",
        "decided_by.yaml",
        patched(
            "instrument.yaml",
            (
                "decided_by: council\n          consequence: assistance\n      - valid_from",
                "decided_by: summit\n          consequence: assistance\n      - valid_from",
            ),
        ),
        [
            "decided_by.yaml:23:11: provisions[0].versions[0].casus.decided_by: expected an organ of tst-org (council), found 'summit'",
        ],
        before=("sources.yaml", "organization.yaml"),
    ),
    bad(
        "majority-fraction-above-one-and-below-a-half",
        "majority.yaml",
        patched(
            "organization.yaml",
            (
                "        rule: consensus\n",
                "        rule: majority\n        majority: {fraction: 3/2, of: parties}\n",
            ),
            (
                "        provision: tst-pact/art_12\n        sources: [tst-treaty]\n    sources: [tst-treaty]\n",
                "        provision: tst-pact/art_12\n        sources: [tst-treaty]\n    sources: [tst-treaty]\n  - id: assembly\n    name: Assembly\n"
                "    composition: All\n    voting:\n      - valid_from: 2000-06-01\n"
                "        rule: majority\n        majority: {fraction: 1/3, of: voting}\n"
                "        basis: Art. 12\n        sources: [tst-treaty]\n    sources: [tst-treaty]\n",
            ),
        ),
        [
            "majority.yaml:33:20: organs[0].voting[0].majority.fraction: expected a majority fraction from 1/2 to 1 (e.g. 1/2, 2/3, 1/1), found 3/2",
            "majority.yaml:44:20: organs[1].voting[0].majority.fraction: expected a majority fraction from 1/2 to 1 (e.g. 1/2, 2/3, 1/1), found 1/3",
        ],
    ),
    bad(
        "affected-state-and-parties-to-dispute-not-members",
        "states_unknown.yaml",
        patched(
            "case.yaml",
            (
                "    addressed_to: Council\n",
                "    affected_state: RU\n    parties_to_dispute: [KZ, US]\n    addressed_to: Council\n",
            ),
        ),
        [
            "states_unknown.yaml:31:5: requests[0].affected_state: expected a state that is or was a member of tst-org, found 'RU'",
            "states_unknown.yaml:32:30: requests[0].parties_to_dispute[1]: expected a state that is or was a member of tst-org, found 'US'",
        ],
        before=WORLD,
    ),
    bad(
        "dates-written-as-date-times-or-numbers",
        "datetimes.yaml",
        patched(
            "case.yaml",
            ("date: 2022-01-05", "date: 2022-01-05T00:00:00"),
            ("    by: gov-kz\n", "    by: gov-kz\n    date: 0\n"),
        ),
        [
            "datetimes.yaml:22:5: claims[0].date: expected an ISO date YYYY-MM-DD, found the number 0",
            "datetimes.yaml:27:5: requests[0].date: expected an ISO date YYYY-MM-DD, found '2022-01-05T00:00:00' (a date and time)",
        ],
        before=WORLD,
    ),
    bad(
        "case-id-that-looks-like-a-path",
        "path_id.yaml",
        patched("case.yaml", ("id: tst-case", "id: ../x")),
        [
            "path_id.yaml:2:1: id: expected a lower-case identifier (letters, digits, '.', '_', '-'), never a path, found '../x'",
        ],
        before=WORLD,
    ),
    Scenario(
        "request-given-as-data",
        {},
        ("sources.yaml",),
        (
            "request.yaml:1:1: kind: expected one of instrument, organization, case, sources, places, found 'request': a request is not data to load; evaluate it with `casus evaluate FILE --on DATE`",
        ),
        data=("request.yaml",),
    ),
    Scenario(
        "requester-not-a-member-on-the-request-date-is-a-warning",
        {
            "not_member.yaml": patched(
                "case.yaml",
                ("state: KZ\n      office", "state: AM\n      office"),
                ("date: 2022-01-05", "date: 1999-01-05"),
            )
        },
        (*WORLD, "not_member.yaml"),
        (),
        ok=(
            "ok  sources.yaml  (sources)",
            "ok  instrument.yaml  (instrument)",
            "ok  organization.yaml  (organization)",
            "ok  not_member.yaml  (case)",
        ),
        warnings=(
            "not_member.yaml:28:7: requests[0].requester.state: warning: expected a requester that is a member of tst-org on the request date (1999-01-05), found 'AM' not yet member; kept, as such requests are made (the evaluation reports the requester's status)",
        ),
    ),
    # --- and valid files pass -----------------------------------------------------------------
    Scenario(
        "valid-files",
        {},
        (*WORLD, "case.yaml", "request.yaml"),
        (),
        ok=(
            "ok  sources.yaml  (sources)",
            "ok  instrument.yaml  (instrument)",
            "ok  organization.yaml  (organization)",
            "ok  case.yaml  (case)",
            "ok  request.yaml  (request)",
        ),
    ),
]

assert len({s.id for s in SCENARIOS}) == len(SCENARIOS), "scenario ids must be unique"


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def run_validate(
    cwd: Path, args: tuple[str, ...], extra_env: tuple[tuple[str, str], ...] = ()
) -> Outcome:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("CASUS_MAX_ERRORS", None)
    env.update(dict(extra_env))
    proc = subprocess.run(
        [sys.executable, "-m", "casus", "validate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def argv(scenario: Scenario) -> tuple[str, ...]:
    """The arguments of `casus validate`: the files, then each --data file."""
    return (*scenario.args, *(x for d in scenario.data for x in ("--data", d)))


def prepare(scenario: Scenario, where: Path) -> Path:
    """Write the scenario's files into `where` and copy the fixtures it validates beside them."""
    for name, content in scenario.files.items():
        target = where / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    for name in scenario.dirs:
        (where / name).mkdir()
    for name in (*scenario.args, *scenario.data):
        if name not in scenario.files and (FIXTURES / name).is_file():
            shutil.copyfile(FIXTURES / name, where / name)
    return where


def known_organizations(with_fixture: bool) -> str:
    """The organization ids a run knows, in the order the CLI lists them: built-in data
    (files sorted by path), then the fixture organization if it was given."""
    from casus.schema.loader import builtin_files
    from casus.schema.yamlio import load_plain

    ids = []
    for path in builtin_files():
        data, _err = load_plain(path.read_text(encoding="utf-8"), str(path))
        if isinstance(data, dict) and data.get("kind") == "organization":
            ids.append(str(data.get("id")))
    if with_fixture:
        ids.append("tst-org")
    return ", ".join(ids) or "none loaded"


def _scenario_of(item: pytest.Item) -> Scenario | None:
    callspec = getattr(item, "callspec", None)
    scenario = callspec.params.get("scenario") if callspec is not None else None
    return scenario if isinstance(scenario, Scenario) else None


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    """Scenario id -> outcome. The scenarios of the selected tests are run up front,
    concurrently, each in its own temporary directory; any other is run when first asked for."""

    class Outcomes(dict[str, Outcome]):
        def __missing__(self, sid: str) -> Outcome:
            s = next(s for s in SCENARIOS if s.id == sid)
            self[sid] = run_validate(prepare(s, tmp_path_factory.mktemp(s.id)), argv(s), s.env)
            return self[sid]

    selected = {id(s) for s in map(_scenario_of, request.session.items) if s is not None}
    todo = [s for s in SCENARIOS if id(s) in selected]
    dirs = [prepare(s, tmp_path_factory.mktemp(s.id)) for s in todo]  # mktemp: not in threads
    workers = max(2, min(8, (os.cpu_count() or 2) + 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = pool.map(run_validate, dirs, [argv(s) for s in todo], [s.env for s in todo])
        return Outcomes(zip([s.id for s in todo], runs, strict=True))


def check(scenario: Scenario, out: Outcome) -> None:
    if scenario.ok:
        assert out.returncode == 0, out.stderr
        assert out.stderr.splitlines() == list(scenario.warnings)
        assert out.stdout.splitlines() == list(scenario.ok)
        return
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    expected = list(scenario.errors)
    if any(KNOWN_ORGS in line for line in expected):
        orgs = known_organizations("organization.yaml" in scenario.args)
        expected = [line.replace(KNOWN_ORGS, orgs) for line in expected]
    assert out.stderr.splitlines() == [*expected, scenario.summary]


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=s.bug)) if s.bug else s
        for s in SCENARIOS
    ],
    ids=[s.id for s in SCENARIOS],
)
def test_validate_reports_exact_errors(scenario: Scenario, outcomes: dict[str, Outcome]) -> None:
    check(scenario, outcomes[scenario.id])


def test_enough_kinds_of_malformed_file() -> None:
    assert sum(1 for s in SCENARIOS if s.errors and not s.bug) >= 24


def test_all_errors_of_a_file_are_printed_at_once(outcomes: dict[str, Outcome]) -> None:
    out = outcomes["three-errors-in-one-file"]
    lines = out.stderr.splitlines()
    assert len(lines) == 4
    assert all(line.startswith("three_errors.yaml:") for line in lines[:3])
    assert lines[3] == "casus: 3 error(s) in 1 file(s)"


def test_invalid_builtin_data_is_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken built-in file is reported like any other (exit 2, no traceback).

    Run in-process: the only way to break the built-in data without touching src/ is to point
    `builtin_files` elsewhere. (Regression: `validate` once loaded the built-in files outside
    any try, so a bad one escaped as a DataError traceback with exit code 1.)
    """
    from typer.testing import CliRunner

    import casus.schema.loader as loader
    from casus.cli.app import app

    broken = tmp_path / "builtin.yaml"
    broken.write_text(patched("instrument.yaml", ("form: treaty", "form: pact")), encoding="utf-8")
    shutil.copyfile(FIXTURES / "sources.yaml", tmp_path / "sources.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(loader, "builtin_files", lambda: [broken])
    result = CliRunner().invoke(app, ["validate", "sources.yaml"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "builtin.yaml:4:1: form: expected one of 'treaty', 'charter', 'protocol', 'agreement', "
        "'decision', 'articles', 'resolution' or 'judgment', found 'pact'",
        "casus: 1 error(s) in 1 file(s)",
    ]
