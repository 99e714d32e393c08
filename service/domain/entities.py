"""Domain entities: frozen dataclasses shared by every layer below the HTTP edge."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class SpeakerKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    ANONYMOUS = "anonymous"


class DateBasis(StrEnum):
    STATED = "stated"  # the text says when it was said
    PUBLICATION = "publication"  # no date in the text: the publication date stands in
    UNKNOWN = "unknown"  # neither is known


class RelationKind(StrEnum):
    CORROBORATES = "corroborates"
    CONTRADICTS = "contradicts"
    DISCUSSES = "discusses"
    UNRELATED = "unrelated"


class ClusterKind(StrEnum):
    CONTRADICTION = "contradiction"
    CORROBORATION = "corroboration"


@dataclass(frozen=True)
class Span:
    """A 0-based `[start, end)` character range into a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class SpeakerMention:
    """Who a statement is attributed to, as resolved within one document."""

    name: str  # canonical name: "Jens Stoltenberg", "Russian Defence Ministry", "a senior US official"
    kind: SpeakerKind
    affiliation: str | None = None  # "NATO", "Russia"
    role: str | None = None  # "Secretary-General"
    aliases: tuple[str, ...] = ()  # every surface form seen in the document: "Stoltenberg", "he"


@dataclass(frozen=True)
class TimeExpression:
    """A time expression of the text with its ISO 8601 value at the granularity the text gives."""

    text: str
    span: Span
    value: str | None  # "2022-03-31", "2022-W13", "2022-03", "2022", "PRESENT_REF" or None


@dataclass(frozen=True)
class ExtractedStatement:
    """One attributed assertion found in a text, before it is stored."""

    claim: str  # self-contained, reporting frame and quote marks stripped
    claim_span: Span
    speaker: SpeakerMention
    speaker_span: Span | None  # the mention naming the source (the pronoun if it is one)
    date: dt.date | None
    date_text: str | None
    date_basis: DateBasis
    cue: str | None = None  # the reporting word: "said", "according to", "claimed"


@dataclass(frozen=True)
class Extraction:
    """Everything extraction finds in one text."""

    statements: tuple[ExtractedStatement, ...]
    time_expressions: tuple[TimeExpression, ...] = field(default_factory=tuple)


# --- Stored entities: what the store hands back, with ids ---------------------------------------------


@dataclass(frozen=True)
class Speaker:
    """A canonical real-world speaker, one per person or body across all documents."""

    id: int
    name: str
    kind: SpeakerKind
    affiliation: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class DocumentSubmission:
    """A text submitted for ingest, with its publication metadata; stored, it becomes a `Document`."""

    text: str
    published_at: dt.date | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Document:
    """A stored text with its publication metadata."""

    id: int
    text: str
    published_at: dt.date | None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Statement:
    """A stored statement: an extracted assertion bound to its document and canonical speaker."""

    id: int
    document_id: int
    claim: str
    claim_span: Span
    speaker: Speaker
    speaker_span: Span | None
    date: dt.date | None
    date_text: str | None
    date_basis: DateBasis
    cue: str | None = None


@dataclass(frozen=True)
class Relation:
    """A classified edge between two statements (stored once per unordered pair)."""

    source_id: int
    target_id: int
    label: RelationKind
    probability: float
    similarity: float


@dataclass(frozen=True)
class ClusterSide:
    """One side of a cluster: statements that corroborate each other."""

    label: str
    statement_ids: tuple[int, ...]


@dataclass(frozen=True)
class Cluster:
    """A contradiction cluster (at least two opposing sides) or a corroboration cluster (one side)."""

    id: int
    kind: ClusterKind
    sides: tuple[ClusterSide, ...]

    @property
    def statement_ids(self) -> tuple[int, ...]:
        return tuple(sid for side in self.sides for sid in side.statement_ids)


@dataclass(frozen=True)
class FactCheck:
    """A published fact-check: one schema.org ClaimReview, identified by its `url`."""

    url: str
    claim: str  # claimReviewed
    title: str | None = None  # headline or name
    rating: str | None = None  # reviewRating.alternateName, e.g. "False"
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher: str | None = None  # author (or publisher) name
    publisher_site: str | None = None  # its host, e.g. "www.snopes.com"
    review_date: dt.date | None = None  # datePublished
    claimant: str | None = None  # itemReviewed.author
    claimant_type: str | None = None  # its schema.org type, Person or Organization (None: not said, read as Person)
    claim_date: dt.date | None = None  # itemReviewed.datePublished
    language: str | None = None  # inLanguage, e.g. "en"
    appearance_url: str | None = None  # itemReviewed.appearance (first url), where the claim was made
    # The schema.org ClaimReview object as imported (JSON text, ASCII-escaped), served back as it came so that
    # every type and field a fact-checker published survives the round trip; None for other input shapes.
    source_jsonld: str | None = None


@dataclass(frozen=True)
class StoredFactCheck:
    """A fact-check as stored, with its id."""

    id: int
    fact_check: FactCheck
