"""The API's page, `/docs`, in Chromium: Swagger UI renders every operation of the OpenAPI
document from files this server serves, under the UI's Content-Security-Policy, and no request
leaves 127.0.0.1 (FastAPI's own page loads its script and stylesheet from a CDN and its favicon
from another host, so it was blank offline)."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Request, expect

from casus.web import CONTENT_SECURITY_POLICY

from .conftest import Browsing, Server


def _operations(server: Server) -> list[tuple[str, str]]:
    doc = server.get_json("/openapi.json")
    assert isinstance(doc, dict)
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    return [
        (method, path)
        for path, item in doc["paths"].items()
        for method in item
        if method in methods
    ]


def test_docs_is_served_under_the_pages_policy(server: Server) -> None:
    with urllib.request.urlopen(server.url + "/docs", timeout=30) as r:
        assert r.status == 200
        assert r.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        body = r.read().decode()
    assert "<script>" not in body and "style=" not in body  # the policy forbids inline ones
    assert "cdn" not in body.lower() and "https://" not in body and "http://" not in body


def test_docs_renders_every_operation_with_no_request_leaving_the_machine(
    browsing: Browsing, server: Server, artifacts: Callable[[str], Path]
) -> None:
    operations = _operations(server)
    assert len(operations) > 10
    page, guard = browsing.page()
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    page.goto("/docs")
    blocks = page.locator("#swagger-ui .opblock")
    expect(blocks).to_have_count(len(operations))
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("casus")
    # One operation by its method and path, as Swagger UI lists it.
    health = page.locator("#swagger-ui .opblock-get", has_text="/api/health")
    expect(health).to_have_count(1)
    health.locator(".opblock-summary").first.click()
    expect(health.locator(".responses-wrapper")).to_be_visible()
    page.screenshot(path=str(artifacts("docs-offline.png")), full_page=False)

    assert requested, "the page made no request"
    hosts = {urlsplit(u).hostname for u in requested if urlsplit(u).scheme in ("http", "https")}
    assert hosts == {"127.0.0.1"}, requested
    paths = {urlsplit(u).path for u in requested}
    assert {
        "/docs",
        "/openapi.json",
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/js/api-docs.js",
    } <= paths
    # The guard (conftest) also saw every request, refused none, and no error reached the
    # console: a script, style or image the policy blocked would have been reported there.
    assert guard.foreign == []
    assert guard.errors == []
