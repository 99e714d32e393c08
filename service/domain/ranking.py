"""Claim matching: normalising a query, and ranking the candidates that dense and lexical retrieval found.

Retrieval gives, per candidate, its cosine similarity to the query (against the claim, and against the title of a
fact-check), its rank in each dense list, and its full-text score and rank. `FusionRanker` turns those into one
relevance score with weights fitted on CheckThat! 2020 train (`lab/matching/train.py`); without a weights
file it falls back to reciprocal-rank fusion.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|\bwww\.\S+")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

FEATURES = (
    "similarity_claim", "similarity_title", "similarity_best", "dense_reciprocal_rank",
    "lexical_score", "lexical_reciprocal_rank", "fuzzy_claim", "fuzzy_title",
)
_RRF_K = 10


def normalise_query(text: str) -> str:
    """Drop URLs, split hashtags into words, collapse whitespace.

    A tweet's "— Name (@handle) Date" tail stays: who tweeted and when matches the claimant and period of the
    fact-check (CheckThat! 2020 train MAP@5 0.905 with the tail, 0.877 without; handles kept as written).
    """
    text = _URL.sub(" ", text)
    text = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)), text)
    return " ".join(text.split())



@dataclass
class Candidate:
    """One stored item found for a query, with what each retriever said about it."""

    kind: str  # "statement" or "fact_check"
    key: int
    claim: str = ""
    title: str | None = None
    similarity_claim: float = 0.0
    similarity_title: float = 0.0
    dense_rank: int | None = None  # 1-based, best of the claim and title lists
    lexical_score: float = 0.0  # full-text score divided by the query's best full-text score
    lexical_rank: int | None = None

    @property
    def similarity(self) -> float:
        return max(self.similarity_claim, self.similarity_title)

    def features(self, query: str) -> np.ndarray:
        title = self.title or self.claim
        return np.array([
            self.similarity_claim, self.similarity_title, self.similarity,
            _reciprocal(self.dense_rank), self.lexical_score, _reciprocal(self.lexical_rank),
            fuzz.token_set_ratio(query, self.claim) / 100, fuzz.token_set_ratio(query, title) / 100,
        ], dtype=np.float32)


def _reciprocal(rank: int | None) -> float:
    return 0.0 if rank is None else _RRF_K / (_RRF_K + rank)


@dataclass(frozen=True)
class FusionRanker:
    """A linear relevance score over `FEATURES` (reciprocal-rank fusion is the special case of two weights)."""

    weights: np.ndarray

    @classmethod
    def reciprocal_rank_fusion(cls) -> FusionRanker:
        weights = np.zeros(len(FEATURES), dtype=np.float32)
        weights[FEATURES.index("dense_reciprocal_rank")] = 1.0
        weights[FEATURES.index("lexical_reciprocal_rank")] = 1.0
        return cls(weights)

    @classmethod
    def load(cls, path: Path) -> FusionRanker:
        """Read the weights `lab/matching/train.py` wrote; RRF when the file is absent."""
        if not path.exists():
            return cls.reciprocal_rank_fusion()
        spec = json.loads(path.read_text())
        if tuple(spec["features"]) != FEATURES:
            raise ValueError(f"{path}: trained on features {spec['features']}, this code computes {FEATURES}")
        return cls(np.asarray(spec["weights"], dtype=np.float32))

    def score(self, query: str, candidates: Sequence[Candidate]) -> np.ndarray:
        if not candidates:
            return np.zeros(0, dtype=np.float32)
        features = np.stack([c.features(query) for c in candidates])
        return np.asarray(features @ self.weights, dtype=np.float32)
