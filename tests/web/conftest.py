"""Browser tests in real Chromium (Debian's /usr/bin/chromium, driven by Playwright).

A session fixture starts `casus serve` on a free loopback port with a fresh SQLite store in a
temporary folder, after making a facilitator account with `casus accounts create`; every page
runs in a browser context whose requests are all routed through a guard that lets only
127.0.0.1/localhost through and records anything else (which fails the test). Playwright never
downloads a browser here: the Debian package is launched by path. Screenshots go to
`test-artifacts/` (gitignored), for CI to keep.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    sync_playwright,
)

CHROMIUM = os.environ.get("CASUS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
VIEWPORT = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Server:
    url: str
    facilitator_token: str

    def get_json(self, path: str) -> object:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.loads(r.read())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _casus(*args: str) -> list[str]:
    return [sys.executable, "-m", "casus", *args]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("web")
    db = str(folder / "casus.db")
    env = {**os.environ, "CASUS_DB_URL": ""}  # only --db names the store
    made = subprocess.run(
        _casus(
            "accounts",
            "create",
            "--role",
            "facilitator",
            "--name",
            "Facilitator",
            "--db",
            db,
            "--json",
        ),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    token = json.loads(made.stdout)["token"]
    port = _free_port()
    log = (folder / "serve.log").open("w")
    proc = subprocess.Popen(
        _casus(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            db,
            "--log-level",
            "warning",
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"casus serve exited: {(folder / 'serve.log').read_text()}")
            try:
                with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("casus serve did not answer within 60 s")
            time.sleep(0.1)
        yield Server(url, token)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Guard:
    """Every request a context makes: local ones go through, any other is refused and kept."""

    seen: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        # A refusal the page shows (a 4xx from the API) is logged by Chromium as a failed
        # resource; anything else on the console is an error of the page.
        if message.type != "error" or re.match(
            r"Failed to load resource: the server responded with a status of 4\d\d", message.text
        ):
            return
        self.errors.append(f"console: {message.text}")

    def route(self, route: Route) -> None:
        url = route.request.url
        self.seen.append(url)
        scheme = urlsplit(url).scheme
        host = urlsplit(url).hostname
        if scheme in ("http", "https", "ws", "wss") and host not in LOCAL_HOSTS:
            self.foreign.append(url)
            route.abort("blockedbyclient")
            return
        route.continue_()


@dataclass
class Browsing:
    """Pages in guarded contexts; every context is checked and closed at the test's end."""

    browser: Browser
    server: Server
    guards: list[Guard] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def page(self) -> tuple[Page, Guard]:
        guard = Guard()
        context = self.browser.new_context(viewport=VIEWPORT, base_url=self.server.url)
        context.route("**/*", guard.route)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda e: guard.errors.append(f"page error: {e}"))
        page.on("console", guard.console)
        self.guards.append(guard)
        self.contexts.append(context)
        return page, guard

    def close(self) -> None:
        for c in self.contexts:
            c.close()


@pytest.fixture
def browsing(browser: Browser, server: Server) -> Iterator[Browsing]:
    b = Browsing(browser, server)
    try:
        yield b
        for g in b.guards:
            assert g.foreign == [], f"requests left the machine: {g.foreign}"
            assert g.errors == [], f"the page reported errors: {g.errors}"
    finally:
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Callable[[str], Path]:
    ARTIFACTS.mkdir(exist_ok=True)

    def path(name: str) -> Path:
        return ARTIFACTS / name

    return path
