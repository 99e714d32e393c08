"""Relations between claims, claim matching, and the fact-check formats."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service import pipeline
from service.api.context import runtime
from service.api.schemas import (
    ApiErrorSchema,
    ClaimsSearchArgsSchema,
    ClassifyInSchema,
    ClassifyResultSchema,
    MatchInSchema,
    MatchResultSchema,
)

blp = Blueprint("claims", __name__, url_prefix="/v1", description="Claim relations and claim matching.")


@blp.route("/relations/classify")
class ClassifyRelations(MethodView):
    @blp.arguments(ClassifyInSchema)
    @blp.response(200, ClassifyResultSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Classify each (claim, other) pair as corroborates, contradicts, discusses or unrelated."""
        pairs = [(pair["claim"], pair["other"]) for pair in body["pairs"]]
        scores = pipeline.classify_pairs(runtime().models, pairs)
        return {"results": [
            {"label": s.label, "probabilities": {str(kind): p for kind, p in s.probabilities.items()}}
            for s in scores
        ]}


@blp.route("/claims/match")
class MatchClaims(MethodView):
    @blp.arguments(MatchInSchema)
    @blp.response(200, MatchResultSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Find stored statements that corroborate, contradict or discuss the claims of a text."""
        rt = runtime()
        top_k = body["top_k"] or rt.settings.match_top_k
        matches = pipeline.match_claim(rt, body["text"], top_k, body["published_at"])
        return {"matches": [
            {"statement_id": m.statement.id, "claim_review_id": None, "query": m.query, "claim": m.statement.claim,
             "speaker": m.statement.speaker, "date": m.statement.date, "similarity": m.similarity,
             "relation": {"label": m.relation.label, "probability": m.relation.probability}, "claim_review": None}
            for m in matches
        ]}


@blp.route("/claimreviews")
class ClaimReviews(MethodView):
    @blp.response(501, ApiErrorSchema, description="Not implemented yet: ClaimReview import comes with claim matching.")
    def post(self) -> None:
        """Import schema.org ClaimReview JSON-LD (not implemented yet: answers 501)."""
        abort(501, message="ClaimReview import is not implemented yet.")


@blp.route("/claims:search")
class ClaimsSearch(MethodView):
    @blp.arguments(ClaimsSearchArgsSchema, location="query")
    @blp.response(501, ApiErrorSchema, description="Not implemented yet: the Google-compatible search comes later.")
    def get(self, args: dict[str, Any]) -> None:
        """Search claims in the shape of Google's Fact Check Tools API (not implemented yet: answers 501)."""
        abort(501, message="claims:search is not implemented yet.")
