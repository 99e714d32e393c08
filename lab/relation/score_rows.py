"""Score a trained cross-encoder folder on packed evaluation rows, on a GPU or CPU, without ../shared.

The rows come from `lab.relation.pack_data --eval-out` (passages already reduced as the service reduces them), so
this runs on the device machine right after training and picks between runs there. Logits are computed in fp32
(as the service runs on CPU) from the LoRA-merged model, divided by the manifest's temperature.

Every NLI set is reported two ways: `hypothesis_first` (claim = hypothesis, as lab.relation.evaluate reports it)
and `as_served` (both directions averaged when the premise is claim-sized, <= 400 characters, as
`POST /v1/relations/classify` and the ingest do). `lab.relation.evaluate` on CPU stays the reference figure.

    python3 -m lab.relation.score_rows --model-dir OUT --rows .devdata/relation_eval.jsonl.gz \
        --base-model .devdata/minilm_base --out OUT/scores.json
"""
from __future__ import annotations

import argparse
import json
import logging
import pathlib
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from lab.paths import DEVDATA
from lab.relation.metrics import NLI_ORDER, fnc_score, per_class_f1, to_nli
from lab.relation.train import LABELS, read_rows
from service.domain.relation.classifier import CLAIM_SIZED_CHARS
from service.domain.relation.cross_encoder import load_peft_model, softmax

log = logging.getLogger("score_relation_rows")

NLI_OF = {"corroborates": "entailment", "contradicts": "contradiction", "discusses": "neutral"}


def pair_logits(
    model: Any, tokenizer: Any, pairs: Sequence[tuple[str, str]], max_length: int, device: str, batch_size: int,
) -> np.ndarray:
    """Return fp32 logits of (claim, other) pairs in input order (batched shortest first)."""
    import torch

    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float64)
    with torch.no_grad():
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            inputs = tokenizer([pairs[i][0] for i in chunk], [pairs[i][1] for i in chunk], truncation="longest_first",
                               max_length=max_length, padding=True, return_tensors="pt")
            logits = model(**{k: v.to(device) for k, v in inputs.items()}).logits
            out[chunk] = logits.float().cpu().numpy()
    return out


def fnc_report(probs: np.ndarray, gold_labels: Sequence[str]) -> dict[str, object]:
    """Return FNC-1 macro-F1, per-class F1, accuracy and the weighted FNC score."""
    gold = np.array([LABELS.index(label) for label in gold_labels])
    predicted = probs.argmax(axis=1)
    f1 = per_class_f1(gold, predicted, len(LABELS))
    score, best = fnc_score(list(gold_labels), [LABELS[p] for p in predicted])
    return {"pairs": len(gold), "macro_f1": float(np.mean(f1)), "per_class_f1": dict(zip(LABELS, f1, strict=True)),
            "accuracy": float((predicted == gold).mean()), "fnc_score_relative": score / best}


def nli_accuracy(probs: np.ndarray, gold_labels: Sequence[str]) -> tuple[float, np.ndarray]:
    """Return 3-way accuracy and the per-row correctness of (n, 4) probabilities against relation labels."""
    gold = np.array([NLI_ORDER.index(NLI_OF[label]) for label in gold_labels])
    correct = to_nli(probs).argmax(axis=1) == gold
    return float(correct.mean()), correct


def score(model_dir: pathlib.Path, rows: Sequence[dict[str, str]], base: str | None, device: str,
          batch_size: int) -> dict[str, object]:
    """Return every set's figures for the model in model_dir."""
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    model, tokenizer = load_peft_model(model_dir, base, bool(manifest.get("base_fp16_rounded", False)))
    model.to(device)
    temperature, max_length = float(manifest["temperature"]), int(manifest["max_length"])
    started = time.time()
    forward = [(r["claim"], r["other"]) for r in rows]
    claim_sized = [i for i, r in enumerate(rows) if r["set"] != "fnc1_dev" and len(r["other"]) <= CLAIM_SIZED_CHARS]
    reverse = [(rows[i]["other"], rows[i]["claim"]) for i in claim_sized]
    logits = pair_logits(model, tokenizer, forward + reverse, max_length, device, batch_size)
    probs = softmax(logits[:len(rows)] / temperature)
    served = probs.copy()
    served[claim_sized] = (served[claim_sized] + softmax(logits[len(rows):] / temperature)) / 2
    results: dict[str, Any] = {"model_dir": str(model_dir), "temperature": temperature, "max_length": max_length,
                               "device": device, "pairs_scored": len(forward) + len(reverse)}
    by_set: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_set.setdefault(row["set"], []).append(i)
    correct: dict[str, np.ndarray] = {}
    for name, members in by_set.items():
        gold = [rows[i]["label"] for i in members]
        if name == "fnc1_dev":
            results[name] = fnc_report(probs[members], gold)
            continue
        if name == "news_contrast":  # four labels, claims both ways as served
            results[name] = four_way_report(served[members], gold)
            continue
        first, _ = nli_accuracy(probs[members], gold)
        as_served, correct[name] = nli_accuracy(served[members], gold)
        results[name] = {"pairs": len(members), "hypothesis_first": first, "as_served": as_served}
    if "snli_negational_original" in correct and "snli_negational_edited" in correct:
        results["snli_negational_both_correct_as_served"] = float(
            (correct["snli_negational_original"] & correct["snli_negational_edited"]).mean())
    results["selection_mean"] = selection_mean(results)
    results["seconds"] = round(time.time() - started, 1)
    return results


def four_way_report(probs: np.ndarray, gold_labels: Sequence[str]) -> dict[str, object]:
    """Accuracy and macro-F1 (over the labels present) of four-label probabilities."""
    gold = np.array([LABELS.index(label) for label in gold_labels])
    predicted = probs.argmax(axis=1)
    f1 = per_class_f1(gold, predicted, len(LABELS))
    present = sorted(set(gold.tolist()))
    return {"pairs": len(gold), "accuracy": float((predicted == gold).mean()),
            "macro_f1": float(np.mean([f1[k] for k in present])), "per_class_f1": dict(zip(LABELS, f1, strict=True))}


def selection_mean(results: dict[str, Any]) -> float | None:
    """The relation issue's selection figure: the mean of FNC-1 dev macro-F1, SNLI test, counterfactual NLI,
    ANLI dev (mean of r1-r3), the negation probe (mean of original and edited) and news-contrast accuracy, as
    `lab.relation.combiner` computes it (NLI sets hypothesis first); None when a set is missing."""
    try:
        anli = float(np.mean([results[f"anli_r{r}"]["hypothesis_first"] for r in (1, 2, 3)]))
        negation = (results["snli_negational_original"]["hypothesis_first"]
                    + results["snli_negational_edited"]["hypothesis_first"]) / 2
        return float(np.mean([results["fnc1_dev"]["macro_f1"], results["snli_test"]["hypothesis_first"],
                              results["cf_all_combined_test"]["hypothesis_first"], anli, negation,
                              results["news_contrast"]["accuracy"]]))
    except KeyError:
        return None


def first_of_each_set(rows: Sequence[dict[str, str]], limit: int) -> list[dict[str, str]]:
    """Return the first `limit` rows of every set, in order."""
    kept: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for row in rows:
        seen[row["set"]] = seen.get(row["set"], 0) + 1
        if seen[row["set"]] <= limit:
            kept.append(row)
    return kept


def main(argv: Sequence[str] | None = None) -> None:
    """Score from the command line; print and write the JSON."""
    import torch

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=pathlib.Path, required=True)
    parser.add_argument("--rows", type=pathlib.Path, default=DEVDATA / "relation_eval.jsonl.gz")
    parser.add_argument("--base-model", default=None, help="base weights folder (default: the packaged MiniLM)")
    parser.add_argument("--out", type=pathlib.Path, default=None)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--limit", type=int, default=0, help="first N rows of each set (smoke tests)")
    args = parser.parse_args(argv)
    rows = read_rows(args.rows)
    if args.limit:
        rows = first_of_each_set(rows, args.limit)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    results = score(args.model_dir, rows, args.base_model, device, args.batch_size)
    text = json.dumps(results, indent=2)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
