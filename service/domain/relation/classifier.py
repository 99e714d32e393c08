"""Relation between two claims: corroborates, contradicts, discusses or unrelated."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from service.domain.entities import RelationKind
from service.domain.relation.denial import through_denials

LABEL_ORDER: tuple[RelationKind, ...] = (
    RelationKind.CORROBORATES, RelationKind.CONTRADICTS, RelationKind.DISCUSSES, RelationKind.UNRELATED,
)

# An `other` up to this long is a claim (both ways are scored); longer, a passage. Claims extracted from news and
# NLI sentences stay well under it (SNLI premises: at most 300 characters); FNC-1 bodies are far above it.
CLAIM_SIZED_CHARS = 400


@dataclass(frozen=True)
class RelationScores:
    """Calibrated probabilities of the four labels for one (claim, other) pair."""

    probabilities: dict[RelationKind, float]

    @property
    def label(self) -> RelationKind:
        return max(self.probabilities, key=lambda kind: self.probabilities[kind])

    @property
    def probability(self) -> float:
        return self.probabilities[self.label]


class RelationClassifier(Protocol):
    """Anything that scores (claim, other) pairs with the four relation labels."""

    def classify(self, pairs: Sequence[tuple[str, str]]) -> list[RelationScores]:
        """Score each pair; `other` may be a claim or a passage."""
        ...

    def classify_symmetric(self, pairs: Sequence[tuple[str, str]]) -> list[RelationScores]:
        """Score each unordered pair of two claims so that the result ignores argument order."""
        ...


class ProbabilityModel(Protocol):
    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


class PairModelClassifier:
    """Any trained pair model (predict_proba over the four labels) behind the RelationClassifier interface."""

    def __init__(self, model: ProbabilityModel, read_denials: bool = False) -> None:
        self._model = model
        # Two claims one of which only denies a proposition are read through what it denies (relation/denial.py).
        self._read_denials = read_denials

    @property
    def model(self) -> ProbabilityModel:
        """The pair model behind the interface."""
        return self._model

    def as_written(self) -> PairModelClassifier:
        """This classifier reading every pair as written (no denial read through what it denies)."""
        return PairModelClassifier(self._model) if self._read_denials else self

    def classify(self, pairs: Sequence[tuple[str, str]]) -> list[RelationScores]:
        """Score each pair with calibrated probabilities, in input order."""
        if not pairs:
            return []
        probabilities = self._model.predict_proba(pairs)
        return [scores_of(row) for row in probabilities]

    def classify_symmetric(self, pairs: Sequence[tuple[str, str]]) -> list[RelationScores]:
        """Score each unordered pair as the mean of both directions, so the result ignores argument order."""
        if not pairs:
            return []
        forward, backward = self.both_ways(pairs)
        return [scores_of((f + b) / 2) for f, b in zip(forward, backward, strict=True)]

    def both_ways(self, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        """(n, 4) probabilities of each pair as given and reversed, in one call of the model."""
        forward, backward, _ = self.both_ways_read(pairs)
        return forward, backward

    def both_ways_read(self, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`both_ways`, and which pairs were read through a denial (their corroborates and contradicts swapped)."""
        flipped = np.zeros(len(pairs), dtype=bool)
        if self._read_denials:
            pairs, flipped = through_denials(pairs)
        probabilities = self._model.predict_proba(list(pairs) + [(b, a) for a, b in pairs])
        forward, backward = probabilities[:len(pairs)], probabilities[len(pairs):]
        if flipped.any():
            forward, backward = _flip(forward, flipped), _flip(backward, flipped)
        return forward, backward, flipped


def _flip(probabilities: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Probabilities with corroborates and contradicts swapped on the given rows."""
    corroborates = LABEL_ORDER.index(RelationKind.CORROBORATES)
    contradicts = LABEL_ORDER.index(RelationKind.CONTRADICTS)
    out = probabilities.copy()
    out[rows, corroborates] = probabilities[rows, contradicts]
    out[rows, contradicts] = probabilities[rows, corroborates]
    return out


def scores_of(row: np.ndarray) -> RelationScores:
    """RelationScores of one row of probabilities in LABEL_ORDER (renormalised)."""
    total = float(row.sum()) or 1.0
    return RelationScores({kind: float(row[i]) / total for i, kind in enumerate(LABEL_ORDER)})
