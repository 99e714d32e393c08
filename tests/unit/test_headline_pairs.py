"""Claim-to-claim training rows from FNC-1 headline pairs, and the union of two relation readings (lab)."""
from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

from lab.clustering.second_opinion import _merged
from lab.relation.headline_pairs import build, story_rows
from service.domain.entities import Relation, RelationKind


def test_a_body_gives_agree_disagree_contradictions_and_sampled_same_side_and_report_pairs() -> None:
    stances = {"agree": ["a1", "a2", "a3"], "disagree": ["d1"], "discuss": ["r1"]}
    rows = story_rows(stances, per_body=2, rng=random.Random(1))
    labels = Counter(row["label"] for row in rows)
    assert labels == {"contradicts": 3, "corroborates": 2, "discusses": 2}
    assert all(row["source"].startswith("contrast_") and row["split"] == "train" for row in rows)
    assert {(r["claim"], r["other"]) for r in rows if r["label"] == "contradicts"} == {("a1", "d1"), ("a2", "d1"),
                                                                                       ("a3", "d1")}


def test_dev_calibration_and_unrelated_rows_stay_out(tmp_path: Path) -> None:
    path = tmp_path / "stances.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        for body in (1, 10, 15):  # 10: dev, 15: calibration
            writer.writerows([(f"agree {body}", body, "agree"), (f"disagree {body}", body, "disagree"),
                              (f"other {body}", body, "unrelated")])
    rows = build(path, per_body=3, seed=1)
    assert [(r["claim"], r["other"], r["label"]) for r in rows] == [("agree 1", "disagree 1", "contradicts")]


def test_the_union_takes_the_other_models_contradiction_only_above_its_floor_and_when_stronger() -> None:
    served = Relation(1, 2, RelationKind.DISCUSSES, 0.7, 0.8)
    strong = Relation(1, 2, RelationKind.CONTRADICTS, 0.9, 0.8)
    weak = Relation(1, 2, RelationKind.CONTRADICTS, 0.6, 0.8)
    assert _merged(served, strong, 0.85) == Relation(1, 2, RelationKind.CONTRADICTS, 0.9, 0.8)
    assert _merged(served, weak, 0.85) == served
    confident = Relation(1, 2, RelationKind.CONTRADICTS, 0.95, 0.8)
    assert _merged(confident, strong, 0.85) == confident
