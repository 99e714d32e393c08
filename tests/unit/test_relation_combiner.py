"""The relation model's pair features and the combiner over the cross-encoder; the issue's pairs on the served model.

The combiner is not served by default (`relation_combiner` is off: on the seeds' Kyiv pair it turns the served
contradiction into `corroborates`; models/README.md, relation_combiner), so the pair tests run on the served
classifier the settings build, and the combiner's own tests check what it promises: order-free scores of two
claims, calibrated rows, passages read forward.
"""
from __future__ import annotations

from typing import Any

import pytest

from service.domain.embedding import Embedder
from service.domain.entities import RelationKind
from service.domain.relation.classifier import RelationClassifier
from service.domain.relation.combiner import CombinedRelationClassifier, load_combined_classifier
from service.domain.relation.cross_encoder import CrossEncoderPairModel
from service.domain.relation.features import FEATURE_NAMES, pair_features, profile
from service.settings import Settings

PLANT = "The Brennick plant was shut down on Monday."


@pytest.fixture(scope="session")
def feature_nlp() -> Any:
    from service.domain.relation.combiner import load_spacy_for_features

    return load_spacy_for_features()


@pytest.fixture(scope="session")
def combined(xenc_model: CrossEncoderPairModel, feature_nlp: Any) -> CombinedRelationClassifier:
    return load_combined_classifier(xenc_model, Settings().relation_combiner_dir, feature_nlp)


@pytest.fixture(scope="session")
def served(embedder: Embedder) -> RelationClassifier:
    """The relation classifier the service builds from its default settings."""
    from service.runtime import relation_classifier

    settings = Settings()
    return relation_classifier(settings.relation_model_dir, embedder, settings.relation_int8,
                               settings.relation_combiner_dir if settings.relation_combiner else None)


def features(nlp: Any, claim: str, other: str) -> dict[str, float]:
    values = pair_features(profile(nlp(claim)), profile(nlp(other)), claim, other, False, frozenset(
        {("rise", "fall"), ("fall", "rise")}))
    return dict(zip(FEATURE_NAMES, values, strict=True))


def test_numbers_on_the_same_noun_clash_and_on_different_nouns_do_not(feature_nlp: Any) -> None:
    same = features(feature_nlp, "7,000 troops arrived on Tuesday.", "Some 2,000 troops arrived on Wednesday.")
    assert same["number_same_noun_clash"] == 1.0 and same["weekday_clash"] == 1.0
    different = features(feature_nlp, "About 2,000 soldiers will travel from the US.",
                         "7,000 additional troops had arrived.")
    assert different["number_same_noun_clash"] == 0.0 and different["number_other_nouns"] == 1.0
    spelled = features(feature_nlp, "Seven thousand troops arrived.", "7,000 troops arrived.")
    assert spelled["number_same_noun_agree"] == 1.0 and spelled["number_same_noun_clash"] == 0.0


def test_negation_denial_antonyms_and_states_are_read(feature_nlp: Any) -> None:
    negated = features(feature_nlp, "Russian units are not withdrawing, but repositioning.",
                       "Russian units are withdrawing.")
    assert negated["negated_main_mismatch"] == 1.0
    denial = features(feature_nlp, "The claim that Russia is pulling troops back is false.",
                      "Russia is pulling troops back.")
    assert denial["denial_mismatch"] == 1.0
    assert features(feature_nlp, "Shares rose on Friday.", "Shares fell on Friday.")["antonym_pair"] == 1.0
    states = features(feature_nlp, PLANT, "The plant had kept operating throughout the week.")
    assert states["state_clash"] == 1.0


def test_features_of_two_claims_do_not_depend_on_their_order(feature_nlp: Any) -> None:
    first, second = "Shares rose 3% on Friday in London.", "Shares did not fall 5% on Monday."
    assert features(feature_nlp, first, second) == features(feature_nlp, second, first)


NOT_YET = "the served cross-encoder reads a plant that kept operating / never closed as corroborating its " \
          "closure (0.45-0.53); the combiner does not fix it (issue 19: retraining on the contrast pairs needs a GPU)"


@pytest.mark.parametrize("other", [
    pytest.param("The plant had kept operating throughout the week.", marks=pytest.mark.xfail(
        strict=True, reason=NOT_YET)),
    pytest.param("The plant never closed and is working full tilt.", marks=pytest.mark.xfail(
        strict=True, reason=NOT_YET)),
    "The plant was not closed on Monday. It is still running at full capacity.",
])
def test_the_plant_closure_is_contradicted(served: RelationClassifier, other: str) -> None:
    assert served.classify_symmetric([(PLANT, other)])[0].label is RelationKind.CONTRADICTS


@pytest.mark.parametrize(("claim", "other"), [
    ("About 2,000 soldiers will travel from the US to Europe, the Pentagon said.",
     "A senior US source said 7,000 additional troops had arrived at the border in recent days."),
    ("The alliance was contemplating additional battle groups in eastern Europe.",
     "France had volunteered to command one of these groups."),
])
def test_two_facts_of_one_story_are_not_a_contradiction(served: RelationClassifier, claim: str, other: str) -> None:
    assert served.classify_symmetric([(claim, other)])[0].label is not RelationKind.CONTRADICTS


def test_withdrawal_against_repositioning_is_a_contradiction(served: RelationClassifier) -> None:
    pair = ("Russia will drastically reduce military activity around Kyiv and Chernihiv.",
            "Russian units are not withdrawing, but repositioning.")
    assert served.classify_symmetric([pair])[0].label is RelationKind.CONTRADICTS


def test_two_claims_score_the_same_either_way_and_sum_to_one(combined: CombinedRelationClassifier) -> None:
    pair = ("The Ministry said the plant shut down on Monday.", "The union said the plant never stopped.")
    forward, backward = combined.classify([pair, pair[::-1]])
    for kind in RelationKind:
        assert forward.probabilities[kind] == pytest.approx(backward.probabilities[kind], abs=1e-6)
    assert sum(forward.probabilities.values()) == pytest.approx(1.0)
    symmetric = combined.classify_symmetric([pair])[0].probabilities
    assert all(symmetric[kind] == pytest.approx(forward.probabilities[kind], abs=1e-6) for kind in RelationKind)


def test_a_passage_is_read_forward_and_keeps_input_order(combined: CombinedRelationClassifier) -> None:
    passage = (" ".join(["The factory employs 400 people in Port Alden."] * 3)
               + " Officials said the plant was shut down on Monday after a chemical leak."
               + " The union said workers would be paid during the closure. Trucks were turned away at the gate.")
    results = combined.classify([(PLANT, passage), ("Bananas are rich in potassium.", passage)])
    assert results[0].label in {RelationKind.CORROBORATES, RelationKind.DISCUSSES}
    assert results[1].label is RelationKind.UNRELATED


def test_proper_nouns_of_two_claims_of_one_length_are_compared_both_ways(feature_nlp: Any) -> None:
    first, second = "The Brennick plant was shut down on Monday.", "The plant had kept operating throughout the week."
    forward, backward = features(feature_nlp, first, second), features(feature_nlp, second, first)
    assert forward == backward and forward["proper_noun_novelty"] == 1.0


@pytest.fixture(scope="session")
def classify_combined(embedder: Embedder, feature_nlp: Any) -> CombinedRelationClassifier:
    """The served classify model under its combiner (`classify_combiner`, on)."""
    from service.domain.relation.cross_encoder import load_cross_encoder

    settings = Settings()
    assert settings.classify_combiner
    return load_combined_classifier(load_cross_encoder(settings.classify_model_dir, embedder.encode),
                                    settings.classify_combiner_dir, feature_nlp)


def test_the_classify_combiner_reads_two_claims_either_way_alike(
        classify_combined: CombinedRelationClassifier) -> None:
    pair = (PLANT, "The plant had kept operating throughout the week.")
    forward, backward = classify_combined.classify([pair, pair[::-1]])
    for kind in RelationKind:
        assert forward.probabilities[kind] == pytest.approx(backward.probabilities[kind], abs=1e-6)
    assert forward.label is RelationKind.CONTRADICTS


def test_the_classify_combiner_leaves_a_passage_to_the_cross_encoder(
        classify_combined: CombinedRelationClassifier) -> None:
    passage = " ".join(["The Brennick plant closed on Monday after a chemical leak, the ministry said."] * 30)
    combined = classify_combined.predict_proba([(PLANT, passage)])
    assert combined == pytest.approx(classify_combined.model.predict_proba([(PLANT, passage)]))
