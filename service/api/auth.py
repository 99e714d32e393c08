"""API keys: with keys set, writes (and, if asked, reads) need `Authorization: Bearer <key>`."""
from __future__ import annotations

import hashlib
import hmac

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

from service.api.errors import error_body
from service.settings import Settings

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_OPEN = frozenset({"health.Health", "health.Ready"})  # probes answer without a key


def install_auth(app: Flask, settings: Settings) -> None:
    """Refuse requests that need a key and carry none of the configured ones (401)."""
    key_hashes = [hashlib.sha256(key.encode()).digest() for key in settings.api_keys]

    @app.before_request
    def _check_key() -> ResponseReturnValue | None:
        keyed = request.method in WRITE_METHODS or (settings.reads_need_key and request.endpoint not in _OPEN)
        if key_hashes and keyed and not _authorised(request.headers.get("Authorization", ""), key_hashes):
            response = jsonify(error_body(401, "A valid API key is required: Authorization: Bearer <key>."))
            response.headers["WWW-Authenticate"] = "Bearer"
            return response, 401
        return None


def _authorised(header: str, key_hashes: list[bytes]) -> bool:
    if not header.startswith("Bearer "):
        return False
    offered = hashlib.sha256(header[len("Bearer "):].strip().encode()).digest()
    # Compare against every key so the time taken does not reveal which one matched.
    return any([hmac.compare_digest(offered, known) for known in key_hashes])
