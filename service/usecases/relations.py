"""Classify claim pairs on request (`POST /v1/relations/classify`)."""
from __future__ import annotations

from collections.abc import Sequence

from service.domain.relation.classifier import CLAIM_SIZED_CHARS, RelationScores
from service.runtime import Models, answering_classifier


def classify_pairs(models: Models, pairs: Sequence[tuple[str, str]]) -> list[RelationScores]:
    """Score (claim, other) pairs with the answering classifier (`classify_model_dir`), in order.

    Two claims are scored both ways and averaged, as the ingest relates stored claims, so their order does not
    matter; a passage (`other` longer than a claim) is scored as evidence about the claim.
    """
    results: list[RelationScores | None] = [None] * len(pairs)
    claim_sized = [i for i, (_, other) in enumerate(pairs) if len(other) <= CLAIM_SIZED_CHARS]
    passages = [i for i, (_, other) in enumerate(pairs) if len(other) > CLAIM_SIZED_CHARS]
    classifier = answering_classifier(models)
    for indices, score in ((claim_sized, classifier.classify_symmetric), (passages, classifier.classify)):
        for i, scores in zip(indices, score([pairs[i] for i in indices]), strict=True):
            results[i] = scores
    return [scores for scores in results if scores is not None]


