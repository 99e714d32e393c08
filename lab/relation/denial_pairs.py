"""Denials read through what they deny, measured on FNC-1 headline pairs of one body.

Every pair of an FNC-1 body's `agree` / `disagree` headlines where exactly one headline is a denial that
`service.domain.relation.denial` rewrites ("Reports That Isis Fighters Have Contracted Ebola Are 'Incorrect'"):
opposite stances are `contradicts`, the same stance `corroborates`. Each relation model reads the pairs both ways
(`classify_symmetric`) as written and through the denial; the figures are accuracy and the contradictions found
and claimed. Dev bodies (id % 10 == 0) and train bodies (id % 10 not in {0, 5}) are reported apart:

    HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.denial_pairs     # lab/results/relation_denial_pairs.json
"""
from __future__ import annotations

import argparse
import collections
import itertools
import json
from pathlib import Path
from typing import Any

from lab.datasets.relation_pairs import is_fnc_calibration, is_fnc_dev, story_sides
from lab.paths import RESULTS_DIR, SHARED_DATA
from service.domain.relation.classifier import PairModelClassifier
from service.domain.relation.denial import denied_proposition

SPLITS = {"dev": is_fnc_dev, "train": lambda body: not is_fnc_dev(body) and not is_fnc_calibration(body)}


def denial_pairs(stances: Path, split: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The split's headline pairs of one body with a denial on exactly one side, and their gold labels."""
    keep = SPLITS[split]
    pairs, gold = [], []
    for body, sides in story_sides(stances).items():
        if not keep(body):
            continue
        headlines = sorted((headline, stance) for stance, group in sides.items() for headline in group)
        for (first, stance), (second, other) in itertools.combinations(headlines, 2):
            if (denied_proposition(first) is None) != (denied_proposition(second) is None):
                pairs.append((first, second))
                gold.append("corroborates" if stance == other else "contradicts")
    return pairs, gold


def score(classifier: PairModelClassifier, pairs: list[tuple[str, str]], gold: list[str]) -> dict[str, Any]:
    predicted = [s.label.value for s in classifier.classify_symmetric(pairs)]
    found = sum(p == g == "contradicts" for p, g in zip(predicted, gold, strict=True))
    return {"accuracy": round(sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(gold), 3),
            "contradicts_found": found, "contradicts_gold": gold.count("contradicts"),
            "contradicts_claimed": predicted.count("contradicts"), "predicted": dict(collections.Counter(predicted))}


def main() -> None:
    from service.runtime import load_models
    from service.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "relation_denial_pairs.json")
    args = parser.parse_args()
    models = load_models(Settings())
    named = {"relation_xenc (the ingest's)": models.classifier, "relation_classify (POST /v1/relations/classify)":
             models.pair_classifier}
    results: dict[str, Any] = {}
    for split in SPLITS:
        pairs, gold = denial_pairs(SHARED_DATA / "fnc-1" / "train_stances.csv", split)
        results[split] = {"pairs": len(pairs), "gold": dict(collections.Counter(gold))}
        for name, classifier in named.items():
            assert isinstance(classifier, PairModelClassifier)
            for read in (False, True):
                reading = PairModelClassifier(classifier.model, read_denials=read)
                results[split][f"{name}, {'through the denial' if read else 'as written'}"] = score(
                    reading, pairs, gold)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
