"""The service's settings, read from the environment when the application is built.

`CASUS_DB_URL` names the store as everywhere else in casus (a SQLite path or URL, or a
PostgreSQL URL; default: the local file). Nothing is read at import.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of one server process."""

    model_config = SettingsConfigDict(env_prefix="CASUS_", extra="ignore")

    db_url: str | None = Field(
        default=None, description="The store (default: casus.db in the user's data directory)."
    )
    data: list[Path] = Field(
        default_factory=list,
        description="Extra instrument, organization, case or sources files (JSON list in CASUS_DATA).",
    )
    poll_interval: float = Field(
        default=0.25,
        gt=0,
        le=60,
        description="Seconds between looks at the log for other processes' events (SQLite).",
    )
    freeze_gc: bool = Field(
        default=False,
        description=(
            "After start-up, move what is loaded (the world: many small objects) out of the "
            "garbage collector's reach, so that full collections stay short (`casus serve`)."
        ),
    )
    heartbeat: float = Field(
        default=15.0, gt=0, le=300, description="Seconds between keep-alive comments on a stream."
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        le=64 * 1_048_576,
        description=(
            "The largest request body accepted, in bytes (default 1 MiB): a larger one is "
            "refused with 413 before it is read, before any authentication work."
        ),
    )
    max_json_depth: int = Field(
        default=64,
        ge=2,
        le=1000,
        description="How deep a JSON body may nest arrays and objects (deeper: 422).",
    )
    stream_ticket_seconds: float = Field(
        default=30.0,
        gt=0,
        le=300,
        description="How long a stream ticket stays good (it is good once, in this process).",
    )
    auth_failures: int = Field(
        default=10,
        ge=1,
        le=10_000,
        description=(
            "Failed token attempts a client may make within `auth_failure_window` seconds; "
            "beyond, its token attempts are refused with 429 and Retry-After."
        ),
    )
    auth_failure_window: float = Field(
        default=60.0, gt=0, le=3600, description="The window of `auth_failures`, in seconds."
    )
    token_days: float = Field(
        default=30.0,
        gt=0,
        le=3650,
        description=(
            "How long a token the service issues (an invitation to an exercise, a reissued "
            "token) is accepted, in days (default 30); then it is refused as expired."
        ),
    )
    token_recheck_seconds: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description=(
            "How long a checked token is trusted before the store is read again: a token "
            "revoked, reissued or deleted is refused by every server process within this."
        ),
    )
