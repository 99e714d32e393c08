"""marshmallow schemas of the HTTP contract: inputs load into dataclasses, outputs dump entities and results."""
from __future__ import annotations

from service.api.schemas.common import Page
from service.api.schemas.inputs import (
    ClaimReviewImportSchema,
    ClaimsSearchArgsSchema,
    ClassifyInSchema,
    ClusterArgsSchema,
    DocumentInSchema,
    ExtractInSchema,
    JobInSchema,
    MatchInSchema,
    PageArgsSchema,
    SpeakerArgsSchema,
    StatementArgsSchema,
    StatementsInSchema,
)
from service.api.schemas.outputs import (
    ApiErrorSchema,
    ClaimJsonLdSchema,
    ClaimsSearchResultSchema,
    ClassifyResultSchema,
    ClusterClaimsJsonLdSchema,
    ClusterPageSchema,
    ClusterSchema,
    DocumentDetailSchema,
    DocumentPageSchema,
    ExtractionSchema,
    HealthSchema,
    ImportResultSchema,
    IngestResultSchema,
    JobAcceptedSchema,
    JobSchema,
    MatchResultSchema,
    SpeakerPageSchema,
    SpeakerSchema,
    StatementPageSchema,
    StatementSchema,
    StructuredResultSchema,
)

__all__ = [
    "ApiErrorSchema", "ClaimJsonLdSchema", "ClaimReviewImportSchema", "ClaimsSearchArgsSchema",
    "ClaimsSearchResultSchema", "ClassifyInSchema", "ClassifyResultSchema", "ClusterArgsSchema",
    "ClusterClaimsJsonLdSchema", "ClusterPageSchema", "ClusterSchema", "DocumentDetailSchema", "DocumentInSchema",
    "DocumentPageSchema", "ExtractInSchema", "ExtractionSchema", "HealthSchema", "ImportResultSchema",
    "IngestResultSchema", "JobAcceptedSchema", "JobInSchema", "JobSchema", "MatchInSchema", "MatchResultSchema",
    "Page", "PageArgsSchema", "SpeakerArgsSchema", "SpeakerPageSchema", "SpeakerSchema", "StatementArgsSchema",
    "StatementPageSchema", "StatementSchema", "StatementsInSchema", "StructuredResultSchema",
]
