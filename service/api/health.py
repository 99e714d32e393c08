"""Liveness and readiness."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.context import runtime
from service.api.schemas import ApiErrorSchema, HealthSchema
from service.usecases.reads import HealthReport, health

blp = Blueprint("health", __name__, url_prefix="/v1", description="Health of the service.")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=ApiErrorSchema, description="The database is unreachable.")
    def get(self) -> HealthReport:
        """Liveness: models are loaded and the store answers (503 when the database is unreachable)."""
        return health(runtime())


@blp.route("/ready")
class Ready(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=ApiErrorSchema, description="The database is unreachable.")
    def get(self) -> HealthReport:
        """Readiness: catch this worker's index up with the store; 200 once it holds every stored statement,
        503 when the database is unreachable."""
        return health(runtime(), catch_up=True)
