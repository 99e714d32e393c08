"""Ingest a document: extract its statements, embed and relate them to what is stored, update the clusters.

Everything an ingest writes (document, speakers, statements, relations, clusters) commits in one transaction;
the vector index learns the new rows only after the commit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from service.domain.entities import (
    DocumentSubmission,
    ExtractedStatement,
    Extraction,
    Relation,
    RelationKind,
    Speaker,
    SpeakerKind,
    SpeakerMention,
    Statement,
)
from service.domain.extraction.mentions import is_pronoun, speaker_key
from service.domain.extraction.speakers import match_speaker
from service.domain.relation.classifier import PairModelClassifier
from service.domain.relation.opposition import statement_relations
from service.errors import InvalidInput
from service.runtime import Models, Runtime, opposition_in_use
from service.storage import ClaimStore, DuplicateDocument, NewStatement
from service.usecases.clusters import edge_thresholds, update_clusters
from service.usecases.fact_checks import fact_checks_of
from service.usecases.webhooks import emit_many, listened

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    """What an ingest stored (or found already stored)."""

    id: int
    created: bool
    statements: list[Statement]
    clusters: list[int]


def text_hash(text: str, url: str | None = None) -> str:
    """The identity of a document: a hash of its text after Unicode and whitespace normalisation, and of its url
    when it has one (the same wire story on two sites is two documents; the same text twice without a url, or
    twice at one url, is one). Migration 0004 recomputes stored hashes with this same rule.
    """
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    if url and url.strip():
        normalised += "\n" + url.strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def extract_text(models: Models, text: str, published_at: dt.date | None) -> Extraction:
    """Extract statements and time expressions from a text without storing anything."""
    if not text.strip():
        raise InvalidInput("text is empty", {"text": ["Text has no content."]})
    return models.extractor.extract(text, published_at)


def ingest_document(runtime: Runtime, submission: DocumentSubmission) -> IngestResult:
    """Extract, embed, relate and cluster a document's statements, storing everything in one transaction."""
    store = runtime.store
    digest = text_hash(submission.text, submission.url)
    existing = store.find_document(digest)
    if existing is not None:
        return _existing_result(store, existing.id)
    extraction = extract_text(runtime.models, submission.text, submission.published_at)
    try:
        stored = store_documents(runtime, [DocumentDraft(submission, digest, distinct(extraction.statements))])
    except DuplicateDocument as duplicate:
        return _existing_result(store, duplicate.document_id)
    ((document_id, statement_ids),) = stored.documents
    return IngestResult(document_id, True, store.get_statements(statement_ids), stored.cluster_ids)


def distinct(statements: Sequence[ExtractedStatement]) -> list[ExtractedStatement]:
    """One statement per claim and speaker: a headline printed three times, or a quote repeated in a caption, is
    one statement (the first)."""
    seen: set[tuple[SpeakerMention, str]] = set()
    kept = []
    for statement in statements:
        key = (statement.speaker, " ".join(statement.claim.casefold().split()))
        if key not in seen:
            seen.add(key)
            kept.append(statement)
    return kept


@dataclass(frozen=True)
class DocumentDraft:
    """A document to store with the statements found in it (extracted, or given by another tool)."""

    submission: DocumentSubmission
    digest: str
    statements: list[ExtractedStatement]


@dataclass(frozen=True)
class StoredDocuments:
    """The ids a batch of documents got: (document id, its statement ids) in order, and the clusters touched."""

    documents: list[tuple[int, list[int]]]
    cluster_ids: list[int]


def store_documents(runtime: Runtime, drafts: Sequence[DocumentDraft]) -> StoredDocuments:
    """Embed, relate and cluster the drafts' statements, storing everything in one transaction.

    The statements are related to everything stored and to each other (a piece often quotes both sides of a
    dispute); DuplicateDocument when another request stored one of the drafts first.
    """
    store = runtime.store
    extracted = [s for draft in drafts for s in draft.statements]
    accounts = [(number, s.speaker) for number, draft in enumerate(drafts) for s in draft.statements]
    vectors = runtime.models.embedder.encode([s.claim for s in extracted])
    runtime.index.catch_up(store.iter_embeddings)
    seen_up_to = runtime.index.watermark
    scored = _score_candidates(runtime, extracted, _index_candidates(runtime, vectors, seen_up_to, accounts))
    with store.transaction() as tx:
        tx.lock_clusters()
        scored += _late_edges(runtime, tx, extracted, vectors, seen_up_to)
        documents: list[tuple[int, list[int]]] = []
        start = 0
        for draft in drafts:
            document_id = tx.add_document(draft.submission, draft.digest)
            end = start + len(draft.statements)
            documents.append((document_id, _store_statements(tx, document_id, draft.statements, vectors[start:end])))
            start = end
        statement_ids = [i for _, ids in documents for i in ids]
        relations = [_bind(edge, statement_ids) for edge in scored]
        tx.add_relations(relations)
        newest_cluster = tx.last_cluster_id()  # ids above it are clusters this ingest creates
        cluster_ids = update_clusters(tx, statement_ids, relations, edge_thresholds(runtime.settings))
    runtime.index.catch_up(store.iter_embeddings)
    logger.info("%d documents ingested: %d statements, %d relations, %d clusters touched",
                len(documents), len(statement_ids), len(scored), len(cluster_ids))
    _announce(runtime, statement_ids, cluster_ids, newest_cluster)
    return StoredDocuments(documents, cluster_ids)


def _announce(runtime: Runtime, statement_ids: Sequence[int], cluster_ids: Sequence[int], newest_cluster: int
              ) -> None:
    """The webhook events of an ingest: clusters created or changed, and claim_review.matched for each new statement
    an imported fact-check reviews (looked up only when someone listens)."""
    events: list[tuple[str, dict[str, Any]]] = [
        ("cluster.created" if c > newest_cluster else "cluster.changed", {"id": c}) for c in cluster_ids]
    if "claim_review.matched" in listened(runtime):
        events += [("claim_review.matched", {"statement_id": sid, "claim_review_ids": [f.id for f in checks]})
                   for sid, checks in fact_checks_of(runtime, statement_ids).items() if checks]
    emit_many(runtime, events)


def _late_edges(runtime: Runtime, tx: ClaimStore, extracted: Sequence[ExtractedStatement], vectors: np.ndarray,
                seen_up_to: int) -> list[_ScoredEdge]:
    """Rows other workers committed since our catch-up: compare against them too, under the lock."""
    late = list(tx.iter_embeddings(seen_up_to))
    if not late:
        return []
    late_ids = np.concatenate([ids for ids, _, _ in late])
    late_vectors = np.concatenate([vecs for _, _, vecs in late])
    return _score_candidates(runtime, extracted, _block_candidates(runtime, vectors, late_ids, late_vectors))


def _existing_result(store: ClaimStore, document_id: int) -> IngestResult:
    statements = store.statements_of_document(document_id)
    clusters = store.clusters_of([s.id for s in statements])
    return IngestResult(document_id, False, statements, sorted(c.id for c in clusters))


@dataclass(frozen=True)
class _Candidate:
    """A pair to classify: new statement (by position) against a stored id or another new position."""

    position: int
    stored_id: int | None
    other_position: int | None
    similarity: float


@dataclass(frozen=True)
class _ScoredEdge:
    candidate: _Candidate
    label: RelationKind
    probability: float


def _index_candidates(runtime: Runtime, vectors: np.ndarray, up_to_id: int,
                      accounts: Sequence[tuple[int, SpeakerMention]]) -> list[_Candidate]:
    """Pairs to classify: each new statement against its nearest stored ones, and new statements against each
    other, except two statements of one speaker in one document (one account, not a dispute between two)."""
    settings = runtime.settings
    found = runtime.index.search(vectors, settings.candidate_max_per_statement, settings.candidate_min_similarity)
    # Another request thread may have caught the index up further meanwhile; rows above `up_to_id` are
    # compared under the lock instead, so each pair is classified exactly once.
    candidates = [_Candidate(position, n.key, None, n.similarity)
                  for position, row in enumerate(found) for n in row if n.key <= up_to_id]
    # Pairs within the batch itself: a piece often quotes both sides of a dispute.
    if len(vectors) > 1:
        similarity = vectors @ vectors.T
        rows, columns = np.nonzero(np.triu(similarity >= settings.candidate_min_similarity, k=1))
        candidates += [_Candidate(int(i), None, int(j), float(similarity[i, j]))
                       for i, j in zip(rows.tolist(), columns.tolist(), strict=True) if accounts[i] != accounts[j]]
    return candidates


def _block_candidates(runtime: Runtime, vectors: np.ndarray, ids: np.ndarray, block: np.ndarray
                      ) -> list[_Candidate]:
    similarity = vectors @ block.T
    return [_Candidate(i, int(ids[j]), None, float(similarity[i, j]))
            for i, j in zip(*np.nonzero(similarity >= runtime.settings.candidate_min_similarity), strict=True)]


def _score_candidates(runtime: Runtime, extracted: Sequence[ExtractedStatement],
                      candidates: Sequence[_Candidate]) -> list[_ScoredEdge]:
    stored = {s.id: s.claim for s in runtime.store.get_statements(
        sorted({c.stored_id for c in candidates if c.stored_id is not None}))}
    pairs = [(extracted[c.position].claim,
              stored[c.stored_id] if c.stored_id is not None else extracted[c.other_position or 0].claim)
             for c in candidates]
    return [_ScoredEdge(c, label, probability)
            for c, (label, probability) in zip(candidates, _relate(runtime, pairs), strict=True)]


def _relate(runtime: Runtime, pairs: Sequence[tuple[str, str]]) -> list[tuple[RelationKind, float]]:
    """The label and probability stored for each pair of claims: the classifier's, both ways, read through the
    opposition scorer when one is in use (`service.domain.relation.opposition`)."""
    scorer, classifier = opposition_in_use(runtime), runtime.models.classifier
    if scorer is None or not pairs or not isinstance(classifier, PairModelClassifier):
        return [(s.label, s.probability) for s in classifier.classify_symmetric(pairs)]
    return statement_relations(classifier, scorer, pairs, runtime.settings.contradicts_threshold,
                               runtime.settings.opposition_threshold)


def _bind(edge: _ScoredEdge, statement_ids: Sequence[int]) -> Relation:
    c = edge.candidate
    other = c.stored_id if c.stored_id is not None else statement_ids[c.other_position or 0]
    source, target = sorted((statement_ids[c.position], other))
    return Relation(source, target, edge.label, edge.probability, c.similarity)


def _store_statements(tx: ClaimStore, document_id: int, extracted: Sequence[ExtractedStatement],
                      vectors: np.ndarray) -> list[int]:
    speaker_ids: dict[SpeakerMention, int] = {}
    rows = []
    for position, statement in enumerate(extracted):
        if statement.speaker not in speaker_ids:
            speaker_ids[statement.speaker] = _canonical_speaker(tx, statement.speaker).id
        rows.append(NewStatement(
            position=position, speaker_id=speaker_ids[statement.speaker], claim=statement.claim,
            claim_start=statement.claim_span.start, claim_end=statement.claim_span.end,
            speaker_start=statement.speaker_span.start if statement.speaker_span else None,
            speaker_end=statement.speaker_span.end if statement.speaker_span else None,
            date=statement.date, date_text=statement.date_text, date_basis=str(statement.date_basis),
            cue=statement.cue, embedding=vectors[position],
        ))
    return tx.add_statements(document_id, rows)


def _alias_keys(mention: SpeakerMention) -> dict[str, str]:
    names = [mention.name, *(a for a in mention.aliases if not is_pronoun(a) and a[:1].isupper())]
    keys = {speaker_key(name): name for name in names if speaker_key(name)}
    if mention.kind is SpeakerKind.PERSON:
        surname = speaker_key(mention.name).split()[-1:]
        if surname:
            keys.setdefault(surname[0], mention.name)
    return keys


def _canonical_speaker(tx: ClaimStore, mention: SpeakerMention) -> Speaker:
    keys = _alias_keys(mention)
    found = match_speaker(mention, tx.speakers_with_alias_keys(sorted(keys)))
    if found is None:
        return tx.add_speaker(mention, keys)
    tx.add_speaker_aliases(found.id, keys)
    return found


