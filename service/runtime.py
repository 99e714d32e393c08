"""Everything built once per process: the models, the store and the vector index."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from service.domain.embedding import Embedder
from service.domain.extraction import StatementExtractor
from service.domain.relation import PairModelClassifier
from service.domain.relation_model import load_relation_classifier
from service.settings import Settings
from service.storage.migrate import upgrade_schema
from service.storage.sql import SqlClaimStore, create_engine
from service.storage.vector_index import ExactIndex

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Models:
    """The ML models of the service; each is thread-safe and loaded once."""

    embedder: Embedder
    extractor: StatementExtractor
    classifier: PairModelClassifier


@dataclass(frozen=True)
class Runtime:
    """The collaborators every use case needs."""

    settings: Settings
    models: Models
    store: SqlClaimStore
    index: ExactIndex


def load_models(settings: Settings) -> Models:
    """Load the embedder, the spaCy extractor and the relation model from local files only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedder = Embedder()
    models = Models(embedder, StatementExtractor(), load_relation_classifier(settings.relation_model_dir, embedder))
    logger.info("models loaded (relation model from %s)", settings.relation_model_dir)
    return models


def build_runtime(settings: Settings, models: Models | None = None, *, migrate: bool = True) -> Runtime:
    """Open the store (migrating it to the newest schema), load models and rebuild the index from the store."""
    engine = create_engine(settings.database_url)
    if migrate:
        upgrade_schema(engine)
    store = SqlClaimStore(engine)
    index = ExactIndex()
    loaded = index.catch_up(store)
    logger.info("vector index rebuilt from the store: %d vectors", loaded)
    return Runtime(settings, models or load_models(settings), store, index)
