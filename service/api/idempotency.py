"""`Idempotency-Key` on POST: a retried request gets the first answer again instead of doing the work twice.

The first request with a key claims it in the store (a row without an answer); its answer is kept for 24 hours.
A retry with the same key and the same request gets that answer again (header `Idempotent-Replayed: true`); the
same key with a different request is refused (422), and a retry while the first is still running gets 409.
Answers of 5xx are not kept, so such a request can be retried. Keys are per caller (per API key).
"""
from __future__ import annotations

import hashlib
import re

from flask import Flask, Response, g, jsonify, request
from flask.typing import ResponseReturnValue

from service.api.context import runtime
from service.api.errors import error_body
from service.usecases.idempotency import claim_key, keep_answer, release_key

HEADER = "Idempotency-Key"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


def install_idempotency(app: Flask) -> None:
    app.before_request(_claim_key)
    app.after_request(_keep_answer)
    app.teardown_request(_release_key)


def _claim_key() -> ResponseReturnValue | None:
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not _VALID_KEY.match(key):
        return _refuse(422, "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.")
    owner = _owner()
    fingerprint = hashlib.sha256(
        b"\n".join([request.method.encode(), request.full_path.encode(), request.get_data()])).hexdigest()
    found = claim_key(runtime(), owner, key, fingerprint)
    if found.state == "new":
        g.idempotency = (owner, key)
        return None
    if found.state == "replay":
        response = Response(found.body, status=found.status, mimetype="application/json")
        response.headers["Idempotent-Replayed"] = "true"
        return response
    if found.state == "mismatch":
        return _refuse(422, "This Idempotency-Key was used for a different request.")
    return _refuse(409, "A request with this Idempotency-Key is still in progress; retry later.")


def _keep_answer(response: Response) -> Response:
    claimed: tuple[str, str] | None = g.pop("idempotency", None)
    if claimed is None:
        return response
    owner, key = claimed
    if response.status_code >= 500:
        release_key(runtime(), owner, key)
    else:
        keep_answer(runtime(), owner, key, response.status_code, response.get_data(as_text=True))
    return response


def _release_key(_error: BaseException | None) -> None:
    claimed = g.pop("idempotency", None)  # still here only when no answer was produced
    if claimed is not None:
        release_key(runtime(), *claimed)


def _owner() -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return hashlib.sha256(header[len("Bearer "):].strip().encode()).hexdigest()
    return "anonymous"


def _refuse(code: int, message: str) -> ResponseReturnValue:
    return jsonify(error_body(code, message, {"headers": {HEADER: [message]}})), code
