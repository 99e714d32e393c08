"""Liveness and readiness."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.context import runtime
from service.api.schemas import HealthSchema
from service.runtime import Runtime

blp = Blueprint("health", __name__, url_prefix="/v1", description="Health of the service.")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """Report that models are loaded and the store answers."""
        return _status(runtime())


@blp.route("/ready")
class Ready(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, Any]:
        """Catch the index up with the store and report readiness."""
        rt = runtime()
        rt.catch_up()
        return _status(rt)


def _status(rt: Runtime) -> dict[str, Any]:
    return {"status": "ok", "statements": rt.store.last_statement_id(), "indexed": len(rt.index),
            "fact_checks": len(rt.fact_check_index),
            "database": rt.store.dialect}
