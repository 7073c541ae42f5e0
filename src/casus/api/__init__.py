"""The HTTP service: a FastAPI application over the same functions a Python user calls.

Modules, each with one job:
- `app`: the application factory (`create_app`), its lifespan (store, world, live updates);
- `settings`: configuration from the environment (pydantic-settings, prefix CASUS_);
- `errors`: every error as a 4xx (or 503) with `{"error": {"code", "message", "field"}}`;
- `auth`: bearer tokens, the caller's account, and who may do what;
- `schemas`: request and response bodies (kept apart from the store's tables);
- `services`: what the routers share (store, world, exercise log, caches);
- `play`: exercises evaluated by the engine: the board, the view, the after-action report;
- `live`: new exercise events pushed to server-sent-event streams (PostgreSQL LISTEN/NOTIFY,
  or polling on SQLite);
- `countries`: ISO 3166-1 numeric codes for the map;
- `routers/`: one router a resource.

Nothing is built at import: `create_app` builds the application and its lifespan opens the store.
"""
