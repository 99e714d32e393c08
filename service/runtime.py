"""Everything built once per process: the models, the store and the vector index."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

from service.domain.embedding import Embedder
from service.domain.extraction.statements import StatementExtractor
from service.domain.extraction.tagger import AttributionTagger
from service.domain.ranking import FusionRanker
from service.domain.relation.baseline import load_relation_classifier
from service.domain.relation.classifier import PairModelClassifier, RelationClassifier
from service.domain.relation.combiner import COMBINER_FILE, load_combined_classifier
from service.domain.relation.cross_encoder import (
    ADAPTER_DIR,
    CrossEncoderPairModel,
    load_cross_encoder,
    load_cross_encoder_classifier,
)
from service.domain.relation.opposition import OppositionScorer
from service.queue import JobQueue, build_queue
from service.settings import Settings
from service.storage import ClaimStore
from service.storage.migrate import upgrade_schema
from service.storage.sql import SqlClaimStore, create_engine
from service.storage.vector_index import SearchIndex

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Models:
    """The ML models of the service; each is thread-safe and loaded once."""

    embedder: Embedder
    extractor: StatementExtractor
    classifier: RelationClassifier
    ranker: FusionRanker  # claim matching: fuses dense and lexical retrieval
    # answers POST /v1/relations/classify and a match's relation to its query; None: `classifier` does
    pair_classifier: RelationClassifier | None = None
    # P(opposed) of two stored statements, over the classifier's probabilities both ways; None where the
    # classifier is not the cross-encoder it was fitted on (or the setting is off)
    opposition: OppositionScorer | None = None


@dataclass(frozen=True)
class Runtime:
    """The collaborators every use case needs."""

    settings: Settings
    models: Models
    store: ClaimStore
    index: SearchIndex  # statements
    fact_check_index: SearchIndex  # imported ClaimReviews: their claims
    fact_check_title_index: SearchIndex  # and their titles
    queue: JobQueue  # where bulk-job work goes

    def catch_up(self) -> None:
        """Load into the indexes what other workers (or this one) committed since the last catch-up."""
        self.index.catch_up(self.store.iter_embeddings)
        self.catch_up_fact_checks()

    def catch_up_fact_checks(self) -> None:
        self.fact_check_index.catch_up(self.store.iter_fact_check_embeddings)
        self.fact_check_title_index.catch_up(self.store.iter_fact_check_title_embeddings)


def load_models(settings: Settings) -> Models:
    """Load the embedder, the spaCy extractor and the relation model from local files only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if settings.torch_threads > 0:
        import torch

        torch.set_num_threads(settings.torch_threads)
    embedder = Embedder()
    combiner_dir = settings.relation_combiner_dir if settings.relation_combiner else None
    relation = relation_classifier(settings.relation_model_dir, embedder, settings.relation_int8, combiner_dir,
                                   settings.read_denials)
    models = Models(embedder, build_extractor(settings), relation, FusionRanker.load(settings.matching_model_path),
                    classify_classifier(settings, embedder), opposition_scorer(settings, relation))
    logger.info("models loaded (relation model from %s%s%s)", settings.relation_model_dir,
                ", int8" if settings.relation_int8 else "", f", combiner {combiner_dir}" if combiner_dir else "")
    return models


def classify_classifier(settings: Settings, embedder: Embedder) -> RelationClassifier | None:
    """The cross-encoder in `classify_model_dir` (int8 if asked; under its combiner when `classify_combiner` is
    on), unless the ingest's combiner is on or the folder holds no adapter; None then, and the ingest's
    classifier answers."""
    folder = settings.classify_model_dir
    if settings.relation_combiner or folder == settings.relation_model_dir or not (folder / ADAPTER_DIR).is_dir():
        return None
    combiner_dir = settings.classify_combiner_dir if settings.classify_combiner else None
    if combiner_dir is not None and not (combiner_dir / COMBINER_FILE).is_file():
        logger.warning("no classify combiner at %s: the classify model answers alone", combiner_dir)
    return relation_classifier(folder, embedder, settings.relation_int8, combiner_dir)


def answering_classifier(models: Models) -> RelationClassifier:
    """The classifier that answers a user's pair (POST /v1/relations/classify, a match's relation): a user's pair
    is read as written, never through a denial (models/README.md, "Denials read through what they deny")."""
    if models.pair_classifier is not None:
        return models.pair_classifier
    classifier = models.classifier
    return classifier.as_written() if isinstance(classifier, PairModelClassifier) else classifier


def opposition_scorer(settings: Settings, classifier: RelationClassifier) -> OppositionScorer | None:
    """The opposition scorer when the settings ask for it and the classifier is the fp32 cross-encoder it was
    fitted on; None otherwise (the ingest then stores the classifier's relations as they are)."""
    if not settings.cluster_opposition or settings.relation_int8 or not isinstance(classifier, PairModelClassifier) \
            or not isinstance(classifier.model, CrossEncoderPairModel):
        return None
    if not settings.cluster_opposition_path.is_file():
        logger.warning("no opposition scorer at %s: stored relations are the classifier's",
                       settings.cluster_opposition_path)
        return None
    scorer = OppositionScorer.load(settings.cluster_opposition_path)
    return scorer if settings.relation_model_dir.name == scorer.relation_model else None


def opposition_in_use(runtime: Runtime) -> OppositionScorer | None:
    """The scorer the ingest applies: loaded with the models and asked for by the runtime's settings."""
    return runtime.models.opposition if runtime.settings.cluster_opposition else None


def build_extractor(settings: Settings) -> StatementExtractor:
    """The statement extractor the service runs: the rules, plus the attribution tagger unless it is turned off."""
    tagger = AttributionTagger.load(settings.attribution_tagger_dir) if settings.extraction_tagger else None
    return StatementExtractor(tagger=tagger)


def served_extractor() -> StatementExtractor:
    """`build_extractor` for the settings in the environment (for `--extractor service.runtime:served_extractor`)."""
    return build_extractor(Settings.from_env())


def relation_classifier(model_dir: Path, embedder: Embedder, int8: bool = False,
                        combiner_dir: Path | None = None, read_denials: bool = False) -> RelationClassifier:
    """Load the relation model in model_dir: a cross-encoder (an `adapter/` folder, int8 if asked; under the
    combiner in combiner_dir when one is given and holds one) or the feature baseline."""
    if not (model_dir / ADAPTER_DIR).is_dir():
        return load_relation_classifier(model_dir, embedder)
    if combiner_dir is not None and (combiner_dir / COMBINER_FILE).is_file():
        return load_combined_classifier(load_cross_encoder(model_dir, embedder.encode, int8=int8), combiner_dir)
    return load_cross_encoder_classifier(model_dir, embedder.encode, int8=int8, read_denials=read_denials)


def build_runtime(settings: Settings, models: Models | None = None, *, migrate: bool = True) -> Runtime:
    """Open the store (migrating it to the newest schema), load models and rebuild the index from the store."""
    models = models or load_models(settings)
    if settings.cluster_opposition and models.opposition is None:
        settings = replace(settings, cluster_opposition=False)  # the stored relations are the classifier's
    engine = create_engine(settings.database_url)
    if migrate:
        upgrade_schema(engine)
    store = SqlClaimStore(engine)
    indexes = store.vector_indexes(settings.ann_threshold, settings.ef_search)
    runtime = Runtime(settings, models, store, indexes[0], indexes[1], indexes[2],
                      build_queue(settings.queue_url))
    runtime.catch_up()
    if store.has_vectors:
        logger.info("vector search in the database (pgvector, hnsw.ef_search %d): nothing loaded", settings.ef_search)
    else:
        logger.info("vector indexes rebuilt from the store: %d statements (%s), %d fact-checks (%s)",
                    len(runtime.index), runtime.index.engine, len(runtime.fact_check_index),
                    runtime.fact_check_index.engine)
    return runtime
