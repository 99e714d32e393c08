"""MiniLM embeddings of texts cached on disk, so that re-running a relation script embeds only new texts."""
from __future__ import annotations

import hashlib
import logging
import pathlib
import time
from collections.abc import Sequence

import numpy as np

from lab.paths import DEVDATA
from service.domain.embedding import EMBEDDING_DIM, Embedder

log = logging.getLogger("embedding_cache")

DEFAULT_CACHE = DEVDATA / "relation_embeddings"


class EmbeddingCache:
    """Embeds texts once and keeps the vectors on disk, keyed by the SHA-1 of the text."""

    def __init__(self, directory: pathlib.Path, embedder: Embedder | None = None) -> None:
        self._dir = directory
        self._embedder = embedder
        self._index: dict[bytes, int] = {}
        self._vectors = np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        keys_path, vec_path = directory / "keys.npy", directory / "vectors.npy"
        if keys_path.exists() and vec_path.exists():
            keys = np.load(keys_path)
            self._vectors = np.load(vec_path)
            # numpy's "S" dtype drops trailing NUL bytes on read: pad the digests back to 20 bytes.
            self._index = {bytes(key).ljust(20, b"\0"): i for i, key in enumerate(keys)}

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.sha1(text.encode("utf-8")).digest()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return (n, 384) float32 vectors, embedding (and saving) only the texts not seen before."""
        keys = [self._key(text) for text in texts]
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._index:
                missing.setdefault(key, text)
        if missing:
            if self._embedder is None:
                self._embedder = Embedder()
            started = time.time()
            new = self._embedder.encode(list(missing.values()))
            log.info("embedded %d new texts in %.0fs", len(missing), time.time() - started)
            base = len(self._vectors)
            self._vectors = np.concatenate([self._vectors, new])
            for offset, key in enumerate(missing):
                self._index[key] = base + offset
            self._save()
        return self._vectors[[self._index[key] for key in keys]]

    def _save(self) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        keys = np.zeros(len(self._vectors), dtype="S20")
        for key, i in self._index.items():
            keys[i] = key
        np.save(self._dir / "keys.npy", keys)
        np.save(self._dir / "vectors.npy", self._vectors)

