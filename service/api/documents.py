"""Extraction and documents."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.context import runtime
from service.api.schemas import (
    ApiErrorSchema,
    DocumentDetailSchema,
    DocumentInSchema,
    DocumentPageSchema,
    ExtractInSchema,
    ExtractionSchema,
    IngestResultSchema,
    Page,
    PageArgsSchema,
)
from service.domain.entities import Document, DocumentSubmission, Extraction
from service.usecases import reads
from service.usecases.ingest import IngestResult, extract_text, ingest_document
from service.usecases.reads import DocumentDetail

blp = Blueprint("documents", __name__, url_prefix="/v1", description="Statements out of news text.")


@blp.route("/extract")
class Extract(MethodView):
    @blp.arguments(ExtractInSchema)
    @blp.response(200, ExtractionSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, body: dict[str, Any]) -> Extraction:
        """Extract statements and time expressions from a text; store nothing."""
        return extract_text(runtime().models, body["text"], body["published_at"])


@blp.route("/documents")
class Documents(MethodView):
    @blp.arguments(DocumentInSchema)
    @blp.response(201, IngestResultSchema)
    @blp.alt_response(200, schema=IngestResultSchema, description="The same text was already stored.")
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, submission: DocumentSubmission) -> tuple[IngestResult, int]:
        """Store a document with its statements, relations and clusters (the same text is stored once)."""
        result = ingest_document(runtime(), submission)
        return result, 201 if result.created else 200

    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, DocumentPageSchema)
    def get(self, args: dict[str, Any]) -> Page[Document]:
        """List stored documents, newest first."""
        items, total = reads.list_documents(runtime(), args["limit"], args["offset"])
        return Page(items, total, args["limit"], args["offset"])


@blp.route("/documents/<int(max=2147483647):document_id>")
class DocumentById(MethodView):
    @blp.response(200, DocumentDetailSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, document_id: int) -> DocumentDetail:
        """Return a document with its statements."""
        return reads.document_detail(runtime(), document_id)
