"""A real HTTP server on 127.0.0.1 for source tests: fixed routes, scripted failures, a request log.

Routes are keyed by path plus query exactly as a client sends them. A route can answer ETag and
Last-Modified conditionally (304), fail its first requests with given statuses (0 drops the
connection without an answer), or wait before answering.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

NOT_FOUND_PAGE = b"<!DOCTYPE html><html><body><h1>Siden blev ikke fundet</h1></body></html>"
DROP_CONNECTION = 0


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (timeouts, size limits) are expected here, not errors to print."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return


@dataclass
class Route:
    """What one path answers."""

    body: bytes
    content_type: str = "application/pdf"
    etag: str | None = None
    last_modified: str | None = None
    failures: list[int] = field(default_factory=list)  # statuses for the next requests, in order
    delay_seconds: float = 0.0
    redirect_to: str | None = None  # answer 302 with this Location instead
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SeenRequest:
    """One request as the server received it."""

    path: str
    headers: dict[str, str]


class LocalHttpServer:
    """A threaded http.server on an ephemeral port of 127.0.0.1; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, body: bytes, content_type: str = "application/pdf", **options: object) -> Route:
        route = Route(body=body, content_type=content_type, **options)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def count(self, path: str) -> int:
        """How many requests asked for `path` (path plus query, as routed)."""
        with self._lock:
            return sum(1 for request in self.requests if request.path == path)

    def paths(self) -> list[str]:
        with self._lock:
            return [request.path for request in self.requests]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def __enter__(self) -> LocalHttpServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                with server._lock:
                    server.requests.append(
                        SeenRequest(self.path, {k.lower(): v for k, v in self.headers.items()})
                    )
                    route = server.routes.get(self.path)
                    failure = route.failures.pop(0) if route is not None and route.failures else None
                if route is None:
                    self._answer(404, NOT_FOUND_PAGE, "text/html; charset=utf-8")
                    return
                if route.delay_seconds:
                    time.sleep(route.delay_seconds)
                if failure == DROP_CONNECTION:
                    self.close_connection = True
                    return
                if route.redirect_to is not None:
                    self.send_response(302)
                    self.send_header("Location", route.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if failure is not None:
                    self._answer(failure, b"<html><body>Midlertidig fejl</body></html>", "text/html", route)
                    return
                if self._not_modified(route):
                    self._answer(304, b"", None, route)
                    return
                self._answer(200, route.body, route.content_type, route)

            def _not_modified(self, route: Route) -> bool:
                if route.etag is not None and self.headers.get("If-None-Match") == route.etag:
                    return True
                return (
                    route.last_modified is not None
                    and self.headers.get("If-Modified-Since") == route.last_modified
                )

            def _answer(
                self, status: int, body: bytes, content_type: str | None, route: Route | None = None
            ) -> None:
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                if route is not None:
                    if route.etag:
                        self.send_header("ETag", route.etag)
                    if route.last_modified:
                        self.send_header("Last-Modified", route.last_modified)
                    for name, value in route.extra_headers.items():
                        self.send_header(name, value)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
                return

        return Handler
