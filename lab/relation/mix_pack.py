"""A continued-training pack: the new rows of a packed file (the contrast pairs, and optionally a sample of the
nli-extra sets), plus a sample of its other training rows so that what the model already reads well is rehearsed,
plus every calibration row as it is.

For CPU fine-tuning from an adapter (`lab.relation.train --init-adapter models/relation_xenc`), where a whole pack
is more than the time allows:

    .venv/bin/python -m lab.relation.mix_pack --pack .devdata/relation_train_contrast.jsonl.gz \
        --replay 40000 --out .devdata/relation_mix.jsonl.gz
    .venv/bin/python -m lab.relation.mix_pack --pack .devdata/relation_train_v4.jsonl.gz \
        --add .devdata/word_swaps.jsonl.gz --extra-per-source 2500 --replay 25000 \
        --out .devdata/relation_mix_v4.jsonl.gz
    .venv/bin/python -m lab.relation.mix_pack ... --add .devdata/word_swaps.jsonl.gz --add-limit 3000 ...
"""
from __future__ import annotations

import argparse
import pathlib
import random
from collections import Counter, defaultdict
from collections.abc import Sequence

from lab.datasets.extra_pairs import SOURCES as EXTRA_SOURCES
from lab.relation.pack_data import write_jsonl
from lab.relation.train import read_rows

SYMMETRIC = {"contradicts", "discusses", "unrelated"}  # a paraphrase (corroborates) is kept one way only


def is_contrast(row: dict[str, str]) -> bool:
    return row.get("source", "").startswith("contrast_")


def extra_source(row: dict[str, str]) -> str | None:
    """The nli-extra set a row comes from (either direction), or None."""
    name = row.get("source", "").removesuffix("_reversed")
    return name if name in EXTRA_SOURCES else None


def _sampled_extra(rows: Sequence[dict[str, str]], per_source: int, rng: random.Random) -> list[dict[str, str]]:
    by_source: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_source[extra_source(row) or ""].append(row)
    return [row for name in sorted(by_source) for row in rng.sample(by_source[name], min(per_source,
                                                                                       len(by_source[name])))]


def mixed_rows(rows: Sequence[dict[str, str]], replay: int, seed: int,
               extra_per_source: int = 0) -> list[dict[str, str]]:
    """Contrast rows (the symmetric labels both ways), up to `extra_per_source` rows of each nli-extra set,
    `replay` other training rows, every calibration row."""
    rng = random.Random(seed)
    train = [r for r in rows if r.get("split") == "train"]
    contrast = [r for r in train if is_contrast(r)]
    swapped = [{**r, "claim": r["other"], "other": r["claim"]} for r in contrast if r["label"] in SYMMETRIC]
    extra = _sampled_extra([r for r in train if extra_source(r)], extra_per_source, rng)
    others = [r for r in train if not is_contrast(r) and not extra_source(r)]
    rehearsed = rng.sample(others, min(replay, len(others)))
    mixed = contrast + swapped + extra + rehearsed
    rng.shuffle(mixed)
    return mixed + [r for r in rows if r.get("split") != "train"]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pack", type=pathlib.Path, required=True, help="a lab.relation.pack_data output")
    parser.add_argument("--replay", type=int, default=40_000, help="other training rows kept (sampled)")
    parser.add_argument("--extra-per-source", type=int, default=0,
                        help="rows of each nli-extra set kept (sampled; a pack made with pack_data --extra)")
    parser.add_argument("--add", type=pathlib.Path, action="append", default=[],
                        help="more contrast rows to mix in (lab.relation.word_swaps), repeatable")
    parser.add_argument("--add-limit", type=int, default=None,
                        help="at most this many rows of the --add files (sampled), so their share can be lowered")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args(argv)
    added = [{**row, "split": "train"} for path in args.add for row in read_rows(path)]
    if args.add_limit is not None and args.add_limit < len(added):
        added = random.Random(args.seed).sample(added, args.add_limit)
    rows = mixed_rows([*read_rows(args.pack), *added], args.replay, args.seed, args.extra_per_source)
    write_jsonl(rows, args.out)
    print(f"wrote {len(rows):,} rows to {args.out}:",
          dict(Counter((r.get("split"), r.get("source", "").split("_")[0]) for r in rows)))


if __name__ == "__main__":
    main()
