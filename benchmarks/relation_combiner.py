"""Speed of the relation combiner (a setting, off by default) against the served cross-encoder alone.

Pairs per second on CPU, end to end as the service calls them, 1 and 2 threads, best of `--repeats`:
- claim–claim (SNLI test hypothesis and premise, both ≤ 400 characters): the combiner reads both directions and
  parses both texts (spaCy, no NER); the cross-encoder alone as served (`classify_symmetric`, both directions)
  and one direction (`predict_proba`, the figure models/README.md gave as 150 pairs/s on 2 threads);
- claim–passage (FNC-1 dev headline and full body): the passage is reduced to its 4 sentences closest to the
  claim, read forward only; the combiner also parses the reduced passage.
Every text is new to the combiner's parse cache (its cache is cleared before each pass).

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.relation_combiner [--pairs 256]
"""
from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence

from benchmarks.common import RESULTS_DIR, command_line, load_average, machine_info, write_results
from lab.datasets.relation_pairs import fnc_dev_examples, snli_examples
from lab.paths import SHARED_DATA
from service.domain.embedding import Embedder
from service.domain.relation.classifier import PairModelClassifier
from service.domain.relation.combiner import CombinedRelationClassifier, load_combined_classifier
from service.domain.relation.cross_encoder import load_cross_encoder
from service.settings import Settings

Pairs = list[tuple[str, str]]


def rate(call: Callable[[Pairs], object], pairs: Pairs, repeats: int, before: Callable[[], None]) -> float:
    """Best pairs/s over `repeats` passes of `call(pairs)` in batches of 32."""
    best = 0.0
    for _ in range(repeats):
        before()
        started = time.perf_counter()
        for start in range(0, len(pairs), 32):
            call(pairs[start:start + 32])
        best = max(best, len(pairs) / (time.perf_counter() - started))
    return round(best, 1)


def main(argv: Sequence[str] | None = None) -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--classify", action="store_true",
                        help="the classify model under its combiner (classify_combiner, served) instead of the "
                             "ingest's model under relation_combiner")
    args = parser.parse_args(argv)
    settings = Settings()
    embedder = Embedder()
    if args.classify:
        model_dir, combiner_dir = settings.classify_model_dir, settings.classify_combiner_dir
        setting = "CLAIMLENS_CLASSIFY_COMBINER=true, served"
    else:
        model_dir, combiner_dir = settings.relation_model_dir, settings.relation_combiner_dir
        setting = "CLAIMLENS_RELATION_COMBINER=true"
    pair_model = load_cross_encoder(model_dir, embedder.encode)
    alone = PairModelClassifier(pair_model)
    combined: CombinedRelationClassifier = load_combined_classifier(pair_model, combiner_dir)
    rng = random.Random(13)
    claims = [(e.claim, e.other) for e in rng.sample(
        snli_examples(SHARED_DATA / "snli" / "snli_test.tsv", "snli_test"), args.pairs)]
    passages = [(e.claim, e.other) for e in rng.sample(fnc_dev_examples(SHARED_DATA), args.pairs)]
    combined.classify(claims[:32])  # warm-up
    clear = combined.clear_cache
    results: dict[str, object] = {}
    for threads in args.threads:
        torch.set_num_threads(threads)
        results[f"threads={threads}"] = {
            "claim_claim": {
                f"combiner ({setting})": rate(combined.classify, claims, args.repeats, clear),
                "cross-encoder alone, both directions": rate(
                    alone.classify_symmetric, claims, args.repeats, lambda: None),
                "cross-encoder alone, one direction": rate(pair_model.predict_proba, claims, args.repeats,
                                                           lambda: None),
            },
            "claim_passage": {
                f"combiner ({setting})": rate(combined.classify, passages, args.repeats, clear),
                "cross-encoder alone": rate(alone.classify, passages, args.repeats, lambda: None),
            },
        }
    write_results(RESULTS_DIR / f"relation_combiner{'_classify' if args.classify else ''}.json", {
        "command": command_line("benchmarks.relation_combiner", argv), "machine": machine_info(),
        "cross_encoder": model_dir.name, "combiner": combiner_dir.name,
        "load_average_after": load_average(), "pairs_per_set": args.pairs, "batch_size": 32,
        "pairs_per_second": results,
    })


if __name__ == "__main__":
    main()
