"""The browser UI: static pages and ES modules, served by the API's own process.

`mount(app)` adds the pages (`/`, `/cases/{id}`, `/deployments`, `/map`, `/exercises`,
`/exercises/{id}`) and the static assets (`/static/...`) to a FastAPI application. The pages are
plain HTML shells: their modules fetch everything from the JSON API under `/api` and build the
DOM with `textContent`, never by inserting data as HTML; the pictures of a case (SVG) are built
the same way, one `createElementNS` element per mark the API sends, with only the element names
and presentation attributes a picture uses (`static/js/pictures.js`). Every asset, including the
Natural Earth outlines and the small libraries that draw them (`static/vendor/`, re-created by
`vendor.sh`), is served from here, and a Content-Security-Policy keeps the pages from loading
anything from elsewhere.

This package knows nothing of the engine, the store or the API's handlers: only URLs.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["CONTENT_SECURITY_POLICY", "STATIC_DIR", "mount"]

STATIC_DIR = Path(__file__).with_name("static")

# Scripts, styles, data and connections (fetch, EventSource) only from this origin; no inline
# script or style, no plug-ins, no framing. Links to sources elsewhere stay plain links.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    # The pages are small shells; the data they show comes fresh from the API each time.
    "Cache-Control": "no-cache",
}

# Path on the site -> the page that serves it (the page's modules read the rest of the URL).
_PAGES = {
    "/": "index.html",
    "/cases/{case_id}": "case.html",
    "/deployments": "deployments.html",
    "/map": "map.html",
    "/exercises": "exercise.html",
    "/exercises/{exercise_id}": "exercise.html",
}


def _page_route(app: FastAPI, path: str, page: str) -> None:
    target = STATIC_DIR / page

    async def serve_page() -> FileResponse:
        return FileResponse(target, media_type="text/html; charset=utf-8", headers=_HEADERS)

    # The pages are not part of the API: they stay out of the OpenAPI document.
    app.add_api_route(
        path,
        serve_page,
        methods=["GET", "HEAD"],
        include_in_schema=False,
        name=f"web:{page.removesuffix('.html')}:{path}",
    )


def mount(app: FastAPI) -> None:
    """Serve the browser UI from `app`: the pages at their paths, the assets under `/static`."""
    for path, page in _PAGES.items():
        _page_route(app, path, page)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="web-static")
