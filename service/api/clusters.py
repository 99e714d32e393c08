"""Contradiction and corroboration clusters."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.context import runtime
from service.api.schemas import (
    ApiErrorSchema,
    ClusterArgsSchema,
    ClusterClaimsJsonLdSchema,
    ClusterPageSchema,
    ClusterSchema,
    Page,
)
from service.storage import ClusterFilter
from service.usecases.cluster_views import ClusterView, cluster_view, list_cluster_views
from service.usecases.fact_checks import cluster_claims_jsonld

blp = Blueprint("clusters", __name__, url_prefix="/v1", description="Clusters of related claims.")


@blp.route("/clusters")
class Clusters(MethodView):
    @blp.arguments(ClusterArgsSchema, location="query")
    @blp.response(200, ClusterPageSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def get(self, args: dict[str, Any]) -> Page[ClusterView]:
        """List clusters, biggest first, filtered by kind, speaker, date range or text."""
        where = ClusterFilter(kind=args["kind"], speaker_id=args["speaker_id"], since=args["since"],
                              until=args["until"], q=args["q"])
        items, total = list_cluster_views(runtime(), where, args["limit"], args["offset"])
        return Page(items, total, args["limit"], args["offset"])


@blp.route("/clusters/<int(max=2147483647):cluster_id>")
class ClusterById(MethodView):
    @blp.response(200, ClusterSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, cluster_id: int) -> ClusterView:
        """Return a cluster with its sides and timeline."""
        return cluster_view(runtime(), cluster_id)


@blp.route("/clusters/<int(max=2147483647):cluster_id>/claims")
class ClusterClaims(MethodView):
    @blp.response(200, ClusterClaimsJsonLdSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, cluster_id: int) -> dict[str, Any]:
        """Return a cluster's claims as schema.org JSON-LD: an ItemList per side of Claims with their ClaimReviews."""
        return cluster_claims_jsonld(runtime(), cluster_id)
