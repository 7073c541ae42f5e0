"""The record's commands: `import`, `export`, `log`, `audit verify|head|keygen`, and the store behind
`replay` (`--db`, `--as-of`).

Thin: each command parses its options and calls `casus.store`. Only Typer and the standard
library are imported at module level, since `casus --help` and `replay --json` load this module;
the store, SQLAlchemy and the loaders are imported inside commands. Errors go to stderr with
exit code 2, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from casus.cli import common
from casus.cli.checkpoint_commands import KeyOption
from casus.cli.common import JsonOption, fail
from casus.cli.common import print_json as _print_json
from casus.cli.recorded import current_from_store

if TYPE_CHECKING:
    from casus.model.case import Case
    from casus.model.world import World
    from casus.store.checkpoint import Checkpoint, Divergence
    from casus.store.store import Store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=(
            "The store: a SQLite file path or URL (sqlite:///FILE), or postgresql://HOST/DB. "
            "Default: $CASUS_DB_URL, else casus.db in the user's data directory."
        ),
        metavar="URL",
    ),
]
DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data", help="Extra instrument, organization or sources files the case refers to."
    ),
]

audit_app = typer.Typer(
    name="audit", help="Check the record's integrity.", no_args_is_help=True, add_completion=False
)


def _load_world(extra: list[Path] | None) -> World:
    world: World = common.world(extra)
    return world


@contextmanager
def opened(db: str | None, world: World | None = None) -> Iterator[Store]:
    """The store, with every StoreError (also those raised while using it) as exit 2."""
    from casus.store.errors import StoreError
    from casus.store.store import open_store

    try:
        store = open_store(db, world=world)
    except StoreError as e:
        fail([f"casus: {e}"])
    try:
        yield store
    except StoreError as e:
        fail([f"casus: {e}"])
    finally:
        store.close()


def _author(given: str | None) -> str:
    if given:
        return given
    import getpass

    try:
        return f"user:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "user:unknown"


def _seed_if_builtin(store: Store, builtin: World, case_id: str) -> None:
    """Seed the store from a built-in case file on first use (`builtin` holds only built-ins)."""
    if case_id in builtin.cases:
        store.seed_builtin(builtin.cases[case_id])


def parse_as_of(value: str) -> dt.datetime:
    """The end of the day given (UTC), or the instant given: events recorded before it count."""
    try:
        if "T" not in value and " " not in value:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(
            [
                "casus: --as-of: expected an ISO date YYYY-MM-DD or time YYYY-MM-DDTHH:MM:SSZ, "
                f"found '{value}'"
            ]
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment + dt.timedelta(microseconds=1)


# --- replay through the store ---------------------------------------------------------------


def recorded_world(
    world: World, case_id: str, *, db: str | None, as_of: str | None, data: list[Path] | None
) -> World:
    """The world `replay` evaluates: its case read from the store (seeded from the built-in file
    on first use), unless the case was given with --data and no store option was."""
    from dataclasses import replace

    cutoff = parse_as_of(as_of) if as_of is not None else None
    from_files = _cases_in_files(data)
    if cutoff is None and db is None and case_id in from_files:
        return world
    # Only a built-in case is seeded into the store; one given with --data never is.
    builtin = None if case_id in from_files else world.cases.get(case_id)
    if cutoff is None:
        case = current_from_store(world, builtin, case_id, db)
        if case is not None:
            return (
                world if case is builtin else replace(world, cases={**world.cases, case_id: case})
            )
    from casus.store.engine import resolve
    from casus.store.errors import StoreError

    try:
        target = resolve(db)
    except StoreError as e:
        fail([f"casus: {e}"])
    if builtin is None and cutoff is None and target.path is not None and not target.path.exists():
        return world  # an unknown case: say so without creating a store for it
    with opened(db, world) as store:
        if builtin is not None:
            store.seed_builtin(builtin)
        if cutoff is not None:
            recorded: Case = store.as_of(case_id, cutoff)
        elif store.head(case_id) is None:
            return world
        else:
            recorded = store.current(case_id)
    if recorded == builtin:
        return world
    return replace(world, cases={**world.cases, case_id: recorded})


def _cases_in_files(data: list[Path] | None) -> set[str]:
    if not data:
        return set()
    from casus.model.case import Case
    from casus.schema.errors import DataError
    from casus.schema.loader import load_file

    ids = set()
    for p in data:
        try:
            loaded = load_file(p)
        except DataError:
            continue  # reported by load_world already
        if isinstance(loaded.model, Case):
            ids.add(loaded.model.id)
    return ids


# --- commands -------------------------------------------------------------------------------


def import_case(
    file: Annotated[Path, typer.Argument(help="A case file (kind: case).", metavar="FILE")],
    db: DbOption = None,
    author: Annotated[
        str | None,
        typer.Option(help="Who records it: user:NAME or delegation:NAME (default: your login)."),
    ] = None,
    command_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="An idempotency id: running the command again with it records nothing new.",
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Record a case file in the store, as a case_imported event (nothing if unchanged)."""
    from casus.schema.errors import DataError
    from casus.schema.loader import check_references, load_file

    world = _load_world(data)
    try:
        loaded = load_file(file, kinds=("case",))
    except DataError as e:
        fail(
            [str(x) for x in e.errors]
            + [f"casus: {len(e.errors)} error(s) in {file}; nothing was recorded"]
        )
    errors = check_references([loaded], world)
    if errors:
        fail(
            [str(x) for x in errors]
            + [f"casus: {len(errors)} error(s) in {file}; nothing was recorded"]
        )
    case = loaded.model
    with opened(db, world) as store:
        result = store.import_case(
            case,
            author=_author(author),
            command_id=command_id or f"import:{uuid.uuid4()}",
            source=file.name,
        )
        where = store.target.shown
        if result is None:
            head = store.head(case.id)
            seq = head[0] if head else 0
            print(f"{case.id}: unchanged, nothing recorded (head #{seq}) in {where}")
            return
    event = result.event
    verb = "recorded" if result.recorded else "already recorded"
    print(f"{case.id}: {verb} event #{event.seq} {event.type} (sha256 {event.hash}) in {where}")


def export_case(
    case: Annotated[str, typer.Argument(help="The case id.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the case file here (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write a case from the store as a case file that re-imports to the identical state."""
    from casus.store.exchange import case_to_yaml

    world = _load_world(None)
    with opened(db, world) as store:
        _seed_if_builtin(store, world, case)
        current = store.current(case)
        head = store.head(case)
    text = case_to_yaml(current, head=head)
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as e:
        fail([f"casus: could not write {out}: {e.strerror}"])
    print(f"wrote {out} (case {case}, event #{head[0] if head else 0})")


def log(
    case: Annotated[str, typer.Argument(help="The case id.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The events of a case, oldest first: number, time, author, type, what changed, hash."""
    from casus.store.canonical import format_time
    from casus.store.events import summary

    world = _load_world(None)
    with opened(db, world) as store:
        _seed_if_builtin(store, world, case)
        events = store.events(case)
        if not events:
            store.current(case)  # raises UnknownCase with the list of cases there
        where = store.target.shown
    if as_json:
        _print_json({"case": case, "store": where, "events": [e.to_dict() for e in events]})
        return
    print(f"{case}: {len(events)} event(s) in {where}")
    for e in events:
        print(
            f"#{e.seq:<4} {format_time(e.recorded_at)}  {e.author}  {e.type}\n"
            f"      {summary(e.type, e.data())}\n"
            f"      id {e.command_id}  sha256 {e.hash}"
        )


@audit_app.command()
def keygen(
    key: Annotated[
        Path, typer.Option("--key", help="Where to write the private key.", metavar="FILE")
    ],
) -> None:
    """Make the deployment's Ed25519 key for signing checkpoints: the private key in FILE
    (readable by its owner only), the public key in FILE.pub. Never overwrites a key."""
    from casus.cli.checkpoint_commands import write_keys

    public, kid = write_keys(key)
    print(f"private key {key}\npublic key  {public}\nkey id      {kid}")


@audit_app.command()
def head(
    key: KeyOption,
    db: DbOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the checkpoint to FILE.", metavar="FILE"),
    ] = None,
) -> None:
    """Print a signed checkpoint: each stream's last event number and hash (every case's log
    and every exercise's), the time, signed with the deployment's key. Keep it outside the
    database; `casus audit verify --against FILE` later proves the log extends it unchanged."""
    from casus.cli.checkpoint_commands import make_checkpoint, read_private_key

    private = read_private_key(key)
    with opened(db) as store:
        checkpoint = make_checkpoint(store, private)
    text = checkpoint.text()
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as e:
            fail([f"casus: could not write the checkpoint to {out}: {e.strerror}"])
    sys.stdout.write(text)


@audit_app.command()
def verify(
    case: Annotated[str | None, typer.Argument(help="One case (default: every case).")] = None,
    db: DbOption = None,
    against: Annotated[
        list[Path] | None,
        typer.Option(
            "--against",
            help="A checkpoint (`casus audit head`) the log must still extend (repeatable).",
            metavar="CHECKPOINT",
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="With --against: the deployment's public key (or its private key file).",
            metavar="FILE",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Check every case's hash chain and projection (and every exercise's, when no case is
    named); name the first bad event and why (edited, deleted, inserted, reordered). With
    --against, also check each checkpoint's signature and that the log still holds, at each
    stream's checkpointed number, the hash the checkpoint pinned: a chain recomputed after an
    edit passes the chain check but not this one. Exit code 2 if any check fails."""
    from casus.store.exercises import ExerciseLog

    checkpoints = _checkpoints(against or [], public_key)
    with opened(db) as store:
        results = store.verify(case)
        heads = {cid: store.head(cid) for cid, _, _ in results}
        where = store.target.shown
        # Exercises keep chains of their own: every one is checked when no case is named.
        exercises = ExerciseLog(store).verify() if case is None else []
        divergences = _diverged(store, checkpoints, case)
    failures = [f for _, _, f in results if f is not None]
    failures += [f for _, _, f in exercises if f is not None]
    if as_json:
        _print_json(
            {
                "store": where,
                "ok": not failures and not divergences,
                "cases": [
                    {
                        "case": cid,
                        "events": n,
                        "head": _head(heads[cid]),
                        "ok": f is None,
                        "problem": None
                        if f is None
                        else {
                            "seq": f.seq,
                            "kind": f.kind,
                            "detail": f.detail,
                            "message": f.message(),
                        },
                    }
                    for cid, n, f in results
                ],
                "exercises": [
                    {
                        "exercise": xid,
                        "events": n,
                        "ok": f is None,
                        "problem": None if f is None else f.message(),
                    }
                    for xid, n, f in exercises
                ],
                "checkpoints": [
                    {
                        "made_at": c.to_dict()["made_at"],
                        "key_id": c.key_id,
                        "streams": len(c.streams),
                    }
                    for c in checkpoints
                ],
                "diverged": [
                    {"stream": d.stream, "seq": d.seq, "kind": d.kind, "detail": d.detail}
                    for d in divergences
                ],
            }
        )
    else:
        if not results:
            print(f"no cases in {where}")
        for cid, n, f in results:
            head = heads[cid]
            tail = f"head #{head[0]} sha256 {head[1]}" if head else "no head recorded"
            print(f"{'ok' if f is None else 'FAILED':<7} {cid}  {n} event(s)  {tail}")
        for xid, n, f in exercises:
            print(f"{'ok' if f is None else 'FAILED':<7} exercise {xid}  {n} event(s)")
        for c in checkpoints:
            named = {h.stream for h in c.streams}
            bad = [d for d in divergences if d.stream in named]
            state = "ok" if not bad else "FAILED"
            print(
                f"{state:<7} checkpoint of {c.to_dict()['made_at']} ({c.key_id}): "
                f"{len(c.streams)} stream(s) {'extended unchanged' if not bad else 'diverged'}"
            )
    lines = [f"casus: audit failed: {f.message()}" for f in failures]
    lines += [f"casus: audit failed: checkpoint: {d.message()}" for d in divergences]
    if lines:
        fail(lines)


def _checkpoints(paths: list[Path], public_key: Path | None) -> list[Checkpoint]:
    """The checkpoints given, each with its signature checked; exit 2 on the first bad one."""
    if not paths:
        if public_key is not None:
            fail(["casus: --public-key goes with --against CHECKPOINT"])
        return []
    if public_key is None:
        fail(["casus: --against needs --public-key FILE (the key that signed the checkpoint)"])
    from casus.cli.checkpoint_commands import read_checkpoint, read_public_key
    from casus.store.checkpoint import BadSignature, check_signature

    public = read_public_key(public_key)
    out = []
    for path in paths:
        checkpoint = read_checkpoint(path)
        try:
            check_signature(checkpoint, public)
        except BadSignature as e:
            fail([f"casus: audit failed: {path}: {e}"])
        out.append(checkpoint)
    return out


def _diverged(store: Store, checkpoints: list[Checkpoint], case: str | None) -> list[Divergence]:
    """Where the store's logs no longer extend the checkpoints (one case's stream only, when a
    case is named)."""
    if not checkpoints:
        return []
    from casus.cli.checkpoint_commands import stream_logs
    from casus.store.checkpoint import compare

    logs = stream_logs(store)
    if case is not None:
        wanted = f"case:{case}"
        checkpoints = [_only(c, wanted) for c in checkpoints if c.head(wanted) is not None]
    return compare(checkpoints, logs)


def _only(checkpoint: Checkpoint, stream: str) -> Checkpoint:
    import dataclasses

    return dataclasses.replace(
        checkpoint, streams=tuple(h for h in checkpoint.streams if h.stream == stream)
    )


def _head(head: tuple[int, str] | None) -> dict[str, Any] | None:
    return None if head is None else {"seq": head[0], "sha256": head[1]}


def register(app: typer.Typer) -> None:
    """Add the record's commands to the `casus` app."""
    app.command("import")(import_case)
    app.command("export")(export_case)
    app.command("log")(log)
    app.add_typer(audit_app)
