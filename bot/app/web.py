"""HTTP mode: Bolt's WSGI adapter for Slack requests (and OAuth installs), a health check and
Prometheus metrics, served by waitress."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from waitress.server import create_server

from bot.core.logging_setup import bind_request
from bot.core.metrics import ACK_LATENCY, exposition

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000  # Slack payloads are far smaller; a bigger body is refused unread

StartResponse = Callable[..., Any]


class CoachbotWSGI:
    def __init__(self, app: App, sessions: sessionmaker[Session]) -> None:
        self.slack = SlackRequestHandler(app)
        self.app = app
        self.sessions = sessions

    def health(self) -> tuple[int, dict[str, Any]]:
        checks: dict[str, str] = {}
        try:
            with self.sessions() as session:
                session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            self.app.client.api_call("auth.test")
            checks["slack"] = "ok"
        except Exception as exc:
            checks["slack"] = f"error: {type(exc).__name__}"
        healthy = all(value == "ok" for value in checks.values())
        return (200 if healthy else 503), {"status": "ok" if healthy else "degraded", **checks}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method == "GET":
            status, payload = self.health()
            return _json(start_response, status, payload)
        if path == "/metrics" and method == "GET":
            body = exposition(self.sessions)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
            return [body]
        if int(environ.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return _json(start_response, 413, {"error": "request body too large"})
        if method != "POST":
            return self.slack(environ, start_response)  # GET /slack/install and /slack/oauth_redirect
        return self._timed_slack_request(environ, start_response, path)

    def _timed_slack_request(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        """Bolt answers once the listener has acked, so this is the ack latency Slack sees."""
        request_id = bind_request(environ.get("HTTP_X_REQUEST_ID"))
        started = time.perf_counter()
        status_line = ""

        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            nonlocal status_line
            status_line = status
            return start_response(status, [*headers, ("X-Request-Id", request_id)], *exc_info)

        try:
            return self.slack(environ, start)
        finally:
            elapsed = time.perf_counter() - started
            ACK_LATENCY.observe(elapsed)
            log.info("slack request", extra={"path": path, "status": status_line[:3], "ms": round(elapsed * 1000, 1)})


def _json(start_response: StartResponse, status: int, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    reason = {200: "OK", 413: "Payload Too Large", 503: "Service Unavailable"}.get(status, "")
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class BackgroundServer:
    """waitress on a thread: HTTP mode for the playground, tests and benchmarks."""

    def __init__(self, wsgi: Callable[..., Any], host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        self.server = create_server(
            wsgi,
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=MAX_BODY_BYTES,
            asyncore_loop_timeout=0.1,  # how soon stop() is noticed
        )
        self.thread = threading.Thread(target=self.server.run, name="coachbot-http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"  # type: ignore[union-attr]

    def start(self) -> BackgroundServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        """Let the loop end (an empty map) before closing its sockets, so it never polls a closed one."""
        socket_map: dict[int, Any] = getattr(self.server, "map", None) or self.server._map  # type: ignore[union-attr]
        dispatchers = list(socket_map.values())
        socket_map.clear()
        self.thread.join(timeout=5)
        for dispatcher in dispatchers:
            dispatcher.close()
        self.server.task_dispatcher.shutdown()
