"""Relations between claims, claim matching, and the fact-check formats."""
from __future__ import annotations

import base64
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service import matching, pipeline
from service.api.context import runtime
from service.api.schemas import (
    ApiErrorSchema,
    ClaimReviewImportSchema,
    ClaimsSearchArgsSchema,
    ClaimsSearchResultSchema,
    ClassifyInSchema,
    ClassifyResultSchema,
    ImportResultSchema,
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
        """Classify each (claim, other) pair as corroborates, contradicts, discusses or unrelated.

        Two claims (`other` up to 400 characters) are read both ways and averaged: their order does not matter.
        A longer `other` is a passage, read as evidence about the claim.
        """
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
        """Find stored statements and imported fact-checks that match the claims of a text; stores nothing."""
        rt = runtime()
        top_k = body["top_k"] or rt.settings.match_top_k
        return {"matches": [_match(m) for m in matching.match_claim(rt, body["text"], top_k, body["published_at"])]}


def _match(m: matching.Match) -> dict[str, Any]:
    relation = {"label": m.relation.label, "probability": m.relation.probability}
    if m.fact_check is not None:
        fact = m.fact_check.fact_check
        review = {"url": fact.url, "rating": fact.rating, "publisher": fact.publisher, "date": fact.review_date,
                  "title": fact.title, "claimant": fact.claimant}
        return {"statement_id": None, "claim_review_id": m.fact_check.id, "query": m.query, "claim": fact.claim,
                "speaker": None, "date": fact.claim_date, "similarity": m.similarity, "score": m.score,
                "relation": relation, "claim_review": review}
    assert m.statement is not None
    return {"statement_id": m.statement.id, "claim_review_id": None, "query": m.query, "claim": m.statement.claim,
            "speaker": m.statement.speaker, "date": m.statement.date, "similarity": m.similarity, "score": m.score,
            "relation": relation, "claim_review": None}


@blp.route("/claimreviews")
class ClaimReviews(MethodView):
    @blp.arguments(ClaimReviewImportSchema)
    @blp.response(201, ImportResultSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, items: list[Any]) -> dict[str, Any]:
        """Import schema.org ClaimReview JSON-LD: one object, or {claim_reviews: [...]} (up to 1,000).

        Also accepts the Claim objects of Google's Fact Check Tools API. A review is identified by its url:
        importing a stored url updates it. All or nothing: one invalid item rejects the request (422) with every
        item's errors under `errors.claim_reviews.<position>`.
        """
        outcome = matching.import_fact_checks(runtime(), items)
        return {"imported": len(outcome.ids), "created": outcome.created, "updated": outcome.updated,
                "ids": outcome.ids}


@blp.route("/claims:search")
class ClaimsSearch(MethodView):
    @blp.arguments(ClaimsSearchArgsSchema, location="query")
    @blp.response(200, ClaimsSearchResultSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search fact-checks with the parameters and answer of Google's Fact Check Tools `claims:search`."""
        offset = args["offset"] if args["offset"] is not None else _page_offset(args["pageToken"])
        page = matching.search_fact_checks(
            runtime(), args["query"], args["reviewPublisherSiteFilter"], args["languageCode"], args["maxAgeDays"],
            offset, args["pageSize"])
        answer: dict[str, Any] = {"claims": [matching.google_claim(f) for f in page.fact_checks]}
        if page.next_offset is not None:
            answer["nextPageToken"] = _page_token(page.next_offset)
        return answer


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _page_offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, number = decoded.partition(":")
        offset = int(number)
        if kind != "offset" or not 0 <= offset <= 10_000:
            raise ValueError(decoded)
    except (ValueError, UnicodeDecodeError):
        abort(422, message="Invalid pageToken.", errors={"query": {"pageToken": ["Not a token this API issued."]}})
    return offset
