"""Choose the relevance floor of `claims:search` on CheckThat! 2020 dev: the embedding similarity under which a
fact-check is not shown for a query (Google answers `{}` when nothing matches).

For every dev tweet, the similarity of its gold verified claim as retrieval scores it (the best of claim and title);
for queries that should find nothing, the best similarity any stored fact-check reaches: FNC-1 headlines (news of
2014-2016, a sample; some may really match a Snopes claim, so this share is a lower bound) and made-up strings. The
floor is the highest of 0.30, 0.35, ... 0.60 that keeps `--keep` of the gold matches; reported for each: the gold
share kept and the share of unrelated queries left with no fact-check at all.

    HF_HUB_OFFLINE=1 .venv/bin/python -m lab.matching.relevance_floor [--keep 0.98] [--out FILE]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

import numpy as np

from lab.datasets.checkthat import DEFAULT_DATA, DEFAULT_DATABASE, build_runtime, claim_id_of, queries
from lab.paths import RESULTS_DIR, SHARED_DATA

NONSENSE = ["zzzz", "qwerty asdf", "moon landing hoax", "best pizza dough recipe", "how to tie a bowline knot",
            "premier league table", "python list comprehension", "weather in Oslo tomorrow"]


def best_similarities(runtime, texts: list[str], use_score: bool = False) -> list[tuple[float, dict[str, float]]]:
    """For each text: the best fact-check similarity (or fused score), and each fact-check's by claim id."""
    from service.usecases.matching import FACT_CHECK, rank_candidates

    found = []
    for text in texts:
        ranked = [(score, c) for score, _, c in rank_candidates(runtime, text) if c.kind == FACT_CHECK]
        urls = {f.id: f.fact_check.url for f in runtime.store.get_fact_checks([c.key for _, c in ranked])}
        by_claim = {claim_id_of(urls[c.key]) or "": score if use_score else c.similarity for score, c in ranked}
        found.append((max(by_claim.values(), default=0.0), by_claim))
    return found


def fnc_headlines(count: int, seed: int = 0) -> list[str]:
    with open(SHARED_DATA / "fnc-1" / "train_stances.csv", encoding="utf-8") as file:
        headlines = sorted({row["Headline"] for row in csv.DictReader(file)})
    return random.Random(seed).sample(headlines, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=float, default=0.9, help="share of gold matches the floor must keep")
    parser.add_argument("--headlines", type=int, default=300)
    parser.add_argument("--score", action="store_true", help="the floor on the fused score instead of similarity")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "relevance_floor_dev.json")
    args = parser.parse_args()
    runtime = build_runtime(DEFAULT_DATABASE, DEFAULT_DATA)
    dev = queries(DEFAULT_DATA, "dev")
    found = best_similarities(runtime, [q.text for q in dev], args.score)
    gold = np.array([by_claim.get(q.gold_claim_id, 0.0) for q, (_, by_claim) in zip(dev, found, strict=True)])
    grid = [round(f, 2) for f in np.arange(0.30, 0.61, 0.05)]
    floor = max((f for f in grid if np.mean(gold >= f) >= args.keep), default=grid[0])
    headlines = [best for best, _ in best_similarities(runtime, fnc_headlines(args.headlines), args.score)]
    nonsense = [best for best, _ in best_similarities(runtime, NONSENSE, args.score)]
    report = {
        "signal": "fused score" if args.score else "similarity", "floor": floor, "keep": args.keep,
        "dev_tweets": len(dev),
        "gold_kept": round(float(np.mean(gold >= floor)), 4),
        "gold_similarity_quantiles": {q: round(float(np.quantile(gold, q)), 3) for q in (0.01, 0.02, 0.05, 0.5)},
        "fnc_headlines": len(headlines), "fnc_headlines_with_nothing": round(float(np.mean(
            np.array(headlines) < floor)), 4),
        "nonsense_with_nothing": round(float(np.mean(np.array(nonsense) < floor)), 4),
        "nonsense_best": dict(zip(NONSENSE, [round(b, 3) for b in nonsense], strict=True)),
        "by_floor": {f"{f:.2f}": {"gold_kept": round(float(np.mean(gold >= f)), 3),
                                  "headlines_with_nothing": round(float(np.mean(np.array(headlines) < f)), 3),
                                  "nonsense_with_nothing": round(float(np.mean(np.array(nonsense) < f)), 3)}
                     for f in grid},
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
