"""Claim-to-claim training rows from FNC-1 train: two headlines written about one body.

The ingest classifies stored statements against each other, and the cross-encoder learned mostly headline-to-body
and NLI pairs. Two headlines of one FNC-1 body are the claim pairs of a real story: one that agrees with the body
and one that disagrees contradict each other; two on one side corroborate; a headline that only reports the claim
("discuss") discusses one that takes a side. Bodies of the dev split (Body ID % 10 == 0, which the shared referee's
`clusters` task pushes through the API) and of the calibration split (% 10 == 5) are left out.

    .venv/bin/python -m lab.relation.headline_pairs --out .devdata/headline_pairs.jsonl.gz

Rows have the pack format ({"claim", "other", "label", "source", "split": "train"}); the source starts with
"contrast_" so that `lab.relation.mix_pack --add` mixes them in as new rows (the symmetric labels both ways).
"""
from __future__ import annotations

import argparse
import pathlib
import random
from collections import Counter
from collections.abc import Sequence

from lab.datasets.relation_pairs import is_fnc_calibration, is_fnc_dev, story_sides
from lab.paths import SHARED_DATA
from lab.relation.pack_data import write_jsonl

SOURCE = "contrast_fnc_headlines"
SIDES = ("agree", "disagree")


def story_rows(stances: dict[str, list[str]], per_body: int, rng: random.Random) -> list[dict[str, str]]:
    """Every agree x disagree pair (contradicts), and up to `per_body` same-side (corroborates) and
    discuss x side (discusses) pairs of one body."""
    agree, disagree, discuss = stances["agree"], stances["disagree"], stances["discuss"]
    rows = [(a, d, "contradicts") for a in agree for d in disagree]
    same = [(x, y) for side in SIDES for i, x in enumerate(stances[side]) for y in stances[side][i + 1:]]
    rows += [(x, y, "corroborates") for x, y in rng.sample(same, min(per_body, len(same)))]
    reports = [(d, s) for d in discuss for side in SIDES for s in stances[side]]
    rows += [(x, y, "discusses") for x, y in rng.sample(reports, min(per_body, len(reports)))]
    return [{"claim": x, "other": y, "label": label, "source": SOURCE, "split": "train"} for x, y, label in rows]


def build(stances_csv: pathlib.Path, per_body: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    stories = story_sides(stances_csv, (*SIDES, "discuss"))
    return [row for body in sorted(stories) if not is_fnc_dev(body) and not is_fnc_calibration(body)
            for row in story_rows(stories[body], per_body, rng)]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stances", type=pathlib.Path, default=SHARED_DATA / "fnc-1" / "train_stances.csv")
    parser.add_argument("--per-body", type=int, default=6, help="same-side and discuss pairs kept per body, each")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args(argv)
    rows = build(args.stances, args.per_body, args.seed)
    write_jsonl(rows, args.out)
    print(f"wrote {len(rows):,} rows to {args.out}:", dict(Counter(row["label"] for row in rows)))


if __name__ == "__main__":
    main()
