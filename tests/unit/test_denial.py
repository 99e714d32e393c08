"""Denials read through what they deny (service.domain.relation.denial) with the served cross-encoder."""
from __future__ import annotations

from dataclasses import replace

import pytest

from service.domain.entities import RelationKind
from service.domain.relation.classifier import PairModelClassifier
from service.domain.relation.cross_encoder import CrossEncoderPairModel
from service.domain.relation.denial import denied_proposition, through_denials
from service.runtime import Models, answering_classifier


@pytest.mark.parametrize(("claim", "denied"), [
    ("It is not true that Russia plans to attack Ukraine.", "Russia plans to attack Ukraine."),
    ("it is not true that an invasion is planned", "An invasion is planned."),
    ("Russia's allegation that it is pulling soldiers away from the Ukrainian border is false.",
     "Russia is pulling soldiers away from the Ukrainian border."),
    ("Russian Claim of Withdrawing Troops from Ukraine Border is False.", "Withdrawing Troops from Ukraine Border."),
    ("WHO says reports of suspected Ebola cases in Iraq are untrue", "Suspected Ebola cases in Iraq."),
    ("Met police denies reports of Banksy arrest", "Banksy arrest."),
    ("Officials: Report That Area Town Is Under Ebola Quarantine Is False", "Area Town Is Under Ebola Quarantine."),
    ("The claims that the plant closed were untrue.", "The plant closed."),
    ("Iraqi Official Dismisses ‘Unfounded’ Reports That ISIS Fighters Have Ebola", "ISIS Fighters Have Ebola."),
    ("Reports Isis fighters have contracted Ebola are 'incorrect', says Iraqi health ministry",
     "Isis fighters have contracted Ebola."),
])
def test_a_claim_that_only_denies_gives_what_it_denies(claim: str, denied: str) -> None:
    assert denied_proposition(claim) == denied


@pytest.mark.parametrize("claim", [
    "Russia will ease the offensive pressure on Kiev and Chernigov.",
    "It is not true that nobody fled: hundreds of Palestinians left the Gaza Valley.",  # the denial is one clause
    "The claim that the plant closed is being investigated.",
    "Russian units are not withdrawing, but repositioning in the region.",
    "Reports say the plant was closed.",
])
def test_other_claims_deny_nothing(claim: str) -> None:
    assert denied_proposition(claim) is None


def test_only_a_pair_with_one_denial_is_rewritten_and_flipped() -> None:
    pairs = [("It is not true that the plant closed.", "The plant closed on Monday."),
             ("The plant closed on Monday.", "The plant was shut down."),
             ("It is not true that the plant closed.", "It is not true that the mine closed.")]
    rewritten, flipped = through_denials(pairs)
    assert rewritten == [("The plant closed.", "The plant closed on Monday."), pairs[1], pairs[2]]
    assert flipped.tolist() == [True, False, False]


@pytest.fixture(scope="module")
def reading(xenc_model: CrossEncoderPairModel) -> PairModelClassifier:
    return PairModelClassifier(xenc_model, read_denials=True)


def test_a_denial_is_no_contradiction_of_everything_on_its_topic(
        xenc_model: CrossEncoderPairModel, reading: PairModelClassifier) -> None:
    # The seeds' pair that chained their two stories into one cluster: 0.96 `contradicts` read as written.
    pair = [("Russia will ease the offensive pressure on Kiev and Chernigov.",
             "It is not true that Russia plans to attack Ukraine.")]
    (as_written,) = PairModelClassifier(xenc_model).classify_symmetric(pair)
    (through,) = reading.classify_symmetric(pair)
    assert as_written.label is RelationKind.CONTRADICTS and as_written.probability > 0.9
    assert through.label is not RelationKind.CONTRADICTS


def test_a_denial_contradicts_what_it_denies_and_agrees_with_its_negation(reading: PairModelClassifier) -> None:
    denial = "It is not true that Russia is pulling its troops back from the border."
    contradicted, agreed = reading.classify_symmetric([
        (denial, "Russia is pulling its troops back from the border."),
        ("Russia is not pulling its troops back from the border.", denial)])
    assert contradicted.label is RelationKind.CONTRADICTS and contradicted.probability > 0.8
    assert agreed.label is RelationKind.CORROBORATES


def test_a_users_pair_is_read_as_written_even_by_the_ingests_model(models: Models,
                                                                    reading: PairModelClassifier) -> None:
    # Without a classify model of its own, POST /v1/relations/classify answers with the ingest's model, as written.
    answering = answering_classifier(replace(models, classifier=reading, pair_classifier=None))
    pair = [("Russia will ease the offensive pressure on Kiev and Chernigov.",
             "It is not true that Russia plans to attack Ukraine.")]
    assert answering.classify_symmetric(pair)[0].label is RelationKind.CONTRADICTS
    assert reading.classify_symmetric(pair)[0].label is not RelationKind.CONTRADICTS
