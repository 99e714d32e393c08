"""Request schemas: bodies and query strings load into dataclasses; unknown fields are refused."""
from __future__ import annotations

import base64
from typing import Any

from marshmallow import (
    INCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from service.api.schemas.common import (
    DEFAULT,
    MAX_CLAIM_CHARS,
    MAX_ID,
    MAX_PAIRS,
    MAX_PASSAGE_CHARS,
    MAX_SEARCH_OFFSET,
    AtMostSetting,
    StrictSchema,
    article_text,
    has_content,
    no_nul,
    optional_text,
    text_field,
)
from service.domain.entities import (
    ClusterKind,
    DocumentSubmission,
)
from service.usecases.structured_statements import StructuredStatement
from service.usecases.webhooks import EVENTS as WEBHOOK_EVENTS

# --- inputs ----------------------------------------------------------------------------------------------


class ExtractInSchema(StrictSchema):
    text = article_text(f"News text to analyse (at most {DEFAULT.max_text_chars:,} characters).")
    published_at = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Publication date (YYYY-MM-DD) that relative dates "
                                                        "resolve against; without it they stay null."})


class DocumentInSchema(StrictSchema):
    text = article_text(f"The article text (at most {DEFAULT.max_text_chars:,} characters).")
    published_at = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Publication date, YYYY-MM-DD."})
    title = optional_text(1_000, "Headline or title.")
    url = fields.Url(load_default=None, allow_none=True, validate=validate.Length(max=2_000),
                     metadata={"description": "Where the article was published."})
    publisher = optional_text(500, "Publisher name.")

    @post_load
    def to_submission(self, data: dict[str, Any], **_: Any) -> DocumentSubmission:
        return DocumentSubmission(**data)


class StructuredSpeakerInSchema(StrictSchema):
    name = text_field(500, "Who asserts the claim: a person or a body, e.g. Jens Stoltenberg.", required=True)
    affiliation = optional_text(500, "Body or country the speaker speaks for, e.g. NATO.")
    role = optional_text(500, "Role, e.g. Secretary-General.")


class StructuredStatementInSchema(StrictSchema):
    claim = text_field(MAX_CLAIM_CHARS, "What is asserted, self-contained (at most 2,000 characters).", required=True)
    speaker = fields.Nested(StructuredSpeakerInSchema, required=True, metadata={"description": "Who asserts it."})
    date = fields.Date(load_default=None, allow_none=True,
                       metadata={"description": "When it was said, YYYY-MM-DD."})
    published_at = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "When the source published it, YYYY-MM-DD."})
    url = fields.Url(load_default=None, allow_none=True, validate=validate.Length(max=2_000),
                     metadata={"description": "Where it was published."})
    source = optional_text(500, "The publisher or tool it comes from.")

    @post_load
    def to_statement(self, data: dict[str, Any], **_: Any) -> StructuredStatement:
        speaker = data.pop("speaker")
        return StructuredStatement(speaker_name=speaker["name"], affiliation=speaker["affiliation"],
                                   role=speaker["role"], **data)


class StatementsInSchema(StrictSchema):
    statements = fields.List(
        fields.Nested(StructuredStatementInSchema), required=True,
        validate=[validate.Length(min=1), AtMostSetting("max_statements_per_request")],
        metadata={"description": f"1 to {DEFAULT.max_statements_per_request:,} claims with their speakers.",
                  "maxItems": DEFAULT.max_statements_per_request})

    @post_load
    def to_list(self, data: dict[str, Any], **_: Any) -> list[StructuredStatement]:
        return list(data["statements"])


class JobInSchema(StrictSchema):
    documents = fields.List(
        fields.Nested(DocumentInSchema), required=True,
        validate=[validate.Length(min=1), AtMostSetting("max_documents_per_job")],
        metadata={"description": f"1 to {DEFAULT.max_documents_per_job:,} documents, each as POST /v1/documents "
                                 "takes it (the body must fit CLAIMLENS_MAX_JOB_REQUEST_BYTES, 64 MiB by default).",
                  "maxItems": DEFAULT.max_documents_per_job})

    @post_load
    def to_list(self, data: dict[str, Any], **_: Any) -> list[DocumentSubmission]:
        return list(data["documents"])


class WebhookInSchema(StrictSchema):
    url = fields.Url(required=True, schemes={"http", "https"}, validate=validate.Length(max=2_000),
                     metadata={"description": "Where each event is POSTed."})
    events = fields.List(fields.String(validate=validate.OneOf(WEBHOOK_EVENTS)), required=True,
                         validate=validate.Length(min=1, max=len(WEBHOOK_EVENTS)),
                         metadata={"description": "The events it receives: " + ", ".join(WEBHOOK_EVENTS) + "."})
    secret = fields.String(required=True, validate=[validate.Length(min=8, max=256), no_nul], load_only=True,
                           metadata={"description": "Signs each delivery: X-Claimlens-Signature: t=<unix seconds>,"
                                                    "v1=<hex HMAC-SHA256(secret, '<t>.' + raw body)>."})


class PairInSchema(StrictSchema):
    claim = text_field(MAX_CLAIM_CHARS, "The claim (at most 2,000 characters).", required=True)
    other = text_field(MAX_PASSAGE_CHARS, "Another claim or a passage (at most 10,000 characters).", required=True)


class ClassifyInSchema(StrictSchema):
    pairs = fields.List(fields.Nested(PairInSchema), required=True, validate=validate.Length(min=1, max=MAX_PAIRS),
                        metadata={"description": "1 to 256 (claim, other) pairs."})


class MatchInSchema(StrictSchema):
    text = text_field(MAX_PASSAGE_CHARS, "A claim, a tweet or a short text (at most 10,000 characters).", required=True)
    top_k = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=100),
                           metadata={"description": "How many matches to return (1-100, default from settings)."})
    published_at = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Publication date of the text, YYYY-MM-DD."})
    relations = fields.Boolean(load_default=True, metadata={
        "description": "Label each match with the relation model (default true). False skips the model, the "
                       "largest part of the answer time, and gives `relation: null`."})


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
    q = fields.String(load_default=None, validate=[validate.Length(min=1, max=500), no_nul],
                      metadata={"description": "Substring the claim contains (case-insensitive)."})


class SpeakerArgsSchema(PageArgsSchema):
    q = fields.String(load_default=None, validate=[validate.Length(min=1, max=500), no_nul],
                      metadata={"description": "Substring of the speaker's name."})


class ClusterArgsSchema(PageArgsSchema, _DateRangeMixin):
    kind = fields.Enum(ClusterKind, by_value=True, load_default=None,
                       metadata={"description": "contradiction or corroboration."})
    speaker_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                                metadata={"description": "Only clusters with a statement by this speaker."})
    q = fields.String(load_default=None, validate=[validate.Length(min=1, max=500), no_nul],
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

    query = fields.String(load_default=None, validate=[validate.Length(min=1, max=MAX_CLAIM_CHARS), has_content],
                          metadata={"description": "Text to search fact-checks for. Required unless "
                                                   "reviewPublisherSiteFilter is given."})
    languageCode = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
                                 metadata={"description": "BCP-47 language code, e.g. en or en-US."})
    reviewPublisherSiteFilter = fields.String(
        load_default=None, validate=[validate.Length(min=1, max=253), no_nul],
        metadata={"description": "Only reviews by this publisher site, e.g. snopes.com."})
    maxAgeDays = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100_000),
                                metadata={"description": "Only reviews at most this many days old."})
    pageSize = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100),
                              metadata={"description": "Page size, 1-100 (default 10)."})
    pageToken = fields.String(load_default=None, validate=[validate.Length(max=200), _issued_page_token],
                              metadata={"description": "nextPageToken of the previous page."})
    offset = fields.Integer(load_default=None, validate=validate.Range(min=0, max=MAX_SEARCH_OFFSET),
                            metadata={"description": "Integer offset, an alternative to pageToken."})
    alt = fields.String(load_default="json", validate=validate.OneOf(["json"]), metadata={
        "description": "Response format; json only (Google's clients send it)."})
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


