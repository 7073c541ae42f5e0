"""Errors as HTTP responses: every bad input is a 4xx with one machine-readable body,

    {"error": {"code": "...", "message": "...", "field": "..." | null}}

never a 500 with a traceback. casus's own errors (the store's, the engine's) map to codes here,
so routers raise them as they are. A database that cannot be reached, or that fails, is a 503
whose message is generic: the store's own message (which names the database's URL or file, and
may quote the statement) is logged on the server, never sent.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from casus.evaluation.engine import EvaluationError
from casus.store.accounts import AccountError
from casus.store.errors import (
    Conflict,
    Damaged,
    InvalidCommand,
    StoreError,
    UnknownCase,
    Unreachable,
)
from casus.store.exercises import UnknownExercise

log = logging.getLogger("casus.api")


class ErrorDetail(BaseModel):
    code: str = Field(description="A stable, machine-readable code, e.g. not_found, forbidden.")
    message: str = Field(description="What went wrong, for a person.")
    field: str | None = Field(
        default=None, description="The input at fault (e.g. body.position, query.on), if one."
    )
    details: dict[str, Any] | None = Field(
        default=None, description="More, where the code says so (e.g. the engine's evaluation)."
    )


class ErrorResponse(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    """An error the service answers with, as it is."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.details = details
        self.headers = headers


def body(
    code: str, message: str, field: str | None = None, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "field": field}
    if details is not None:
        error["details"] = details
    return {"error": error}


def respond(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(body(code, message, field, details), status_code=status, headers=headers)


#: Codes for the statuses the framework itself answers with (unknown path, wrong method…).
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    429: "too_many_attempts",
    415: "unsupported_media_type",
    422: "invalid",
}

#: Responses every route may give, for the OpenAPI document.
COMMON: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "Invalid input"},
}
AUTHED: dict[int | str, dict[str, Any]] = {
    **COMMON,
    400: {"model": ErrorResponse, "description": "A token in the URL (never accepted there)"},
    401: {"model": ErrorResponse, "description": "No credentials, or a token not recognized"},
    429: {"model": ErrorResponse, "description": "Too many failed token attempts"},
    403: {"model": ErrorResponse, "description": "The caller may not do this"},
    404: {"model": ErrorResponse, "description": "No such resource"},
}
WRITES: dict[int | str, dict[str, Any]] = {
    **AUTHED,
    400: {"model": ErrorResponse, "description": "A body that is not JSON at all"},
    409: {"model": ErrorResponse, "description": "Refused by the procedure, or a reused key"},
    413: {"model": ErrorResponse, "description": "A body over the limit (not read)"},
}

#: What a 503 says; the store's own message stays in the server's log.
UNAVAILABLE = "the store cannot be reached or opened; the server's log has the details"
STORE_FAILED = (
    "the store could not do this (nothing was recorded); the server's log has the details"
)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


def _validation_message(err: dict[str, Any]) -> str:
    loc = _field(err.get("loc", ()))
    msg = str(err.get("msg", "invalid"))
    return f"{loc}: {msg}" if loc else msg


def install(app: FastAPI) -> None:
    """Map every error to the one body; installed by `create_app`."""

    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return respond(exc.status, exc.code, exc.message, exc.field, exc.details, exc.headers)

    async def validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = list(exc.errors())
        first = errors[0] if errors else {}
        field = _field(first.get("loc", ())) or None
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        problems = [
            {"field": _field(e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in errors[:20]
        ]
        return respond(
            422,
            "invalid",
            _validation_message(first) + more,
            field,
            {"problems": problems},
        )

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        headers = dict(exc.headers) if exc.headers else None
        return respond(exc.status_code, code, message, None, None, headers)

    async def store_error(_: Request, exc: Exception) -> JSONResponse:
        message = str(exc)
        if isinstance(exc, UnknownCase | UnknownExercise):
            return respond(404, "not_found", message)
        if isinstance(exc, InvalidCommand):
            return respond(409, "rejected", message)
        if isinstance(exc, Conflict):
            return respond(409, "conflict", message)
        # The store's other messages name its URL or file (and may quote the statement):
        # they stay in the log.
        if isinstance(exc, Unreachable | Damaged):
            log.error("store unavailable: %s", message)
            return respond(503, "store_unavailable", UNAVAILABLE)
        log.error("store error: %s", message)
        return respond(503, "store_error", STORE_FAILED)

    async def evaluation_error(_: Request, exc: Exception) -> JSONResponse:
        return respond(422, "cannot_evaluate", str(exc.args[0] if exc.args else exc))

    async def account_error(_: Request, exc: Exception) -> JSONResponse:
        return respond(422, "invalid", str(exc))

    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A bug: logged with its traceback, answered without one.
        log.exception("unexpected error", exc_info=exc)
        return respond(500, "internal", "an unexpected error; it has been logged")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(EvaluationError, evaluation_error)
    app.add_exception_handler(AccountError, account_error)
    app.add_exception_handler(Exception, unexpected)
