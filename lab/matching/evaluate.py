"""Evaluate claim matching on CheckThat! 2020 task 2 (dev by default): MAP@5, MRR, recall@1/5/50 for dense alone,
lexical alone, reciprocal-rank fusion, the trained fusion (what the API ranks by), and the trained fusion followed
by the relation model (`--rerank`), plus ClaimMatch pair accuracy of the same-claim decision.

The verified claims are imported through the service's own import into a kept store (see
`lab/datasets/checkthat.py`), every tweet goes through the service's own retrieval
(`service.usecases.matching.rank_candidates`); the variants re-order the same candidate lists, so they differ only
in ranking.

Run from the repository root:
`HF_HUB_OFFLINE=1 .venv/bin/python -m lab.matching.evaluate [--split dev] [--rerank] [--out FILE]`.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from lab.datasets.checkthat import DEFAULT_DATA, DEFAULT_DATABASE, Query, build_runtime, claim_id_of, queries, read_tsv
from lab.paths import RESULTS_DIR, SHARED_DATA

os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_CLAIMMATCH = SHARED_DATA / "claimmatch" / "ClaimMatchData.tsv"
DEFAULT_OUT = RESULTS_DIR / "matching_{split}.json"

log = logging.getLogger("evaluate_matching")


def ranking_metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """MAP@5 (one relevant item per query, so AP@5 = 1/rank within 5), MRR, recall@1/5/50; rank None = not found."""
    n = len(ranks) or 1
    return {
        "map5": round(sum(1 / r for r in ranks if r and r <= 5) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
        "recall1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "recall5": round(sum(1 for r in ranks if r and r <= 5) / n, 4),
        "recall50": round(sum(1 for r in ranks if r and r <= 50) / n, 4),
    }


def rank_of(gold: str, ordered_urls: Sequence[str]) -> int | None:
    seen: list[str] = []
    for url in ordered_urls:
        claim_id = claim_id_of(url)
        if claim_id and claim_id not in seen:
            seen.append(claim_id)
            if claim_id == gold:
                return len(seen)
    return None


def evaluate_split(runtime, split_queries: Sequence[Query], rerank: bool) -> dict[str, object]:
    from service.domain.ranking import FusionRanker
    from service.usecases.matching import FACT_CHECK, rank_candidates

    rrf = FusionRanker.reciprocal_rank_fusion()
    orders: dict[str, Callable[[str, list], np.ndarray]] = {
        "dense": lambda q, cands: np.array([c.similarity for c in cands]),
        "lexical": lambda q, cands: np.array([c.lexical_score for c in cands]),
        "rrf": rrf.score,
        "fused": runtime.models.ranker.score,
    }
    ranks: dict[str, list[int | None]] = {name: [] for name in [*orders, *(["fused+rerank"] if rerank else [])]}
    started = time.perf_counter()
    for query in split_queries:
        ranked = [(score, q, c) for score, q, c in rank_candidates(runtime, query.text) if c.kind == FACT_CHECK]
        urls = _urls(runtime, [c.key for _, _, c in ranked])
        for name, order in orders.items():
            scores = np.concatenate([order(q, [c]) for _, q, c in ranked]) if ranked else np.zeros(0)
            ordered = [urls[ranked[i][2].key] for i in np.argsort(-scores, kind="stable")]
            ranks[name].append(rank_of(query.gold_claim_id, ordered))
        if rerank:
            ranks["fused+rerank"].append(rank_of(query.gold_claim_id, _reranked(runtime, ranked, urls)))
    elapsed = time.perf_counter() - started
    return {"queries": len(split_queries), "seconds_per_query": round(elapsed / max(1, len(split_queries)), 4),
            **{name: ranking_metrics(r) for name, r in ranks.items()}}


def _urls(runtime, keys: Sequence[int]) -> dict[int, str]:
    return {f.id: f.fact_check.url for f in runtime.store.get_fact_checks(list(keys))}


def _reranked(runtime, ranked: list, urls: dict[int, str], depth: int = 20) -> list[str]:
    """The top `depth` re-ordered by the relation model's probability that the pair is related at all."""
    head = ranked[:depth]
    scores = runtime.models.classifier.classify([(q, c.claim) for _, q, c in head])
    related = [1 - s.probabilities["unrelated"] for s in scores]
    order = sorted(range(len(head)), key=lambda i: -related[i])
    return [urls[head[i][2].key] for i in order] + [urls[c.key] for _, _, c in ranked[depth:]]


def claimmatch_accuracy(runtime, path: Path, checkthat_tweets: set[str]) -> dict[str, object]:
    """Same-claim decision on ClaimMatch pairs whose tweet is not in `checkthat_tweets`: similarity ≥ threshold.

    The threshold is the service's `fact_check_link_similarity` (the one that links a fact-check to a statement).
    """
    from service.domain.ranking import normalise_query

    pairs = []
    for row in read_tsv(path)[1:]:
        if len(row) >= 3 and row[2] in ("0", "1") and _tweet_key(row[0]) not in checkthat_tweets:
            pairs.append((row[0], row[1], row[2] == "1"))

    left = runtime.models.embedder.encode([normalise_query(t) for t, _, _ in pairs])
    right = runtime.models.embedder.encode([c for _, c, _ in pairs])
    similarity = (left * right).sum(axis=1)
    threshold = runtime.settings.fact_check_link_similarity
    gold = np.array([same for _, _, same in pairs])
    best = max(((float(t), float(((similarity >= t) == gold).mean())) for t in np.arange(0.3, 0.95, 0.01)),
               key=lambda item: item[1])
    linked = similarity >= threshold
    return {"pairs": len(pairs), "positives": int(gold.sum()), "threshold": threshold,
            "accuracy": round(float((linked == gold).mean()), 4),
            "precision": round(float(gold[linked].mean()), 4) if linked.any() else None,
            "recall": round(float((similarity[gold] >= threshold).mean()), 4),
            "best_threshold_in_hindsight": round(best[0], 2), "best_accuracy_in_hindsight": round(best[1], 4)}


def _tweet_key(text: str) -> str:
    """ClaimMatch copies CheckThat tweets without the "@" of handles: compare letters and digits only."""
    from service.domain.ranking import normalise_query

    return re.sub(r"\W+", "", normalise_query(text.replace("@", "")).lower())[:80]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev", choices=("train", "dev"))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--claimmatch", type=Path, default=DEFAULT_CLAIMMATCH)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--rerank", action="store_true", help="also measure reranking by the relation model")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    runtime = build_runtime(args.database, args.data)
    split_queries = queries(args.data, args.split)[: args.limit]
    report: dict[str, object] = {"split": args.split, "claims": len(runtime.fact_check_index),
                                 **evaluate_split(runtime, split_queries, args.rerank)}
    if args.claimmatch.exists():
        # ClaimMatch reuses CheckThat 2020 tweets (996 of its 1,000 rows by text): keep those not in train,
        # the split the ranker is fitted on.
        tweets = {_tweet_key(q.text) for q in queries(args.data, "train")}
        report["claimmatch"] = claimmatch_accuracy(runtime, args.claimmatch, tweets)
    out = args.out or Path(str(DEFAULT_OUT).format(split=args.split))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
