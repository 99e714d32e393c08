"""Match a claim, a tweet or a text against stored statements and imported fact-checks (hybrid retrieval)."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.domain.entities import Statement, StoredFactCheck
from service.domain.lexical import query_terms
from service.domain.ranking import Candidate, normalise_query
from service.domain.relation.classifier import RelationScores
from service.errors import InvalidInput
from service.runtime import Runtime, answering_classifier
from service.storage.vector_index import Neighbour, SearchIndex

logger = logging.getLogger(__name__)

STATEMENT = "statement"
FACT_CHECK = "fact_check"
# Up to this length a text is taken as one claim (a tweet with its tail fits): on CheckThat! 2020 dev, querying
# with a tweet's extracted claims as well as the tweet scored lower (MAP@5 0.835) than the tweet alone (0.841).
ONE_CLAIM_CHARS = 400


@dataclass(frozen=True)
class Match:
    """A stored statement or imported fact-check matching a submitted claim."""

    query: str
    similarity: float
    score: float
    relation: RelationScores | None  # None when the caller skipped the relation model
    statement: Statement | None = None
    fact_check: StoredFactCheck | None = None


def match_claim(runtime: Runtime, text: str, top_k: int, published_at: dt.date | None = None, *,
                relations: bool = True) -> list[Match]:
    """Match the claims of a text (or the text itself as one claim) against stored statements and fact-checks.

    Dense (MiniLM) and lexical (full-text) retrieval, fused by the trained ranker, then the relation model
    labels the best `top_k` (unless `relations` is false).
    """
    return _matches(runtime, rank_candidates(runtime, text, published_at)[:top_k], relations)


def rank_candidates(runtime: Runtime, text: str, published_at: dt.date | None = None
                    ) -> list[tuple[float, str, Candidate]]:
    """Every candidate retrieval found for the text's claims, as (score, query, candidate), best first."""
    cleaned = normalise_query(text)
    if not cleaned:
        raise InvalidInput("text is empty", {"text": ["Text has no content."]})
    queries = _queries(runtime, cleaned, published_at)
    vectors = runtime.models.embedder.encode(queries)
    runtime.catch_up()
    best: dict[tuple[str, int], tuple[float, str, Candidate]] = {}
    for query, vector in zip(queries, vectors, strict=True):
        candidates = _retrieve(runtime, query, vector)
        for candidate, score in zip(candidates, runtime.models.ranker.score(query, candidates), strict=True):
            known = best.get((candidate.kind, candidate.key))
            if known is None or score > known[0]:
                best[(candidate.kind, candidate.key)] = (float(score), query, candidate)
    return sorted(best.values(), key=lambda hit: (-hit[0], hit[2].kind, hit[2].key))


def _queries(runtime: Runtime, cleaned: str, published_at: dt.date | None) -> list[str]:
    """A short text (a tweet, a claim) is one query; a longer one gives its claims, and itself as well."""
    if len(cleaned) <= ONE_CLAIM_CHARS:
        return [cleaned]
    claims = [s.claim for s in runtime.models.extractor.extract(cleaned, published_at).statements]
    return [*dict.fromkeys(claims), cleaned]


def _retrieve(runtime: Runtime, query: str, vector: np.ndarray) -> list[Candidate]:
    limit = runtime.settings.match_candidates
    terms = query_terms(query)
    found: dict[tuple[str, int], Candidate] = {}
    sources: list[tuple[str, Sequence[Neighbour]]] = [
        (STATEMENT, runtime.index.search(vector[None], limit)[0]),
        (FACT_CHECK, runtime.fact_check_index.search(vector[None], limit)[0]),
        (FACT_CHECK, runtime.fact_check_title_index.search(vector[None], limit)[0]),
    ]
    for kind, neighbours in sources:
        for rank, neighbour in enumerate(neighbours, start=1):
            candidate = found.setdefault((kind, neighbour.key), Candidate(kind, neighbour.key))
            candidate.dense_rank = min(rank, candidate.dense_rank or rank)
    for kind, hits in ((STATEMENT, runtime.store.search_statements_text(terms, limit)),
                       (FACT_CHECK, runtime.store.search_fact_checks_text(terms, limit))):
        top = hits[0][1] if hits and hits[0][1] > 0 else 1.0
        for rank, (key, score) in enumerate(hits, start=1):
            candidate = found.setdefault((kind, key), Candidate(kind, key))
            candidate.lexical_rank, candidate.lexical_score = rank, score / top
    candidates = list(found.values())
    _fill_similarities(runtime, vector, candidates)
    _fill_texts(runtime, candidates)
    return [c for c in candidates if c.claim]


def _fill_similarities(runtime: Runtime, vector: np.ndarray, candidates: Sequence[Candidate]) -> None:
    """Cosine similarity of the query to every candidate, lexical-only ones included."""
    for kind, claim_index, title_index in ((STATEMENT, runtime.index, runtime.index),
                                           (FACT_CHECK, runtime.fact_check_index, runtime.fact_check_title_index)):
        of_kind = [c for c in candidates if c.kind == kind]
        if not of_kind:
            continue
        keys = np.array([c.key for c in of_kind], dtype=np.int64)
        claim_scores = _similarities(claim_index, keys, vector)
        title_scores = claim_scores if title_index is claim_index else _similarities(title_index, keys, vector,
                                                                                    fallback=claim_scores)
        for candidate, claim_score, title_score in zip(of_kind, claim_scores, title_scores, strict=True):
            candidate.similarity_claim, candidate.similarity_title = float(claim_score), float(title_score)


def _similarities(index: SearchIndex, keys: np.ndarray, vector: np.ndarray,
                  fallback: np.ndarray | None = None) -> np.ndarray:
    """Cosine of `vector` to each key's stored vector; `fallback` for keys the index does not hold."""
    stored = index.vectors_of(keys)
    scores = np.asarray(stored @ vector, dtype=np.float32)
    if fallback is not None:
        scores = np.where(stored.any(axis=1), scores, fallback)
    return scores


def _fill_texts(runtime: Runtime, candidates: Sequence[Candidate]) -> None:
    """The ranker's fuzzy features need the texts (claims, fact-check titles), not the whole rows."""
    claims = runtime.store.statement_claims([c.key for c in candidates if c.kind == STATEMENT])
    checks = runtime.store.fact_check_texts([c.key for c in candidates if c.kind == FACT_CHECK])
    for candidate in candidates:
        if candidate.kind == STATEMENT and candidate.key in claims:
            candidate.claim = claims[candidate.key]
        elif candidate.kind == FACT_CHECK and candidate.key in checks:
            candidate.claim, candidate.title = checks[candidate.key]


def _matches(runtime: Runtime, ranked: Sequence[tuple[float, str, Candidate]], relations: bool) -> list[Match]:
    statements = {s.id: s for s in runtime.store.get_statements(
        [c.key for _, _, c in ranked if c.kind == STATEMENT])}
    checks = {f.id: f for f in runtime.store.get_fact_checks([c.key for _, _, c in ranked if c.kind == FACT_CHECK])}
    labels: Sequence[RelationScores | None] = (
        answering_classifier(runtime.models).classify([(query, c.claim) for _, query, c in ranked]) if relations
        else [None] * len(ranked))
    return [
        Match(query, c.similarity, score, relation, statements.get(c.key) if c.kind == STATEMENT else None,
              checks.get(c.key) if c.kind == FACT_CHECK else None)
        for (score, query, c), relation in zip(ranked, labels, strict=True)
    ]


