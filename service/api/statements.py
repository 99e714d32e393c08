"""Statements and speakers."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.context import runtime
from service.api.schemas import (
    ApiErrorSchema,
    ClaimJsonLdSchema,
    Page,
    SpeakerArgsSchema,
    SpeakerPageSchema,
    SpeakerSchema,
    StatementArgsSchema,
    StatementPageSchema,
    StatementSchema,
    StatementsInSchema,
    StructuredResultSchema,
)
from service.domain.entities import Speaker, Statement
from service.storage import StatementFilter
from service.usecases import reads
from service.usecases.fact_checks import statement_claim_jsonld
from service.usecases.structured_statements import StructuredResult, StructuredStatement, ingest_statements

blp = Blueprint("statements", __name__, url_prefix="/v1", description="Stored statements and their speakers.")


@blp.route("/statements")
class Statements(MethodView):
    @blp.arguments(StatementArgsSchema, location="query")
    @blp.response(200, StatementPageSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def get(self, args: dict[str, Any]) -> Page[Statement]:
        """List statements, filtered by speaker, document, date range or text."""
        where = StatementFilter(speaker_id=args["speaker_id"], document_id=args["document_id"],
                                since=args["since"], until=args["until"], q=args["q"])
        items, total = reads.list_statements(runtime(), where, args["limit"], args["offset"])
        return Page(items, total, args["limit"], args["offset"])

    @blp.arguments(StatementsInSchema)
    @blp.response(201, StructuredResultSchema)
    @blp.alt_response(200, schema=StructuredResultSchema, description="Every claim was already stored.")
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, submitted: list[StructuredStatement]) -> tuple[StructuredResult, int]:
        """Store claims another tool holds (1 to 1,000, each with its speaker), related and clustered like
        extracted statements; the same claim, speaker and url again is stored once. All or nothing."""
        result = ingest_statements(runtime(), submitted)
        return result, 201 if result.created else 200


@blp.route("/statements/<int(max=2147483647):statement_id>")
class StatementById(MethodView):
    @blp.response(200, StatementSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, statement_id: int) -> Statement:
        """Return one statement."""
        return reads.get_statement(runtime(), statement_id)


@blp.route("/statements/<int(max=2147483647):statement_id>/claimreview")
class StatementClaimReview(MethodView):
    @blp.response(200, ClaimJsonLdSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, statement_id: int) -> dict[str, object]:
        """Describe a statement as a schema.org Claim (JSON-LD) with its ClaimReviews."""
        return statement_claim_jsonld(runtime(), statement_id)


@blp.route("/speakers")
class Speakers(MethodView):
    @blp.arguments(SpeakerArgsSchema, location="query")
    @blp.response(200, SpeakerPageSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def get(self, args: dict[str, Any]) -> Page[Speaker]:
        """List canonical speakers by name."""
        items, total = reads.list_speakers(runtime(), args["limit"], args["offset"], args["q"])
        return Page(items, total, args["limit"], args["offset"])


@blp.route("/speakers/<int(max=2147483647):speaker_id>")
class SpeakerById(MethodView):
    @blp.response(200, SpeakerSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, speaker_id: int) -> Speaker:
        """Return one speaker."""
        return reads.get_speaker(runtime(), speaker_id)
