"""Session-wide fixtures: the real models load once per test session."""
from __future__ import annotations

import os
from typing import Any

# huggingface_hub reads this when first imported, so it must be set before the model modules load.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pytest

from service.domain.embedding import Embedder
from service.domain.extraction.statements import StatementExtractor
from service.domain.relation.classifier import PairModelClassifier
from service.domain.relation.cross_encoder import CrossEncoderPairModel
from service.settings import REPO_ROOT

RELATION_BASELINE_DIR = REPO_ROOT / "models" / "relation_baseline"
RELATION_XENC_DIR = REPO_ROOT / "models" / "relation_xenc"
MATCHING_MODEL_PATH = REPO_ROOT / "models" / "matching" / "fusion.json"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """Return the packaged MiniLM embedder, loaded once."""
    return Embedder()


@pytest.fixture(scope="session")
def relation_classifier(embedder: Embedder) -> PairModelClassifier:
    """Return the trained relation baseline behind the RelationClassifier interface."""
    from service.domain.relation.baseline import load_relation_classifier

    return load_relation_classifier(RELATION_BASELINE_DIR, embedder)


@pytest.fixture(scope="session")
def xenc_model(embedder: Embedder) -> CrossEncoderPairModel:
    """Return the served relation_xenc cross-encoder (CPU, fp32, temperature applied), loaded once."""
    from service.domain.relation.cross_encoder import load_cross_encoder

    return load_cross_encoder(RELATION_XENC_DIR, embedder.encode)


@pytest.fixture(scope="session")
def nlp() -> Any:
    """Return the packaged spaCy pipeline, loaded once."""
    from service.domain.extraction.statements import load_spacy

    return load_spacy()


@pytest.fixture(scope="session")
def extractor() -> StatementExtractor:
    """Return the statement extractor as the service runs it (spaCy rules + the trained tagger), loaded once."""
    from service.runtime import build_extractor
    from service.settings import Settings

    return build_extractor(Settings())


@pytest.fixture(scope="session")
def rule_extractor(nlp: Any) -> StatementExtractor:
    """Return the extraction rules alone (no tagger), loaded once."""
    from service.domain.extraction.statements import StatementExtractor

    return StatementExtractor(nlp)


@pytest.fixture(scope="session")
def models(embedder: Embedder, extractor: StatementExtractor, relation_classifier: PairModelClassifier):
    """Return the service's models (real MiniLM, spaCy and relation model), loaded once."""
    from service.domain.ranking import FusionRanker
    from service.runtime import Models, opposition_scorer
    from service.settings import Settings

    return Models(embedder, extractor, relation_classifier, FusionRanker.load(MATCHING_MODEL_PATH),
                  opposition=opposition_scorer(Settings(), relation_classifier))
