"""Contradiction clusters on two dev sets at once: FNC-1 dev stories and the seeds, re-clustered offline.

`build` stores, with the service's own ingest, (1) the shared referee's `clusters` data (FNC-1 dev bodies with agree
and disagree headlines: 17 stories, 131 headlines) pushed through `POST /v1/statements` by the referee's own code,
and (2) the five seeds. Relations do not depend on the clustering thresholds, so `grid` then re-clusters both stores
in memory for every threshold pair and scores each the way the referee does (opposed-pair and same-side P/R/F1,
pairs that mix two stories; the seeds' two expected contradictions, speakers standing on both sides):

    HF_HUB_OFFLINE=1 .venv/bin/python -m lab.clustering.stories build --out .devdata/stories
    .venv/bin/python -m lab.clustering.stories grid --dir .devdata/stories
"""
from __future__ import annotations

import argparse
import itertools
import json
import pickle
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lab.paths import RESULTS_DIR, SEEDS_DIR, SHARED_DATA
from service.domain.clustering import ClusterPlan, EdgeThresholds, plan_clustering
from service.domain.entities import ClusterKind, Relation, Statement
from service.storage.sql import SqlClaimStore, create_engine

Pair = frozenset[int]


def build(out: Path, relation_model_dir: Path | None = None, read_denials: bool = True) -> None:
    """Push the FNC-1 dev stories (through the referee's code) and the seeds into two fresh SQLite stores."""
    from lab.referee import InProcessClient, load_referee
    from service import create_app
    from service.cli import seed_directory
    from service.runtime import build_runtime, load_models
    from service.settings import Settings

    referee = load_referee()
    score_clusters = sys.modules["score_clusters"]
    out.mkdir(parents=True, exist_ok=True)
    for name in ("fnc.sqlite3", "seeds.sqlite3"):
        (out / name).unlink(missing_ok=True)
    settings = Settings(read_denials=read_denials)
    if relation_model_dir is not None:
        settings = replace(settings, relation_model_dir=relation_model_dir)
    models = load_models(settings)
    runtime = build_runtime(Settings(database_url=f"sqlite:///{out / 'fnc.sqlite3'}"), models)
    stories = score_clusters.fnc_stories(SHARED_DATA / "fnc-1" / "train_stances.csv", keep=referee.fnc_dev_body)
    ids = score_clusters._ingest(InProcessClient(create_app(runtime=runtime).test_client()), stories.claims)
    with open(out / "fnc_stories.pkl", "wb") as file:
        pickle.dump((stories.story, stories.pairs, ids), file)
    seed_directory(build_runtime(Settings(database_url=f"sqlite:///{out / 'seeds.sqlite3'}"), models), SEEDS_DIR)


@dataclass(frozen=True)
class StoredGraph:
    """Every statement of a store and every relation among them."""

    statements: dict[int, Statement]
    relations: list[Relation]

    @classmethod
    def load(cls, path: Path) -> StoredGraph:
        store = SqlClaimStore(create_engine(f"sqlite:///{path}"))
        statements = {s.id: s for s in store.get_statements(list(range(1, store.last_statement_id() + 1)))}
        return cls(statements, store.relations_touching(sorted(statements)))

    def plans(self, thresholds: EdgeThresholds) -> list[ClusterPlan]:
        speaker_of = {i: s.speaker.id for i, s in self.statements.items()}
        return plan_clustering(sorted(self.statements), self.relations, speaker_of, thresholds).plans


def _prf(predicted: set[Pair], gold: dict[Pair, str], label: str, cross: set[Pair]) -> dict[str, float]:
    truth = {pair for pair, value in gold.items() if value == label}
    judged = {pair for pair in predicted if pair in gold or pair in cross}
    hits = len(judged & truth)
    precision = hits / len(judged) if judged else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": round(precision, 3), "r": round(recall, 3), "f1": round(f1, 3)}


def score_stories(graph: StoredGraph, thresholds: EdgeThresholds, story: list[str], gold: dict[Pair, str],
                  ids: list[int | None]) -> dict[str, Any]:
    """The referee's `clusters` figures for these thresholds (its scoring, on the plans instead of the API)."""
    position = {sid: i for i, sid in enumerate(ids) if sid is not None}
    opposed: set[Pair] = set()
    same: set[Pair] = set()
    for plan in graph.plans(thresholds):
        sides = [{position[s] for s in side if s in position} for side in plan.sides]
        if plan.kind is ClusterKind.CONTRADICTION:
            for a, b in itertools.combinations(sides, 2):
                opposed |= {frozenset(p) for p in itertools.product(a, b)}
        for members in (sides if plan.kind is ClusterKind.CONTRADICTION else [set().union(*sides)]):
            same |= {frozenset(p) for p in itertools.combinations(members, 2)}
    same -= opposed
    cross = {pair for pair in opposed | same if len({story[i] for i in pair}) > 1}
    return {"opposed": _prf(opposed, gold, "opposed", cross), "same": _prf(same, gold, "same", cross),
            "cross_story_pairs": len(cross)}


_RUSSIA = re.compile(r"russia|moscow|kremlin|konashenkov|defen[cs]e ministry|\bmod\b", re.I)
_NATO = re.compile(r"nato|stoltenberg", re.I)
_US = re.compile(r"\bus\b|u\.s\.|united states|white house|pentagon|washington|american|kirby", re.I)
# The referee's `seeds` task: a side with the first speaker and claim against a side with the second.
SEED_DISPUTES = {
    "kyiv": ((_RUSSIA, re.compile(r"regroup|reduc|eas(e|ing)|withdraw|de-?escalat|scal(e|ing) (back|down)", re.I)),
             (_NATO, re.compile(r"reposition|not withdraw|regroup, resupply|reorganis|not leaving", re.I))),
    "border": ((_RUSSIA, re.compile(r"withdraw|pull|return|mov(e|ing) .*away|back", re.I)),
               (_US, re.compile(r"false|untrue|7,?000|additional troops|no evidence|not .*withdraw", re.I))),
}


def _holds(side: Iterable[Statement], who: re.Pattern[str], what: re.Pattern[str]) -> bool:
    return any(who.search(" ".join(filter(None, (s.speaker.name, s.speaker.affiliation, s.speaker.role))))
               and what.search(s.claim) for s in side)


def score_seeds(graph: StoredGraph, thresholds: EdgeThresholds) -> dict[str, Any]:
    """Which seed disputes are found, how many contradiction clusters, and speakers standing on both sides."""
    clusters = [[[graph.statements[i] for i in side] for side in plan.sides]
                for plan in graph.plans(thresholds) if plan.kind is ClusterKind.CONTRADICTION]
    found: dict[str, Any] = {
        name: any(_holds(a, *first) and _holds(b, *second) for sides in clusters
                  for a, b in itertools.permutations(sides, 2))
        for name, (first, second) in SEED_DISPUTES.items()}
    found["contradiction_clusters"] = len(clusters)
    found["speakers_on_both_sides"] = sum(
        len(set.intersection(*({s.speaker.id for s in side} for side in sides))) for sides in clusters)
    return found


def grid(folder: Path, corroborates: Iterable[float], contradicts: Iterable[float],
         min_similarities: Iterable[float] = (0.5,), same_claims: Iterable[float] = (1.01,)) -> list[dict[str, Any]]:
    """Score every threshold combination on both stores, best first (both seed disputes found, then opposed F1)."""
    fnc, seeds = StoredGraph.load(folder / "fnc.sqlite3"), StoredGraph.load(folder / "seeds.sqlite3")
    with open(folder / "fnc_stories.pkl", "rb") as file:
        story, gold, ids = pickle.load(file)
    rows = []
    for corr, contra, floor, same in itertools.product(corroborates, contradicts, min_similarities, same_claims):
        thresholds = EdgeThresholds(corr, contra, floor, same)
        rows.append({"corroborates": corr, "contradicts": contra, "min_similarity": floor, "same_claim": same,
                     "fnc_dev": score_stories(fnc, thresholds, story, gold, ids),
                     "seeds": score_seeds(seeds, thresholds)})
    return sorted(rows, key=_best_first)


def _best_first(row: dict[str, Any]) -> tuple[int, float]:
    return -(row["seeds"]["kyiv"] + row["seeds"]["border"]), -row["fnc_dev"]["opposed"]["f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="store the FNC-1 dev stories and the seeds")
    build_cmd.add_argument("--out", type=Path, required=True)
    build_cmd.add_argument("--relation-model-dir", type=Path, help="a relation model other than the served one")
    build_cmd.add_argument("--no-read-denials", dest="read_denials", action="store_false",
                           help="the relation model reads denials as written (service/domain/relation/denial.py)")
    grid_cmd = commands.add_parser("grid", help="re-cluster both stores for a grid of thresholds")
    grid_cmd.add_argument("--dir", type=Path, required=True)
    grid_cmd.add_argument("--write", type=Path, default=RESULTS_DIR / "cluster_stories.json")
    grid_cmd.add_argument("--min-similarity", type=float, nargs="+", default=[0.5],
                          help="embedding similarity floors of a cluster edge to try")
    grid_cmd.add_argument("--same-claim-similarity", type=float, nargs="+", default=[1.01],
                          help="similarities above which a pair that is no confident contradiction is one claim")
    grid_cmd.add_argument("--corroborates", type=float, nargs="+", default=[0.6, 0.7, 0.75, 0.8, 0.85, 0.9])
    grid_cmd.add_argument("--contradicts", type=float, nargs="+", default=[0.65, 0.7, 0.75, 0.8, 0.85, 0.9])
    args = parser.parse_args()
    if args.command == "build":
        build(args.out, args.relation_model_dir, args.read_denials)
        return
    rows = grid(args.dir, args.corroborates, args.contradicts, args.min_similarity, args.same_claim_similarity)
    args.write.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    for row in rows[:12]:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
