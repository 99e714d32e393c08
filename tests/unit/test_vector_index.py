"""The exact vector index: search order, thresholds, catch-up by watermark."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from service.storage.vector_index import ExactIndex


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


class _Rows:
    def __init__(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self.ids, self.vectors = ids, vectors

    def iter_embeddings(self, after_id: int, batch_size: int = 10_000) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        keep = self.ids > after_id
        for start in range(0, int(keep.sum()), batch_size):
            yield self.ids[keep][start:start + batch_size], self.vectors[keep][start:start + batch_size]


def test_search_returns_the_nearest_first_and_respects_the_threshold() -> None:
    vectors = _unit(50, 0)
    index = ExactIndex()
    index.add(np.arange(1, 51), vectors)
    (hits,) = index.search(vectors[[9]], k=5)
    assert hits[0].statement_id == 10 and abs(hits[0].similarity - 1.0) < 1e-5
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
    assert all(h.statement_id == 10 for h in index.search(vectors[[9]], k=5, min_similarity=0.9)[0])


def test_catch_up_loads_only_rows_above_the_watermark() -> None:
    rows = _Rows(np.arange(1, 31), _unit(30, 1))
    index = ExactIndex()
    index.add(rows.ids[:10], rows.vectors[:10])
    assert index.catch_up(rows) == 20
    assert (len(index), index.watermark) == (30, 30)
    assert index.catch_up(rows) == 0


def test_an_empty_index_finds_nothing() -> None:
    assert ExactIndex().search(_unit(2, 2), k=3) == [[], []]
