"""/healthz, /readyz and /metrics: a tiny HTTP server beside ``mailbot run``, and Starlette routes.

``start_health_server(deps, host, port)`` serves them from a daemon thread (stdlib
``ThreadingHTTPServer``: no event loop to share with the daemon) and returns a handle
with ``.port`` and ``.stop()``. ``health_routes(deps)`` gives the same endpoints to the
web page's Starlette app. Both answer through ``answer(deps, path)``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mailbot.context import Deps
from mailbot.ops import metrics
from mailbot.ops.health import readiness

log = logging.getLogger(__name__)

JSON = "application/json"
PATHS = ("/healthz", "/readyz", "/metrics")


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def _json(status: int, value: dict[str, Any]) -> Answer:
    return Answer(status, JSON, json.dumps(value, sort_keys=True).encode() + b"\n")


class Endpoints:
    """What each path answers for one set of Deps; the metrics registry is made once."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        store = metrics.StoreCollector(deps.sessions, deps.clock)
        self.registry = metrics.scrape_registry(store) if deps.settings.ops.metrics else None

    def answer(self, path: str) -> Answer:
        if path == "/healthz":
            return _json(200, {"status": "alive"})
        if path == "/readyz":
            return self._ready()
        if path == "/metrics" and self.registry is not None:
            try:
                return Answer(200, metrics.CONTENT_TYPE, metrics.exposition(self.registry))
            except Exception as exc:  # the database went away: say so, keep serving
                log.warning("metrics: the store could not be read (%s)", type(exc).__name__)
                return _json(503, {"status": "the store could not be read"})
        return _json(404, {"status": "not found"})

    def _ready(self) -> Answer:
        try:
            with self.deps.sessions() as session:
                ok, checks = readiness(session, self.deps.settings, self.deps.clock.now())
        except Exception as exc:  # cannot even open a session: not ready
            ok, checks = False, {"database": {"ok": False, "error": type(exc).__name__}}
        return _json(200 if ok else 503, {"status": "ready" if ok else "not ready", **checks})


class _Handler(BaseHTTPRequestHandler):
    endpoints: Endpoints
    server_version = "mailbot"

    def do_GET(self) -> None:
        answer = self.endpoints.answer(self.path.split("?", 1)[0])
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("health server: " + format, *args)


@dataclass
class HealthServer:
    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_health_server(deps: Deps, host: str, port: int) -> HealthServer:
    """Serve /healthz, /readyz and /metrics on ``host:port`` (port 0: any free port)."""
    handler = type("Handler", (_Handler,), {"endpoints": Endpoints(deps)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="mailbot-health", daemon=True)
    thread.start()
    log.info("health and metrics on http://%s:%d/", host, server.server_address[1])
    return HealthServer(server, thread)


@contextmanager
def serve_health(deps: Deps) -> Iterator[HealthServer | None]:
    """The health server for ``mailbot run`` while the block runs, when ``[ops] health_port`` is set."""
    ops = deps.settings.ops
    if not ops.health_port:
        yield None
        return
    handle = start_health_server(deps, ops.health_host, ops.health_port)
    try:
        yield handle
    finally:
        handle.stop()


def health_routes(deps: Deps) -> list[Route]:
    """The same endpoints for a Starlette app (the web page mounts these)."""
    endpoints = Endpoints(deps)

    def endpoint_for(path: str) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            answer = endpoints.answer(path)
            return Response(
                answer.body,
                status_code=answer.status,
                media_type=answer.content_type,
                headers={"Cache-Control": "no-store"},
            )

        return endpoint

    return [Route(path, endpoint_for(path), methods=["GET"]) for path in PATHS]
