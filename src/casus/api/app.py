"""The application factory: `create_app()` builds a FastAPI application; its lifespan opens
the store (running migrations on first use), loads the world, and starts what carries live
updates between processes. Nothing is built at import, so `uvicorn --factory
casus.api.app:create_app` and `casus serve` both work, and tests build as many apps as they like.

The browser UI (`casus.web`), when installed, is mounted at `/`; the API lives under `/api`. The
API's own page, `/docs` (Swagger UI), is served from the same process with the UI's vendored
assets and under the UI's Content-Security-Policy, so it renders with no network.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from casus.api import errors
from casus.api.limits import BodyLimit, FailedAttempts
from casus.api.settings import Settings

DESCRIPTION = """\
The casus service: the case archive (public), organizations' members on a date (public), and
live exercises in which each delegation acts through its own account.

Authenticate with `Authorization: Bearer TOKEN` (a token from `casus accounts create` or from
an invitation). Every error is a 4xx (503 if the store is unreachable) with the body
`{"error": {"code": ..., "message": ..., "field": ...}}`. A request body is at most 1 MiB by
default (413 `too_large`, refused before it is read); a token is never taken from a URL (the
event stream takes a single-use `?ticket=`); failed token attempts are limited per client (429). Mutating calls accept an
`Idempotency-Key` header: a retry with the same key records nothing new.
See docs/reference/api.md.
"""


def create_app(settings: Settings | None = None, *, world: Any = None) -> FastAPI:
    """A new application. `settings` default to the environment (CASUS_DB_URL…); `world` to
    the built-in data plus `settings.data` (tests pass one in to load it once)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _running(app, settings or Settings(), world):
            yield

    app = FastAPI(
        title="casus",
        version=_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        # /docs is served below from vendored files (FastAPI's own page loads a CDN's); no ReDoc.
        docs_url=None,
        redoc_url=None,
    )
    errors.install(app)
    from casus.api.auth import StreamTickets

    # The limits are read now (the store's URL only when the lifespan starts).
    limits = settings or Settings()
    app.state.auth_failures = FailedAttempts(limits.auth_failures, limits.auth_failure_window)
    app.state.stream_tickets = StreamTickets(limits.stream_ticket_seconds)
    # Outside the routing, so before any route, dependency or authentication work.
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes, max_depth=limits.max_json_depth)
    from casus.api.routers import accounts, cases, exercises, organizations, stream

    for module in (cases, organizations, accounts, exercises, stream):
        app.include_router(module.router)
    try:
        from casus.web import mount  # the UI, built beside the API; optional
    except ImportError:
        pass
    else:
        mount(app)
        _api_docs(app)
    return app


# Swagger UI's page: the vendored bundle and stylesheet, and the script that starts it, all files
# under /static (no inline script or style, which the policy forbids).
_DOCS_PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>casus API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script>
</body>
</html>
"""


def _api_docs(app: FastAPI) -> None:
    """`/docs`: Swagger UI on the OpenAPI document, from this server alone."""
    from fastapi.responses import HTMLResponse

    from casus.web import CONTENT_SECURITY_POLICY

    page = _DOCS_PAGE.format(openapi=app.openapi_url)
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }

    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers=headers)

    app.add_api_route("/docs", docs, methods=["GET", "HEAD"], include_in_schema=False)


def _version() -> str:
    import casus

    return casus.__version__


@contextlib.asynccontextmanager
async def _running(app: FastAPI, settings: Settings, world: Any) -> AsyncIterator[None]:
    from casus.api.live import Hub, PgListener, pg_conninfo, poll_heads
    from casus.api.services import Services
    from casus.store.store import open_store

    if world is None:
        from casus.schema.loader import load_world

        world = await asyncio.to_thread(load_world, list(settings.data))
    store = await asyncio.to_thread(open_store, settings.db_url, world=world)
    hub = Hub()
    hub.bind(asyncio.get_running_loop())
    services = Services(settings=settings, world=world, store=store, hub=hub)
    app.state.services = services
    services.writer.start()
    if settings.freeze_gc:
        # The world and the caches' first contents live as long as the process: a full
        # collection walking them all would stall every request (the load benchmark's tail).
        gc.collect()
        gc.freeze()
    stop = asyncio.Event()
    listener: PgListener | None = None
    poller: asyncio.Task[None] | None = None
    if store.target.backend == "postgresql":
        listener = PgListener(pg_conninfo(store.target.url), hub.publish_threadsafe)
        listener.start()
        # Serve only once listening, so no append made after start-up goes unheard.
        await asyncio.to_thread(listener.ready.wait, 10)
    else:
        poller = asyncio.create_task(
            poll_heads(hub, services.exercises.heads, settings.poll_interval, stop)
        )
    try:
        yield
    finally:
        stop.set()
        hub.publish(None)
        if poller is not None:
            await poller
        if listener is not None:
            await asyncio.to_thread(listener.stop)
        await asyncio.to_thread(services.writer.stop)
        store.close()
