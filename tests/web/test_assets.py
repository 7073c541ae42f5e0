"""The UI's files without a browser: every page is served with its Content-Security-Policy,
everything a page or module loads is a file of this package, nothing names another host, and
the vendored outlines and libraries are there with their licences."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from casus.web import CONTENT_SECURITY_POLICY, STATIC_DIR, mount

VENDORED = ["world-atlas", "topojson-client", "d3-geo", "d3-array", "swagger-ui"]
# Swagger UI's bundle names hosts in its text (JSON Schema ids, RFC and project links) that it
# never loads as configured: tests/web/test_docs_offline.py holds that in a browser instead.
NAMES_HOSTS_IT_NEVER_LOADS = {"vendor/swagger-ui/swagger-ui-bundle.js"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    mount(app)
    return TestClient(app)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/cases/kz-2022",
        "/deployments",
        "/map",
        "/map?org=csto&date=2022-01-05",
        "/exercises",
        "/exercises/ex-1",
    ],
)
def test_every_page_is_served_with_a_policy_that_keeps_it_on_this_server(
    client: TestClient, path: str
) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert '<script type="module" src="/static/js/' in r.text


def test_the_pages_stay_out_of_the_openapi_document() -> None:
    app = FastAPI()
    mount(app)
    assert app.openapi()["paths"] == {}


def _local_references(text: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', text)


def test_everything_a_page_or_module_loads_is_a_file_of_the_package(client: TestClient) -> None:
    pages = sorted(STATIC_DIR.glob("*.html"))
    assert {p.name for p in pages} == {
        "index.html",
        "case.html",
        "deployments.html",
        "map.html",
        "exercise.html",
    }
    for page in pages:
        text = page.read_text()
        for ref in _local_references(text):
            assert client.get(ref).status_code == 200, (page.name, ref)
        assert "<script>" not in text and "style=" not in text, page.name  # the CSP forbids them
    modules = sorted(STATIC_DIR.glob("js/*.js"))
    assert modules
    for module in modules:
        for spec in re.findall(r'^import .* from "([^"]+)";', module.read_text(), re.MULTILINE):
            assert spec.startswith("./") or spec.startswith("../vendor/"), (module.name, spec)
            target = (module.parent / spec).resolve()
            assert target.is_file(), (module.name, spec)
            assert client.get("/static/" + str(target.relative_to(STATIC_DIR))).status_code == 200


def test_no_asset_names_another_host() -> None:
    # Links to sources are data from the API; the assets themselves load nothing from elsewhere.
    for path in sorted(STATIC_DIR.rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".js", ".mjs", ".css", ".svg"}:
            continue
        if str(path.relative_to(STATIC_DIR)) in NAMES_HOSTS_IT_NEVER_LOADS:
            continue
        text = path.read_text()
        # Comments may cite URLs (a licence header, a reference): whole-line and block ones.
        code = re.sub(r"(?m)^\s*//[^\n]*$|/\*.*?\*/", "", text, flags=re.DOTALL)
        hosts = re.findall(r"""["'(]\s*(?:https?:)?//[a-z0-9.-]+""", code)
        svg_namespace = [h for h in hosts if "www.w3.org" in h]
        assert hosts == svg_namespace, (path.relative_to(STATIC_DIR), hosts)


def test_the_vendored_packages_are_there_with_their_licences() -> None:
    vendor = STATIC_DIR / "vendor"
    for package in VENDORED:
        assert (vendor / package / "LICENSE").is_file(), package
    readme = (vendor / "README.md").read_text()
    for package in VENDORED:
        assert f"| {package.replace('swagger-ui', 'swagger-ui-dist')} |" in readme
    assert (Path(__file__).parents[2] / "src/casus/web/vendor.sh").is_file()
    # d3-geo imports d3-array by path (a bare name would need an inline import map).
    geo = (vendor / "d3-geo/d3-geo.min.mjs").read_text()
    assert 'from"../d3-array/d3-array.min.mjs"' in geo
    assert 'from"d3-array"' not in geo


def test_the_outlines_are_natural_earth_countries_keyed_by_iso_numeric_code() -> None:
    topology = json.loads((STATIC_DIR / "vendor/world-atlas/countries-110m.json").read_text())
    countries = topology["objects"]["countries"]["geometries"]
    by_id = {g.get("id"): g["properties"]["name"] for g in countries}
    assert len(countries) > 170
    assert by_id["398"] == "Kazakhstan"
    assert by_id["051"] == "Armenia"
    assert by_id["643"] == "Russia"
