"""POST /v1/relations/classify with the served models: the pairs issue 19 was filed on, one-word contradictions."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient

PLANT = "The Brennick plant was shut down on Monday."


@pytest.mark.parametrize(("claim", "other", "label"), [
    (PLANT, "The plant had kept operating throughout the week.", "contradicts"),
    (PLANT, "The plant was not closed on Monday. It is still running at full capacity.", "contradicts"),
    # Two different facts, not a dispute: a number travelling against a number arrived, a plan against a volunteer.
    ("About 2,000 soldiers will travel from the US to Europe in the coming days.",
     "7,000 additional troops had arrived in recent days.", "discusses"),
    ("The alliance is contemplating establishing additional battle groups.",
     "France has volunteered to command one of these fighting groups in Romania.", "discusses"),
    # One word changed: co-hyponyms and opposite sexes exclude each other; a hypernym keeps the claim.
    ("A man is playing a guitar on stage.", "A man is playing a violin on stage.", "contradicts"),
    ("A woman is slicing a tomato.", "A man is slicing a tomato.", "contradicts"),
    ("Two dogs run through a green field.", "Two dogs run through a field.", "corroborates"),
])
def test_the_served_classifier_labels_the_issue_pairs(served_client: FlaskClient, claim: str, other: str,
                                                      label: str) -> None:
    pairs = [{"claim": claim, "other": other}, {"claim": other, "other": claim}]
    forward, backward = served_client.post("/v1/relations/classify", json={"pairs": pairs}).get_json()["results"]
    assert forward["label"] == backward["label"] == label
    assert forward["probabilities"] == pytest.approx(backward["probabilities"])
