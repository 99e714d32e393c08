"""A continued-training pack: the contrast rows of a packed file both ways round, plus a sample of its other
training rows so that what the model already reads well is rehearsed, plus every calibration row as it is.

For CPU fine-tuning from the served adapter (`lab.relation.train --init-adapter models/relation_xenc`), where a
whole pack is more than the time allows:

    .venv/bin/python -m lab.relation.mix_pack --pack .devdata/relation_train_contrast.jsonl.gz \
        --replay 40000 --out .devdata/relation_mix.jsonl.gz
"""
from __future__ import annotations

import argparse
import pathlib
import random
from collections import Counter
from collections.abc import Sequence

from lab.relation.pack_data import write_jsonl
from lab.relation.train import read_rows

SYMMETRIC = {"contradicts", "discusses", "unrelated"}  # a paraphrase (corroborates) is kept one way only


def is_contrast(row: dict[str, str]) -> bool:
    return row.get("source", "").startswith("contrast_")


def mixed_rows(rows: Sequence[dict[str, str]], replay: int, seed: int) -> list[dict[str, str]]:
    """Contrast rows (the symmetric labels both ways), `replay` other training rows, every calibration row."""
    rng = random.Random(seed)
    contrast = [r for r in rows if r.get("split") == "train" and is_contrast(r)]
    swapped = [{**r, "claim": r["other"], "other": r["claim"]} for r in contrast if r["label"] in SYMMETRIC]
    others = [r for r in rows if r.get("split") == "train" and not is_contrast(r)]
    rehearsed = rng.sample(others, min(replay, len(others)))
    train = contrast + swapped + rehearsed
    rng.shuffle(train)
    return train + [r for r in rows if r.get("split") != "train"]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pack", type=pathlib.Path, required=True, help="a lab.relation.pack_data output")
    parser.add_argument("--replay", type=int, default=40_000, help="other training rows kept (sampled)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args(argv)
    rows = mixed_rows(read_rows(args.pack), args.replay, args.seed)
    write_jsonl(rows, args.out)
    print(f"wrote {len(rows):,} rows to {args.out}:",
          dict(Counter((r.get("split"), r.get("source", "").split("_")[0]) for r in rows)))


if __name__ == "__main__":
    main()
