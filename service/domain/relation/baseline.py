"""Relation pair model over MiniLM sentence embeddings plus cheap lexical features, served with numpy only.

Features of one (claim, other) pair, in this order (`FEATURE_NAMES`):

- `other` is split into sentences (at most `MAX_SENTENCES`); the `TOP_SENTENCES` most similar to the claim are
  the *evidence*. Its embedding `v` is the L2-normalised mean of their vectors, `u` the claim's vector.
- `u*v` (384) and `|u-v|` (384);
- cosines: best sentence, mean of the evidence sentences, mean of all sentences;
- negation cues (`NEGATION_WORDS`, plus any token ending in "n't") in the claim and in the evidence, their
  signed difference and whether exactly one side has any;
- direction cues: a small list of "pull back" verbs (`RETREAT_PATTERN`) against "push on" verbs
  (`ADVANCE_PATTERN`), and a short list of antonym pairs (`ANTONYM_PAIRS`) split across the two sides;
- numbers: whether the claim has any, and whether they are all / not all found in the evidence;
- overlap: rapidfuzz token_set_ratio with the evidence and the best sentence, share of the claim's content
  words found in the evidence and in the whole of `other`;
- refuting words (`REFUTE_WORDS`, as in the FNC-1 baseline) in the evidence and per sentence of `other`;
- passage shape: whether `other` has more than one sentence, and log of its sentence count.
"""
from __future__ import annotations

import json
import math
import pathlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from service.domain.embedding import EMBEDDING_DIM, Embedder
from service.domain.relation.classifier import LABEL_ORDER, PairModelClassifier

MAX_SENTENCES = 80
TOP_SENTENCES = 3

NEGATION_WORDS = frozenset({
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without",
    "false", "deny", "denies", "denied", "untrue",
})
REFUTE_WORDS = frozenset({
    "fake", "fraud", "hoax", "false", "deny", "denies", "denied", "despite", "doubt", "doubts", "bogus",
    "debunk", "debunked", "prank", "pranks", "retract", "retracted", "untrue", "refute", "refuted", "rumor",
    "rumour",
})
# Verbs of moving back or scaling down, against verbs of pushing on or building up: a claim of withdrawal
# met by "they are repositioning" is the contradiction the demo is about. Kept deliberately short.
RETREAT_PATTERN = re.compile(
    r"\b(withdr\w*|retreat\w*|pull(?:s|ed|ing)? (?:back|out|away)|reduc\w*|decreas\w*|de-?escalat\w*"
    r"|scal(?:e|es|ed|ing) back|eas(?:e|es|ed|ing) (?:off|the)|depart\w*|leav(?:e|es|ing))\b"
)
ADVANCE_PATTERN = re.compile(
    r"\b(reinforc\w*|reposition\w*|regroup\w*|advanc\w*|increas\w*|build(?:s|ing)?[- ]?up|deploy\w*"
    r"|(?<!de-)escalat\w*|strengthen\w*|amass\w*|arriv\w*|intensif\w*|resuppl\w*)\b"
)
# Word pairs whose split across the two sides usually means the sides cannot both be true.
ANTONYM_PAIRS: tuple[tuple[str, str], ...] = (
    ("increase", "decrease"), ("rise", "fall"), ("win", "lose"), ("won", "lost"), ("open", "closed"),
    ("alive", "dead"), ("accept", "reject"), ("confirm", "deny"), ("true", "false"), ("more", "fewer"),
    ("man", "woman"), ("boy", "girl"), ("sitting", "standing"), ("inside", "outside"),
    ("indoors", "outdoors"), ("day", "night"), ("asleep", "awake"), ("empty", "full"), ("young", "old"),
)
STOPWORDS = frozenset({
    "the", "and", "for", "are", "was", "were", "that", "this", "with", "from", "has", "have", "had", "its",
    "his", "her", "their", "they", "them", "will", "would", "been", "being", "but", "not", "who", "what",
    "which", "into", "onto", "over", "some", "said", "says", "also", "than", "then", "there", "after",
    "about", "while", "when", "where", "she", "him", "our", "out", "all", "can", "could", "may", "more",
})

LEXICAL_FEATURES: tuple[str, ...] = (
    "cos_best", "cos_top_mean", "cos_all_mean",
    "neg_claim", "neg_evidence", "neg_diff", "neg_one_side",
    "claim_retreat", "claim_advance", "evidence_retreat", "evidence_advance", "direction_cross",
    "direction_same", "antonym_split",
    "claim_has_number", "numbers_all_found", "numbers_mismatch",
    "token_set_evidence", "token_set_best", "content_in_evidence", "content_in_other",
    "refute_evidence", "refute_density",
    "is_passage", "log_sentences",
)
FEATURE_NAMES: tuple[str, ...] = (
    tuple(f"uv_{i}" for i in range(EMBEDDING_DIM))
    + tuple(f"absdiff_{i}" for i in range(EMBEDDING_DIM))
    + LEXICAL_FEATURES
)

_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[\"“'‘(\[A-Z0-9])|\n+")
_TOKEN = re.compile(r"[a-z0-9]+(?:['][a-z]+)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "twelve": "12", "twenty": "20", "hundred": "100", "thousand": "1000",
}


def split_sentences(text: str) -> list[str]:
    """Split a passage into at most MAX_SENTENCES non-trivial sentences; a short text is one sentence."""
    parts = [part.strip() for part in _SENTENCE_END.split(text)]
    sentences = [part for part in parts if len(part) > 2]
    return sentences[:MAX_SENTENCES] or [text.strip() or text]


def _normalise(text: str) -> str:
    return text.lower().replace("’", "'").replace("‘", "'")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(_normalise(text))


def _negations(tokens: Sequence[str]) -> int:
    return sum(1 for tok in tokens if tok in NEGATION_WORDS or tok.endswith("n't"))


def _numbers(text: str, tokens: Sequence[str]) -> set[str]:
    found = {match.replace(",", "") for match in _NUMBER.findall(text)}
    found.update(_NUMBER_WORDS[tok] for tok in tokens if tok in _NUMBER_WORDS)
    return found


def _content(tokens: Sequence[str]) -> set[str]:
    return {tok for tok in tokens if len(tok) > 2 and tok not in STOPWORDS}


def _has(pattern: re.Pattern[str], text: str) -> float:
    return 1.0 if pattern.search(text) else 0.0


def _antonym_split(claim: set[str], evidence: set[str]) -> int:
    hits = 0
    for a, b in ANTONYM_PAIRS:
        forward = a in claim and b in evidence and b not in claim
        backward = b in claim and a in evidence and a not in claim
        hits += int(forward or backward)
    return hits


def lexical_features(
    claim: str, sentences: Sequence[str], evidence_idx: Sequence[int], cosines: np.ndarray,
) -> list[float]:
    """Return the LEXICAL_FEATURES of a claim against the sentences of `other` and the chosen evidence."""
    evidence = " ".join(sentences[i] for i in evidence_idx)
    best = sentences[int(evidence_idx[0])]
    claim_toks, ev_toks = _tokens(claim), _tokens(evidence)
    all_toks = [tok for sentence in sentences for tok in _tokens(sentence)]
    claim_low, ev_low = _normalise(claim), _normalise(evidence)

    neg_c, neg_e = min(_negations(claim_toks), 3), min(_negations(ev_toks), 3)
    c_ret, c_adv = _has(RETREAT_PATTERN, claim_low), _has(ADVANCE_PATTERN, claim_low)
    e_ret, e_adv = _has(RETREAT_PATTERN, ev_low), _has(ADVANCE_PATTERN, ev_low)
    claim_nums, ev_nums = _numbers(claim, claim_toks), _numbers(evidence, ev_toks)
    claim_content = _content(claim_toks)
    n_content = max(len(claim_content), 1)
    refute_ev = sum(1 for tok in ev_toks if tok in REFUTE_WORDS)
    refute_all = sum(1 for tok in all_toks if tok in REFUTE_WORDS)
    top = cosines[list(evidence_idx)]
    return [
        float(cosines.max()), float(top.mean()), float(cosines.mean()),
        neg_c / 3, neg_e / 3, (neg_e - neg_c) / 3, float((neg_c > 0) != (neg_e > 0)),
        c_ret, c_adv, e_ret, e_adv, max(c_ret * e_adv, c_adv * e_ret), max(c_ret * e_ret, c_adv * e_adv),
        min(_antonym_split(set(claim_toks), set(ev_toks)), 3) / 3,
        float(bool(claim_nums)),
        float(bool(claim_nums) and claim_nums <= ev_nums),
        float(bool(claim_nums) and bool(ev_nums) and not claim_nums <= ev_nums),
        fuzz.token_set_ratio(claim_low, ev_low) / 100,
        fuzz.token_set_ratio(claim_low, _normalise(best)) / 100,
        len(claim_content & set(ev_toks)) / n_content, len(claim_content & set(all_toks)) / n_content,
        min(refute_ev, 3) / 3, min(refute_all / len(sentences), 1.0),
        float(len(sentences) > 1), math.log1p(len(sentences)) / 5,
    ]


def featurize_pairs(
    pairs: Sequence[tuple[str, str]], encode: Callable[[Sequence[str]], np.ndarray],
) -> np.ndarray:
    """Return (n, len(FEATURE_NAMES)) float32 features; `encode` is called once, on the unique texts."""
    split = [split_sentences(other) for _, other in pairs]
    unique: dict[str, int] = {}
    for (claim, _), sentences in zip(pairs, split, strict=True):
        for text in (claim, *sentences):
            unique.setdefault(text, len(unique))
    vectors = encode(list(unique))
    rows = np.zeros((len(pairs), len(FEATURE_NAMES)), dtype=np.float32)
    for i, ((claim, _), sentences) in enumerate(zip(pairs, split, strict=True)):
        u = vectors[unique[claim]]
        sent_vecs = vectors[[unique[s] for s in sentences]]
        cosines = sent_vecs @ u
        evidence_idx = np.argsort(-cosines, kind="stable")[:TOP_SENTENCES]
        v = sent_vecs[evidence_idx].mean(axis=0)
        v = v / (np.linalg.norm(v) or 1.0)
        rows[i, :EMBEDDING_DIM] = u * v
        rows[i, EMBEDDING_DIM:2 * EMBEDDING_DIM] = np.abs(u - v)
        rows[i, 2 * EMBEDDING_DIM:] = lexical_features(claim, sentences, evidence_idx.tolist(), cosines)
    return rows


@dataclass(frozen=True)
class PairNetwork:
    """Standardise, then dense layers with ReLU between them; logits divided by a fitted temperature."""

    mean: np.ndarray  # (d,) float32
    scale: np.ndarray  # (d,) float32
    weights: tuple[np.ndarray, ...]  # (d, h1), ..., (h_k, 4) float32
    biases: tuple[np.ndarray, ...]
    temperature: float

    def logits(self, features: np.ndarray) -> np.ndarray:
        """Return the uncalibrated (n, 4) logits of (n, d) features."""
        hidden = (features - self.mean) / self.scale
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            hidden = hidden @ w + b
            if layer < len(self.weights) - 1:
                hidden = np.maximum(hidden, 0.0)
        return hidden

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Return the calibrated (n, 4) probabilities in LABEL_ORDER."""
        return softmax(self.logits(features) / self.temperature)

    def save(self, path: pathlib.Path) -> None:
        """Write the network to an .npz file (no pickled objects)."""
        arrays: dict[str, np.ndarray] = {"mean": self.mean, "scale": self.scale,
                                         "temperature": np.array(self.temperature, dtype=np.float64)}
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            arrays[f"W{i}"], arrays[f"b{i}"] = w.astype(np.float32), b.astype(np.float32)
        np.savez_compressed(path, allow_pickle=False, **arrays)

    @classmethod
    def load(cls, path: pathlib.Path) -> PairNetwork:
        """Read a network written by `save`."""
        with np.load(path, allow_pickle=False) as data:
            n_layers = sum(1 for key in data.files if key.startswith("W"))
            return cls(
                mean=data["mean"].astype(np.float32), scale=data["scale"].astype(np.float32),
                weights=tuple(data[f"W{i}"].astype(np.float32) for i in range(n_layers)),
                biases=tuple(data[f"b{i}"].astype(np.float32) for i in range(n_layers)),
                temperature=float(data["temperature"]),
            )


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of an (n, k) array."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class FeaturePairModel:
    """ProbabilityModel: embedding + lexical features of each pair through a small numpy network."""

    def __init__(self, embedder: Embedder, network: PairNetwork) -> None:
        self._embedder = embedder
        self._network = network

    def features(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Return the (n, len(FEATURE_NAMES)) features, embedding all texts in one batched call."""
        return featurize_pairs(pairs, self._embedder.encode)

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Return (n, 4) calibrated probabilities in LABEL_ORDER; each row sums to 1."""
        if not pairs:
            return np.zeros((0, len(LABEL_ORDER)), dtype=np.float64)
        return self._network.probabilities(self.features(pairs)).astype(np.float64)


def load_relation_classifier(model_dir: str | pathlib.Path, embedder: Embedder) -> PairModelClassifier:
    """Load `weights.npz` + `manifest.json` from model_dir and wrap them as a PairModelClassifier."""
    directory = pathlib.Path(model_dir)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if tuple(manifest["labels"]) != tuple(str(kind) for kind in LABEL_ORDER):
        raise ValueError(f"{directory}: labels {manifest['labels']} differ from {list(LABEL_ORDER)}")
    if tuple(manifest["features"]) != FEATURE_NAMES:
        raise ValueError(f"{directory}: its features differ from this code's FEATURE_NAMES; retrain it")
    return PairModelClassifier(FeaturePairModel(embedder, PairNetwork.load(directory / "weights.npz")))
