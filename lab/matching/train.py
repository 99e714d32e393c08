"""Fit the fusion ranker of claim matching: the linear weights over the retrieval features that give the best
MAP@5 on CheckThat! 2020 task 2 **train**.

Data: the 800 train tweets against the 10,375 verified claims, imported through the service's own import into a
kept store (`lab/datasets/checkthat.py`). Each tweet's candidates come from the service's own retrieval (dense over
claims and titles, full-text search). Dev stays for `lab.matching.evaluate`.

Method: a grid over the weights of the lexical reciprocal rank, the best cosine similarity, the normalised
full-text score and the fuzzy token-set ratio, on top of the dense reciprocal rank (weight 1), scored by MAP@5
on train; the best point is written. A pointwise logistic regression over the same features was tried first and
ranked worse on train and dev than plain reciprocal-rank fusion (models/README.md).

Writes `models/matching/fusion.json` (feature names, weights, provenance; a few hundred bytes).

Run from the repository root:
`HF_HUB_OFFLINE=1 .venv/bin/python -m lab.matching.train [--out models/matching/fusion.json]`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import logging
import os
from pathlib import Path

import numpy as np

from lab.datasets.checkthat import DEFAULT_DATA, DEFAULT_DATABASE, build_runtime, claim_id_of, queries
from lab.paths import MODELS_DIR

os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_OUT = MODELS_DIR / "matching" / "fusion.json"
SEED = 13

log = logging.getLogger("train_matching")


def candidate_features(runtime, data_dir: Path, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, query index) of every fact-check candidate retrieved for the split's tweets."""
    from service.usecases.matching import FACT_CHECK, rank_candidates

    rows, labels, groups = [], [], []
    for n, query in enumerate(queries(data_dir, split)):
        ranked = [(q, c) for _, q, c in rank_candidates(runtime, query.text) if c.kind == FACT_CHECK]
        urls = {f.id: f.fact_check.url for f in runtime.store.get_fact_checks([c.key for _, c in ranked])}
        for q, candidate in ranked:
            rows.append(candidate.features(q))
            labels.append(claim_id_of(urls.get(candidate.key, "")) == query.gold_claim_id)
            groups.append(n)
    return np.stack(rows), np.array(labels, dtype=np.int8), np.array(groups)


GRID = {
    "lexical_reciprocal_rank": (0.6, 0.8, 1.0, 1.2, 1.5),
    "similarity_best": (0.0, 0.5, 1.0, 2.0),
    "lexical_score": (0.0, 0.5, 1.0),
    "fuzzy_claim": (0.0, 0.5, 1.0),
}


def map_at_5(features: np.ndarray, labels: np.ndarray, groups: np.ndarray, weights: np.ndarray) -> float:
    """MAP@5 with one relevant item per query (a query whose gold was not retrieved scores 0)."""
    scores = features @ weights
    total = 0.0
    for group in np.unique(groups):
        mask = groups == group
        gold = labels[mask].astype(bool)
        if gold.any():
            rank = int((scores[mask] > scores[mask][gold].max()).sum()) + 1
            total += 1 / rank if rank <= 5 else 0.0
    return total / len(np.unique(groups))


def link_threshold(features: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> dict[str, float]:
    """The similarity above which a fact-check counts as reviewing a claim (Settings.fact_check_link_similarity).

    Each train tweet gives a positive (its gold claim) and a hard negative (its most similar other claim); the
    threshold is the one that classifies these pairs best.
    """
    from service.domain.ranking import FEATURES

    similarity = features[:, FEATURES.index("similarity_best")]
    positives, negatives = [], []
    for group in np.unique(groups):
        mask = groups == group
        gold = labels[mask].astype(bool)
        if gold.any():
            positives.append(similarity[mask][gold].max())
        if (~gold).any():
            negatives.append(similarity[mask][~gold].max())
    pos, neg = np.array(positives), np.array(negatives)
    grid = np.round(np.arange(0.3, 0.95, 0.01), 2)
    accuracy = [((pos >= t).sum() + (neg < t).sum()) / (len(pos) + len(neg)) for t in grid]
    best = int(np.argmax(accuracy))
    return {"threshold": float(grid[best]), "train_accuracy": round(float(accuracy[best]), 4)}


def main() -> None:
    from service.domain.ranking import FEATURES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    runtime = build_runtime(args.database, args.data)
    features, labels, groups = candidate_features(runtime, args.data, "train")
    log.info("%d candidates for %d tweets, %d gold retrieved", len(labels), groups.max() + 1, labels.sum())
    results = []
    for point in itertools.product(*GRID.values()):
        weights = np.zeros(len(FEATURES), dtype=np.float32)
        weights[FEATURES.index("dense_reciprocal_rank")] = 1.0
        for name, value in zip(GRID, point, strict=True):
            weights[FEATURES.index(name)] = value
        results.append((map_at_5(features, labels, groups, weights), point, weights))
    # best train MAP@5; among equals the simplest point (smallest weights), so ties do not pick noise
    score, point, weights = max(results, key=lambda r: (round(r[0], 4), -sum(r[1])))
    link = link_threshold(features, labels, groups)
    spec = {
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in weights],
        "trained": {
            "method": "grid search of linear weights by MAP@5 (dense reciprocal rank fixed at 1)",
            "data": "CheckThat! 2020 task 2 train (800 tweets) vs 10,375 verified claims (claim + title)",
            "train_map5": round(score, 4), "grid": {k: list(v) for k, v in GRID.items()},
            "link_similarity": link,
            "candidates": len(labels), "gold_retrieved": int(labels.sum()), "seed": SEED,
            "date": dt.date.today().isoformat(),
            "command": "HF_HUB_OFFLINE=1 .venv/bin/python -m lab.matching.train",
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(spec, indent=2) + "\n")
    print(json.dumps(spec, indent=2))


if __name__ == "__main__":
    main()
