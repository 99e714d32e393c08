"""The in-memory vector index: a cache of the stored embeddings, rebuilt from the database and caught up."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from service.domain.embedding import EMBEDDING_DIM


@dataclass(frozen=True)
class Neighbour:
    """A stored statement close to a query vector."""

    statement_id: int
    similarity: float  # cosine similarity in [-1, 1]


class EmbeddingSource(Protocol):
    def iter_embeddings(
        self, after_id: int, batch_size: int = 10_000,
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]: ...


class ExactIndex:
    """Exact cosine search over unit vectors with numpy; thread-safe.

    Ids only ever grow (statement ids), so `watermark` (the highest id held) is enough to catch up with rows
    other workers committed: ingests are serialised by the cluster lock, so ids commit in increasing order.
    """

    def __init__(self) -> None:
        self._ids = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    @property
    def watermark(self) -> int:
        with self._lock:
            return int(self._ids[-1]) if len(self._ids) else 0

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Append (n,) ids above the watermark with their (n, 384) float32 unit vectors."""
        ids = np.asarray(ids, dtype=np.int64)
        with self._lock:
            keep = ids > (self._ids[-1] if len(self._ids) else 0)
            if not keep.any():
                return
            self._ids = np.concatenate([self._ids, ids[keep]])
            self._vectors = np.concatenate([self._vectors, np.asarray(vectors, dtype=np.float32)[keep]])

    def catch_up(self, source: EmbeddingSource) -> int:
        """Load the stored vectors above the watermark; return how many were added."""
        added = 0
        for ids, vectors in source.iter_embeddings(self.watermark):
            self.add(ids, vectors)
            added += len(ids)
        return added

    def search(self, queries: np.ndarray, k: int, min_similarity: float = -1.0) -> list[list[Neighbour]]:
        """Return per (m, 384) query row up to k neighbours with similarity >= min_similarity, best first."""
        with self._lock:
            ids, vectors = self._ids, self._vectors
        if len(ids) == 0 or k <= 0:
            return [[] for _ in range(len(queries))]
        scores = np.asarray(queries, dtype=np.float32) @ vectors.T
        k = min(k, len(ids))
        results = []
        for row in scores:
            top = np.argpartition(-row, k - 1)[:k]
            top = top[np.lexsort((ids[top], -row[top]))]
            results.append([Neighbour(int(ids[i]), float(row[i])) for i in top if row[i] >= min_similarity])
        return results
