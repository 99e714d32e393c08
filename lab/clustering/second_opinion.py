"""A second relation model's contradictions beside the served one's, re-clustered offline (measured, not served).

Two `lab.clustering.stories build` folders of the same inputs, one with the served relation model and one with
another (`--relation-model-dir`), give the same statements and candidate pairs with two readings. `run` scores,
the way `lab.clustering.stories grid` does, the other model alone and the union: a pair is a contradiction when the
served reading says so or the other model's `contradicts` reaches a floor, at the stronger probability.

    .venv/bin/python -m lab.clustering.second_opinion --served .devdata/stories --other .devdata/stories_v6 \
        --write lab/results/cluster_second_opinion.json
"""
from __future__ import annotations

import argparse
import itertools
import json
import pickle
from dataclasses import replace
from pathlib import Path
from typing import Any

from lab.clustering.stories import StoredGraph, score_seeds, score_stories
from service.domain.clustering import EdgeThresholds
from service.domain.entities import Relation, RelationKind


def union(served: StoredGraph, other: StoredGraph, floor: float) -> StoredGraph:
    """The served relations, each made a contradiction where the other model reads one at `floor` or above."""
    if {k: s.claim for k, s in served.statements.items()} != {k: s.claim for k, s in other.statements.items()}:
        raise SystemExit("the two stores hold different statements: build both from the same code")
    readings = {(r.source_id, r.target_id): r for r in other.relations}
    return StoredGraph(served.statements, [_merged(r, readings.get((r.source_id, r.target_id)), floor)
                                           for r in served.relations])


def _merged(served: Relation, other: Relation | None, floor: float) -> Relation:
    if other is None or other.label is not RelationKind.CONTRADICTS or other.probability < floor:
        return served
    if served.label is RelationKind.CONTRADICTS and served.probability >= other.probability:
        return served
    return replace(served, label=RelationKind.CONTRADICTS, probability=other.probability)


def _row(name: str, stories: tuple[Any, Any, Any], fnc: StoredGraph, seeds: StoredGraph,
         thresholds: EdgeThresholds) -> dict[str, Any]:
    story, gold, ids = stories
    return {"variant": name, "corroborates": thresholds.corroborates, "contradicts": thresholds.contradicts,
            "min_similarity": thresholds.min_similarity, "same_claim": thresholds.same_claim_similarity,
            "fnc_dev": score_stories(fnc, thresholds, story, gold, ids), "seeds": score_seeds(seeds, thresholds)}


def run(served_dir: Path, other_dir: Path) -> list[dict[str, Any]]:
    graphs = {name: (StoredGraph.load(d / "fnc.sqlite3"), StoredGraph.load(d / "seeds.sqlite3"))
              for name, d in (("served", served_dir), ("other", other_dir))}
    with open(served_dir / "fnc_stories.pkl", "rb") as file:
        stories = pickle.load(file)
    rows = [_row("other alone", stories, *graphs["other"], EdgeThresholds(corr, contra, floor, same))
            for corr, contra, floor, same in itertools.product((0.85, 0.9), (0.8, 0.85), (0.45, 0.5), (0.9, 1.01))]
    for floor in (0.85, 0.9, 0.95):
        fnc, seeds = (union(graphs["served"][i], graphs["other"][i], floor) for i in (0, 1))
        rows += [_row(f"union, other contradicts >= {floor}", stories, fnc, seeds,
                      EdgeThresholds(corr, 0.7, 0.5, same)) for corr, same in itertools.product((0.85, 0.9), (0.9,))]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--served", type=Path, required=True, help="stories folder built with the served model")
    parser.add_argument("--other", type=Path, required=True, help="stories folder built with the other model")
    parser.add_argument("--write", type=Path, required=True)
    args = parser.parse_args()
    rows = run(args.served, args.other)
    args.write.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
