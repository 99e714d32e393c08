"""Vectors in the database (pgvector, migration 0010) behind the VectorIndex interface.

The store must write a row's vector in the row's own transaction, and `PgVectorIndex` must answer as the
in-process index does: same keys, same similarities (from the float32 bytes), updates and removals seen at once.
"""
from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa
from alembic import command

from service.domain.entities import DocumentSubmission, FactCheck, SpeakerKind, SpeakerMention
from service.storage import NewFactCheck, NewStatement
from service.storage.migrate import alembic_config, upgrade_schema
from service.storage.sql import SqlClaimStore
from service.storage.sql.vectors import PgVectorIndex
from service.storage.vector_index import VectorIndex


def _unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=384).astype(np.float32)
    return vector / np.linalg.norm(vector)


def _statement_index(engine: sa.Engine) -> PgVectorIndex:
    return PgVectorIndex(engine, "statements", "vec", "embedding")


def _add_statements(store: SqlClaimStore, vectors: list[np.ndarray]) -> list[int]:
    with store.transaction() as tx:
        speaker = tx.add_speaker(SpeakerMention("Jens Stoltenberg", SpeakerKind.PERSON, "NATO"), {"k": "jens"})
        document = tx.add_document(DocumentSubmission(f"text {len(vectors)} {vectors[0][0]}", None),
                                   str(abs(hash(vectors[0].tobytes()))).rjust(64, "0"))
        return tx.add_statements(document, [NewStatement(
            n, speaker.id, f"claim {n}", 0, 4, None, None, None, None, "unknown", "said", vector)
            for n, vector in enumerate(vectors)])


def test_vectors_live_in_the_database_only_where_pgvector_is(request: pytest.FixtureRequest,
                                                             store: SqlClaimStore) -> None:
    on_pgvector = request.node.callspec.params["engine"] == "pgvector"
    assert store.has_vectors is on_pgvector


@pytest.mark.pgvector
@pytest.mark.parametrize("engine", ["pgvector"], indirect=True)
def test_the_vector_indexes_are_built_with_more_links_and_downgrade_to_the_defaults(engine: sa.Engine) -> None:
    def definitions() -> list[str]:
        with engine.connect() as c:
            return sorted(c.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                            "AND indexname LIKE '%_hnsw'")).scalars())

    assert len(definitions()) == 3
    assert all("m='24'" in d and "ef_construction='128'" in d for d in definitions())
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0010")
    assert len(definitions()) == 3 and not any("m='24'" in d for d in definitions())
    upgrade_schema(engine)
    assert all("m='24'" in d for d in definitions())


@pytest.mark.pgvector
@pytest.mark.parametrize("engine", ["pgvector"], indirect=True)
def test_statement_search_in_the_database_equals_the_exact_index(engine: sa.Engine, store: SqlClaimStore) -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(20, 384))
    vectors = [(c + 0.6 * rng.normal(size=384)).astype(np.float32) for c in centres for _ in range(25)]
    vectors = [v / np.linalg.norm(v) for v in vectors]
    ids = _add_statements(store, vectors)
    exact = VectorIndex()
    exact.upsert(np.array(ids), np.stack(vectors))
    index = _statement_index(engine)
    assert len(index) == 500 and index.catch_up(store.iter_embeddings) == 0

    queries = np.stack([vectors[n] * 0.8 + 0.2 * _unit(n) for n in range(0, 500, 25)])
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    found, expected = index.search(queries, 10), exact.search(queries, 10)
    recall = np.mean([len({n.key for n in f} & {n.key for n in e}) / 10 for f, e in zip(found, expected,
                                                                                         strict=True)])
    assert recall >= 0.98
    for row_found, row_expected in zip(found, expected, strict=True):
        assert row_found[0].key == row_expected[0].key  # same best key, the similarity of the float32 vectors
        assert row_found[0].similarity == pytest.approx(row_expected[0].similarity, abs=1e-5)
    assert np.allclose(index.vectors_of(np.array([*ids[:3], 10 ** 9])), np.stack([*vectors[:3], np.zeros(384)]))
    assert all(n.similarity >= 0.5 for n in index.search(queries[:1], 10, min_similarity=0.5)[0])


@pytest.mark.pgvector
@pytest.mark.parametrize("engine", ["pgvector"], indirect=True)
def test_fact_check_updates_and_dropped_titles_are_seen_at_once(engine: sa.Engine, store: SqlClaimStore) -> None:
    claims = PgVectorIndex(engine, "claim_reviews", "vec", "embedding")
    titles = PgVectorIndex(engine, "claim_reviews", "title_vec", "title_embedding")
    with store.transaction() as tx:
        tx.lock_clusters()
        ((key, _),) = tx.upsert_fact_checks([NewFactCheck(FactCheck(url="https://a.org/1", claim="one",
                                                                    title="One"), _unit(1), _unit(2))])
    assert [n.key for n in claims.search(_unit(1)[None], 5)[0]] == [key]
    assert [n.key for n in titles.search(_unit(2)[None], 5)[0]] == [key]
    with store.transaction() as tx:
        tx.lock_clusters()
        tx.upsert_fact_checks([NewFactCheck(FactCheck(url="https://a.org/1", claim="one, revised"),
                                            _unit(3), None)])
    (hit,) = claims.search(_unit(3)[None], 5)[0]
    assert hit.key == key and hit.similarity > 0.999
    assert len(titles) == 0 and titles.search(_unit(2)[None], 5) == [[]]


@pytest.mark.pgvector
@pytest.mark.parametrize("engine", ["pgvector"], indirect=True)
def test_a_rolled_back_transaction_leaves_no_vector(engine: sa.Engine, store: SqlClaimStore) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        speaker = tx.add_speaker(SpeakerMention("A", SpeakerKind.PERSON), {"k": "a"})
        document = tx.add_document(DocumentSubmission("t", None), "a" * 64)
        tx.add_statements(document, [NewStatement(0, speaker.id, "c", 0, 1, None, None, None, None, "unknown",
                                                  "said", _unit(1))])
        raise RuntimeError("abort")
    assert len(_statement_index(engine)) == 0
