"""CheckThat! 2020 dev as a clustering task: B-cubed precision, recall and F1 of the service's clustering.

Items are the dev tweets and the verified claims they match (plus, with `--distractors N`, N other verified
claims that no dev tweet matches, each its own gold cluster). Gold: a verified claim and the tweets that match it
form one cluster. Predicted: what the service's clustering makes of the same items, with the service's own
candidate rule (MiniLM cosine ≥ `candidate_min_similarity`, at most `candidate_max_per_statement` neighbours),
relation model (`classify_symmetric`) and `plan_clusters` with the default Settings thresholds. Every item is its
own speaker (tweets have different authors), so a group of two or more items is a corroboration cluster.

Reported: B-cubed at the cluster level (items in one cluster, whatever the side) and at the proposition level
(items in one side of one cluster, i.e. one corroboration group), and a reference without the relation model:
connected components of the candidate graph at several cosine thresholds.

`HF_HUB_OFFLINE=1 .venv/bin/python -m lab.clustering.evaluate [--split dev] [--distractors 1000]`
"""
from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import networkx as nx
import numpy as np

from lab.datasets.checkthat import DEFAULT_DATA, queries, verified_claims
from lab.paths import RESULTS_DIR

os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_OUT = RESULTS_DIR / "clustering_{split}.json"


def bcubed(predicted: Mapping[str, int], gold: Mapping[str, str]) -> dict[str, float]:
    """B-cubed precision / recall / F1 (Bagga & Baldwin) of a predicted against a gold clustering of one item set."""
    by_predicted: dict[int, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for item, cluster in predicted.items():
        by_predicted.setdefault(cluster, set()).add(item)
    for item, cluster in gold.items():
        by_gold.setdefault(cluster, set()).add(item)
    precision = recall = 0.0
    for item in gold:
        mine, truth = by_predicted[predicted[item]], by_gold[gold[item]]
        shared = len(mine & truth)
        precision += shared / len(mine)
        recall += shared / len(truth)
    n = len(gold)
    p, r = precision / n, recall / n
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def load_items(data_dir: Path, split: str, distractors: int, seed: int) -> tuple[list[str], list[str], dict[str, str]]:
    """(item ids, texts, gold cluster of each item)."""
    from service.domain.ranking import normalise_query

    claims = {cid: text for cid, text, _ in verified_claims(data_dir)}
    split_queries = queries(data_dir, split)
    gold_claims = sorted({q.gold_claim_id for q in split_queries})
    others = sorted(set(claims) - set(gold_claims))
    extra = random.Random(seed).sample(others, min(distractors, len(others)))
    ids = [f"claim:{cid}" for cid in gold_claims + extra] + [f"tweet:{q.tweet_id}" for q in split_queries]
    texts = [claims[cid] for cid in gold_claims + extra] + [normalise_query(q.text) for q in split_queries]
    gold = {f"claim:{cid}": cid for cid in gold_claims + extra}
    gold.update({f"tweet:{q.tweet_id}": q.gold_claim_id for q in split_queries})
    return ids, texts, gold


def candidate_pairs(vectors: np.ndarray, min_similarity: float, per_item: int) -> list[tuple[int, int, float]]:
    """Unordered pairs (i < j, cosine) the service would classify: each item's nearest neighbours above a floor."""
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    pairs: dict[tuple[int, int], float] = {}
    for i in range(len(vectors)):
        nearest = np.argsort(-similarity[i])[:per_item]
        for j in nearest:
            if similarity[i, j] >= min_similarity:
                pairs[(min(i, int(j)), max(i, int(j)))] = float(similarity[i, j])
    return [(i, j, s) for (i, j), s in sorted(pairs.items())]


def cluster_items(ids: Sequence[str], pairs: Sequence[tuple[int, int, float]], scores: Sequence,
                  same_claim_similarity: float | None = None) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Predicted cluster and side of every item by the service's clustering; also the label counts."""
    from service.domain.clustering import EdgeThresholds, plan_clusters
    from service.domain.entities import Relation
    from service.settings import Settings

    settings = Settings.from_env()  # CLAIMLENS_* thresholds can be tried without editing the defaults
    same_claim = settings.same_claim_similarity if same_claim_similarity is None else same_claim_similarity
    relations = [Relation(i + 1, j + 1, s.label, s.probability, sim)
                 for (i, j, sim), s in zip(pairs, scores, strict=True)]
    plans = plan_clusters(range(1, len(ids) + 1), relations, {k: k for k in range(1, len(ids) + 1)},
                          EdgeThresholds(settings.corroborates_threshold, settings.contradicts_threshold,
                                         settings.cluster_min_similarity, same_claim))
    cluster_of, side_of = {}, {}
    for number, plan in enumerate(plans):
        for side_number, side in enumerate(plan.sides):
            for statement_id in side:
                cluster_of[ids[statement_id - 1]] = number
                side_of[ids[statement_id - 1]] = number * 100 + side_number
    singleton = len(plans) * 100
    for position, item in enumerate(ids):
        if item not in cluster_of:
            cluster_of[item] = side_of[item] = singleton + position
    labels: dict[str, int] = {}
    for s in scores:
        labels[str(s.label)] = labels.get(str(s.label), 0) + 1
    return cluster_of, side_of, labels


def components_at(ids: Sequence[str], pairs: Sequence[tuple[int, int, float]], threshold: float) -> dict[str, int]:
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(range(len(ids)))
    graph.add_edges_from((i, j) for i, j, s in pairs if s >= threshold)
    return {ids[node]: number for number, component in enumerate(nx.connected_components(graph)) for node in component}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--distractors", type=int, nargs="*", default=[0, 1000])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--same-claim-similarity", type=float, nargs="*", default=[],
                        help="also report B-cubed with these values of the setting (to choose it on train)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    from service.domain.embedding import Embedder
    from service.runtime import relation_classifier
    from service.settings import Settings

    settings = Settings.from_env()  # CLAIMLENS_RELATION_MODEL_DIR picks the relation model
    embedder = Embedder()
    classifier = relation_classifier(settings.relation_model_dir, embedder, settings.relation_int8,
                                     settings.relation_combiner_dir if settings.relation_combiner else None)
    report: dict[str, object] = {"split": args.split, "relation_model": str(settings.relation_model_dir.name),
                                 "relation_int8": settings.relation_int8,
                                 "candidate_min_similarity": settings.candidate_min_similarity,
                                 "candidate_max_per_statement": settings.candidate_max_per_statement}
    for distractors in args.distractors:
        started = time.perf_counter()
        ids, texts, gold = load_items(args.data, args.split, distractors, args.seed)
        vectors = embedder.encode(list(texts))
        pairs = candidate_pairs(vectors, settings.candidate_min_similarity, settings.candidate_max_per_statement)
        scores = classifier.classify_symmetric([(texts[i], texts[j]) for i, j, _ in pairs])
        cluster_of, side_of, labels = cluster_items(ids, pairs, scores)
        sweep = {str(value): bcubed(cluster_items(ids, pairs, scores, value)[0], gold)
                 for value in args.same_claim_similarity}
        result = {
            "items": len(ids), "gold_clusters": len(set(gold.values())), "candidate_pairs": len(pairs),
            "pair_labels": labels,
            "bcubed_cluster": bcubed(cluster_of, gold), "bcubed_proposition": bcubed(side_of, gold),
            "predicted_clusters_of_two_or_more": sum(
                1 for c in set(cluster_of.values()) if list(cluster_of.values()).count(c) > 1),
            "same_claim_similarity_sweep": sweep,
            "cosine_components": {str(t): bcubed(components_at(ids, pairs, t), gold)
                                  for t in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75)},
            "seconds": round(time.perf_counter() - started, 1),
        }
        report[f"distractors_{distractors}"] = result
        print(json.dumps({f"distractors_{distractors}": result}, indent=1), flush=True)
    out = args.out or Path(str(DEFAULT_OUT).format(split=args.split))
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
