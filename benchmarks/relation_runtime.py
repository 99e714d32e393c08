"""Runtimes of the served relation cross-encoder: torch fp32, torch dynamic int8, ONNX Runtime fp32 and int8.

The model is the one the service loads (`load_peft_model`: packaged all-MiniLM-L6-v2, LoRA merged, 4-label head,
fp16-rounded base as the manifest says). Four runtimes of it are built in-process, the ONNX files in a temporary
directory that is deleted at the end (never committed):

1. `torch_fp32`: the merged `BertForSequenceClassification`, as served now;
2. `torch_int8`: `torch.ao.quantization.quantize_dynamic` of it (nn.Linear, qint8 weights, dynamic activations);
3. `onnx_fp32`: `torch.onnx.export` (dynamo exporter) with dynamic batch and sequence axes, inputs input_ids,
   attention_mask, token_type_ids, output logits, run by an ONNX Runtime CPU session (graph optimisations on);
4. `onnx_int8`: `onnxruntime.quantization.quantize_dynamic` of that file (QInt8 weights);
and, as the int8 weight scales matter for accuracy, `torch_int8_per_channel` (per_channel_dynamic_qconfig) and
`onnx_int8_per_channel` (quantize_dynamic(per_channel=True)); `--runtimes` picks a subset.

(a) Speed: pairs per second at batch 32, per thread count (`torch.set_num_threads(n)`, ORT
`intra_op_num_threads=n`), tokenization included (the service's call: truncation="longest_first", max_length from
the manifest, padding to the longest pair of the batch), after a warm-up. Claim–claim: a seeded sample of 512 SNLI
test hypothesis/premise pairs; claim–passage: a seeded sample of 256 FNC-1 dev headline/body pairs whose bodies
were reduced to their top sentences beforehand (`reduce_passages`, the same for every runtime: model-only time).
The runtimes are interleaved within each repeat and the best of `--repeats` runs is reported (the cores may be
shared with other work; every run is kept in the JSON).
(b) Accuracy: seeded samples of 2,000 SNLI test pairs (3-way, discusses + unrelated = neutral, claim = hypothesis,
as `lab.relation.evaluate` scores them) and 1,000 FNC-1 dev pairs (4-way accuracy, macro-F1), plus each
runtime's argmax agreement with torch fp32 and the largest absolute probability difference from it (probabilities
= softmax(logits / manifest temperature)).
(c) Size on disk of the ONNX files.

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.relation_runtime [--model-dir models/relation_xenc]
        [--threads 1 2] [--out benchmarks/results/relation_runtime.json]

A quick check: `--claim-pairs 64 --passage-pairs 32 --snli 100 --fnc 60 --repeats 1 --threads 1 --out /tmp/rr.json`.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import json
import os
import pathlib
import random
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from benchmarks.common import RESULTS_DIR, command_line, load_average, machine_info, write_results
from lab.datasets.relation_pairs import NLI_LABELS, Example, fnc_dev_examples, snli_examples
from lab.paths import MODELS_DIR, SHARED_DATA
from lab.relation.embedding_cache import EmbeddingCache
from lab.relation.metrics import NLI_ORDER, per_class_f1, to_nli
from lab.relation.train_baseline import LABELS
from service.domain.relation.cross_encoder import load_peft_model, quantize_int8, reduce_passages, softmax

BATCH_SIZE = 32
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
RUNTIMES = ("torch_fp32", "torch_int8", "torch_int8_per_channel", "onnx_fp32", "onnx_int8", "onnx_int8_per_channel")
DEFAULT_CACHE = pathlib.Path(tempfile.gettempdir()) / "claimlens_relation_runtime_embeddings"

Pairs = list[tuple[str, str]]
LogitsFn = Callable[[dict[str, np.ndarray]], np.ndarray]


@dataclass
class Runtime:
    """One way of running the model: a function from a numpy tokenizer batch to (n, 4) logits, and its threads."""

    name: str
    run: LogitsFn
    set_threads: Callable[[int], None]
    prepare_seconds: float
    artefact_bytes: int | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --- data ------------------------------------------------------------------------------------------------------


def seeded_sample(examples: Sequence[Example], size: int, seed: int, name: str) -> list[Example]:
    """Return a fixed random sample of `size` examples (all of them when there are fewer), in their file order."""
    if size >= len(examples):
        return list(examples)
    keep = sorted(random.Random(f"{seed}:{name}").sample(range(len(examples)), size))
    return [examples[i] for i in keep]


def reduced_pairs(examples: Sequence[Example], cache: EmbeddingCache, top_sentences: int) -> Pairs:
    """Return (claim, other) pairs with each `other` reduced to its top sentences, as the service does."""
    pairs = [(e.claim, e.other) for e in examples]
    others = reduce_passages(pairs, cache.encode, top_sentences)
    return [(claim, other) for (claim, _), other in zip(pairs, others, strict=True)]


# --- runtimes ----------------------------------------------------------------------------------------------------


def torch_runtime(name: str, model: Any, prepare_seconds: float, notes: str) -> Runtime:
    """Wrap a torch module (fp32 or dynamically quantized) as a Runtime."""
    import torch

    def run(batch: dict[str, np.ndarray]) -> np.ndarray:
        with torch.inference_mode():
            inputs = {key: torch.from_numpy(value) for key, value in batch.items()}
            return model(**inputs).logits.float().numpy()

    return Runtime(name, run, torch.set_num_threads, prepare_seconds, notes=notes)


def quantize_torch(model: Any, per_channel: bool = False) -> Any:
    """Return a dynamically quantized copy: int8 weights of every nn.Linear, activations quantized per batch.

    Per channel, it is the service's own `quantize_int8` (what CLAIMLENS_RELATION_INT8 serves).
    """
    import torch
    from torch.ao.quantization import default_dynamic_qconfig, quantize_dynamic

    if per_channel:
        return quantize_int8(copy.deepcopy(model))
    with warnings.catch_warnings():  # torch.ao.quantization is deprecated in favour of torchao, still shipped
        warnings.simplefilter("ignore")
        return quantize_dynamic(copy.deepcopy(model), {torch.nn.Linear: default_dynamic_qconfig}, dtype=torch.qint8)


def export_onnx(model: Any, example: dict[str, np.ndarray], path: pathlib.Path) -> None:
    """Export the merged model to one ONNX file with dynamic batch and sequence axes."""
    import torch
    from torch.export import Dim

    batch, sequence = Dim("batch", min=1, max=4096), Dim("sequence", min=1, max=512)
    kwargs = {name: torch.from_numpy(example[name]) for name in INPUT_NAMES}
    shapes = {name: {0: batch, 1: sequence} for name in INPUT_NAMES}
    with warnings.catch_warnings(), contextlib.redirect_stdout(sys.stderr):
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (), str(path), kwargs=kwargs, input_names=list(INPUT_NAMES),
                          output_names=["logits"], dynamic_shapes=shapes, dynamo=True, external_data=False)


def quantize_onnx(source: pathlib.Path, target: pathlib.Path, per_channel: bool = False) -> None:
    """Write the ONNX Runtime dynamic int8 quantization of `source` (QInt8 weights) to `target`."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=per_channel)


def onnx_runtime(name: str, path: pathlib.Path, prepare_seconds: float, notes: str) -> Runtime:
    """Wrap an ONNX file as a Runtime whose thread count makes a fresh ORT session (created lazily)."""
    import onnxruntime as ort

    sessions: dict[int, Any] = {}
    current = [1]

    def session(threads: int) -> Any:
        if threads not in sessions:
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            sessions[threads] = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return sessions[threads]

    def set_threads(threads: int) -> None:
        current[0] = threads
        session(threads)

    def run(batch: dict[str, np.ndarray]) -> np.ndarray:
        feeds = {name: batch[name].astype(np.int64, copy=False) for name in INPUT_NAMES}
        return np.asarray(session(current[0]).run(["logits"], feeds)[0], dtype=np.float32)

    return Runtime(name, run, set_threads, prepare_seconds, artefact_bytes=path.stat().st_size, notes=notes)


def timed(build: Callable[[], Any]) -> tuple[Any, float]:
    """Return build() and the seconds it took."""
    started = time.perf_counter()
    return build(), time.perf_counter() - started


def torch_int8_runtimes(model: Any, wanted: Sequence[str]) -> list[Runtime]:
    """Return the torch dynamic int8 runtimes asked for (per-tensor and/or per-channel weight scales)."""
    runtimes = []
    for name, per_channel in (("torch_int8", False), ("torch_int8_per_channel", True)):
        if name in wanted:
            quantized, seconds = timed(partial(quantize_torch, model, per_channel))
            scales = "per_channel_dynamic_qconfig" if per_channel else "default_dynamic_qconfig (per tensor)"
            runtimes.append(torch_runtime(name, quantized, seconds, f"torch.ao quantize_dynamic nn.Linear, {scales}"))
    return runtimes


def onnx_runtimes(model: Any, tokenizer: Any, max_length: int, directory: pathlib.Path,
                  wanted: Sequence[str]) -> list[Runtime]:
    """Export the model to ONNX under `directory` and return the ORT runtimes asked for (fp32 and int8)."""
    example = tokenize(tokenizer, [("A man is sleeping.", "A man sleeps on a bench in the park today."),
                                   ("Two dogs run.", "The dogs are running.")], max_length)
    fp32_path = directory / "relation_xenc_fp32.onnx"
    _, export_seconds = timed(partial(export_onnx, model, example, fp32_path))
    runtimes = []
    if "onnx_fp32" in wanted:
        runtimes.append(onnx_runtime("onnx_fp32", fp32_path, export_seconds,
                                     "torch.onnx.export (dynamo), ORT CPUExecutionProvider, ORT_ENABLE_ALL"))
    for name, per_channel in (("onnx_int8", False), ("onnx_int8_per_channel", True)):
        if name in wanted:
            path = directory / f"relation_xenc_{name.removeprefix('onnx_')}.onnx"
            _, seconds = timed(partial(quantize_onnx, fp32_path, path, per_channel))
            runtimes.append(onnx_runtime(name, path, export_seconds + seconds,
                                         f"onnxruntime quantize_dynamic(weight_type=QInt8, per_channel={per_channel})"))
    return runtimes


def build_runtimes(model: Any, tokenizer: Any, max_length: int, directory: pathlib.Path,
                   wanted: Sequence[str]) -> list[Runtime]:
    """Return torch fp32 (always first: the reference) and the other runtimes asked for, in RUNTIMES order."""
    runtimes = [torch_runtime("torch_fp32", model, 0.0, "merged BertForSequenceClassification, as served")]
    runtimes += torch_int8_runtimes(model, wanted)
    if any(name.startswith("onnx_") for name in wanted):
        runtimes += onnx_runtimes(model, tokenizer, max_length, directory, wanted)
    return runtimes


# --- scoring -----------------------------------------------------------------------------------------------------


def tokenize(tokenizer: Any, pairs: Sequence[tuple[str, str]], max_length: int) -> dict[str, np.ndarray]:
    """Tokenize pairs as the service does, to int64 numpy arrays."""
    batch = tokenizer([c for c, _ in pairs], [o for _, o in pairs], truncation="longest_first",
                      max_length=max_length, padding=True, return_tensors="np")
    return {name: np.asarray(batch[name], dtype=np.int64) for name in INPUT_NAMES}


def logits(runtime: Runtime, tokenizer: Any, pairs: Sequence[tuple[str, str]], max_length: int) -> np.ndarray:
    """Return (n, 4) logits in batches of 32, tokenizing each batch (the timed unit of work)."""
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float64)
    for start in range(0, len(pairs), BATCH_SIZE):
        stop = start + BATCH_SIZE
        out[start:stop] = runtime.run(tokenize(tokenizer, pairs[start:stop], max_length))
    return out


def pairs_per_second(runtime: Runtime, tokenizer: Any, pairs: Pairs, max_length: int) -> float:
    """Return pairs per second of one pass over `pairs`."""
    started = time.perf_counter()
    logits(runtime, tokenizer, pairs, max_length)
    return len(pairs) / (time.perf_counter() - started)


def measure_speed(runtimes: Sequence[Runtime], tokenizer: Any, sets: dict[str, Pairs], max_length: int,
                  threads: Sequence[int], repeats: int) -> dict[str, list[dict[str, Any]]]:
    """Time every runtime on every set at every thread count, interleaved, `repeats` times after a warm-up."""
    runs: dict[str, list[dict[str, Any]]] = {runtime.name: [] for runtime in runtimes}
    for count in threads:
        for runtime in runtimes:  # warm-up: one batch of each set at this thread count
            runtime.set_threads(count)
            for pairs in sets.values():
                logits(runtime, tokenizer, pairs[:BATCH_SIZE], max_length)
        for repeat in range(repeats):
            for name, pairs in sets.items():
                for runtime in runtimes:
                    runtime.set_threads(count)
                    rate = pairs_per_second(runtime, tokenizer, pairs, max_length)
                    runs[runtime.name].append({"set": name, "threads": count, "repeat": repeat,
                                               "pairs_per_s": round(rate, 2), "loadavg_1m": os.getloadavg()[0]})
                    print(f"{runtime.name:10s} {name:13s} threads={count} run {repeat}: {rate:7.1f} pairs/s",
                          flush=True)
    return runs


def best_rates(runs: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Return the best pairs/s of each set and thread count: {set: {"threads=n": rate}}."""
    best: dict[str, dict[str, float]] = {}
    for run in runs:
        key = f"threads={run['threads']}"
        per_set = best.setdefault(run["set"], {})
        per_set[key] = max(per_set.get(key, 0.0), run["pairs_per_s"])
    return best


def by_length(pairs: Pairs) -> Iterator[int]:
    """Yield pair indices shortest first (batches pad to similar lengths; the order does not change a logit)."""
    yield from sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))


def probabilities(runtime: Runtime, tokenizer: Any, pairs: Pairs, max_length: int, temperature: float) -> np.ndarray:
    """Return calibrated (n, 4) probabilities in the pairs' order, scored in length order."""
    order = list(by_length(pairs))
    scored = logits(runtime, tokenizer, [pairs[i] for i in order], max_length)
    out = np.zeros_like(scored)
    out[order] = scored
    return softmax(out / temperature)


# --- accuracy ----------------------------------------------------------------------------------------------------


def snli_report(examples: Sequence[Example], probs: np.ndarray, reference: np.ndarray) -> dict[str, Any]:
    """Return 3-way accuracy, per-class F1 and 3-way argmax agreement with the reference of SNLI examples."""
    inverse = {v: k for k, v in NLI_LABELS.items()}
    gold = np.array([NLI_ORDER.index(inverse[e.label]) for e in examples])
    predicted = to_nli(probs).argmax(axis=1)
    return {"pairs": len(examples), "accuracy_3way": float((predicted == gold).mean()),
            "per_class_f1": dict(zip(NLI_ORDER, per_class_f1(gold, predicted, 3), strict=True)),
            "argmax_agreement_3way_with_torch_fp32": float((predicted == to_nli(reference).argmax(axis=1)).mean())}


def fnc_report(examples: Sequence[Example], probs: np.ndarray) -> dict[str, Any]:
    """Return 4-way accuracy, macro-F1 and per-class F1 of FNC-1 examples."""
    gold = np.array([LABELS.index(e.label) for e in examples])
    predicted = probs.argmax(axis=1)
    f1 = per_class_f1(gold, predicted, len(LABELS))
    return {"pairs": len(examples), "accuracy": float((predicted == gold).mean()), "macro_f1": float(np.mean(f1)),
            "per_class_f1": dict(zip(LABELS, f1, strict=True))}


def agreement(probs: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """Return argmax agreement (4-way) and the largest / mean absolute probability difference from the reference."""
    diff = np.abs(probs - reference)
    return {"argmax_agreement_with_torch_fp32": float((probs.argmax(axis=1) == reference.argmax(axis=1)).mean()),
            "max_abs_prob_diff_vs_torch_fp32": float(diff.max()),
            "mean_abs_prob_diff_vs_torch_fp32": float(diff.mean())}


def measure_accuracy(runtimes: Sequence[Runtime], tokenizer: Any, sets: dict[str, tuple[list[Example], Pairs]],
                     max_length: int, temperature: float, threads: int) -> dict[str, dict[str, Any]]:
    """Score every accuracy set with every runtime; the first runtime is the reference."""
    reports: dict[str, dict[str, Any]] = {runtime.name: {} for runtime in runtimes}
    reference: dict[str, np.ndarray] = {}
    for runtime in runtimes:
        runtime.set_threads(threads)
        for name, (examples, pairs) in sets.items():
            started = time.perf_counter()
            probs = probabilities(runtime, tokenizer, pairs, max_length, temperature)
            reference.setdefault(name, probs)
            report = snli_report(examples, probs, reference[name]) if name == "snli_test" else fnc_report(
                examples, probs)
            reports[runtime.name][name] = {**report, **agreement(probs, reference[name]),
                                           "seconds": round(time.perf_counter() - started, 1)}
            print(f"{runtime.name:10s} {name}: {json.dumps(reports[runtime.name][name])}", flush=True)
    return reports


# --- report ------------------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    """Return the versions of the packages the runtimes depend on."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("torch", "transformers", "peft", "onnx", "onnxruntime", "onnxscript", "tokenizers"):
        with contextlib.suppress(PackageNotFoundError):
            found[package] = version(package)
    return found


def summary_table(runtimes: dict[str, dict[str, Any]], threads: Sequence[int]) -> list[dict[str, Any]]:
    """Return one flat row per runtime: pairs/s per set and thread count, accuracy, agreement, size."""
    rows = []
    for name, result in runtimes.items():
        row: dict[str, Any] = {"runtime": name}
        for set_name, rates in result["pairs_per_s_best"].items():
            for count in threads:
                row[f"{set_name} pairs/s threads={count}"] = round(rates[f"threads={count}"], 1)
        snli, fnc = result["accuracy"]["snli_test"], result["accuracy"]["fnc1_dev"]
        row.update({"snli_accuracy_3way": round(snli["accuracy_3way"], 4), "fnc1_accuracy": round(fnc["accuracy"], 4),
                    "fnc1_macro_f1": round(fnc["macro_f1"], 4),
                    "agreement_snli": round(snli["argmax_agreement_with_torch_fp32"], 4),
                    "agreement_snli_3way": round(snli["argmax_agreement_3way_with_torch_fp32"], 4),
                    "agreement_fnc1": round(fnc["argmax_agreement_with_torch_fp32"], 4),
                    "max_abs_prob_diff": round(max(snli["max_abs_prob_diff_vs_torch_fp32"],
                                                   fnc["max_abs_prob_diff_vs_torch_fp32"]), 4),
                    "onnx_mb": None if result["artefact_bytes"] is None else round(result["artefact_bytes"] / 1e6, 1)})
        rows.append(row)
    return rows


def load_model(model_dir: pathlib.Path) -> tuple[Any, Any, dict[str, Any]]:
    """Return the served model, its tokenizer and manifest."""
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    model, tokenizer = load_peft_model(model_dir, None, bool(manifest.get("base_fp16_rounded", False)))
    return model, tokenizer, manifest


def data_sets(args: argparse.Namespace, top_sentences: int) -> tuple[dict[str, Pairs], dict[str, Any]]:
    """Return the timing sets and the accuracy sets (examples with their reduced pairs)."""
    cache = EmbeddingCache(args.cache)
    snli = snli_examples(args.data_dir / "snli" / "snli_test.tsv", "snli_test")
    fnc = fnc_dev_examples(args.data_dir)
    speed_snli = seeded_sample(snli, args.claim_pairs, args.seed, "speed_claim_claim")
    speed_fnc = seeded_sample(fnc, args.passage_pairs, args.seed, "speed_claim_passage")
    random.Random(args.seed).shuffle(speed_snli)  # served batches are not sorted by length
    random.Random(args.seed).shuffle(speed_fnc)
    speed = {"claim_claim": [(e.claim, e.other) for e in speed_snli],
             "claim_passage": reduced_pairs(speed_fnc, cache, top_sentences)}
    acc_snli = seeded_sample(snli, args.snli, args.seed, "snli_test")
    acc_fnc = seeded_sample(fnc, args.fnc, args.seed, "fnc1_dev")
    accuracy = {"snli_test": (acc_snli, [(e.claim, e.other) for e in acc_snli]),
                "fnc1_dev": (acc_fnc, reduced_pairs(acc_fnc, cache, top_sentences))}
    return speed, accuracy


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build the four runtimes, time them and score them."""
    import torch

    torch.set_num_threads(max(args.threads))
    model, tokenizer, manifest = load_model(args.model_dir)
    max_length, temperature = int(manifest["max_length"]), float(manifest["temperature"])
    speed_sets, accuracy_sets = data_sets(args, int(manifest["top_sentences"]))
    with tempfile.TemporaryDirectory(prefix="relation_onnx_") as tmp:
        runtimes = build_runtimes(model, tokenizer, max_length, pathlib.Path(tmp), args.runtimes)
        runs = measure_speed(runtimes, tokenizer, speed_sets, max_length, args.threads, args.repeats)
        accuracy = measure_accuracy(runtimes, tokenizer, accuracy_sets, max_length, temperature, max(args.threads))
    results = {r.name: {"notes": r.notes, "prepare_seconds": round(r.prepare_seconds, 1),
                        "artefact_bytes": r.artefact_bytes, "pairs_per_s_best": best_rates(runs[r.name]),
                        "accuracy": accuracy[r.name], "timing_runs": runs[r.name]} for r in runtimes}
    return {"model": {"dir": str(args.model_dir), **{key: manifest.get(key) for key in (
                "name", "temperature", "max_length", "top_sentences", "base_fp16_rounded")}},
            "summary": summary_table(results, args.threads), "runtimes": results}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--model-dir", type=pathlib.Path, default=MODELS_DIR / "relation_xenc")
    parser.add_argument("--data-dir", type=pathlib.Path, default=SHARED_DATA)
    parser.add_argument("--cache", type=pathlib.Path, default=DEFAULT_CACHE, help="MiniLM embedding cache folder")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="thread counts to time")
    parser.add_argument("--runtimes", nargs="+", choices=RUNTIMES, default=list(RUNTIMES),
                        help="runtimes to compare (torch_fp32, the reference, always runs)")
    parser.add_argument("--claim-pairs", type=int, default=512, help="SNLI test pairs timed (claim–claim)")
    parser.add_argument("--passage-pairs", type=int, default=256, help="FNC-1 dev pairs timed (claim–passage)")
    parser.add_argument("--snli", type=int, default=2000, help="SNLI test pairs scored for accuracy")
    parser.add_argument("--fnc", type=int, default=1000, help="FNC-1 dev pairs scored for accuracy")
    parser.add_argument("--repeats", type=int, default=2, help="timed passes per set, runtime and thread count")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=pathlib.Path, default=RESULTS_DIR / "relation_runtime.json")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark, print the JSON report and write it to --out."""
    args = parse_args(argv)
    started, machine = time.perf_counter(), machine_info()
    report: dict[str, Any] = {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command_line("benchmarks.relation_runtime", argv),
        "settings": {key: str(value) for key, value in vars(args).items()},
        "machine": {**machine, "versions": versions()},
        "batch_size": BATCH_SIZE,
        **run(args),
    }
    report["machine"]["loadavg_end"] = load_average()
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    write_results(args.out, report, indent=1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
