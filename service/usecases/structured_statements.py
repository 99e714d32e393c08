"""Store claims that another tool already holds (a claim spotter, a newsroom CMS, a tipline): each becomes a
one-statement document and goes the way of an extracted statement from embedding on (relations, groups, clusters).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.entities import (
    DateBasis,
    DocumentSubmission,
    ExtractedStatement,
    Span,
    SpeakerMention,
    Statement,
)
from service.domain.extraction.mentions import speaker_key
from service.runtime import Runtime
from service.storage import DuplicateDocument
from service.usecases.ingest import DocumentDraft, store_documents, text_hash

_ATTEMPTS = 3  # a concurrent request storing one of the same claims makes the batch start again, finding it stored


@dataclass(frozen=True)
class StructuredStatement:
    """A claim with its speaker as another tool gives it."""

    claim: str
    speaker_name: str
    affiliation: str | None = None
    role: str | None = None
    date: dt.date | None = None  # when it was said
    published_at: dt.date | None = None  # when the source published it
    url: str | None = None
    source: str | None = None  # the publisher or tool it comes from


@dataclass(frozen=True)
class StructuredResult:
    """The stored statements in input order, the clusters touched, and whether anything was new."""

    items: list[Statement]
    clusters: list[int]
    created: bool


def ingest_statements(runtime: Runtime, submitted: list[StructuredStatement]) -> StructuredResult:
    """Store the claims not stored yet (the same claim, speaker and url are one statement), all in one transaction."""
    digests = [statement_digest(s) for s in submitted]
    for attempt in range(_ATTEMPTS):
        try:
            return _ingest(runtime, submitted, digests)
        except DuplicateDocument:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def statement_digest(statement: StructuredStatement) -> str:
    """The identity of a structured claim: its text, its speaker and its url (a document hash of its own kind)."""
    return text_hash(f"[statement]\n{speaker_key(statement.speaker_name)}\n{statement.claim}", statement.url)


def _ingest(runtime: Runtime, submitted: list[StructuredStatement], digests: list[str]) -> StructuredResult:
    store = runtime.store
    stored: dict[str, int] = {}
    for digest in dict.fromkeys(digests):
        document = store.find_document(digest)
        if document is not None:
            stored[digest] = store.statements_of_document(document.id)[0].id
    new = {digest: statement for digest, statement in zip(digests, submitted, strict=True) if digest not in stored}
    clusters: list[int] = []
    if new:
        speakers = {key: runtime.models.extractor.mention_of(*key)  # one parse per speaker, not per claim
                    for key in {(s.speaker_name, s.affiliation, s.role) for s in new.values()}}
        drafts = [_draft(digest, statement, speakers[statement.speaker_name, statement.affiliation, statement.role])
                  for digest, statement in new.items()]
        result = store_documents(runtime, drafts)
        stored.update({draft.digest: ids[0] for draft, (_, ids) in zip(drafts, result.documents, strict=True)})
        clusters = result.cluster_ids
    by_id = {s.id: s for s in store.get_statements(sorted(set(stored.values())))}
    if not new:
        clusters = sorted(c.id for c in store.clusters_of(sorted(by_id)))
    return StructuredResult([by_id[stored[d]] for d in digests], clusters, bool(new))


def _draft(digest: str, statement: StructuredStatement, speaker: SpeakerMention) -> DocumentDraft:
    date, basis = ((statement.date, DateBasis.STATED) if statement.date else
                   (statement.published_at, DateBasis.PUBLICATION) if statement.published_at else
                   (None, DateBasis.UNKNOWN))
    extracted = ExtractedStatement(
        claim=statement.claim, claim_span=Span(0, len(statement.claim)), speaker=speaker, speaker_span=None,
        date=date, date_text=None, date_basis=basis)
    submission = DocumentSubmission(statement.claim, statement.published_at or statement.date, url=statement.url,
                                    publisher=statement.source)
    return DocumentDraft(submission, digest, [extracted])
