"""`casus serve` (the HTTP service and the browser UI, in one process) and `casus accounts`
(make and list the service's accounts).

Thin: `serve` builds the application with `casus.api.app.create_app` and hands it to uvicorn;
`accounts` calls `casus.store.accounts`. Heavy imports happen inside the commands, so that
`casus --help` stays fast. Errors go to stderr with exit code 2.
"""

from __future__ import annotations

from typing import Annotated

import typer

from casus.cli.common import JsonOption, fail
from casus.cli.common import print_json as _print_json
from casus.cli.store_commands import DbOption, opened

accounts_app = typer.Typer(
    name="accounts",
    help="The service's accounts: facilitators and observers (delegations are invited in an exercise).",
    no_args_is_help=True,
    add_completion=False,
)


def serve(
    host: Annotated[
        str, typer.Option(help="The address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="The port to listen on.")] = 8000,
    db: DbOption = None,
    log_level: Annotated[
        str, typer.Option(help="uvicorn's log level: critical, error, warning, info, debug.")
    ] = "info",
) -> None:
    """Serve the API (OpenAPI at /docs) and the browser UI from one process.

    Several processes may serve one PostgreSQL store: live updates reach the clients of every
    process (LISTEN/NOTIFY). On SQLite, run one process.
    """
    import uvicorn

    from casus.api.app import create_app
    from casus.api.settings import Settings
    from casus.store.engine import resolve
    from casus.store.errors import StoreError

    if log_level not in ("critical", "error", "warning", "info", "debug"):
        fail(
            [
                f"casus: --log-level: expected critical, error, warning, info or debug, found '{log_level}'"
            ]
        )
    try:
        settings = Settings(freeze_gc=True) if db is None else Settings(db_url=db, freeze_gc=True)
        target = resolve(settings.db_url)
        # Open (and migrate) the store once before serving, so a bad --db fails here, plainly.
        with opened(settings.db_url):
            pass
    except StoreError as e:
        fail([f"casus: {e}"])
    except ValueError as e:  # a malformed CASUS_ setting
        fail([f"casus: {e}"])
    print(f"casus: serving http://{host}:{port}/ (API docs at /docs) on the store {target.shown}")
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        # Event streams stay open: do not wait for them for ever when asked to stop.
        timeout_graceful_shutdown=3,
    )


@accounts_app.command("create")
def create_account(
    role: Annotated[str, typer.Option(help="facilitator or observer.")],
    name: Annotated[str, typer.Option(help="Who the account is for (shown to others).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make an account and print its token, once: only a hash of it is kept."""
    from casus.store.accounts import AccountError, Accounts

    if role not in ("facilitator", "observer"):
        fail(
            [
                f"casus: --role: expected facilitator or observer, found '{role}' "
                "(a delegation is invited by its exercise's facilitator, through the API)"
            ]
        )
    with opened(db) as store:
        try:
            new = Accounts(store).create(name=name, role=role, created_by="system:cli")
        except AccountError as e:
            fail([f"casus: {e}"])
        where = store.target.shown
    if as_json:
        _print_json({**new.account.to_dict(), "token": new.token, "store": where})
        return
    print(f"{new.account.role} {new.account.account_id} ({new.account.name}) in {where}")
    print("token (shown once; keep it secret):")
    print(new.token)


@accounts_app.command("list")
def list_accounts(
    db: DbOption = None,
    exercise: Annotated[
        str | None, typer.Option(help="Only the participants of this exercise.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The accounts (never their tokens)."""
    from casus.store.accounts import Accounts

    with opened(db) as store:
        rows = [a.to_dict() for a in Accounts(store).list(exercise_id=exercise)]
    if as_json:
        _print_json(rows)
        return
    for a in rows:
        bound = f" {a['state']}" if a["state"] else ""
        where = f" in {a['exercise']}" if a["exercise"] else ""
        print(f"{a['account']}  {a['role']}{bound}{where}  {a['name']}")


def register(app: typer.Typer) -> None:
    """Add `serve` and `accounts` to the `casus` app."""
    app.command("serve")(serve)
    app.add_typer(accounts_app)
