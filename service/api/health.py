"""Liveness and readiness."""
from __future__ import annotations

import os
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.context import runtime
from service.api.schemas import ApiErrorSchema, HealthSchema
from service.runtime import Runtime

blp = Blueprint("health", __name__, url_prefix="/v1", description="Health of the service.")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=ApiErrorSchema, description="The database is unreachable.")
    def get(self) -> dict[str, Any]:
        """Liveness: models are loaded and the store answers (503 when the database is unreachable)."""
        return _status(runtime())


@blp.route("/ready")
class Ready(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=ApiErrorSchema, description="The database is unreachable.")
    def get(self) -> dict[str, Any]:
        """Readiness: catch this worker's index up with the store; 200 once it holds every stored statement,
        503 when the database is unreachable."""
        rt = runtime()
        rt.catch_up()
        return _status(rt)


def _status(rt: Runtime) -> dict[str, Any]:
    return {"status": "ok", "worker": os.getpid(), "statements": rt.store.last_statement_id(), "indexed": len(rt.index),
            "fact_checks": len(rt.fact_check_index),
            "database": rt.store.dialect}
