"""Response schemas: every answer of the API is shaped here, from entities and use-case results."""
from __future__ import annotations

from typing import Any

from marshmallow import (
    Schema,
    fields,
    pre_dump,
)

from service.api.schemas.inputs import page_token
from service.domain.entities import (
    ClusterKind,
    DateBasis,
    FactCheck,
    RelationKind,
    SpeakerKind,
    StoredFactCheck,
)
from service.storage import JobReport
from service.usecases.fact_checks import ImportOutcome, SearchPage
from service.usecases.matching import Match
from service.usecases.reads import DocumentDetail

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


class StructuredResultSchema(Schema):
    items = fields.List(fields.Nested(StatementSchema),
                        metadata={"description": "The stored statements, in input order."})
    clusters = fields.List(fields.Integer(), metadata={"description": "Ids of the clusters this request touched."})


class DocumentSchema(Schema):
    id = fields.Integer(metadata={"description": "Document id."})
    text = fields.String(metadata={"description": "The submitted text."})
    published_at = fields.Date(allow_none=True, metadata={"description": "Publication date."})
    title = fields.String(allow_none=True, metadata={"description": "Title."})
    url = fields.String(allow_none=True, metadata={"description": "URL."})
    publisher = fields.String(allow_none=True, metadata={"description": "Publisher."})


class DocumentDetailSchema(DocumentSchema):
    statements = fields.List(fields.Nested(StatementSchema), metadata={"description": "Its statements."})

    @pre_dump
    def flatten(self, detail: DocumentDetail, **_: Any) -> dict[str, Any]:
        return {**detail.document.__dict__, "statements": detail.statements}


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

    @pre_dump
    def envelope(self, scores: list[Any], **_: Any) -> dict[str, Any]:
        return {"results": scores}


class MatchRelationSchema(Schema):
    label = fields.Enum(RelationKind, by_value=True, metadata={"description": "Relation of the query to the match."})
    probability = fields.Float(metadata={"description": "Its calibrated probability."})


class MatchClaimReviewSchema(Schema):
    url = fields.String(metadata={"description": "The fact-check's URL (identifies it)."})
    rating = fields.String(allow_none=True, metadata={"description": "Textual rating, e.g. False."})
    publisher = fields.String(allow_none=True, metadata={"description": "Who published the fact-check."})
    date = fields.Date(allow_none=True, metadata={"description": "When it was published."})
    title = fields.String(allow_none=True, metadata={"description": "Its headline."})
    claimant = fields.String(allow_none=True, metadata={"description": "Who made the reviewed claim."})


class MatchSchema(Schema):
    statement_id = fields.Integer(allow_none=True, metadata={"description": "The matching stored statement."})
    claim_review_id = fields.Integer(allow_none=True, metadata={"description": "Set when the match is a fact-check."})
    query = fields.String(metadata={"description": "The claim of the submitted text that matched."})
    claim = fields.String(metadata={"description": "The stored claim (a fact-check's claimReviewed)."})
    speaker = fields.Nested(SpeakerSchema, allow_none=True,
                            metadata={"description": "Who said the stored claim; null for a fact-check."})
    date = fields.Date(allow_none=True, metadata={"description": "When it was said."})
    similarity = fields.Float(metadata={"description": "Cosine similarity of the embeddings."})
    score = fields.Float(metadata={"description": "Fused retrieval score the matches are ordered by."})
    relation = fields.Nested(MatchRelationSchema, allow_none=True, metadata={
        "description": "Relation model's verdict; null when the request asked for `relations: false`."})
    claim_review = fields.Nested(MatchClaimReviewSchema, allow_none=True,
                                 metadata={"description": "The fact-check, when the match is one; else null."})


    @pre_dump
    def flatten(self, match: Match, **_: Any) -> dict[str, Any]:
        common = {"query": match.query, "similarity": match.similarity, "score": match.score,
                  "relation": match.relation}
        if match.fact_check is not None:
            fact = match.fact_check.fact_check
            review = {"url": fact.url, "rating": fact.rating, "publisher": fact.publisher, "date": fact.review_date,
                      "title": fact.title, "claimant": fact.claimant}
            return {"statement_id": None, "claim_review_id": match.fact_check.id, "claim": fact.claim,
                    "speaker": None, "date": fact.claim_date, **common, "claim_review": review}
        assert match.statement is not None
        return {"statement_id": match.statement.id, "claim_review_id": None, "claim": match.statement.claim,
                "speaker": match.statement.speaker, "date": match.statement.date, **common, "claim_review": None}


class MatchResultSchema(Schema):
    matches = fields.List(fields.Nested(MatchSchema), metadata={"description": "Best first."})

    @pre_dump
    def envelope(self, matches: list[Match], **_: Any) -> dict[str, Any]:
        return {"matches": matches}


class ImportResultSchema(Schema):
    imported = fields.Integer(metadata={"description": "Fact-checks stored (created or updated)."})
    created = fields.Integer(metadata={"description": "New fact-checks."})
    updated = fields.Integer(metadata={"description": "Fact-checks whose url was already stored."})
    ids = fields.List(fields.Integer(), metadata={"description": "Their ids (claim_review_id), in input order."})

    @pre_dump
    def counts(self, outcome: ImportOutcome, **_: Any) -> dict[str, Any]:
        return {"imported": len(outcome.ids), "created": outcome.created, "updated": outcome.updated,
                "ids": outcome.ids}


class GooglePublisherSchema(Schema):
    name = fields.String(allow_none=True)
    site = fields.String(allow_none=True)


class GoogleClaimReviewSchema(Schema):
    publisher = fields.Nested(GooglePublisherSchema)
    url = fields.String()
    title = fields.String()
    reviewDate = fields.String(metadata={"description": "RFC 3339 timestamp."})
    textualRating = fields.String()
    languageCode = fields.String()


class GoogleClaimSchema(Schema):
    text = fields.String()
    claimant = fields.String()
    claimDate = fields.String(metadata={"description": "RFC 3339 timestamp."})
    claimReview = fields.List(fields.Nested(GoogleClaimReviewSchema))

    @pre_dump
    def google_shape(self, check: StoredFactCheck, **_: Any) -> dict[str, Any]:
        """Google's answer leaves out what it does not know rather than sending null."""
        fact = check.fact_check
        claim: dict[str, Any] = {"text": fact.claim}
        if fact.claimant:
            claim["claimant"] = fact.claimant
        if fact.claim_date:
            claim["claimDate"] = _timestamp(fact.claim_date)
        claim["claimReview"] = [_google_review(fact)]
        return claim


def _google_review(fact: FactCheck) -> dict[str, Any]:
    review: dict[str, Any] = {"publisher": {"name": fact.publisher, "site": fact.publisher_site}, "url": fact.url}
    for key, value in (("title", fact.title), ("reviewDate", fact.review_date and _timestamp(fact.review_date)),
                       ("textualRating", fact.rating), ("languageCode", fact.language)):
        if value:
            review[key] = value
    return review


def _timestamp(day: Any) -> str:
    return f"{day}T00:00:00Z"


class ClaimsSearchResultSchema(Schema):
    claims = fields.List(fields.Nested(GoogleClaimSchema), metadata={
        "description": "Best match first; absent (an empty object) when nothing matches."})
    nextPageToken = fields.String(metadata={"description": "Absent on the last page."})

    @pre_dump
    def envelope(self, page: SearchPage, **_: Any) -> dict[str, Any]:
        """Google's answer: `{}` when nothing is found, no `nextPageToken` on the last page."""
        answer: dict[str, Any] = {"claims": page.fact_checks} if page.fact_checks else {}
        if page.next_offset is not None:
            answer["nextPageToken"] = page_token(page.next_offset)
        return answer


class SideSchema(Schema):
    label = fields.String(metadata={"description": "The position this side holds: its most central claim, "
                                                   "shortened to about 90 characters."})
    speakers = fields.List(fields.Nested(SpeakerSchema), metadata={"description": "Speakers on this side."})
    statements = fields.List(fields.Nested(StatementSchema), metadata={"description": "In date order."})


class EdgeSchema(Schema):
    source_id = fields.Integer(metadata={"description": "A statement on one side."})
    target_id = fields.Integer(metadata={"description": "A statement on another side."})
    probability = fields.Float(metadata={"description": "The relation model's calibrated probability that they "
                                                        "contradict each other."})
    similarity = fields.Float(metadata={"description": "Cosine similarity of the two claims' embeddings."})


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
    title = fields.String(metadata={"description": "The dispute: each side's position, joined by 'vs.'."})
    sides = fields.List(fields.Nested(SideSchema), metadata={"description": "Two or more for a contradiction."})
    timeline = fields.List(fields.Nested(TimelineEntrySchema), metadata={"description": "Ordered by date."})
    first_date = fields.Date(allow_none=True, metadata={"description": "Earliest statement date."})
    last_date = fields.Date(allow_none=True, metadata={"description": "Latest statement date."})
    statement_count = fields.Integer(metadata={"description": "Statements in the cluster."})
    speaker_count = fields.Integer(metadata={"description": "Distinct speakers."})
    edges = fields.List(fields.Nested(EdgeSchema), metadata={
        "description": "The contradictions between statements of different sides that hold the cluster together, "
                       "most confident first (empty for a corroboration cluster)."})


ClusterPageSchema = page_schema(ClusterSchema, "ClusterPage")


class ClaimJsonLdSchema(Schema):
    context = fields.String(attribute="@context", data_key="@context", metadata={"description": "https://schema.org"})
    type = fields.String(attribute="@type", data_key="@type", metadata={"description": "Claim"})
    text = fields.String(metadata={"description": "The claim."})
    author = fields.Dict(metadata={"description": "Person or Organization who made the claim."})
    datePublished = fields.String(metadata={"description": "When it was said."})
    appearance = fields.Dict(metadata={"description": "The article it appears in."})
    subjectOf = fields.List(fields.Dict(), metadata={
        "description": "The ClaimReviews known to review this claim (imported fact-checks close to it)."})


class ClusterClaimsJsonLdSchema(Schema):
    context = fields.String(attribute="@context", data_key="@context", metadata={"description": "https://schema.org"})
    type = fields.String(attribute="@type", data_key="@type", metadata={"description": "ItemList"})
    name = fields.String(metadata={"description": "The cluster's title."})
    identifier = fields.String(metadata={"description": "cluster:<id>"})
    description = fields.String(metadata={"description": "contradiction cluster or corroboration cluster."})
    numberOfItems = fields.Integer(metadata={"description": "Number of sides."})
    itemListElement = fields.List(fields.Dict(), metadata={
        "description": "One ListItem per side, each an ItemList of schema.org Claims with their ClaimReviews."})


class JobCountsSchema(Schema):
    done = fields.Integer(metadata={"description": "Documents stored (or found already stored)."})
    failed = fields.Integer(metadata={"description": "Documents refused; see errors."})
    pending = fields.Integer(metadata={"description": "Documents not processed yet."})


class JobErrorSchema(Schema):
    index = fields.Integer(metadata={"description": "Position of the document in the submitted list."})
    code = fields.Integer(metadata={"description": "The status POST /v1/documents would have answered."})
    message = fields.String(metadata={"description": "Why it was refused."})


class JobAcceptedSchema(Schema):
    id = fields.Integer(metadata={"description": "Job id; GET /v1/jobs/{id} reports its progress."})
    status = fields.String(metadata={"description": "queued, running or finished."})


class JobSchema(JobAcceptedSchema):
    counts = fields.Nested(JobCountsSchema, metadata={"description": "Documents done, failed and pending."})
    errors = fields.List(fields.Nested(JobErrorSchema), metadata={"description": "One per failed document."})
    document_ids = fields.List(fields.Integer(allow_none=True), metadata={
        "description": "The stored document of each submitted one, by position (null while pending or failed)."})

    @pre_dump
    def report(self, job: JobReport, **_: Any) -> dict[str, Any]:
        return {"id": job.id, "status": job.status, "errors": job.errors, "document_ids": job.document_ids,
                "counts": {"done": job.done, "failed": job.failed, "pending": job.pending}}


class WebhookSchema(Schema):
    id = fields.Integer(metadata={"description": "Webhook id."})
    url = fields.String(metadata={"description": "Where events are POSTed."})
    events = fields.List(fields.String(), metadata={"description": "The events it receives."})


class DeliverySchema(Schema):
    id = fields.Integer(metadata={"description": "Delivery id."})
    event = fields.String(metadata={"description": "The event delivered."})
    data = fields.Dict(metadata={"description": "The event's data, as POSTed."})
    status = fields.String(attribute="state", metadata={"description": "pending, delivered or failed."})
    attempts = fields.Integer(metadata={"description": "POSTs made so far."})
    last_status = fields.Integer(allow_none=True, metadata={"description": "The receiver's last HTTP status."})
    last_error = fields.String(allow_none=True, metadata={"description": "Why the receiver could not be reached."})
    created_at = fields.DateTime(metadata={"description": "When the event happened."})
    delivered_at = fields.DateTime(allow_none=True, metadata={"description": "When the receiver took it."})


DeliveryPageSchema = page_schema(DeliverySchema, "DeliveryPage")


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok"})
    worker = fields.Integer(metadata={"description": "Process id of the worker that answered."})
    statements = fields.Integer(metadata={"description": "Statements stored."})
    indexed = fields.Integer(metadata={"description": "Statement vectors in this worker's index."})
    fact_checks = fields.Integer(metadata={"description": "Fact-check vectors in this worker's index."})
    database = fields.String(metadata={"description": "sqlite or postgresql."})


class ApiErrorSchema(Schema):
    code = fields.Integer(metadata={"description": "HTTP status code."})
    status = fields.String(metadata={"description": "HTTP status name."})
    message = fields.String(metadata={"description": "What went wrong."})
    errors = fields.Dict(metadata={"description": "Field errors, by location and field."})


