"""Relations between claims, claim matching, and the fact-check formats."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

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
from service.domain.relation.classifier import RelationScores
from service.usecases.fact_checks import ImportOutcome, SearchPage, import_fact_checks, search_fact_checks
from service.usecases.matching import Match, match_claim
from service.usecases.relations import classify_pairs

blp = Blueprint("claims", __name__, url_prefix="/v1", description="Claim relations and claim matching.")


@blp.route("/relations/classify")
class ClassifyRelations(MethodView):
    @blp.arguments(ClassifyInSchema)
    @blp.response(200, ClassifyResultSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, body: dict[str, Any]) -> list[RelationScores]:
        """Classify each (claim, other) pair as corroborates, contradicts, discusses or unrelated.

        Two claims (`other` up to 400 characters) are read both ways and averaged: their order does not matter.
        A longer `other` is a passage, read as evidence about the claim.
        """
        return classify_pairs(runtime().models, [(pair["claim"], pair["other"]) for pair in body["pairs"]])


@blp.route("/claims/match")
class MatchClaims(MethodView):
    @blp.arguments(MatchInSchema)
    @blp.response(200, MatchResultSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, body: dict[str, Any]) -> list[Match]:
        """Find stored statements and imported fact-checks that match the claims of a text; stores nothing."""
        rt = runtime()
        return match_claim(rt, body["text"], body["top_k"] or rt.settings.match_top_k, body["published_at"],
                           relations=body["relations"])


@blp.route("/claimreviews")
class ClaimReviews(MethodView):
    @blp.arguments(ClaimReviewImportSchema)
    @blp.response(201, ImportResultSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, items: list[Any]) -> ImportOutcome:
        """Import schema.org ClaimReview JSON-LD: one object, or {claim_reviews: [...]} (up to 1,000).

        Also accepts the Claim objects of Google's Fact Check Tools API. A review is identified by its url:
        importing a stored url updates it. All or nothing: one invalid item rejects the request (422) with every
        item's errors under `errors.claim_reviews.<position>`.
        """
        return import_fact_checks(runtime(), items)


@blp.route("/claims:search")
class ClaimsSearch(MethodView):
    @blp.arguments(ClaimsSearchArgsSchema, location="query")
    @blp.response(200, ClaimsSearchResultSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def get(self, args: dict[str, Any]) -> SearchPage:
        """Search fact-checks with the parameters and answer of Google's Fact Check Tools `claims:search`.

        Only fact-checks at least as similar to the query as the relevance floor are found: for an unrelated query
        the answer is `{}`, as Google's is.
        """
        return _search(args)


google_blp = Blueprint("google", __name__, url_prefix="/v1alpha1",
                       description="Google Fact Check Tools, at the path its own API clients request.")


@google_blp.route("/claims:search")
class GoogleClaimsSearch(MethodView):
    @google_blp.arguments(ClaimsSearchArgsSchema, location="query")
    @google_blp.response(200, ClaimsSearchResultSchema)
    @google_blp.alt_response(422, schema=ApiErrorSchema)
    def get(self, args: dict[str, Any]) -> SearchPage:
        """`GET /v1/claims:search` at the path of Google's `factchecktools` v1alpha1, so that Google's own clients
        work with only their endpoint changed."""
        return _search(args)


def _search(args: dict[str, Any]) -> SearchPage:
    return search_fact_checks(
        runtime(), args["query"], args["reviewPublisherSiteFilter"], args["languageCode"], args["maxAgeDays"],
        args["offset"], args["pageSize"])
