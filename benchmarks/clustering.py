"""Cost of the incremental clustering step per ingested document as the store grows (10k, 100k statements).

The store is filled through the very write path of an ingest (one transaction per document: document, speakers'
statements, relations, then `service.usecases.clusters.update_clusters`), so clusters grow
incrementally as they do in service. The models are left out: statements and relations are synthetic, drawn to
look like real ingests: 3–9 statements per document, each related to a few earlier statements of the same topic
(Poisson, mean `--degree`, at most 50 = candidate_max_per_statement), labels and probabilities in proportions
close to the seeds' (corroborates 25%, contradicts 20%, discusses 45%, unrelated 10%), topics of very unequal
size (lognormal: a few large running stories, many small ones). Timed: the clustering step alone
(`update_clusters`), and the whole write transaction, per document, in windows around each checkpoint.

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.clustering [--checkpoints 10000 100000] [--database URL]
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import json
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import RESULTS_DIR, write_results
from service.domain.clustering import EdgeThresholds
from service.domain.entities import (
    DocumentSubmission,
    Relation,
    RelationKind,
    SpeakerKind,
    SpeakerMention,
)
from service.settings import Settings
from service.storage import NewStatement
from service.storage.migrate import upgrade_schema
from service.storage.sql import SqlClaimStore, create_engine
from service.usecases.clusters import update_clusters

LABELS = [RelationKind.CORROBORATES, RelationKind.CONTRADICTS, RelationKind.DISCUSSES, RelationKind.UNRELATED]
LABEL_SHARES = [0.25, 0.20, 0.45, 0.10]
WINDOW = 200  # documents timed around each checkpoint


class SyntheticCorpus:
    """Topics, speakers and relations drawn from one seeded generator."""

    def __init__(self, seed: int, topics: int, degree: float) -> None:
        self.rng = np.random.default_rng(seed)
        sizes = self.rng.lognormal(mean=0.0, sigma=1.5, size=topics)
        self.topic_weights = sizes / sizes.sum()
        self.degree = degree
        self.members: dict[int, list[int]] = {}  # topic → stored statement ids

    def document(self, number: int, speaker_ids: list[int]
                 ) -> tuple[tuple[DocumentSubmission, str], list[NewStatement], list[int]]:
        count = int(self.rng.integers(3, 10))
        topics = self.rng.choice(len(self.topic_weights), size=count, p=self.topic_weights).tolist()
        text = f"synthetic document {number}"
        vectors = self.rng.normal(size=(count, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        statements = [NewStatement(position=i, speaker_id=int(self.rng.choice(speaker_ids)),
                                   claim=f"claim {number}.{i} on topic {topics[i]}", claim_start=0, claim_end=1,
                                   speaker_start=None, speaker_end=None, date=None, date_text=None,
                                   date_basis="unknown", cue=None, embedding=vectors[i]) for i in range(count)]
        new = DocumentSubmission(text, dt.date(2022, 4, 1)), hashlib.sha256(text.encode()).hexdigest()
        return new, statements, topics

    def relations(self, statement_ids: list[int], topics: list[int]) -> list[Relation]:
        relations: dict[tuple[int, int], Relation] = {}
        for statement_id, topic in zip(statement_ids, topics, strict=True):
            earlier = self.members.get(topic, [])
            wanted = min(len(earlier), 50, int(self.rng.poisson(self.degree)))
            for other in self.rng.choice(earlier, size=wanted, replace=False).tolist() if wanted else []:
                label = LABELS[int(self.rng.choice(4, p=LABEL_SHARES))]
                pair = (min(other, statement_id), max(other, statement_id))
                relations[pair] = Relation(*pair, label, float(self.rng.uniform(0.4, 1.0)),
                                           float(self.rng.uniform(0.45, 0.9)))
        for statement_id, topic in zip(statement_ids, topics, strict=True):
            self.members.setdefault(topic, []).append(statement_id)
        return list(relations.values())


def ingest(store: SqlClaimStore, corpus: SyntheticCorpus, number: int, speaker_ids: list[int],
           thresholds: EdgeThresholds, profiler: cProfile.Profile | None = None) -> dict[str, float]:
    document, statements, topics = corpus.document(number, speaker_ids)
    started = time.perf_counter()
    with store.transaction() as tx:
        tx.lock_clusters()
        document_id = tx.add_document(*document)
        ids = tx.add_statements(document_id, statements)
        relations = corpus.relations(ids, topics)
        tx.add_relations(relations)
        cluster_started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        touched = update_clusters(tx, ids, relations, thresholds)
        if profiler is not None:
            profiler.disable()
        cluster_s = time.perf_counter() - cluster_started
    return {"statements": len(ids), "relations": len(relations), "clusters_touched": len(touched),
            "cluster_ms": cluster_s * 1000, "transaction_ms": (time.perf_counter() - started) * 1000}


def summarise(window: list[dict[str, float]], stored: int, store: SqlClaimStore) -> dict[str, Any]:
    def stats(key: str) -> dict[str, float]:
        values = np.array([w[key] for w in window])
        return {"mean": round(float(values.mean()), 2), "p50": round(float(np.percentile(values, 50)), 2),
                "p95": round(float(np.percentile(values, 95)), 2), "max": round(float(values.max()), 2)}

    counts = store.count_rows()
    return {"stored_statements": stored, "documents_timed": len(window), "cluster_ms": stats("cluster_ms"),
            "transaction_ms": stats("transaction_ms"), "relations_per_document": stats("relations"),
            "clusters": counts.get("clusters"), "relations": counts.get("relations")}


def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings()
    thresholds = EdgeThresholds(settings.corroborates_threshold, settings.contradicts_threshold,
                                settings.cluster_min_similarity, args.same_claim_similarity)
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(args.database or f"sqlite:///{tmp}/clustering.sqlite3")
        upgrade_schema(engine)
        store = SqlClaimStore(engine)
        with store.transaction() as tx:
            speakers = [tx.add_speaker(SpeakerMention(f"Speaker {i}", SpeakerKind.PERSON), {f"speaker {i}": f"S{i}"}).id
                        for i in range(300)]
        corpus = SyntheticCorpus(args.seed, topics=max(checkpoint for checkpoint in args.checkpoints) // 40,
                                 degree=args.degree)
        stored, number, results, window = 0, 0, [], []
        profiler = cProfile.Profile()
        recent: list[dict[str, float]] = []  # the last WINDOW documents, reported if the time budget runs out
        started = time.perf_counter()
        for checkpoint in sorted(args.checkpoints):
            while stored < checkpoint + WINDOW * 6:
                if time.perf_counter() - started > args.max_seconds:
                    print(f"time budget spent at {stored} statements", flush=True)
                    return {"checkpoints": results, "stopped_at": summarise(recent, stored, store),
                            "fill_seconds": round(time.perf_counter() - started, 1)}
                profiled = args.profile and stored >= max(args.checkpoints)
                outcome = ingest(store, corpus, number, speakers, thresholds, profiler if profiled else None)
                recent = [*recent[-(WINDOW - 1):], outcome]
                number += 1
                stored += int(outcome["statements"])
                if stored >= checkpoint:
                    window.append(outcome)
                    if len(window) == WINDOW:
                        break
                if number % 1000 == 0:
                    print(f"{stored} statements, {time.perf_counter() - started:.0f} s", flush=True)
            results.append(summarise(window, stored, store))
            if args.profile and checkpoint == max(args.checkpoints):
                text = io.StringIO()
                pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
                args.profile.write_text(text.getvalue(), encoding="utf-8")
            print(json.dumps(results[-1]), flush=True)
            window = []
        engine.dispose()
    return {"checkpoints": results, "fill_seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--degree", type=float, default=4.0, help="mean relations per new statement")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--same-claim-similarity", type=float, default=Settings().same_claim_similarity,
                        help="the clustering setting; 0.6 joins more edges, hence larger components")
    parser.add_argument("--max-seconds", type=float, default=1800)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the clustering step at the last checkpoint")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "clustering.json")
    args = parser.parse_args()
    report = {"run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "settings": {k: str(v) for k, v in vars(args).items()}, **run(args)}
    write_results(args.output, report, indent=1)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
