"""The HTTP edge: flask-smorest blueprints over the use cases."""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from service.api import claims, clusters, documents, health, jobs, statements, webhooks
from service.api.errors import register_error_handlers

API_CONFIG = {
    "API_TITLE": "claimlens",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    # the running service serves its own description at /v1/openapi.json (the same document as openapi.yaml)
    "OPENAPI_URL_PREFIX": "/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": "Statements, speakers and dates from news text; claims that corroborate or "
                                "contradict each other; contradiction clusters with sides and timelines."},
        # With API keys configured every write needs one (reads too when CLAIMLENS_READS_NEED_KEY is on);
        # without keys the service is open, hence the empty alternative.
        "security": [{"bearerAuth": []}, {}],
    },
}


def register_api(app: Flask) -> Api:
    """Register the blueprints and error handlers on an app."""
    app.config.update({key: value for key, value in API_CONFIG.items() if key not in app.config})
    api = Api(app)
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "One of the keys in CLAIMLENS_API_KEYS: Authorization: Bearer <key>."})
    for blueprint in (health.blp, documents.blp, statements.blp, claims.blp, clusters.blp, jobs.blp, webhooks.blp,
                      claims.google_blp):
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    return api
