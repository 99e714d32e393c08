"""claimlens: claim verification over news text. `create_app()` is the WSGI entry point."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from service.runtime import Runtime
    from service.settings import Settings

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_OPEN = frozenset({"health.Health", "health.Ready"})  # probes answer without a key


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> Flask:
    """Build the Flask app: settings from the environment, models and store loaded once per process."""
    from flask import Flask

    from service.api import register_api
    from service.api.idempotency import install_idempotency
    from service.api.rate_limit import install_rate_limit
    from service.logs import configure_logging
    from service.runtime import build_runtime
    from service.settings import Settings
    from service.web import register_web

    settings = settings or (runtime.settings if runtime else Settings.from_env())
    configure_logging(settings.log_level)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    register_api(app)
    register_web(app)
    app.extensions["claimlens"] = runtime or build_runtime(settings)
    _install_request_hooks(app, settings)
    install_idempotency(app)
    install_rate_limit(app, settings)
    return app


def _install_request_hooks(app: Flask, settings: Settings) -> None:
    from flask import Response, g, request
    from flask.typing import ResponseReturnValue

    from service.api.errors import error_body

    key_hashes = [hashlib.sha256(key.encode()).digest() for key in settings.api_keys]
    access_log = logging.getLogger("service.access")

    @app.before_request
    def _start() -> ResponseReturnValue | None:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex
        g.started = time.perf_counter()
        keyed = request.method in _WRITE_METHODS or (settings.reads_need_key and request.endpoint not in _OPEN)
        if key_hashes and keyed and not _authorised(request.headers, key_hashes):
            from flask import jsonify

            response = jsonify(error_body(401, "A valid API key is required: Authorization: Bearer <key>."))
            response.headers["WWW-Authenticate"] = "Bearer"
            return response, 401
        body_is_json = request.method in _WRITE_METHODS and request.mimetype == "application/json"
        if body_is_json and _too_deep(request.get_data(cache=True)):
            from flask import jsonify

            body = error_body(400, "The JSON body is nested too deeply.", {"json": ["Nested too deeply."]})
            return jsonify(body), 400
        return None

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


def _authorised(headers: object, key_hashes: list[bytes]) -> bool:
    header = getattr(headers, "get")("Authorization", "")  # noqa: B009
    if not header.startswith("Bearer "):
        return False
    offered = hashlib.sha256(header[len("Bearer "):].strip().encode()).digest()
    # Compare against every key so the time taken does not reveal which one matched.
    return any([hmac.compare_digest(offered, known) for known in key_hashes])
