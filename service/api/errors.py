"""One error shape for every failure: {"code", "status", "message", "errors"}."""
from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from service.errors import ClaimlensError, Conflict, InvalidInput, NotFound, NotReady, StoreUnavailable

logger = logging.getLogger(__name__)

_STATUS_OF: dict[type[ClaimlensError], int] = {NotFound: 404, InvalidInput: 422, Conflict: 409, NotReady: 503}


def error_body(code: int, message: str | None = None, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the contract's error object."""
    status = HTTPStatus(code)
    return {"code": code, "status": status.phrase, "message": message or status.description, "errors": errors or {}}


def register_error_handlers(app: Flask) -> None:
    """Map domain errors, HTTP errors and unexpected failures to JSON errors."""

    @app.errorhandler(ClaimlensError)
    def _domain(error: ClaimlensError) -> ResponseReturnValue:
        code = _STATUS_OF.get(type(error), 400)
        return jsonify(error_body(code, error.message, error.errors)), code

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = data.get("messages") or data.get("errors") or {}
        message = data.get("message") or _message_for(code, errors, error.description)
        response = jsonify(error_body(code, message, errors))
        for name, value in error.get_headers():
            if name.lower() not in {"content-type", "content-length"}:
                response.headers[name] = value
        return response, code

    @app.errorhandler(StoreUnavailable)
    def _database_unavailable(error: StoreUnavailable) -> ResponseReturnValue:
        # Connection refused or lost, server shutting down, lock timeout: the store, not the request, is at fault.
        logger.error("database unavailable in request %s: %s", g.get("request_id", "-"), error.message)
        response = jsonify(error_body(503, "The database is unavailable; retry shortly."))
        response.headers["Retry-After"] = "5"
        return response, 503

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        logger.exception("unhandled error in request %s", g.get("request_id", "-"))
        return jsonify(error_body(500, "Internal error; see the service log for request id "
                                       f"{g.get('request_id', '-')}.")), 500


def _message_for(code: int, errors: dict[str, Any], description: str | None) -> str:
    if code == 422 and errors:
        return "The request has invalid fields: see errors."
    if code == 400 and errors:
        return "The request body is not valid JSON."
    if code == 413:
        limit = request.max_content_length
        return (f"The request body is too large: at most {limit:,} bytes." if limit
                else "The request body is too large.")
    return description or HTTPStatus(code).description
