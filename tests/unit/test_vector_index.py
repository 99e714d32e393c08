"""The vector index: search order, thresholds, updates, catch-up by watermark, and the exact → HNSW switch."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from service.storage.vector_index import EmbeddingBatch, ExactEngine, HnswEngine, VectorIndex


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class _Rows:
    """A stand-in for the store's embedding feed: rows with a version each, served above a watermark."""

    def __init__(self, keys: np.ndarray, vectors: np.ndarray, versions: np.ndarray | None = None) -> None:
        self.keys, self.vectors = keys, vectors
        self.versions = keys if versions is None else versions

    def feed(self, after: int, batch_size: int = 7) -> Iterator[EmbeddingBatch]:
        keep = np.nonzero(self.versions > after)[0]
        for start in range(0, len(keep), batch_size):
            rows = keep[start:start + batch_size]
            yield self.keys[rows], self.versions[rows], self.vectors[rows]


def test_search_returns_the_nearest_first_and_respects_the_threshold() -> None:
    vectors = _unit(50, 0)
    index = VectorIndex()
    index.upsert(np.arange(1, 51), vectors)
    (hits,) = index.search(vectors[[9]], k=5)
    assert hits[0].key == 10 and abs(hits[0].similarity - 1.0) < 1e-5
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
    assert all(h.key == 10 for h in index.search(vectors[[9]], k=5, min_similarity=0.9)[0])


def test_catch_up_loads_only_rows_above_the_watermark() -> None:
    rows = _Rows(np.arange(1, 31), _unit(30, 1))
    index = VectorIndex()
    index.upsert(rows.keys[:10], rows.vectors[:10])
    assert index.catch_up(rows.feed) == 20
    assert (len(index), index.watermark) == (30, 30)
    assert index.catch_up(rows.feed) == 0


def test_an_update_replaces_the_vector_of_its_key() -> None:
    vectors = _unit(3, 2)
    index = VectorIndex()
    index.upsert(np.array([7, 8]), vectors[:2], versions=np.array([1, 2]))
    index.upsert(np.array([7]), vectors[2:], versions=np.array([3]))
    assert (len(index), index.watermark) == (2, 3)
    assert index.search(vectors[[2]], k=1)[0][0].key == 7
    assert index.search(vectors[[0]], k=2)[0][0].similarity < 0.5  # the old vector of 7 is gone
    np.testing.assert_allclose(index.vectors_of(np.array([7, 99])), np.stack([vectors[2], np.zeros(384)]), atol=1e-6)


def test_an_empty_index_finds_nothing() -> None:
    assert VectorIndex().search(_unit(2, 2), k=3) == [[], []]


def test_the_index_switches_to_hnsw_above_its_threshold_and_keeps_finding_neighbours() -> None:
    vectors = _unit(600, 3)
    index = VectorIndex(ann_threshold=500)
    index.upsert(np.arange(1, 401), vectors[:400])
    assert index.engine == "exact"
    index.upsert(np.arange(401, 601), vectors[400:])
    assert (index.engine, len(index)) == ("hnsw", 600)
    queries = vectors[::37] + 0.05 * _unit(len(vectors[::37]), 4)
    exact = ExactEngine()
    exact.upsert(np.arange(1, 601), vectors)
    approximate = index.search(queries, k=10)
    truth = exact.search(queries / np.linalg.norm(queries, axis=1, keepdims=True), k=10)
    # Random 384-d vectors are all about equally far from each other beyond the nearest, so int8 rounding may
    # reorder those: require the nearest exactly, and the rest no worse than the exact 10th (within rounding).
    for found, expected in zip(approximate, truth, strict=True):
        assert found[0].key == expected[0].key and abs(found[0].similarity - expected[0].similarity) < 0.02
        assert len(found) == 10 and min(n.similarity for n in found) > expected[-1].similarity - 0.02


@pytest.mark.parametrize("engine", [ExactEngine, HnswEngine])
def test_one_query_and_removal_by_zero_vector(engine: type[ExactEngine] | type[HnswEngine]) -> None:
    vectors = _unit(30, 6)
    index = engine()
    index.upsert(np.arange(1, 31), vectors)
    (hits,) = index.search(vectors[[4]], 3)
    assert hits[0].key == 5 and len(hits) == 3
    index.upsert(np.array([5]), np.zeros((1, 384), dtype=np.float32))
    assert len(index) == 29
    assert all(n.key != 5 for n in index.search(vectors[[4]], 30)[0])
    assert not index.vectors_of(np.array([5])).any()


def test_hnsw_updates_and_vectors_of() -> None:
    vectors = _unit(20, 5)
    graph = HnswEngine()
    graph.upsert(np.arange(1, 21), vectors)
    graph.upsert(np.array([3]), vectors[[10]])
    assert len(graph) == 20
    back = graph.vectors_of(np.array([3, 1000]))
    assert float(back[0] @ vectors[10]) > 0.99 and not back[1].any()
    assert graph.memory_bytes() > 0
