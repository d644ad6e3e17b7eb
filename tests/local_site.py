"""A local web server for tests: routes to canned replies, and a record of what it saw.

Serves on 127.0.0.1 only; no test touches the network.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

HTML = b"<html><body><p>The mayor said the bridge would reopen.</p></body></html>"
PROXY_VARIABLES = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
]


@dataclass
class Reply:
    status: int = 200
    body: bytes = HTML
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0
    send_length: bool = True


@dataclass
class Hit:
    path: str
    at: float
    user_agent: str


@dataclass
class Site:
    """What the local server answers (``routes``) and what it saw (``hits``)."""

    base: str = ""
    routes: dict[str, Reply | list[Reply]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    active: int = 0
    max_active: int = 0

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def reply(self, path: str, seen: int) -> Reply:
        route = self.routes.get(path, Reply(404, b"not found"))
        if isinstance(route, list):
            return route[min(seen, len(route) - 1)]  # a list is played in order, then repeats
        return route


class _Handler(BaseHTTPRequestHandler):
    site: Site  # set on a per-server subclass

    def do_GET(self) -> None:
        site = self.site
        with site.lock:
            seen = sum(1 for hit in site.hits if hit.path == self.path)
            site.hits.append(Hit(self.path, time.monotonic(), self.headers.get("User-Agent", "")))
            site.active += 1
            site.max_active = max(site.max_active, site.active)
        try:
            reply = site.reply(self.path, seen)
            if reply.delay:
                site.release.wait(reply.delay)  # set at teardown, so no thread outlives a test
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.send_length:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout, size cap): what these tests provoke
        finally:
            with site.lock:
                site.active -= 1

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """A running local server; its routes can be set while it runs."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    site = Site()
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # Non-daemon handler threads are joined by server_close(): nothing leaks past the test.
    server.daemon_threads = False
    server.block_on_close = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield site
    site.release.set()
    server.shutdown()
    thread.join()
    server.server_close()
