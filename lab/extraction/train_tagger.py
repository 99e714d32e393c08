"""Train and score the attribution span tagger (Source / Cue / Content, BIO) on PolNeAR: `models/attribution_tagger/`.

The artefact is served by `service.domain.extraction.tagger` (the decoding and windowing both share).

Flow (run from the repository root):

1. pack (here, CPU): windows of at most ~200 MiniLM tokens with their gold spans, first annotator per article
   (as `lab.datasets.polnear`), only attributions that have a Source and a Content (what the referee scores),
   discontinuous spans merged to outer bounds; train windows avoid cutting inside a gold span, dev windows are cut
   at paragraph / sentence ends only (no gold used), a span crossing a window edge is clipped::

       HF_HUB_OFFLINE=1 .venv/bin/python -m lab.extraction.train_tagger pack

2. train + predict (GPU machine; carry `.devdata/polnear_tagger_train.jsonl.gz`, `.devdata/polnear_tagger_dev.jsonl.gz`
   and `.devdata/minilm_base`)::

       python3 -m lab.extraction.train_tagger train --data .devdata/polnear_tagger_train.jsonl.gz \\
           --base-model .devdata/minilm_base --out $OUT/tagger --time-budget 150 && \\
       python3 -m lab.extraction.train_tagger predict --model-dir $OUT/tagger \\
           --data .devdata/polnear_tagger_dev.jsonl.gz --out $OUT/tagger/predictions.json

3. score (here)::

       .venv/bin/python -m lab.extraction.train_tagger score --predictions <files_at>/tagger/predictions.json

Model: all-MiniLM-L6-v2 (`--base-model`) + AutoModelForTokenClassification head (7 BIO labels), peft LoRA r 16 /
alpha 32 on query, key, value, output.dense, intermediate.dense; the classifier is trained fully (modules_to_save).
Labels come from the char spans through the fast tokenizer's offset_mapping: a token belongs to a span when its
first character does; overlapping (nested) spans are painted longest first, so an inner span overwrites the outer.

Scoring reuses `lab.datasets.polnear` (`documents`, `read_gold`) and evaluate_polnear's `match`, `token_f1`, `f1`
and `overlap`. Speaker rule:
for each predicted Content, take the predicted Cues and Sources of the same window that are not inside that Content;
its cue is the Cue nearest to it and its speaker the Source nearest to that cue (the Source nearest to the Content
when the window has no such Cue); "nearest" is the character gap between the spans (0 when they touch; ties: the
earlier span). A Content with no Source left has no speaker. (On gold spans through this labelling, the cue-first
rule gives source F1 0.873 against 0.693 for "nearest Source to the Content".)

CPU smoke test::

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python -m lab.extraction.train_tagger train --limit 64 --steps 2 \\
        --out .devdata/tagger_smoke
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python -m lab.extraction.train_tagger predict \\
        --model-dir .devdata/tagger_smoke --limit-docs 2 --out .devdata/tagger_smoke/predictions.json
    .venv/bin/python -m lab.extraction.train_tagger score --predictions .devdata/tagger_smoke/predictions.json --limit 2
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import math
import platform
import random
import shlex
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lab.datasets import polnear
from lab.datasets.polnear import DEFAULT_DATA
from lab.extraction import evaluate_polnear as ep
from lab.extraction.inputs import overlap
from lab.paths import DEVDATA, RESULTS_DIR

# The decoding and windowing the service runs (numpy-free, no spaCy: importable on the GPU machine too).
from service.domain.extraction.tagger import (
    LABEL_ID,
    LABELS,
    MAX_LENGTH,
    labels_to_spans,
    windows,
)
from service.domain.extraction.tagger import nearest as nearest_source

log = logging.getLogger("attribution_tagger")

DEFAULT_BASE = DEVDATA / "minilm_base"
DEFAULT_RESULT = RESULTS_DIR / "polnear_tagger_dev.json"
LORA_TARGETS = ["query", "key", "value", "output.dense", "intermediate.dense"]

Span = tuple[int, int]
LabeledSpan = tuple[int, int, str]


# ---------------------------------------------------------------- pure functions (unit-tested)

def spans_to_labels(offsets: Sequence[Sequence[int]], spans: Iterable[Sequence[Any]]) -> list[int]:
    """Return one BIO label id per token; special tokens ((0, 0) offsets) get -100.

    A token is inside a span when its first character is. Spans are painted longest first, so nested (shorter)
    spans overwrite the outer ones.
    """
    labels = [LABEL_ID["O"] if end > start else -100 for start, end in offsets]
    for s, e, kind in sorted(spans, key=lambda sp: sp[1] - sp[0], reverse=True):
        first = True
        for i, (start, end) in enumerate(offsets):
            if end > start and s <= start < e:
                labels[i] = LABEL_ID[("B-" if first else "I-") + kind]
                first = False
    return labels


def clip(spans: Sequence[LabeledSpan], window: Span) -> list[list[Any]]:
    """Return the spans clipped to a window, relative to its start (empty ones dropped)."""
    out = []
    for s, e, kind in spans:
        a, b = max(s, window[0]), min(e, window[1])
        if b > a:
            out.append([a - window[0], b - window[0], kind])
    return out


# ---------------------------------------------------------------- pack

def first_annotations(root: Path, compartment: str) -> list[tuple[Path, Path]]:
    """Return (text, first annotation) per article, as polnear.documents picks them (any compartment)."""
    if compartment == polnear.COMPARTMENT:
        return list(polnear.documents(root, None))
    pairs = []
    for txt in sorted((root / compartment / "text").glob("*.txt")):
        anns = sorted((root / compartment / "attributions").glob(txt.stem + "_*.ann"))
        if anns:
            pairs.append((txt, anns[0]))
    return pairs


def read_gold_tolerant(ann: Path) -> list[polnear.GoldAttribution]:
    """Return read_gold(ann); if the file has malformed lines (a few train files), read it without them."""
    try:
        return polnear.read_gold(ann)
    except ValueError:
        lines = ann.read_text(encoding="utf-8").splitlines()
        kept = [ln for ln in lines if not ln.startswith(("T", "E")) or
                (ln.count("\t") >= (2 if ln.startswith("T") else 1) and " " in ln.split("\t")[1])]
        log.warning("%s: %d malformed lines skipped", ann.name, len(lines) - len(kept))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / ann.name
            path.write_text("\n".join(kept) + "\n", encoding="utf-8")
            return polnear.read_gold(path)


def gold_spans(ann: Path) -> list[LabeledSpan]:
    """Return the deduplicated Source / Cue / Content spans of the scored attributions (read_gold's)."""
    found: set[LabeledSpan] = set()
    for g in read_gold_tolerant(ann):
        found.add((*g.source, "Source"))
        found.add((*g.content, "Content"))
        if g.cue is not None:
            found.add((*g.cue, "Cue"))
    return sorted(found)


def pack(args: argparse.Namespace) -> int:
    """Write the windowed train and dev files."""
    if "test" in args.compartments:
        raise SystemExit("the test compartment is never used")
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(args.base_model))
    for compartment in args.compartments:
        path = args.out_dir / f"polnear_tagger_{compartment}.jsonl.gz"
        n_windows = n_spans = 0
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
            for txt, ann in first_annotations(args.data, compartment):
                text = txt.read_text(encoding="utf-8")
                spans = gold_spans(ann)
                enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
                starts = [s for s, e in enc["offset_mapping"] if e > s]
                avoid = spans if compartment == "train" else []
                for window in windows(text, starts, avoid):
                    if not text[window[0]:window[1]].strip():
                        continue
                    row = {"doc": txt.stem, "text": text[window[0]:window[1]], "offset": window[0],
                           "spans": clip(spans, window)}
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n_windows += 1
                    n_spans += len(row["spans"])
        log.info("%s: %d windows, %d spans, %.2f MB", path, n_windows, n_spans, path.stat().st_size / 1e6)
    return 0


# ---------------------------------------------------------------- train

def read_rows(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Read the packed JSON lines (gzipped or not)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return rows[:limit] if limit is not None else rows


def file_sha256(path: Path) -> str:
    """Return a file's SHA-256 hex digest."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def encode(tokenizer: Any, rows: Sequence[dict[str, Any]]) -> list[tuple[list[int], list[int]]]:
    """Return (input ids, label ids) per window."""
    enc = tokenizer([r["text"] for r in rows], truncation=True, max_length=MAX_LENGTH, return_offsets_mapping=True)
    return [(ids, spans_to_labels(offs, row["spans"]))
            for ids, offs, row in zip(enc["input_ids"], enc["offset_mapping"], rows, strict=True)]


def collate(batch: Sequence[tuple[list[int], list[int]]], device: Any) -> dict[str, Any]:
    """Pad a batch of (ids, labels) into tensors."""
    import torch

    width = max(len(ids) for ids, _ in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    labels = torch.full((len(batch), width), -100, dtype=torch.long)
    for i, (row_ids, row_labels) in enumerate(batch):
        ids[i, :len(row_ids)] = torch.tensor(row_ids)
        mask[i, :len(row_ids)] = 1
        labels[i, :len(row_labels)] = torch.tensor(row_labels)
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device), "labels": labels.to(device)}


def build_model(base: Path) -> Any:
    """Return the base token classifier wrapped with a fresh LoRA adapter (classifier trained fully)."""
    import torch
    from peft import LoraConfig, TaskType, get_peft_model
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(
        str(base), num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=LABEL_ID, dtype=torch.float32)
    config = LoraConfig(task_type=TaskType.TOKEN_CLS, r=16, lora_alpha=32, lora_dropout=0.1,
                        target_modules=LORA_TARGETS, modules_to_save=["classifier"])
    return get_peft_model(model, config)


def lr_factor(step: int, total: int, warmup: int) -> float:
    """Linear warm-up to 1 over `warmup` steps, then linear decay to 0 at `total`."""
    if step < warmup:
        return (step + 1) / (warmup + 1)
    return max(0.0, (total - step) / max(1, total - warmup))


def train(args: argparse.Namespace) -> int:
    """Fine-tune the LoRA tagger and save adapter/ + manifest.json."""
    import torch
    from transformers import AutoTokenizer

    started = time.time()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    tokenizer = AutoTokenizer.from_pretrained(str(args.base_model))
    data = encode(tokenizer, read_rows(args.data, args.limit))
    model = build_model(args.base_model).to(device)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    per_epoch = math.ceil(len(data) / args.batch_size)
    total = args.steps or per_epoch * args.epochs
    warmup = max(1, int(total * args.warmup))
    step, losses, step_seconds, planned, loop_started = 0, [], [], total, time.time()
    model.train()
    while step < total:
        random.shuffle(data)
        for i in range(0, len(data), args.batch_size):
            tick = time.time()
            for group in optimizer.param_groups:
                group["lr"] = args.lr * lr_factor(step, total, warmup)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                loss = model(**collate(data[i:i + args.batch_size], device)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
            step_seconds.append(time.time() - tick)
            step += 1
            total = fit_budget(args, step, planned, started, loop_started)
            if step % args.log_every == 0 or step >= total:
                log.info("step %d/%d loss %.4f (%.3f s/step)", step, total, sum(losses[-args.log_every:])
                         / len(losses[-args.log_every:]), sum(step_seconds[-10:]) / len(step_seconds[-10:]))
            if step >= total:
                break
    save(args, model, step, losses, step_seconds, started, device)
    return 0


def fit_budget(args: argparse.Namespace, step: int, planned: int, started: float, loop_started: float) -> int:
    """Return the step total that ends training inside --time-budget (10% kept for loading and saving)."""
    if args.time_budget is None or step < 10:
        return planned
    now = time.time()
    per_step = (now - loop_started) / step
    affordable = step + int((0.9 * args.time_budget - (now - started)) / per_step)
    return max(step, min(planned, affordable))


def save(args: argparse.Namespace, model: Any, step: int, losses: list[float], step_seconds: list[float],
         started: float, device: Any) -> None:
    """Save the adapter and the manifest."""
    import peft
    import torch
    import transformers

    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out / "adapter"))
    manifest = {
        "labels": list(LABELS), "base_model": str(args.base_model), "lora_targets": LORA_TARGETS,
        "hyperparameters": {"r": 16, "alpha": 32, "dropout": 0.1, "lr": args.lr, "batch_size": args.batch_size,
                            "epochs": args.epochs, "warmup": args.warmup, "seed": args.seed,
                            "time_budget": args.time_budget, "max_length": MAX_LENGTH, "limit": args.limit},
        "data": str(args.data), "data_sha256": file_sha256(args.data), "steps": step,
        "final_loss": round(sum(losses[-20:]) / max(1, len(losses[-20:])), 4),
        "mean_step_seconds": round(sum(step_seconds[2:]) / max(1, len(step_seconds[2:])), 4),
        "seconds": round(time.time() - started, 1), "device": str(device),
        "device_name": torch.cuda.get_device_name(0) if device.type == "cuda" else platform.processor(),
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "transformers": transformers.__version__, "peft": peft.__version__},
        "command": shlex.join([sys.executable, "-m", "lab.extraction.train_tagger", *sys.argv[1:]]),
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    log.info("saved %s after %d steps in %.0f s", args.out, step, manifest["seconds"])


# ---------------------------------------------------------------- predict

def load_tagger(model_dir: Path, base: Path | None) -> tuple[Any, Any]:
    """Load base + adapter, merged, in eval mode; return (tokenizer, model)."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    base = base or Path(manifest["base_model"])
    if not base.exists():  # trained elsewhere: the manifest's path may not exist here
        base = DEFAULT_BASE if DEFAULT_BASE.exists() else Path(_packaged_path())
    model = AutoModelForTokenClassification.from_pretrained(
        str(base), num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=LABEL_ID, dtype=torch.float32)
    model.half().float()  # trained on the fp16 copy of the base: the packaged fp32 weights, rounded the same way
    model = PeftModel.from_pretrained(model, str(model_dir / "adapter")).merge_and_unload()
    return AutoTokenizer.from_pretrained(str(base)), model.eval()


def _packaged_path() -> str:
    from service.domain.embedding import packaged_model_path

    return packaged_model_path()


def predict(args: argparse.Namespace) -> int:
    """Tag the packed dev windows and write doc-level spans (plus the windows, for the speaker rule)."""
    import torch

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    tokenizer, model = load_tagger(args.model_dir, args.base_model)
    model.to(device)
    rows = read_rows(args.data)
    if args.limit_docs is not None:
        keep = list(dict.fromkeys(r["doc"] for r in rows))[:args.limit_docs]
        rows = [r for r in rows if r["doc"] in set(keep)]
    out: dict[str, dict[str, list[list[int]]]] = {}
    started = time.time()
    for i in range(0, len(rows), args.batch_size):
        batch = rows[i:i + args.batch_size]
        enc = tokenizer([r["text"] for r in batch], truncation=True, max_length=MAX_LENGTH, padding=True,
                        return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").tolist()
        with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(**{k: v.to(device) for k, v in enc.items()}).logits
        pred = logits.argmax(-1).cpu().tolist()
        for row, offs, labels, mask in zip(batch, offsets, pred, enc["attention_mask"].tolist(), strict=True):
            labels = [lab if m else -100 for lab, m in zip(labels, mask, strict=True)]
            doc = out.setdefault(row["doc"], {"Content": [], "Source": [], "Cue": [], "windows": []})
            base = row["offset"]
            doc["windows"].append([base, base + len(row["text"])])
            for s, e, kind in labels_to_spans(offs, labels):
                doc[kind].append([base + s, base + e])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out) + "\n", encoding="utf-8")
    log.info("tagged %d windows of %d docs in %.1f s -> %s", len(rows), len(out), time.time() - started, args.out)
    return 0


# ---------------------------------------------------------------- score

def doc_predictions(doc: dict[str, list[list[int]]]) -> list[ep.Prediction]:
    """Turn one doc's predicted spans into referee predictions, with the speaker rule of the module docstring."""
    wins = [tuple(w) for w in doc.get("windows", [])] or [(0, 10**9)]

    def window_of(span: Sequence[int]) -> int:
        return next((i for i, (a, b) in enumerate(wins) if a <= span[0] < b), -1)

    def candidates(kind: str, content: Span) -> list[Span]:
        return [(s[0], s[1]) for s in doc.get(kind, []) if window_of(s) == window_of(content)
                and not (content[0] <= s[0] and s[1] <= content[1])]

    preds = []
    for c in doc.get("Content", []):
        content = (c[0], c[1])
        cue = nearest_source(content, candidates("Cue", content))
        speaker = nearest_source(cue or content, candidates("Source", content))
        preds.append(ep.Prediction(content, speaker, None))
    return preds


def score(args: argparse.Namespace) -> int:
    """Score predictions.json against PolNeAR dev gold as evaluate_polnear scores the extractor."""
    predictions = json.loads(args.predictions.read_text(encoding="utf-8"))
    t = ep.Totals()
    for txt, ann in polnear.documents(args.data, args.limit):
        text = txt.read_text(encoding="utf-8")
        gold = polnear.read_gold(ann)
        preds = doc_predictions(predictions.get(txt.stem, {}))
        t.documents += 1
        t.n_pred += len(preds)
        t.n_pred_with_speaker += sum(1 for p in preds if p.speaker)
        t.n_gold += len(gold)
        for _, i, j in ep.match(preds, gold):
            t.n_content += 1
            t.token_scores.append(ep.token_f1(text, preds[i].claim, gold[j].content))
            if preds[i].speaker and overlap(preds[i].speaker, gold[j].source) > 0:
                t.n_source += 1
    result = headline(t)
    rule = "cue nearest the Content, then Source nearest that cue (same window, outside the Content)"
    result = {"predictions": str(args.predictions), "limit": args.limit, "speaker_rule": rule, **result}
    print(json.dumps(result, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


def headline(t: ep.Totals) -> dict[str, Any]:
    """Return the referee's figures plus precision / recall (evaluate_polnear.report without the analysis)."""
    content_p = t.n_content / t.n_pred if t.n_pred else 0.0
    content_r = t.n_content / t.n_gold if t.n_gold else 0.0
    source_p = t.n_source / t.n_pred_with_speaker if t.n_pred_with_speaker else 0.0
    source_r = t.n_source / t.n_gold if t.n_gold else 0.0
    return {
        "content_f1": round(ep.f1(content_p, content_r), 3), "source_f1": round(ep.f1(source_p, source_r), 3),
        "content_token_f1": round(sum(t.token_scores) / len(t.token_scores), 3) if t.token_scores else 0.0,
        "predicted": t.n_pred, "gold": t.n_gold, "content_precision": round(content_p, 3),
        "content_recall": round(content_r, 3), "source_precision": round(source_p, 3),
        "source_recall": round(source_r, 3), "matched": t.n_content, "matched_with_right_source": t.n_source,
        "predicted_with_speaker": t.n_pred_with_speaker, "documents": t.documents,
    }


def oracle(args: argparse.Namespace) -> int:
    """Write predictions.json from the packed gold through labels and decoding: the ceiling of this design."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(args.base_model))
    out: dict[str, dict[str, list[list[int]]]] = {}
    for row in read_rows(args.data):
        enc = tokenizer(row["text"], truncation=True, max_length=MAX_LENGTH, return_offsets_mapping=True)
        doc = out.setdefault(row["doc"], {"Content": [], "Source": [], "Cue": [], "windows": []})
        doc["windows"].append([row["offset"], row["offset"] + len(row["text"])])
        for s, e, kind in labels_to_spans(enc["offset_mapping"], spans_to_labels(enc["offset_mapping"], row["spans"])):
            doc[kind].append([row["offset"] + s, row["offset"] + e])
    args.out.write_text(json.dumps(out) + "\n", encoding="utf-8")
    return 0


# ---------------------------------------------------------------- CLI

def parser() -> argparse.ArgumentParser:
    """Return the argument parser with the pack / train / predict / score / oracle subcommands."""
    root = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = root.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pack", help="write the windowed train / dev files")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--base-model", type=Path, default=DEFAULT_BASE)
    p.add_argument("--out-dir", type=Path, default=DEVDATA)
    p.add_argument("--compartments", nargs="+", default=["train", "dev"])
    t = sub.add_parser("train", help="fine-tune the LoRA tagger")
    t.add_argument("--data", type=Path, default=DEVDATA / "polnear_tagger_train.jsonl.gz")
    t.add_argument("--base-model", type=Path, default=DEFAULT_BASE)
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--epochs", type=int, default=20)
    t.add_argument("--steps", type=int, default=None, help="fixed number of steps (overrides --epochs)")
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--warmup", type=float, default=0.06, help="share of the steps")
    t.add_argument("--time-budget", type=float, default=None, help="seconds; stop cleanly and save")
    t.add_argument("--limit", type=int, default=None, help="only the first N windows")
    t.add_argument("--seed", type=int, default=13)
    t.add_argument("--log-every", type=int, default=20)
    r = sub.add_parser("predict", help="tag the packed dev windows")
    r.add_argument("--model-dir", type=Path, required=True)
    r.add_argument("--base-model", type=Path, default=None, help="default: the manifest's")
    r.add_argument("--data", type=Path, default=DEVDATA / "polnear_tagger_dev.jsonl.gz")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--batch-size", type=int, default=64)
    r.add_argument("--limit-docs", type=int, default=None)
    s = sub.add_parser("score", help="score predictions.json on PolNeAR dev")
    s.add_argument("--predictions", type=Path, required=True)
    s.add_argument("--data", type=Path, default=DEFAULT_DATA)
    s.add_argument("--limit", type=int, default=None, help="only the first N annotated dev articles")
    s.add_argument("--out", type=Path, default=DEFAULT_RESULT)
    o = sub.add_parser("oracle", help="gold -> labels -> spans, to measure the design's ceiling")
    o.add_argument("--data", type=Path, default=DEVDATA / "polnear_tagger_dev.jsonl.gz")
    o.add_argument("--base-model", type=Path, default=DEFAULT_BASE)
    o.add_argument("--out", type=Path, required=True)
    return root


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    return {"pack": pack, "train": train, "predict": predict, "score": score, "oracle": oracle}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
