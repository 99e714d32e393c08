"""The relation baseline scores real pairs with the real MiniLM and the committed weights."""
from __future__ import annotations

import numpy as np
import pytest

from service.domain.embedding import Embedder
from service.domain.entities import RelationKind
from service.domain.relation.baseline import FEATURE_NAMES, FeaturePairModel, split_sentences
from service.domain.relation.classifier import LABEL_ORDER, PairModelClassifier

PARAPHRASE = ("A man is playing a guitar on stage.", "On the stage, a man plays the guitar.")
NEGATION = ("A man is playing a guitar on stage.", "A man is not playing a guitar on stage.")
PASSAGE = (
    "The city council approved the new budget on Monday.",
    "Residents gathered outside the town hall. After a long debate, the city council approved the new budget "
    "on Monday. The mayor said the vote was a relief. Critics promised to keep fighting the spending plan.",
)


@pytest.fixture(scope="session")
def pair_model(embedder: Embedder) -> FeaturePairModel:
    """Return the bare probability model inside the loaded classifier."""
    from service.domain.relation.baseline import PairNetwork
    from service.settings import REPO_ROOT

    network = PairNetwork.load(REPO_ROOT / "models" / "relation_baseline" / "weights.npz")
    return FeaturePairModel(embedder, network)


def test_probabilities_are_rows_in_label_order_that_sum_to_one(pair_model: FeaturePairModel) -> None:
    probabilities = pair_model.predict_proba([PARAPHRASE, NEGATION, PASSAGE])
    assert probabilities.shape == (3, len(LABEL_ORDER))
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (probabilities >= 0).all()


def test_empty_input_gives_an_empty_answer(
    pair_model: FeaturePairModel, relation_classifier: PairModelClassifier,
) -> None:
    assert pair_model.predict_proba([]).shape == (0, 4)
    assert relation_classifier.classify([]) == []


def test_classifier_keeps_label_order_and_input_order(relation_classifier: PairModelClassifier) -> None:
    scores = relation_classifier.classify([PARAPHRASE, NEGATION])
    assert [list(s.probabilities) for s in scores] == [list(LABEL_ORDER)] * 2
    assert sum(scores[0].probabilities.values()) == pytest.approx(1.0)
    swapped = relation_classifier.classify([NEGATION, PARAPHRASE])
    assert swapped[0].probabilities == pytest.approx(scores[1].probabilities)


def test_paraphrase_scores_corroborates_above_contradicts(relation_classifier: PairModelClassifier) -> None:
    (scores,) = relation_classifier.classify([PARAPHRASE])
    assert scores.probabilities[RelationKind.CORROBORATES] > scores.probabilities[RelationKind.CONTRADICTS]


def test_negated_sentence_scores_contradicts_highest(relation_classifier: PairModelClassifier) -> None:
    (scores,) = relation_classifier.classify([NEGATION])
    assert scores.label is RelationKind.CONTRADICTS


def test_symmetric_classification_ignores_argument_order(relation_classifier: PairModelClassifier) -> None:
    a, b = NEGATION
    forward, backward = relation_classifier.classify_symmetric([(a, b), (b, a)])
    assert forward.probabilities == pytest.approx(backward.probabilities)
    assert forward.label == backward.label


def test_passage_is_scored_by_its_closest_sentences(relation_classifier: PairModelClassifier) -> None:
    assert len(split_sentences(PASSAGE[1])) == 4
    (scores,) = relation_classifier.classify([PASSAGE])
    assert scores.probabilities[RelationKind.UNRELATED] < 0.5


def test_embeds_every_pair_in_one_batched_call(embedder: Embedder, pair_model: FeaturePairModel) -> None:
    calls: list[int] = []

    class CountingEmbedder:
        def encode(self, texts: list[str]) -> np.ndarray:
            calls.append(len(texts))
            return embedder.encode(texts)

    counting = FeaturePairModel(CountingEmbedder(), pair_model._network)  # type: ignore[arg-type]
    features = counting.features([PARAPHRASE, NEGATION, PASSAGE])
    assert len(calls) == 1
    assert features.shape == (3, len(FEATURE_NAMES))
