"""Evaluate a relation model on FNC-1 dev, SNLI test, the SNLI negation probe, counterfactual NLI and ANLI dev.

Prints JSON and writes it to `lab/results/<model name>.json`.
Run from the repository root: `HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.evaluate`.

`--model-dir` is either the feature baseline (`weights.npz` + manifest) or a cross-encoder folder written by
`lab.relation.train` (manifest kind "cross_encoder_lora": `adapter/` + manifest), e.g.
`--model-dir models/relation_xenc --threads 1`. For the cross-encoder the results also give every set's ECE
before the temperature (T = 1), `--sample N` scores a fixed seeded sample of N pairs per set instead of every pair
(CPU time), and `--speed` adds CPU pairs per second at batch 32 (end to end, passage reduction included).
"""
from __future__ import annotations

import argparse
import json
import logging
import pathlib
import random
import sys
import time
from collections.abc import Sequence

import numpy as np

from lab.datasets.relation_pairs import (
    NLI_LABELS,
    SNLI_IDS,
    Example,
    anli_examples,
    counterfactual_examples,
    fnc_examples,
    is_fnc_dev,
    load_fnc,
    negational_rows,
    snli_examples,
)
from lab.paths import RESULTS_DIR, SEEDS_DIR, SHARED_DATA
from lab.relation.embedding_cache import DEFAULT_CACHE, EmbeddingCache
from lab.relation.metrics import NLI_ORDER, confusion, fnc_score, per_class_f1, to_nli
from lab.relation.train_baseline import DEFAULT_OUT, LABELS, expected_calibration_error
from service.domain.embedding import Embedder
from service.domain.relation.baseline import PairNetwork, featurize_pairs, load_relation_classifier
from service.domain.relation.classifier import PairModelClassifier
from service.domain.relation.cross_encoder import (
    CrossEncoderPairModel,
    Encoder,
    load_cross_encoder,
    reduce_passages,
    softmax,
)

log = logging.getLogger("evaluate_relation")

# Claims paraphrased from the demo seeds (seeds/000, 002, 004); reported, never used for training or tuning.
DEMO_PAIRS: tuple[tuple[str, str], ...] = (
    ("Russia will drastically reduce military activity around Kyiv and Chernihiv.",
     "Russian units are not withdrawing, but repositioning."),
    ("A regrouping of troops was planned around Kyiv and Chernihiv.",
     "Russian units are not withdrawing, but repositioning."),
    ("Russian troops are reorganising rather than leaving.",
     "Russian units are not withdrawing, but repositioning."),
    ("Moscow says it is pulling troops back from the Ukrainian border.",
     "Russia's claim that it is pulling soldiers away from the Ukrainian border is false; "
     "7,000 additional troops had arrived in recent days."),
    ("Russia is pulling troops back from the Ukrainian border.",
     "7,000 additional Russian troops have arrived at the Ukrainian border in recent days."),
    ("Russia will drastically reduce military activity around Kyiv and Chernihiv.",
     "France volunteered to command one of the new NATO battle groups in Romania."),
)


def nli_report(examples: Sequence[Example], probs: np.ndarray) -> dict[str, object]:
    """Return 3-way accuracy, per-class F1, confusion and ECE of NLI examples."""
    inverse = {v: k for k, v in NLI_LABELS.items()}
    gold = np.array([NLI_ORDER.index(inverse[e.label]) for e in examples])
    nli = to_nli(probs)
    predicted = nli.argmax(axis=1)
    return {
        "pairs": len(examples),
        "accuracy": float((predicted == gold).mean()),
        "per_class_f1": dict(zip(NLI_ORDER, per_class_f1(gold, predicted, 3), strict=True)),
        "confusion_gold_rows": {"order": list(NLI_ORDER), "matrix": confusion(gold, predicted, 3, 3)},
        "ece_3way": expected_calibration_error(nli, gold),
    }


def evaluate(args: argparse.Namespace) -> dict[str, object]:
    """Compute every figure for the model in args.model_dir."""
    manifest = json.loads((args.model_dir / "manifest.json").read_text(encoding="utf-8"))
    cache = EmbeddingCache(args.cache)
    cross_encoder = manifest.get("kind") == "cross_encoder_lora"
    uncalibrated: dict[str, float] = {}  # cross-encoder only: each set's ECE at T = 1

    if cross_encoder:
        pair_model = _load_cross_encoder(args.model_dir, cache.encode, args.threads, args.int8)
        speed_encode = Embedder().encode if args.speed else None
        speed_model = (_load_cross_encoder(args.model_dir, speed_encode, 0, args.int8) if args.speed
                       else None)
        memo: dict[tuple[str, str], np.ndarray] = {}

        def raw_logits(examples: Sequence[Example]) -> np.ndarray:
            pairs = [(e.claim, e.other) for e in examples]
            # shortest first, so that each batch pads to a similar length (the order does not change a logit)
            todo = sorted(dict.fromkeys(pair for pair in pairs if pair not in memo), key=lambda p: len(p[0] + p[1]))
            if todo:
                started = time.time()
                for pair, row in zip(todo, pair_model.logits(todo), strict=True):
                    memo[pair] = row
                log.info("scored %d pairs in %.0fs", len(todo), time.time() - started)
            return np.array([memo[pair] for pair in pairs]).reshape(len(pairs), len(LABELS))

        def probabilities(examples: Sequence[Example]) -> np.ndarray:
            return softmax(raw_logits(examples) / pair_model.temperature)

        def probabilities_t1(examples: Sequence[Example]) -> np.ndarray:
            return softmax(raw_logits(examples))
    else:
        network = PairNetwork.load(args.model_dir / "weights.npz")

        def probabilities(examples: Sequence[Example]) -> np.ndarray:
            return network.probabilities(featurize_pairs([(e.claim, e.other) for e in examples], cache.encode))

    def sample(examples: list, name: str) -> list:
        if not args.sample or len(examples) <= args.sample:
            return examples
        keep = sorted(random.Random(f"{args.seed}:{name}").sample(range(len(examples)), args.sample))
        return [examples[i] for i in keep]

    results: dict[str, object] = {"model": manifest["name"] + ("_int8" if args.int8 else ""),
                                  "estimator": manifest.get("estimator", manifest.get("kind")),
                                  "temperature": pair_model.temperature if cross_encoder else manifest["temperature"]}
    if args.sample:
        results["sampled"] = (f"each set: a fixed random sample of at most {args.sample} pairs "
                              f"(random.Random('{args.seed}:<set>')), not every pair")

    rows, _ = load_fnc(args.data_dir)
    dev_ids = sorted({body_id for _, body_id, _ in rows if is_fnc_dev(body_id)})
    dev = sample([example for example, _ in fnc_examples(args.data_dir, keep=dev_ids)], "fnc1_dev")
    probs = probabilities(dev)
    gold = np.array([LABELS.index(e.label) for e in dev])
    predicted = probs.argmax(axis=1)
    f1 = per_class_f1(gold, predicted, len(LABELS))
    score, best = fnc_score([LABELS[g] for g in gold], [LABELS[p] for p in predicted])
    related = gold != LABELS.index("unrelated")
    results["fnc1_dev"] = {
        "split": "FNC-1 train_stances rows whose Body ID % 10 == 0" + (
            " (seeded sample)" if args.sample else " (all rows, no subsampling)"),
        "pairs": len(dev), "bodies": len(dev_ids),
        "macro_f1": float(np.mean(f1)),
        "per_class_f1": dict(zip(LABELS, f1, strict=True)),
        "accuracy": float((predicted == gold).mean()),
        "fnc_score": score, "fnc_score_max": best, "fnc_score_relative": score / best,
        "related_only_macro_f1": float(np.mean(per_class_f1(gold[related], predicted[related], 3))),
        "confusion_gold_rows": {"order": list(LABELS), "matrix": confusion(gold, predicted, 4, 4)},
        "ece": expected_calibration_error(probs, gold),
    }
    if cross_encoder:
        uncalibrated["fnc1_dev"] = expected_calibration_error(probabilities_t1(dev), gold)

    snli = sample(snli_examples(args.data_dir / "snli" / "snli_test.tsv", "snli_test"), "snli_test")
    results["snli_test"] = nli_report(snli, probabilities(snli))
    if cross_encoder:
        uncalibrated["snli_test_3way"] = nli_report(snli, probabilities_t1(snli))["ece_3way"]

    negational = sample(negational_rows(args.data_dir / "snli" / "snli_negational.tsv"), "snli_negational")
    originals = [Example(h, p, NLI_LABELS[SNLI_IDS[lab]], "neg") for p, h, lab, _, _ in negational]
    edited = [Example(h, p, NLI_LABELS[SNLI_IDS[lab]], "neg") for p, _, _, h, lab in negational]
    p_orig, p_edit = to_nli(probabilities(originals)), to_nli(probabilities(edited))
    inverse = {v: k for k, v in NLI_LABELS.items()}
    g_orig = np.array([NLI_ORDER.index(inverse[e.label]) for e in originals])
    g_edit = np.array([NLI_ORDER.index(inverse[e.label]) for e in edited])
    ok_orig, ok_edit = p_orig.argmax(axis=1) == g_orig, p_edit.argmax(axis=1) == g_edit
    results["snli_negational"] = {
        "pairs": len(negational),
        "accuracy_original_hypothesis": float(ok_orig.mean()),
        "accuracy_edited_hypothesis": float(ok_edit.mean()),
        "both_correct": float((ok_orig & ok_edit).mean()),
        "mean_p_contradicts_original": float(p_orig[:, 1].mean()),
        "mean_p_contradicts_edited": float(p_edit[:, 1].mean()),
    }

    cf: dict[str, object] = {}
    for subset in ("all_combined", "original", "revised_premise", "revised_hypothesis"):
        examples = sample(
            counterfactual_examples(args.data_dir / "counterfactual-nli" / subset / "test.tsv", subset), subset)
        cf[subset] = nli_report(examples, probabilities(examples))
        if cross_encoder and subset == "all_combined":
            uncalibrated["counterfactual_all_combined_3way"] = nli_report(examples, probabilities_t1(examples))[
                "ece_3way"]
    results["counterfactual_nli_test"] = cf
    anli: dict[str, object] = {}
    for round_ in (1, 2, 3):
        examples = sample(anli_examples(args.data_dir, round_), f"anli_r{round_}")
        anli[f"r{round_}"] = nli_report(examples, probabilities(examples))
    results["anli_dev"] = anli
    if cross_encoder:
        results["ece_before_temperature"] = {"temperature": 1.0, **uncalibrated}
        results["calibration_split"] = manifest.get("calibration")

    classifier = (PairModelClassifier(pair_model) if cross_encoder
                  else load_relation_classifier(args.model_dir, Embedder()))
    demo = list(DEMO_PAIRS)
    seed_004 = SEEDS_DIR / "004_e972943908e36f74.txt"
    if seed_004.exists():
        demo.append(("Russia is withdrawing its troops from the Ukrainian border.",
                     seed_004.read_text(encoding="utf-8")))
    results["demo_pairs"] = [
        {"claim": claim, "other": other if len(other) < 300 else f"<{seed_004.name}: {len(other)} chars>",
         "label": str(scores.label),
         "probabilities": {str(k): round(v, 4) for k, v in scores.probabilities.items()},
         "symmetric": {str(k): round(v, 4) for k, v in sym.probabilities.items()}}
        for (claim, other), scores, sym in zip(
            demo, classifier.classify(demo), classifier.classify_symmetric(demo), strict=True)
    ]
    if cross_encoder and args.speed:
        results["cpu_speed"] = _speed(args, speed_model, speed_encode, snli, dev)
    return results


def _load_cross_encoder(model_dir: pathlib.Path, encode: Encoder | None, threads: int,
                        int8: bool = False) -> CrossEncoderPairModel:
    """Return the CrossEncoderPairModel of a lab.relation.train folder as the service loads it, on `threads`."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    return load_cross_encoder(model_dir, encode, int8=int8)


def _speed(args: argparse.Namespace, fresh: object, encode: object, claims: Sequence[Example],
           passages: Sequence[Example]) -> dict[str, object]:
    """Return CPU pairs/s at batch 32, end to end (an uncached Embedder reduces the passages)."""
    import torch

    rng = random.Random(args.seed)
    sets = {"claim_claim (SNLI test hypothesis vs premise)": rng.sample(list(claims), min(args.speed, len(claims))),
            "claim_passage (FNC-1 dev headline vs full body, reduced to top sentences)":
                rng.sample(list(passages), min(args.speed, len(passages)))}
    fresh.predict_proba([(e.claim, e.other) for e in list(claims)[:32]])  # warm-up
    pairs_by_set = {name: [(e.claim, e.other) for e in examples] for name, examples in sets.items()}
    passage_pairs = next(pairs for name, pairs in pairs_by_set.items() if name.startswith("claim_passage"))
    reduced = reduce_passages(passage_pairs, encode, fresh.top_sentences)
    pairs_by_set["claim_passage, model only (passages reduced beforehand)"] = [
        (claim, other) for (claim, _), other in zip(passage_pairs, reduced, strict=True)]
    out: dict[str, object] = {"batch_size": 32, "pairs_per_set": args.speed}
    for threads in args.speed_threads:
        torch.set_num_threads(threads)
        for name, pairs in pairs_by_set.items():
            started = time.time()
            fresh.predict_proba(pairs)
            out[f"{name} threads={threads}"] = round(len(pairs) / (time.time() - started), 1)
    torch.set_num_threads(args.threads or 1)
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--data-dir", type=pathlib.Path, default=SHARED_DATA)
    parser.add_argument("--cache", type=pathlib.Path, default=DEFAULT_CACHE, help="embedding cache folder")
    parser.add_argument("--out", type=pathlib.Path, default=None, help="default lab/results/<name>.json")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads for the cross-encoder (0: default)")
    parser.add_argument("--sample", type=int, default=0, help="score a seeded sample of N pairs per set (0: all)")
    parser.add_argument("--seed", type=int, default=13, help="seed of --sample and --speed")
    parser.add_argument("--speed", type=int, default=0, help="cross-encoder: time N pairs of each kind (0: skip)")
    parser.add_argument("--speed-threads", type=int, nargs="+", default=[1], help="thread counts for --speed")
    parser.add_argument("--int8", action="store_true",
                        help="cross-encoder quantised to int8 as the service serves it (results: <name>_int8.json)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Evaluate from the command line."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    results = evaluate(args)
    out = args.out or RESULTS_DIR / f"{results['model']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2)
    out.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
