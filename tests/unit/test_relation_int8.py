"""The int8 cross-encoder (`CLAIMLENS_RELATION_INT8=true`; fp32 is the default): the labels fp32 is sure of, and
its own temperature from the manifest."""
from __future__ import annotations

import json

import numpy as np
import pytest

from service.domain.embedding import Embedder
from service.domain.relation.classifier import PairModelClassifier
from service.domain.relation.cross_encoder import CrossEncoderPairModel, load_cross_encoder_classifier
from service.settings import REPO_ROOT, Settings

XENC_DIR = REPO_ROOT / "models" / "relation_xenc"

PAIRS = (
    ("Russia is withdrawing its troops from the Ukrainian border.",
     "Russia's claim that it is pulling troops away from the Ukrainian border is false."),
    ("A man is playing a guitar on stage.", "A man is performing music."),
    ("A man is playing a guitar on stage.", "Nobody is playing an instrument."),
    ("NATO will send more troops to Eastern Europe.", "The price of wheat rose sharply in March."),
    ("The vaccine was approved by the regulator in May.", "The regulator approved the vaccine."),
    ("The minister said inflation would fall next year.", "Inflation will not fall next year, the minister said."),
)


@pytest.fixture(scope="module")
def classifiers(
    embedder: Embedder, xenc_model: CrossEncoderPairModel,
) -> tuple[PairModelClassifier, PairModelClassifier]:
    """Return (fp32, int8) classifiers of the served artefact."""
    return (PairModelClassifier(xenc_model), load_cross_encoder_classifier(XENC_DIR, embedder.encode, int8=True))


def test_int8_is_a_setting_and_fp32_the_default() -> None:
    assert Settings().relation_int8 is False
    assert Settings.from_env({"CLAIMLENS_RELATION_INT8": "true"}).relation_int8 is True


def test_int8_keeps_the_labels_fp32_is_sure_of(classifiers: tuple[PairModelClassifier, PairModelClassifier]) -> None:
    fp32, int8 = (c.classify(list(PAIRS)) for c in classifiers)
    confident = [(a, b) for a, b in zip(fp32, int8, strict=True) if a.probability >= 0.8]
    assert len(confident) >= 3
    assert all(a.label == b.label for a, b in confident)
    differences = [abs(a.probabilities[k] - b.probabilities[k]) for a, b in zip(fp32, int8, strict=True)
                   for k in a.probabilities]
    assert float(np.mean(differences)) < 0.05


def test_int8_divides_by_its_own_temperature(classifiers: tuple[PairModelClassifier, PairModelClassifier]) -> None:
    manifest = json.loads((XENC_DIR / "manifest.json").read_text(encoding="utf-8"))
    _, int8 = classifiers
    assert int8.model.temperature == pytest.approx(manifest["temperature_int8"])  # type: ignore[attr-defined]
    assert manifest["temperature_int8"] != manifest["temperature"]
