"""Train the fusion ranker of claim matching: logistic regression over the retrieval features of each candidate.

Data: CheckThat! 2020 task 2 **train** tweets (800) against the 10,375 verified claims, imported through the
service's own import into a kept store (`checkthat.py`). Each tweet's candidates come from the service's own
retrieval (dense over claims and titles, full-text search); the gold verified claim is the positive, every other
candidate a negative. Dev stays for `evaluate_matching.py`.

Writes `models/matching/fusion.json` (a few hundred bytes: feature names, weights, bias, provenance).

Run from the repository root (scikit-learn is in the `train` extra):
`HF_HUB_OFFLINE=1 .venv/bin/python models/train_matching.py [--c 1.0] [--out models/matching/fusion.json]`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
from pathlib import Path

import numpy as np
from checkthat import DEFAULT_DATA, DEFAULT_DATABASE, REPO_ROOT, build_runtime, claim_id_of, queries

os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_OUT = REPO_ROOT / "models" / "matching" / "fusion.json"
SEED = 13

log = logging.getLogger("train_matching")


def candidate_features(runtime, data_dir: Path, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, query index) of every fact-check candidate retrieved for the split's tweets."""
    from service.matching import FACT_CHECK, rank_candidates

    rows, labels, groups = [], [], []
    for n, query in enumerate(queries(data_dir, split)):
        ranked = [(q, c) for _, q, c in rank_candidates(runtime, query.text) if c.kind == FACT_CHECK]
        urls = {f.id: f.fact_check.url for f in runtime.store.get_fact_checks([c.key for _, c in ranked])}
        for q, candidate in ranked:
            rows.append(candidate.features(q))
            labels.append(claim_id_of(urls.get(candidate.key, "")) == query.gold_claim_id)
            groups.append(n)
    return np.stack(rows), np.array(labels, dtype=np.int8), np.array(groups)


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    from service.domain.matching import FEATURES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    runtime = build_runtime(args.database, args.data)
    features, labels, groups = candidate_features(runtime, args.data, "train")
    log.info("%d candidates for %d tweets, %d positives", len(labels), groups.max() + 1, labels.sum())
    model = LogisticRegression(C=args.c, max_iter=2_000, random_state=SEED).fit(features, labels)
    spec = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "trained": {
            "data": "CheckThat! 2020 task 2 train (800 tweets) vs 10,375 verified claims (claim + title)",
            "candidates": len(labels), "positives": int(labels.sum()), "C": args.c, "seed": SEED,
            "date": dt.date.today().isoformat(),
            "command": "HF_HUB_OFFLINE=1 .venv/bin/python models/train_matching.py",
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(spec, indent=2) + "\n")
    print(json.dumps(spec, indent=2))


if __name__ == "__main__":
    main()
