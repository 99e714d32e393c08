"""Imported fact-checks (schema.org ClaimReview): import, search as Google's `claims:search` does, link to
stored statements, and describe statements and clusters as schema.org Claims."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from service.domain.claimreview import ClaimReviewError, claim_jsonld, claims_itemlist_jsonld, parse_fact_checks
from service.domain.entities import FactCheck, StoredFactCheck
from service.errors import InvalidInput
from service.runtime import Runtime
from service.storage import NewFactCheck
from service.usecases.cluster_views import cluster_view
from service.usecases.matching import FACT_CHECK, rank_candidates
from service.usecases.webhooks import emit_many, listened

logger = logging.getLogger(__name__)


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
    if "claim_review.matched" in listened(runtime):
        _announce_matches(runtime, new, [i for i, _ in stored])
    return ImportOutcome([i for i, _ in stored], created, len(stored) - created, errors)


def _announce_matches(runtime: Runtime, new: Sequence[NewFactCheck], ids: Sequence[int]) -> None:
    """claim_review.matched for each stored statement the imported fact-checks review (claim or title close to
    it, as `fact_checks_of` links them the other way)."""
    runtime.catch_up()
    threshold = runtime.settings.fact_check_link_similarity
    reviews_of: dict[int, set[int]] = {}
    for vectors, owners in _review_vectors(new, ids):
        for fact_check_id, row in zip(owners, runtime.index.search(vectors, _MATCHES_PER_REVIEW, threshold),
                                      strict=True):
            for neighbour in row:
                reviews_of.setdefault(neighbour.key, set()).add(fact_check_id)
    emit_many(runtime, [("claim_review.matched", {"statement_id": sid, "claim_review_ids": sorted(reviews)})
                        for sid, reviews in sorted(reviews_of.items())])


_MATCHES_PER_REVIEW = 50


def _review_vectors(new: Sequence[NewFactCheck], ids: Sequence[int]) -> list[tuple[np.ndarray, list[int]]]:
    claims = (np.array([n.embedding for n in new]), list(ids))
    titled = [(n.title_embedding, i) for n, i in zip(new, ids, strict=True) if n.title_embedding is not None]
    if not titled:
        return [claims]
    return [claims, (np.array([vector for vector, _ in titled]), [i for _, i in titled])]


def _embed_fact_checks(runtime: Runtime, checks: Sequence[FactCheck]) -> list[NewFactCheck]:
    titled = [n for n, c in enumerate(checks) if c.title and c.title != c.claim]
    vectors = runtime.models.embedder.encode([c.claim for c in checks] + [checks[n].title or "" for n in titled])
    claims = vectors[: len(checks)]
    titles: dict[int, np.ndarray] = dict(zip(titled, vectors[len(checks):], strict=True))
    return [NewFactCheck(c, claims[n], titles.get(n)) for n, c in enumerate(checks)]


# --- Google Fact Check Tools claims:search ---------------------------------------------------------------


@dataclass(frozen=True)
class SearchPage:
    """One page of fact-checks found for a query, and the offset of the next page (None when it is the last)."""

    fact_checks: list[StoredFactCheck]
    next_offset: int | None


def search_fact_checks(runtime: Runtime, query: str | None, publisher_site: str | None, language: str | None,
                       max_age_days: int | None, offset: int, page_size: int) -> SearchPage:
    """Fact-checks about `query` (hybrid retrieval, best first, none under the relevance floor) or, without a
    query, a publisher's newest."""
    if query:
        floor = runtime.settings.search_min_similarity
        keys = [c.key for _, _, c in rank_candidates(runtime, query)
                if c.kind == FACT_CHECK and c.similarity >= floor]
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
        # Google's rule: the age is that of the claim date or the review date, whichever is newer.
        newest = max((d for d in (check.review_date, check.claim_date) if d is not None), default=None)
        return newest is not None and (dt.date.today() - newest).days <= max_age_days
    return True


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
    sides = [(side.label, [claim_jsonld(s, documents[s.document_id], [r.fact_check for r in reviews.get(s.id, [])],
                                        identifier=f"statement:{s.id}") for s in side.statements])
             for side in view.sides]
    return claims_itemlist_jsonld(view.title, f"cluster:{cluster_id}", f"{view.kind} cluster", sides)
