"""Whether two stored statements stand on opposite sides of one dispute: the opposition scorer.

The relation model answers "does this text contradict that one"; a dispute between two statements is a slightly
different question, and the model's most probable label misses many of them (FNC-1 dev headline pairs of one
story, one agreeing and one disagreeing with it: the served rule `contradicts` >= 0.8 finds 51% of them). A
logistic regression over the model's log-probabilities both ways (mean and gap of each label), fitted on FNC-1
train headline pairs of one body (`lab.clustering.opposition`, `models/cluster_opposition/opposition.json`), gives
P(opposed); at 0.3-0.5 it finds 68-81% of them, at a precision of 0.72-0.63 against the rule's 0.80. Served in
union with the rule (a pair is opposed when either holds), which keeps the rule's precision on the clusters.

The ingest stores a statement pair as a contradiction when either reading is confident (`statement_relation`),
with the stronger of the two as its probability; a pair the model calls a contradiction that neither reading
holds keeps the label with the weaker probability, under the clustering threshold.
"""
from __future__ import annotations

import json
import pathlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.domain.entities import RelationKind
from service.domain.relation.classifier import PairModelClassifier, RelationScores, scores_of
from service.domain.relation.combiner import NETWORK_NAMES, network_terms


@dataclass(frozen=True)
class OppositionScorer:
    """P(opposed) from the relation model's probabilities of a pair in both directions."""

    weights: np.ndarray  # over NETWORK_NAMES
    intercept: float
    relation_model: str  # the name of the relation model (folder) whose outputs it was fitted on

    @classmethod
    def load(cls, path: pathlib.Path) -> OppositionScorer:
        spec = json.loads(path.read_text(encoding="utf-8"))
        if tuple(spec["columns"]) != NETWORK_NAMES:
            raise ValueError(f"{path}: columns {spec['columns']} are not {NETWORK_NAMES}")
        return cls(np.array(spec["weights"], dtype=np.float64), float(spec["intercept"]), spec["relation_model"])

    def probabilities(self, forward: np.ndarray, backward: np.ndarray) -> np.ndarray:
        """(n,) P(opposed) from (n, 4) probabilities in LABEL_ORDER, each direction; symmetric in the two."""
        return 1.0 / (1.0 + np.exp(-(network_terms(forward, backward) @ self.weights + self.intercept)))


def statement_relation(scores: RelationScores, opposed: float, rule: float, floor: float
                       ) -> tuple[RelationKind, float]:
    """The label and probability stored for two statements: a contradiction at the stronger of the model's
    (when it clears `rule`) and the scorer's (when it clears `floor`) readings; otherwise the model's label,
    a contradiction neither reading holds at the weaker of the two."""
    contradiction = scores.probabilities[RelationKind.CONTRADICTS]
    by_rule = scores.label is RelationKind.CONTRADICTS and contradiction >= rule
    if by_rule or opposed >= floor:
        return RelationKind.CONTRADICTS, max(opposed, contradiction if by_rule else 0.0)
    if scores.label is RelationKind.CONTRADICTS:
        return RelationKind.CONTRADICTS, min(contradiction, opposed)
    return scores.label, scores.probability


def statement_relations(classifier: PairModelClassifier, scorer: OppositionScorer, pairs: Sequence[tuple[str, str]],
                        rule: float, floor: float) -> list[tuple[RelationKind, float]]:
    """`statement_relation` of each pair of claims, from one both-ways pass of the classifier. A pair read
    through a denial is the model's reading of another pair, flipped, which the scorer was not fitted on: the
    rule alone decides it."""
    forward, backward, flipped = classifier.both_ways_read(pairs)
    opposed = np.where(flipped, 0.0, scorer.probabilities(forward, backward))
    return [statement_relation(scores_of((f + b) / 2), float(q), rule, floor)
            for f, b, q in zip(forward, backward, opposed, strict=True)]
