"""The in-memory vector index: a cache of stored embeddings, rebuilt from the database and caught up.

One interface, two engines chosen by size: below `ann_threshold` vectors an exact numpy matrix (float32, exact
cosine); above it an HNSW graph from usearch holding float16 vectors (under 1 KB per vector with its links,
instead of 1,536 bytes of float32 alone), searched approximately. Chosen by measurement (`benchmarks/match.py`):
int8 vectors cap recall@10 at 0.95 whatever the graph settings; float16 reaches 0.99 at 100k vectors.

A zero vector in an update removes its key (a fact-check whose title was dropped leaves the title index).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from usearch.index import BatchMatches
from usearch.index import Index as UsearchIndex

from service.domain.embedding import EMBEDDING_DIM

# keys (n,) int64, versions (n,) int64, vectors (n, 384) float32 unit rows; versions increase along the feed
EmbeddingBatch = tuple[np.ndarray, np.ndarray, np.ndarray]
EmbeddingFeed = Callable[[int], Iterator[EmbeddingBatch]]  # every stored row whose version is above the argument

DEFAULT_ANN_THRESHOLD = 50_000
_REMOVED = -1


@dataclass(frozen=True)
class Neighbour:
    """A stored item close to a query vector."""

    key: int  # a statement id or a fact-check id, depending on the index
    similarity: float  # cosine similarity in [-1, 1]


class _Engine(Protocol):
    def __len__(self) -> int: ...
    def upsert(self, keys: np.ndarray, vectors: np.ndarray) -> None: ...
    def search(self, queries: np.ndarray, k: int) -> list[list[Neighbour]]: ...
    def memory_bytes(self) -> int: ...
    def vectors_of(self, keys: np.ndarray) -> np.ndarray: ...
    def export(self) -> tuple[np.ndarray, np.ndarray]: ...


class ExactEngine:
    """Exact cosine search: a float32 matrix grown by doubling, and a key → row map for updates."""

    def __init__(self) -> None:
        self._keys = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        self._size = 0
        self._removed = 0
        self._rows: dict[int, int] = {}

    def __len__(self) -> int:
        return self._size - self._removed

    def upsert(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        for key, vector in zip(keys.tolist(), vectors, strict=True):
            row = self._rows.get(key)
            if row is None:
                if not vector.any():
                    continue
                row = self._append_row(key)
            self._vectors[row] = vector
            if not vector.any():  # removed: the row stays, zeroed, and never shows up in results
                self._keys[row] = _REMOVED
                del self._rows[key]
                self._removed += 1

    def _append_row(self, key: int) -> int:
        if self._size == len(self._keys):
            capacity = max(1024, 2 * len(self._keys))
            self._keys = np.resize(self._keys, capacity)
            grown = np.zeros((capacity, EMBEDDING_DIM), dtype=np.float32)
            grown[: self._size] = self._vectors[: self._size]
            self._vectors = grown
        row = self._size
        self._keys[row] = key
        self._rows[key] = row
        self._size += 1
        return row

    def search(self, queries: np.ndarray, k: int) -> list[list[Neighbour]]:
        keys, vectors = self._keys[: self._size], self._vectors[: self._size]
        if self._size == 0:
            return [[] for _ in range(len(queries))]
        scores = queries @ vectors.T
        k = min(k, self._size)
        results = []
        for row in scores:
            top = np.argpartition(-row, k - 1)[:k]
            top = top[np.lexsort((keys[top], -row[top]))]
            results.append([Neighbour(int(keys[i]), float(row[i])) for i in top if keys[i] != _REMOVED])
        return results

    def vectors_of(self, keys: np.ndarray) -> np.ndarray:
        out = np.zeros((len(keys), EMBEDDING_DIM), dtype=np.float32)
        for n, key in enumerate(keys.tolist()):
            row = self._rows.get(key)
            if row is not None:
                out[n] = self._vectors[row]
        return out

    def memory_bytes(self) -> int:
        # the dict costs about 100 bytes a key on CPython; counted so that the comparison with HNSW is honest
        return int(self._keys.nbytes + self._vectors.nbytes + 100 * len(self._rows))

    def export(self) -> tuple[np.ndarray, np.ndarray]:
        live = self._keys[: self._size] != _REMOVED
        return self._keys[: self._size][live].copy(), self._vectors[: self._size][live].copy()


class HnswEngine:
    """Approximate cosine search on a usearch HNSW graph with float16 vectors."""

    # expansion_search 256: recall@10 of tweets against the exact answer 0.983 at 400k vectors (96 gave 0.946),
    # p95 3.4 ms (benchmarks/results/match.md)
    def __init__(self, connectivity: int = 16, expansion_add: int = 128, expansion_search: int = 256) -> None:
        self._connectivity = connectivity
        self._index = UsearchIndex(ndim=EMBEDDING_DIM, metric="cos", dtype="f16", connectivity=connectivity,
                                   expansion_add=expansion_add, expansion_search=expansion_search)

    def __len__(self) -> int:
        return len(self._index)

    def upsert(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        keys = np.ascontiguousarray(keys, dtype=np.uint64)
        present = np.asarray(self._index.contains(keys), dtype=bool).reshape(-1)
        if present.any():
            self._index.remove(keys[present])
        kept = np.any(vectors != 0, axis=1)
        if kept.any():
            # One thread: usearch's parallel insertion sometimes leaves a vector unreachable (an exact near-duplicate
            # missed as nearest in 6 of 200 trials of test_vector_index under CPU load; 0 of 500 single-threaded),
            # at 1.7 times the build time (20k vectors: 10.3 s against 6.2 s on 2 cores).
            self._index.add(keys[kept], np.ascontiguousarray(vectors[kept], dtype=np.float32), threads=1)

    def search(self, queries: np.ndarray, k: int) -> list[list[Neighbour]]:
        if len(self._index) == 0:
            return [[] for _ in range(len(queries))]
        found = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        keys = np.asarray(found.keys).reshape(len(queries), -1)
        distances = np.asarray(found.distances).reshape(len(queries), -1)
        # usearch answers a one-row batch with plain Matches, which have no `counts`
        counts = (np.asarray(found.counts).reshape(-1) if isinstance(found, BatchMatches)
                  else np.array([len(found.keys)]))
        results = []
        for row_keys, row_distances, count in zip(keys, distances, counts, strict=True):
            hits = [Neighbour(int(key), 1.0 - float(d)) for key, d in zip(row_keys[:count], row_distances[:count],
                                                                          strict=True)]
            hits.sort(key=lambda n: (-n.similarity, n.key))
            results.append(hits)
        return results

    def vectors_of(self, keys: np.ndarray) -> np.ndarray:
        out = np.zeros((len(keys), EMBEDDING_DIM), dtype=np.float32)
        found = self._index.get(np.ascontiguousarray(keys, dtype=np.uint64), dtype="f32")
        rows = found if isinstance(found, tuple) else ([] if found is None else list(found))
        for n, vector in enumerate(rows):
            if vector is not None:
                # float16 storage gives the vector back rounded: renormalise it
                out[n] = vector / (np.linalg.norm(vector) or 1.0)
        return out

    def memory_bytes(self) -> int:
        # usearch's memory_usage counts reserved capacity too; this counts what is held: float16 vectors and
        # the base layer's links (upper layers add about 1/connectivity more)
        return len(self._index) * (2 * EMBEDDING_DIM + 2 * self._connectivity * 4 + 8)

    def export(self) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError("an HNSW index is never converted back")


class SearchIndex(Protocol):
    """What the use cases ask of a vector index: this in-process one, or pgvector's (`storage.sql.vectors`)."""

    @property
    def engine(self) -> str: ...
    @property
    def watermark(self) -> int: ...
    def __len__(self) -> int: ...
    def memory_bytes(self) -> int: ...
    def catch_up(self, feed: EmbeddingFeed) -> int: ...
    def vectors_of(self, keys: np.ndarray) -> np.ndarray: ...
    def search(self, queries: np.ndarray, k: int, min_similarity: float = -1.0) -> list[list[Neighbour]]: ...


class VectorIndex:
    """Keys → unit vectors with nearest-neighbour search; thread-safe.

    `watermark` is the highest version loaded. Versions are statement ids for statements and a revision counter
    for fact-checks (bumped on every update); writers commit them in increasing order under the store's write
    lock, so loading the rows above the watermark catches up with everything other workers committed.
    """

    def __init__(self, ann_threshold: int = DEFAULT_ANN_THRESHOLD) -> None:
        self._engine: _Engine = ExactEngine()
        self._ann_threshold = ann_threshold
        self._watermark = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._engine)

    @property
    def watermark(self) -> int:
        return self._watermark

    @property
    def engine(self) -> str:
        return "hnsw" if isinstance(self._engine, HnswEngine) else "exact"

    def memory_bytes(self) -> int:
        return self._engine.memory_bytes()

    def upsert(self, keys: np.ndarray, vectors: np.ndarray, versions: np.ndarray | None = None) -> None:
        """Insert or replace (n,) keys with their (n, 384) unit vectors; `versions` (default: the keys)."""
        keys = np.asarray(keys, dtype=np.int64)
        versions = keys if versions is None else np.asarray(versions, dtype=np.int64)
        if len(keys) == 0:
            return
        with self._lock:
            self._engine.upsert(keys, np.asarray(vectors, dtype=np.float32))
            self._watermark = max(self._watermark, int(versions.max()))
            if isinstance(self._engine, ExactEngine) and len(self._engine) > self._ann_threshold:
                self._engine = _to_hnsw(self._engine)

    def catch_up(self, feed: EmbeddingFeed) -> int:
        """Load the stored vectors above the watermark; return how many were loaded."""
        loaded = 0
        for keys, versions, vectors in feed(self.watermark):
            self.upsert(keys, vectors, versions)
            loaded += len(keys)
        return loaded

    def vectors_of(self, keys: np.ndarray) -> np.ndarray:
        """The (n, 384) stored vectors of these keys; a zero row for a key not held."""
        with self._lock:
            return self._engine.vectors_of(np.asarray(keys, dtype=np.int64))

    def search(self, queries: np.ndarray, k: int, min_similarity: float = -1.0) -> list[list[Neighbour]]:
        """Return per (m, 384) query row up to k neighbours with similarity >= min_similarity, best first."""
        if k <= 0:
            return [[] for _ in range(len(queries))]
        with self._lock:
            found = self._engine.search(np.asarray(queries, dtype=np.float32), k)
        return [[n for n in row if n.similarity >= min_similarity] for row in found]


def _to_hnsw(exact: ExactEngine) -> HnswEngine:
    graph = HnswEngine()
    keys, vectors = exact.export()
    graph.upsert(keys, vectors)
    return graph
