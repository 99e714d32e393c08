"""marshmallow schemas of the HTTP contract: inputs load into dataclasses, outputs dump entities."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from service.domain.entities import ClusterKind, DateBasis, RelationKind, SpeakerKind
from service.pipeline import DocumentSubmission

MAX_TEXT_CHARS = 200_000
MAX_CLAIM_CHARS = 2_000
MAX_PASSAGE_CHARS = 10_000
MAX_PAIRS = 256
MAX_ID = 2**31 - 1


def _has_content(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain non-whitespace text.")
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")


def _text(max_chars: int, description: str, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=max_chars), _has_content],
                         metadata={"description": description}, **kwargs)


def _optional_text(max_chars: int, description: str) -> fields.String:
    return fields.String(load_default=None, allow_none=True,
                         validate=[validate.Length(max=max_chars), _no_nul], metadata={"description": description})


class StrictSchema(Schema):
    """Rejects unknown fields."""

    class Meta:
        unknown = RAISE


# --- inputs ----------------------------------------------------------------------------------------------


class ExtractInSchema(StrictSchema):
    text = _text(MAX_TEXT_CHARS, "News text to analyse (at most 200,000 characters).", required=True)
    published_at = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Publication date (YYYY-MM-DD) that relative dates "
                                                        "resolve against; without it they stay null."})


class DocumentInSchema(StrictSchema):
    text = _text(MAX_TEXT_CHARS, "The article text (at most 200,000 characters).", required=True)
    published_at = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Publication date, YYYY-MM-DD."})
    title = _optional_text(1_000, "Headline or title.")
    url = fields.Url(load_default=None, allow_none=True, validate=validate.Length(max=2_000),
                     metadata={"description": "Where the article was published."})
    publisher = _optional_text(500, "Publisher name.")

    @post_load
    def to_submission(self, data: dict[str, Any], **_: Any) -> DocumentSubmission:
        return DocumentSubmission(**data)


class PairInSchema(StrictSchema):
    claim = _text(MAX_CLAIM_CHARS, "The claim (at most 2,000 characters).", required=True)
    other = _text(MAX_PASSAGE_CHARS, "Another claim or a passage (at most 10,000 characters).", required=True)


class ClassifyInSchema(StrictSchema):
    pairs = fields.List(fields.Nested(PairInSchema), required=True, validate=validate.Length(min=1, max=MAX_PAIRS),
                        metadata={"description": "1 to 256 (claim, other) pairs."})


class MatchInSchema(StrictSchema):
    text = _text(MAX_PASSAGE_CHARS, "A claim, a tweet or a short text (at most 10,000 characters).", required=True)
    top_k = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100),
                           metadata={"description": "How many matches to return (1-100, default from settings)."})
    published_at = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Publication date of the text, YYYY-MM-DD."})


class PageArgsSchema(StrictSchema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=500),
                           metadata={"description": "Page size, 1-500."})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**9),
                            metadata={"description": "Items to skip."})


class _DateRangeMixin(Schema):
    since = fields.Date(load_default=None, metadata={"description": "Only statements said on or after (YYYY-MM-DD)."})
    until = fields.Date(load_default=None, metadata={"description": "Only statements said on or before (YYYY-MM-DD)."})

    @validates_schema
    def ordered(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("since must not be after until.", "since")


class StatementArgsSchema(PageArgsSchema, _DateRangeMixin):
    speaker_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                                metadata={"description": "Only statements by this speaker."})
    document_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                                 metadata={"description": "Only statements of this document."})
    q = fields.String(load_default=None, validate=[validate.Length(min=1, max=500), _no_nul],
                      metadata={"description": "Substring the claim contains (case-insensitive)."})


class SpeakerArgsSchema(PageArgsSchema):
    q = fields.String(load_default=None, validate=[validate.Length(min=1, max=500), _no_nul],
                      metadata={"description": "Substring of the speaker's name."})


class ClusterArgsSchema(PageArgsSchema, _DateRangeMixin):
    kind = fields.Enum(ClusterKind, by_value=True, load_default=None,
                       metadata={"description": "contradiction or corroboration."})
    speaker_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                                metadata={"description": "Only clusters with a statement by this speaker."})
    q = fields.String(load_default=None, validate=[validate.Length(min=1, max=500), _no_nul],
                      metadata={"description": "Substring one of the cluster's claims contains."})


class ClaimsSearchArgsSchema(Schema):
    query = fields.String(metadata={"description": "Text query (Google Fact Check Tools `claims:search`)."})
    pageSize = fields.Integer(metadata={"description": "Page size."})
    pageToken = fields.String(metadata={"description": "Page token."})


# --- outputs ---------------------------------------------------------------------------------------------


class SpanSchema(Schema):
    start = fields.Integer(metadata={"description": "0-based offset of the first character."})
    end = fields.Integer(metadata={"description": "Offset after the last character."})


class SpeakerSchema(Schema):
    id = fields.Integer(metadata={"description": "Speaker id."})
    name = fields.String(metadata={"description": "Canonical name, e.g. Jens Stoltenberg."})
    affiliation = fields.String(allow_none=True, metadata={"description": "Body or country, e.g. NATO."})
    role = fields.String(allow_none=True, metadata={"description": "Role, e.g. Secretary-General."})
    kind = fields.Enum(SpeakerKind, by_value=True, metadata={"description": "person, organisation or anonymous."})


class MentionSchema(SpeakerSchema):
    class Meta:
        exclude = ("id",)

    aliases = fields.List(fields.String(), metadata={"description": "Surface forms seen in the text."})


class _StatementFields(Schema):
    claim = fields.String(metadata={"description": "Self-contained text of what is asserted."})
    claim_span = fields.Nested(SpanSchema, metadata={"description": "The asserted content in the text."})
    speaker_span = fields.Nested(SpanSchema, allow_none=True,
                                 metadata={"description": "The mention naming the source, null if implicit."})
    date = fields.Date(allow_none=True, metadata={"description": "When it was said (YYYY-MM-DD), null if unknown."})
    date_text = fields.String(allow_none=True, metadata={"description": "The expression the date came from."})
    date_basis = fields.Enum(DateBasis, by_value=True,
                             metadata={"description": "stated, publication or unknown."})
    cue = fields.String(allow_none=True, metadata={"description": "The reporting word: said, according to..."})


class StatementSchema(_StatementFields):
    id = fields.Integer(metadata={"description": "Statement id."})
    document_id = fields.Integer(metadata={"description": "Document the statement comes from."})
    speaker = fields.Nested(SpeakerSchema, metadata={"description": "The canonical speaker."})


class ExtractedStatementSchema(_StatementFields):
    speaker = fields.Nested(MentionSchema, metadata={"description": "The speaker as resolved in this text."})


class TimeExpressionSchema(Schema):
    text = fields.String(metadata={"description": "The expression as written."})
    start = fields.Function(lambda t: t.span.start, metadata={"description": "0-based start offset."})
    end = fields.Function(lambda t: t.span.end, metadata={"description": "End offset."})
    value = fields.String(allow_none=True, metadata={"description": "ISO 8601 at the text's granularity, or null."})


class ExtractionSchema(Schema):
    statements = fields.List(fields.Nested(ExtractedStatementSchema), metadata={"description": "Statements."})
    time_expressions = fields.List(fields.Nested(TimeExpressionSchema),
                                   metadata={"description": "Every time expression of the text."})


class IngestResultSchema(Schema):
    id = fields.Integer(metadata={"description": "Document id."})
    created = fields.Boolean(metadata={"description": "False when the same text was already stored."})
    statements = fields.List(fields.Nested(StatementSchema), metadata={"description": "Its statements."})
    clusters = fields.List(fields.Integer(), metadata={"description": "Ids of the clusters this ingest touched."})


class DocumentSchema(Schema):
    id = fields.Integer(metadata={"description": "Document id."})
    text = fields.String(metadata={"description": "The submitted text."})
    published_at = fields.Date(allow_none=True, metadata={"description": "Publication date."})
    title = fields.String(allow_none=True, metadata={"description": "Title."})
    url = fields.String(allow_none=True, metadata={"description": "URL."})
    publisher = fields.String(allow_none=True, metadata={"description": "Publisher."})


class DocumentDetailSchema(DocumentSchema):
    statements = fields.List(fields.Nested(StatementSchema), metadata={"description": "Its statements."})


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """Build the `{items, total, limit, offset}` envelope of a list endpoint."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item), metadata={"description": "This page."}),
        "total": fields.Integer(metadata={"description": "Items matching, all pages."}),
        "limit": fields.Integer(metadata={"description": "Page size used."}),
        "offset": fields.Integer(metadata={"description": "Items skipped."}),
    }, name=name)


StatementPageSchema = page_schema(StatementSchema, "StatementPage")
SpeakerPageSchema = page_schema(SpeakerSchema, "SpeakerPage")
DocumentPageSchema = page_schema(DocumentSchema, "DocumentPage")


class ProbabilitiesSchema(Schema):
    corroborates = fields.Float(metadata={"description": "Asserts the same proposition."})
    contradicts = fields.Float(metadata={"description": "Cannot both be true."})
    discusses = fields.Float(metadata={"description": "Same subject, takes no side."})
    unrelated = fields.Float(metadata={"description": "Different subjects."})


class RelationResultSchema(Schema):
    label = fields.Enum(RelationKind, by_value=True, metadata={"description": "The most probable label."})
    probabilities = fields.Nested(ProbabilitiesSchema, metadata={"description": "Calibrated; they sum to 1."})


class ClassifyResultSchema(Schema):
    results = fields.List(fields.Nested(RelationResultSchema), metadata={"description": "One per pair, in order."})


class MatchRelationSchema(Schema):
    label = fields.Enum(RelationKind, by_value=True, metadata={"description": "Relation of the query to the match."})
    probability = fields.Float(metadata={"description": "Its calibrated probability."})


class MatchSchema(Schema):
    statement_id = fields.Integer(metadata={"description": "The matching stored statement."})
    claim_review_id = fields.Integer(allow_none=True, metadata={"description": "Set when the match is a fact-check."})
    query = fields.String(metadata={"description": "The claim of the submitted text that matched."})
    claim = fields.String(metadata={"description": "The stored claim."})
    speaker = fields.Nested(SpeakerSchema, metadata={"description": "Who said the stored claim."})
    date = fields.Date(allow_none=True, metadata={"description": "When it was said."})
    similarity = fields.Float(metadata={"description": "Cosine similarity of the embeddings."})
    relation = fields.Nested(MatchRelationSchema, metadata={"description": "Relation model's verdict."})
    claim_review = fields.Dict(allow_none=True, metadata={"description": "{url, rating, publisher, date} or null."})


class MatchResultSchema(Schema):
    matches = fields.List(fields.Nested(MatchSchema), metadata={"description": "Best first."})


class SideSchema(Schema):
    label = fields.String(metadata={"description": "Who holds this side (main affiliations or names)."})
    speakers = fields.List(fields.Nested(SpeakerSchema), metadata={"description": "Speakers on this side."})
    statements = fields.List(fields.Nested(StatementSchema), metadata={"description": "In date order."})


class TimelineEntrySchema(Schema):
    date = fields.Date(allow_none=True, metadata={"description": "When it was said."})
    date_basis = fields.Enum(DateBasis, by_value=True, metadata={"description": "How the date is known."})
    statement_id = fields.Integer(metadata={"description": "The statement."})
    side = fields.Integer(metadata={"description": "Index into sides."})
    speaker = fields.String(metadata={"description": "Speaker name."})
    claim = fields.String(metadata={"description": "The claim."})


class ClusterSchema(Schema):
    id = fields.Integer(metadata={"description": "Cluster id (stable while the cluster grows)."})
    kind = fields.Enum(ClusterKind, by_value=True, metadata={"description": "contradiction or corroboration."})
    title = fields.String(metadata={"description": "The most central claim of each side."})
    sides = fields.List(fields.Nested(SideSchema), metadata={"description": "Two or more for a contradiction."})
    timeline = fields.List(fields.Nested(TimelineEntrySchema), metadata={"description": "Ordered by date."})
    first_date = fields.Date(allow_none=True, metadata={"description": "Earliest statement date."})
    last_date = fields.Date(allow_none=True, metadata={"description": "Latest statement date."})
    statement_count = fields.Integer(metadata={"description": "Statements in the cluster."})
    speaker_count = fields.Integer(metadata={"description": "Distinct speakers."})


ClusterPageSchema = page_schema(ClusterSchema, "ClusterPage")


class ClaimJsonLdSchema(Schema):
    context = fields.String(attribute="@context", data_key="@context", metadata={"description": "https://schema.org"})
    type = fields.String(attribute="@type", data_key="@type", metadata={"description": "Claim"})
    text = fields.String(metadata={"description": "The claim."})
    author = fields.Dict(metadata={"description": "Person or Organization who made the claim."})
    datePublished = fields.String(metadata={"description": "When it was said."})
    appearance = fields.Dict(metadata={"description": "The article it appears in."})
    claimReview = fields.List(fields.Dict(), metadata={"description": "Known ClaimReviews."})


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok"})
    statements = fields.Integer(metadata={"description": "Statements stored."})
    indexed = fields.Integer(metadata={"description": "Vectors in this worker's index."})
    database = fields.String(metadata={"description": "sqlite or postgresql."})


class ApiErrorSchema(Schema):
    code = fields.Integer(metadata={"description": "HTTP status code."})
    status = fields.String(metadata={"description": "HTTP status name."})
    message = fields.String(metadata={"description": "What went wrong."})
    errors = fields.Dict(metadata={"description": "Field errors, by location and field."})


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    limit: int
    offset: int
