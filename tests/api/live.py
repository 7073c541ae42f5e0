"""Helpers for tests against a real server: free ports, a server in a thread, and a reader of
server-sent events in a thread."""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server_in_thread(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def wait_until_up(
    base: str, timeout: float = 30.0, alive: Callable[[], bool] = lambda: True
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"the server at {base} exited before answering")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"no answer from {base} within {timeout} s")


class Stream:
    """Reads an event stream in a thread; `next(pred)` waits for a message that matches."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.status: int | None = None
        self.opened = threading.Event()
        self._stop = threading.Event()
        self._client = httpx.Client(timeout=httpx.Timeout(5.0, read=None))
        self._thread = threading.Thread(target=self._run, args=(url, headers or {}), daemon=True)
        self._thread.start()
        if not self.opened.wait(15):
            raise TimeoutError(f"the stream {url} did not open")

    def _run(self, url: str, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                self.status = r.status_code
                self.opened.set()
                last_id: str | None = None
                for line in r.iter_lines():
                    if self._stop.is_set():
                        return
                    if line.startswith("id: "):
                        last_id = line[4:]
                    elif line.startswith("data: "):
                        data = json.loads(line[6:])
                        data["_id"] = last_id
                        last_id = None
                        self.messages.put(data)
        except httpx.HTTPError:
            self.opened.set()

    def next(self, pred: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching message on the stream")
            try:
                m = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if pred(m):
                return m

    def close(self) -> None:
        self._stop.set()
        self._client.close()
        self._thread.join(timeout=2)
