"""Every request: an id (echoed in `X-Request-Id`), an access-log line, and JSON bodies too deep to parse refused."""
from __future__ import annotations

import json
import logging
import time
import uuid

from flask import Flask, Response, g, jsonify, request
from flask.typing import ResponseReturnValue

from service.api.auth import WRITE_METHODS
from service.api.errors import error_body

access_log = logging.getLogger("service.access")
PAGES = "web"  # the blueprint of the pages for people; every other blueprint is the JSON API


def install_request_hooks(app: Flask) -> None:
    """Give each request an id and log it when answered."""

    @app.before_request
    def _start() -> None:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "")
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        access_log.info("request", extra={
            "request_id": g.get("request_id"), "method": request.method,
            "route": request.url_rule.rule if request.url_rule else None, "status": response.status_code,
            "duration_ms": round(elapsed_ms, 1),
        })
        return response


def install_body_checks(app: Flask, body_limits: dict[str, int] | None = None) -> None:
    """Refuse a write whose body is not JSON (415) or is nested deeper than the parser can follow (400), before
    any view reads it; keep `Retry-After` to the answers it means something on (429, 503). `body_limits` gives
    an endpoint its own body size limit instead of `MAX_CONTENT_LENGTH`."""
    limits = dict(body_limits or {})

    @app.before_request
    def _check_body() -> ResponseReturnValue | None:
        if request.method not in WRITE_METHODS or request.blueprint in (None, PAGES):
            return None
        if request.endpoint in limits:
            request.max_content_length = limits[request.endpoint]
        if not request.is_json:
            message = "Send the body as JSON, with Content-Type: application/json."
            body = error_body(415, message, {"headers": {"Content-Type": [message]}})
            return jsonify(body), 415
        if _too_deep(request.get_data(cache=True)):
            body = error_body(400, "The JSON body is nested too deeply.", {"json": ["Nested too deeply."]})
            return jsonify(body), 400
        return None

    @app.after_request
    def _retry_after_only_when_it_applies(response: Response) -> Response:
        if response.status_code not in (429, 503):
            response.headers.pop("Retry-After", None)
        return response


def _too_deep(body: bytes) -> bool:
    """True when the JSON parser would exhaust Python's recursion limit on this body (malformed JSON is not
    judged here: the schemas answer 400 for it)."""
    try:
        json.loads(body)
    except RecursionError:
        return True
    except ValueError:
        return False
    return False
