"""Scores of a relation model that need only numpy: FNC-1's weighted score, per-class F1, NLI collapsing.

Shared by `lab.relation.evaluate` (CPU, the served loader), `lab.relation.score_rows` (packed rows, any device)
and `benchmarks.relation_runtime`, so that they report the same figures the same way.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RELATED = ("corroborates", "contradicts", "discusses")
NLI_ORDER = ("entailment", "contradiction", "neutral")


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """Return the official FNC-1 weighted score and its maximum for these gold labels."""
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and p in RELATED:
            score += 0.25
    return score, best


def per_class_f1(gold: np.ndarray, predicted: np.ndarray, n_labels: int) -> list[float]:
    """Return the F1 of each label id."""
    scores = []
    for k in range(n_labels):
        tp = float(((predicted == k) & (gold == k)).sum())
        fp = float(((predicted == k) & (gold != k)).sum())
        fn = float(((predicted != k) & (gold == k)).sum())
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return scores


def confusion(gold: np.ndarray, predicted: np.ndarray, n_gold: int, n_pred: int) -> list[list[int]]:
    """Return the confusion matrix, rows gold, columns predicted."""
    matrix = np.zeros((n_gold, n_pred), dtype=np.int64)
    np.add.at(matrix, (gold, predicted), 1)
    return matrix.tolist()


def to_nli(probs: np.ndarray) -> np.ndarray:
    """Collapse (n, 4) probabilities to (n, 3): entailment, contradiction, neutral (discusses + unrelated)."""
    return np.stack([probs[:, 0], probs[:, 1], probs[:, 2] + probs[:, 3]], axis=1)
