"""The opposition scorer over the relation model's probabilities (service.domain.relation.opposition)."""
from __future__ import annotations

import numpy as np
import pytest

from service.domain.entities import RelationKind
from service.domain.relation.classifier import LABEL_ORDER, scores_of
from service.domain.relation.opposition import OppositionScorer, statement_relation
from service.settings import Settings


@pytest.fixture(scope="module")
def scorer() -> OppositionScorer:
    return OppositionScorer.load(Settings().cluster_opposition_path)


def _row(**probabilities: float) -> np.ndarray:
    """Calibrated probabilities in LABEL_ORDER: the model never gives a label less than a few hundredths."""
    row = np.array([max(probabilities.get(kind.value, 0.0), 0.02) for kind in LABEL_ORDER])
    return row / row.sum()


def test_the_scorer_reads_a_pair_the_same_in_either_order(scorer: OppositionScorer) -> None:
    forward = np.stack([_row(contradicts=0.7, discusses=0.3), _row(corroborates=0.9, discusses=0.1)])
    backward = np.stack([_row(contradicts=0.5, unrelated=0.5), _row(corroborates=0.6, discusses=0.4)])
    assert np.allclose(scorer.probabilities(forward, backward), scorer.probabilities(backward, forward))


def test_opposition_rises_with_the_contradiction_and_falls_with_the_corroboration(scorer: OppositionScorer) -> None:
    levels = [_row(contradicts=p, discusses=1 - p) for p in (0.05, 0.4, 0.7, 0.95)]
    rising = scorer.probabilities(np.stack(levels), np.stack(levels))
    assert list(rising) == sorted(rising) and rising[0] < 0.5 < 0.8 < rising[-1]
    paraphrase = _row(corroborates=0.94, discusses=0.02)
    assert scorer.probabilities(paraphrase[None], paraphrase[None])[0] < 0.05


@pytest.mark.parametrize(("probabilities", "opposed", "expected"), [
    ((0.02, 0.88, 0.08, 0.02), 0.6, (RelationKind.CONTRADICTS, 0.88)),  # the model's rule
    ((0.02, 0.38, 0.58, 0.02), 0.75, (RelationKind.CONTRADICTS, 0.75)),  # the scorer's
    ((0.02, 0.75, 0.21, 0.02), 0.5, (RelationKind.CONTRADICTS, 0.5)),  # neither: under the floor
    ((0.8, 0.02, 0.16, 0.02), 0.1, (RelationKind.CORROBORATES, 0.8)),
])
def test_a_statement_pair_is_a_contradiction_when_either_reading_is_confident(
        probabilities: tuple[float, ...], opposed: float, expected: tuple[RelationKind, float]) -> None:
    label, probability = statement_relation(scores_of(np.array(probabilities)), opposed, rule=0.8, floor=0.7)
    assert (label, round(probability, 2)) == expected
