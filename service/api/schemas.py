"""marshmallow schemas of the HTTP contract: inputs load into dataclasses, outputs dump entities."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from marshmallow import (
    INCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_dump,
    validate,
    validates_schema,
)

from service.api.context import runtime
from service.domain.claimreview import is_encodable
from service.domain.entities import (
    ClusterKind,
    DateBasis,
    DocumentSubmission,
    FactCheck,
    RelationKind,
    SpeakerKind,
    StoredFactCheck,
)
from service.settings import Settings
from service.usecases.fact_checks import ImportOutcome, SearchPage
from service.usecases.matching import Match
from service.usecases.reads import DocumentDetail

T = TypeVar("T")

# Limits a running service takes from its settings; the OpenAPI description shows their defaults.
DEFAULT = Settings()
MAX_CLAIM_CHARS = 2_000
MAX_PASSAGE_CHARS = 10_000
MAX_PAIRS = 256
MAX_ID = 2**31 - 1
MAX_SEARCH_OFFSET = 10_000


def _has_content(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain non-whitespace text.")
    _no_nul(value)


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")
    if not is_encodable(value):
        raise ValidationError("Must be valid Unicode text (a lone surrogate such as \\ud800 is not).")


class AtMostSetting(validate.Validator):
    """Reject a value whose size (a string's length, a list's length, or a number) exceeds a setting of the
    running service, read when the request is validated."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __call__(self, value: Any) -> Any:
        limit = getattr(runtime().settings, self.setting)
        size = value if isinstance(value, int) else len(value)
        if size > limit:
            unit = "" if isinstance(value, int) else (" characters" if isinstance(value, str) else " items")
            raise ValidationError(f"Must be at most {limit:,}{unit}.")
        return value


def _article_text(description: str) -> fields.String:
    return fields.String(required=True, validate=[validate.Length(min=1), AtMostSetting("max_text_chars"),
                                                  _has_content],
                         metadata={"description": description, "maxLength": DEFAULT.max_text_chars})


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
    text = _article_text(f"News text to analyse (at most {DEFAULT.max_text_chars:,} characters).")
    published_at = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Publication date (YYYY-MM-DD) that relative dates "
                                                        "resolve against; without it they stay null."})


class DocumentInSchema(StrictSchema):
    text = _article_text(f"The article text (at most {DEFAULT.max_text_chars:,} characters).")
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
    limit = fields.Integer(load_default=20, validate=[validate.Range(min=1), AtMostSetting("list_limit_max")],
                           metadata={"description": f"Page size, 1-{DEFAULT.list_limit_max}.",
                                     "maximum": DEFAULT.list_limit_max})
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


class ClaimReviewImportSchema(Schema):
    """One schema.org ClaimReview object, or `{"claim_reviews": [...]}`; each item is validated by the domain."""

    class Meta:
        unknown = INCLUDE  # a ClaimReview is open-ended JSON-LD: its fields pass through to the domain's parser

    claim_reviews = fields.List(
        fields.Raw(), validate=[validate.Length(min=1), AtMostSetting("max_fact_checks_per_request")],
        metadata={"description": f"1 to {DEFAULT.max_fact_checks_per_request:,} schema.org ClaimReview objects "
                                 "(or Google Fact Check Tools Claims). Without this field the body itself is one "
                                 "ClaimReview.", "maxItems": DEFAULT.max_fact_checks_per_request})

    @validates_schema
    def one_or_many(self, data: dict[str, Any], **_: Any) -> None:
        if "claim_reviews" in data and len(data) > 1:
            raise ValidationError("Send either one ClaimReview or {claim_reviews: [...]}, not both.")
        if "claim_reviews" not in data and not data:
            raise ValidationError("Empty body: send a ClaimReview or {claim_reviews: [...]}.")

    @post_load
    def to_items(self, data: dict[str, Any], **_: Any) -> list[Any]:
        return list(data["claim_reviews"]) if "claim_reviews" in data else [data]


def _issued_page_token(token: str) -> None:
    _page_offset(token)


def _page_offset(token: str) -> int:
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, number = decoded.partition(":")
        offset = int(number)
        if kind != "offset" or not 0 <= offset <= MAX_SEARCH_OFFSET:
            raise ValueError(decoded)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("Not a token this API issued.") from None
    return offset


class ClaimsSearchArgsSchema(StrictSchema):
    """The request parameters of Google's Fact Check Tools `claims:search`."""

    query = fields.String(load_default=None, validate=[validate.Length(min=1, max=MAX_CLAIM_CHARS), _has_content],
                          metadata={"description": "Text to search fact-checks for. Required unless "
                                                   "reviewPublisherSiteFilter is given."})
    languageCode = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
                                 metadata={"description": "BCP-47 language code, e.g. en or en-US."})
    reviewPublisherSiteFilter = fields.String(
        load_default=None, validate=[validate.Length(min=1, max=253), _no_nul],
        metadata={"description": "Only reviews by this publisher site, e.g. snopes.com."})
    maxAgeDays = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100_000),
                                metadata={"description": "Only reviews at most this many days old."})
    pageSize = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100),
                              metadata={"description": "Page size, 1-100 (default 10)."})
    pageToken = fields.String(load_default=None, validate=[validate.Length(max=200), _issued_page_token],
                              metadata={"description": "nextPageToken of the previous page."})
    offset = fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_SEARCH_OFFSET),
                            metadata={"description": "Integer offset, an alternative to pageToken."})
    key = fields.String(load_default=None, metadata={
        "description": "Ignored: the API key parameter of Google's API, accepted so its clients work unchanged "
                       "(claimlens keys go in the Authorization header)."})

    @validates_schema
    def needs_query_or_site(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("query") and not data.get("reviewPublisherSiteFilter"):
            raise ValidationError("Give query or reviewPublisherSiteFilter.", "query")

    @post_load
    def page_offset(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """`offset` from the page token when no offset is given."""
        if data["offset"] is None:
            data["offset"] = _page_offset(data["pageToken"]) if data["pageToken"] else 0
        return data


def page_token(offset: int) -> str:
    """The opaque `nextPageToken` of `claims:search` for a page starting at `offset`."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


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
    relation = fields.Nested(MatchRelationSchema, metadata={"description": "Relation model's verdict."})
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
    claims = fields.List(fields.Nested(GoogleClaimSchema), metadata={"description": "Best match first."})
    nextPageToken = fields.String(metadata={"description": "Absent on the last page."})

    @pre_dump
    def envelope(self, page: SearchPage, **_: Any) -> dict[str, Any]:
        answer: dict[str, Any] = {"claims": page.fact_checks}
        if page.next_offset is not None:
            answer["nextPageToken"] = page_token(page.next_offset)
        return answer


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


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list endpoint."""

    items: list[T]
    total: int
    limit: int
    offset: int
