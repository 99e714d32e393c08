"""Use cases of claim matching: import fact-checks, match a text against everything stored, search fact-checks."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from service.domain.claimreview import ClaimReviewError, claim_jsonld, parse_fact_checks
from service.domain.entities import FactCheck, Statement, StoredFactCheck
from service.domain.lexical import query_terms
from service.domain.matching import Candidate, normalise_query
from service.domain.relation import RelationScores
from service.errors import InvalidInput
from service.pipeline import cluster_view
from service.runtime import Runtime
from service.storage import NewFactCheck
from service.storage.vector_index import Neighbour, VectorIndex

logger = logging.getLogger(__name__)

STATEMENT = "statement"
FACT_CHECK = "fact_check"
# Up to this length a text is taken as one claim (a tweet with its tail fits): on CheckThat! 2020 dev, querying
# with a tweet's extracted claims as well as the tweet scored lower (MAP@5 0.835) than the tweet alone (0.841).
ONE_CLAIM_CHARS = 400


# --- import ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """What an import stored: ids in input order (one per fact-check), and what it skipped as invalid."""

    ids: list[int]
    created: int
    updated: int
    rejected: dict[int, dict[str, list[str]]] = field(default_factory=dict)  # input position → field errors


def parse_items(items: Sequence[Any]) -> tuple[list[FactCheck], dict[int, dict[str, list[str]]]]:
    """Parse ClaimReview objects; return the fact-checks and the errors by input position."""
    checks: list[FactCheck] = []
    errors: dict[int, dict[str, list[str]]] = {}
    for position, item in enumerate(items):
        try:
            checks.extend(parse_fact_checks(item))
        except ClaimReviewError as error:
            errors[position] = error.errors
    return checks, errors


def import_fact_checks(runtime: Runtime, items: Sequence[Any], *, skip_invalid: bool = False) -> ImportOutcome:
    """Validate, embed and store ClaimReviews in one transaction; a stored `url` is updated, not duplicated.

    All or nothing unless `skip_invalid`: one invalid item rejects the batch with every item's errors.
    """
    checks, errors = parse_items(items)
    if errors and not skip_invalid:
        raise InvalidInput(f"{len(errors)} of {len(items)} ClaimReviews are invalid",
                           {"claim_reviews": {str(k): v for k, v in errors.items()}})
    if not checks:
        return ImportOutcome([], 0, 0, errors)
    new = _embed_fact_checks(runtime, checks)
    with runtime.store.transaction() as tx:
        tx.lock_clusters()
        stored = tx.upsert_fact_checks(new)
    runtime.catch_up_fact_checks()
    created = sum(1 for _, is_new in stored if is_new)
    logger.info("fact-checks imported: %d created, %d updated, %d rejected", created, len(stored) - created,
                len(errors))
    return ImportOutcome([i for i, _ in stored], created, len(stored) - created, errors)


def _embed_fact_checks(runtime: Runtime, checks: Sequence[FactCheck]) -> list[NewFactCheck]:
    titled = [n for n, c in enumerate(checks) if c.title and c.title != c.claim]
    vectors = runtime.models.embedder.encode([c.claim for c in checks] + [checks[n].title or "" for n in titled])
    claims = vectors[: len(checks)]
    titles: dict[int, np.ndarray] = dict(zip(titled, vectors[len(checks):], strict=True))
    return [NewFactCheck(c, claims[n], titles.get(n)) for n, c in enumerate(checks)]


# --- matching --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A stored statement or imported fact-check matching a submitted claim."""

    query: str
    similarity: float
    score: float
    relation: RelationScores
    statement: Statement | None = None
    fact_check: StoredFactCheck | None = None


def match_claim(runtime: Runtime, text: str, top_k: int, published_at: dt.date | None = None) -> list[Match]:
    """Match the claims of a text (or the text itself as one claim) against stored statements and fact-checks.

    Dense (MiniLM) and lexical (full-text) retrieval, fused by the trained ranker, then the relation model
    labels the best `top_k`.
    """
    return _matches(runtime, rank_candidates(runtime, text, published_at)[:top_k])


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


def _similarities(index: VectorIndex, keys: np.ndarray, vector: np.ndarray,
                  fallback: np.ndarray | None = None) -> np.ndarray:
    """Cosine of `vector` to each key's stored vector; `fallback` for keys the index does not hold."""
    stored = index.vectors_of(keys)
    scores = np.asarray(stored @ vector, dtype=np.float32)
    if fallback is not None:
        scores = np.where(stored.any(axis=1), scores, fallback)
    return scores


def _fill_texts(runtime: Runtime, candidates: Sequence[Candidate]) -> None:
    """The ranker's fuzzy features need the texts: one query per kind."""
    statements = {s.id: s for s in runtime.store.get_statements([c.key for c in candidates if c.kind == STATEMENT])}
    checks = {f.id: f for f in runtime.store.get_fact_checks([c.key for c in candidates if c.kind == FACT_CHECK])}
    for candidate in candidates:
        if candidate.kind == STATEMENT and candidate.key in statements:
            candidate.claim = statements[candidate.key].claim
        elif candidate.kind == FACT_CHECK and candidate.key in checks:
            check = checks[candidate.key].fact_check
            candidate.claim, candidate.title = check.claim, check.title


def _matches(runtime: Runtime, ranked: Sequence[tuple[float, str, Candidate]]) -> list[Match]:
    statements = {s.id: s for s in runtime.store.get_statements(
        [c.key for _, _, c in ranked if c.kind == STATEMENT])}
    checks = {f.id: f for f in runtime.store.get_fact_checks([c.key for _, _, c in ranked if c.kind == FACT_CHECK])}
    relations = runtime.models.classifier.classify([(query, c.claim) for _, query, c in ranked])
    return [
        Match(query, c.similarity, score, relation, statements.get(c.key) if c.kind == STATEMENT else None,
              checks.get(c.key) if c.kind == FACT_CHECK else None)
        for (score, query, c), relation in zip(ranked, relations, strict=True)
    ]


# --- Google Fact Check Tools claims:search ---------------------------------------------------------------


@dataclass(frozen=True)
class SearchPage:
    """One page of fact-checks found for a query, and the offset of the next page (None when it is the last)."""

    fact_checks: list[StoredFactCheck]
    next_offset: int | None


def search_fact_checks(runtime: Runtime, query: str | None, publisher_site: str | None, language: str | None,
                       max_age_days: int | None, offset: int, page_size: int) -> SearchPage:
    """Fact-checks about `query` (hybrid retrieval, best first) or, without one, a publisher's newest."""
    if query:
        keys = [c.key for _, _, c in rank_candidates(runtime, query) if c.kind == FACT_CHECK]
        found = [f for f in runtime.store.get_fact_checks(keys)
                 if _keeps(f.fact_check, publisher_site, language, max_age_days)]
        end = offset + page_size
        return SearchPage(found[offset:end], end if len(found) > end else None)
    listed, total = runtime.store.list_fact_checks(page_size, offset, publisher_site)
    listed = [f for f in listed if _keeps(f.fact_check, None, language, max_age_days)]
    return SearchPage(listed, offset + page_size if total > offset + page_size else None)


def _keeps(check: FactCheck, publisher_site: str | None, language: str | None, max_age_days: int | None) -> bool:
    if publisher_site and (check.publisher_site or "").lower() != publisher_site.lower():
        return False
    if language and check.language and not check.language.lower().startswith(language.lower()[:2]):
        return False
    if max_age_days is not None:
        if check.review_date is None:
            return False
        return (dt.date.today() - check.review_date).days <= max_age_days
    return True


def google_claim(check: StoredFactCheck) -> dict[str, Any]:
    """One item of `claims:search`'s `claims`, in Google's Fact Check Tools shape."""
    fact = check.fact_check
    review: dict[str, Any] = {"publisher": {"name": fact.publisher, "site": fact.publisher_site}, "url": fact.url}
    for key, value in (("title", fact.title), ("reviewDate", fact.review_date and f"{fact.review_date}T00:00:00Z"),
                       ("textualRating", fact.rating), ("languageCode", fact.language)):
        if value:
            review[key] = value
    claim: dict[str, Any] = {"text": fact.claim, "claimReview": [review]}
    if fact.claimant:
        claim["claimant"] = fact.claimant
    if fact.claim_date:
        claim["claimDate"] = f"{fact.claim_date}T00:00:00Z"
    return claim


# --- fact-checks of stored statements --------------------------------------------------------------------


def fact_checks_of(runtime: Runtime, statement_ids: Iterable[int]) -> dict[int, list[StoredFactCheck]]:
    """The imported fact-checks that review each statement: claim or title close to it in embedding space."""
    ids = np.array(sorted(set(statement_ids)), dtype=np.int64)
    if len(ids) == 0:
        return {}
    runtime.catch_up()
    vectors = runtime.index.vectors_of(ids)
    threshold = runtime.settings.fact_check_link_similarity
    linked: dict[int, dict[int, float]] = {int(i): {} for i in ids}
    for index in (runtime.fact_check_index, runtime.fact_check_title_index):
        for statement_id, row in zip(ids.tolist(), index.search(vectors, 5, threshold), strict=True):
            for n in row:
                linked[statement_id][n.key] = max(n.similarity, linked[statement_id].get(n.key, -1.0))
    wanted = sorted({key for hits in linked.values() for key in hits})
    checks = {f.id: f for f in runtime.store.get_fact_checks(wanted)}
    return {sid: [checks[k] for k in sorted(hits, key=lambda k: -hits[k]) if k in checks]
            for sid, hits in linked.items()}


def statement_claim_jsonld(runtime: Runtime, statement_id: int) -> dict[str, Any]:
    """A stored statement as a schema.org Claim, with its appearance, author and known ClaimReviews."""
    statement = runtime.store.get_statement(statement_id)
    document = runtime.store.get_document(statement.document_id)
    reviews = fact_checks_of(runtime, [statement_id]).get(statement_id, [])
    return claim_jsonld(statement, document, [r.fact_check for r in reviews])


def cluster_claims_jsonld(runtime: Runtime, cluster_id: int) -> dict[str, Any]:
    """A cluster as a schema.org ItemList with one ItemList of Claims per side."""
    view = cluster_view(runtime, cluster_id)
    statements = [s for side in view.sides for s in side.statements]
    documents = {d: runtime.store.get_document(d) for d in sorted({s.document_id for s in statements})}
    reviews = fact_checks_of(runtime, [s.id for s in statements])
    sides = []
    for number, side in enumerate(view.sides, start=1):
        claims = []
        for position, statement in enumerate(side.statements, start=1):
            claim = claim_jsonld(statement, documents[statement.document_id],
                                 [r.fact_check for r in reviews.get(statement.id, [])])
            del claim["@context"]
            claim["identifier"] = f"statement:{statement.id}"
            claims.append({"@type": "ListItem", "position": position, "item": claim})
        sides.append({"@type": "ListItem", "position": number, "item": {
            "@type": "ItemList", "name": side.label, "numberOfItems": len(claims), "itemListElement": claims}})
    return {"@context": "https://schema.org", "@type": "ItemList", "name": view.title,
            "identifier": f"cluster:{cluster_id}", "description": f"{view.kind} cluster",
            "numberOfItems": len(sides), "itemListElement": sides}
