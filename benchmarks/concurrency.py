"""Several gunicorn workers on one PostgreSQL under concurrent writers.

4 workers (`claimlens serve --workers 4`) on a fresh schema of the local PostgreSQL; 8 client threads post 500
distinct news texts (FNC-1 train bodies, cut to about 1,200 characters at a sentence end) plus 100 duplicates
of them, shuffled so that duplicates race their originals. Afterwards it checks, in the database: 500 documents,
no two with one identity, no duplicate statements, each document holding exactly the statements its 201 answer
listed; and through the API: every worker's index holds every statement (`GET /v1/ready`, answered by each
worker in turn) and `POST /v1/claims/match` finds a sample of stored statements whichever worker answers (the
worker of each request is read from the service's JSON request log). Prints and writes throughput, latency
percentiles and each worker's resident memory.

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.concurrency [--documents 500 --duplicates 100 ...]
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import re
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import sqlalchemy as sa

from benchmarks.common import RESULTS_DIR, write_results
from lab.paths import SHARED_DATA
from tests.live_server import LiveServer, live_server

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_BODIES = SHARED_DATA / "fnc-1" / "train_bodies.csv"
_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+")


def load_texts(path: Path, count: int, max_chars: int) -> list[str]:
    """Distinct article bodies, each cut at the last sentence end before max_chars."""
    texts: list[str] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = _cut(" ".join(row["articleBody"].split()), max_chars)
            if len(text) >= 200 and text not in seen:
                seen.add(text)
                texts.append(text)
            if len(texts) == count:
                return texts
    raise SystemExit(f"only {len(texts)} distinct bodies in {path}")


def _cut(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    ends = [m.start() for m in _SENTENCE_END.finditer(text) if m.start() <= max_chars]
    return text[:ends[-1]] if ends else text[:max_chars]


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    array = np.array(values)
    return {"p50": round(float(np.percentile(array, 50)), 1), "p95": round(float(np.percentile(array, 95)), 1),
            "max": round(float(array.max()), 1), "mean": round(float(array.mean()), 1)}


def timed_request(server: LiveServer, method: str, path: str, body: Any, request_id: str) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        reply = server.request(method, path, body, headers={"X-Request-Id": request_id}, timeout=600)
        status, answer = reply.status, reply.body
    except OSError as error:
        status, answer = 0, {"error": repr(error)}
    return {"request_id": request_id, "status": status, "body": answer,
            "ms": (time.perf_counter() - started) * 1000}


def ingest_phase(server: LiveServer, texts: list[str], duplicates: int, threads: int, seed: int
                 ) -> tuple[list[dict[str, Any]], float]:
    rng = random.Random(seed)
    jobs = [(i, False) for i in range(len(texts))] + [(i, True) for i in rng.sample(range(len(texts)), duplicates)]
    rng.shuffle(jobs)

    def post(job_number: int) -> dict[str, Any]:
        index, duplicate = jobs[job_number]
        result = timed_request(server, "POST", "/v1/documents", {"text": texts[index], "title": f"fnc body {index}"},
                               f"ingest-{job_number}")
        return {**result, "text_index": index, "duplicate_job": duplicate}

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(post, range(len(jobs))))
    return results, time.perf_counter() - started


def database_checks(admin: sa.Engine, schema: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    with admin.connect() as c:
        def scalar(sql: str) -> int:
            return int(c.execute(sa.text(sql.replace("{s}", f'"{schema}"'))).scalar_one())

        per_document = dict(c.execute(sa.text(
            f'SELECT document_id, count(*) FROM "{schema}".statements GROUP BY document_id')).all())
        checks = {
            "documents": scalar("SELECT count(*) FROM {s}.documents"),
            "statements": scalar("SELECT count(*) FROM {s}.statements"),
            "documents_sharing_an_identity": scalar(
                "SELECT count(*) FROM (SELECT text_hash FROM {s}.documents GROUP BY text_hash HAVING count(*) > 1) d"),
            "duplicate_statements": scalar(
                "SELECT count(*) FROM (SELECT document_id, position FROM {s}.statements "
                "GROUP BY document_id, position HAVING count(*) > 1) d"),
            "duplicate_relations": scalar(
                "SELECT count(*) FROM (SELECT source_id, target_id FROM {s}.relations "
                "GROUP BY source_id, target_id HAVING count(*) > 1) d"),
            "relations": scalar("SELECT count(*) FROM {s}.relations"),
            "clusters": scalar("SELECT count(*) FROM {s}.clusters"),
        }
    created = [r for r in results if r["status"] == 201]
    checks["documents_whose_rows_differ_from_their_201"] = sum(
        per_document.get(r["body"]["id"], 0) != len(r["body"]["statements"]) for r in created)
    by_text: dict[int, set[int]] = defaultdict(set)
    for r in results:
        if r["status"] in (200, 201):
            by_text[r["text_index"]].add(r["body"]["id"])
    checks["texts_answered_with_two_ids"] = sum(len(ids) > 1 for ids in by_text.values())
    return checks


def worker_of_requests(server: LiveServer) -> dict[str, int]:
    workers = {}
    for line in server.log_lines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "service.access":
                workers[record["request_id"]] = record["worker"]
    return workers


def ready_per_worker(server: LiveServer, workers: int, attempts: int = 400) -> dict[int, dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for _ in range(attempts):
        body = server.request("GET", "/v1/ready").body
        seen[body["worker"]] = {"indexed": body["indexed"], "statements": body["statements"]}
        if len(seen) == workers:
            break
    return seen


def match_phase(server: LiveServer, admin: sa.Engine, schema: str, sample: int, threads: int, seed: int
                ) -> list[dict[str, Any]]:
    with admin.connect() as c:
        rows = c.execute(sa.text(f'SELECT id, claim FROM "{schema}".statements ORDER BY id')).all()
    chosen = random.Random(seed).sample(list(rows), min(sample, len(rows)))

    def match(row: Any) -> dict[str, Any]:
        result = timed_request(server, "POST", "/v1/claims/match", {"text": row.claim, "top_k": 10},
                               f"match-{row.id}")
        found = result["status"] == 200 and any(
            m.get("statement_id") == row.id for m in result["body"]["matches"])
        return {"statement_id": row.id, "request_id": result["request_id"], "status": result["status"],
                "found": found, "ms": result["ms"]}

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(match, chosen))


def resident_memory_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def run(args: argparse.Namespace) -> dict[str, Any]:
    admin = sa.create_engine(args.postgres_url, poolclass=sa.NullPool, isolation_level="AUTOCOMMIT")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    texts = load_texts(args.bodies, args.documents, args.max_chars)
    url = f"{args.postgres_url}?options={quote(f'-csearch_path={schema}')}"
    try:
        with tempfile.TemporaryDirectory() as tmp, live_server(url, Path(tmp) / "server.log",
                                                                workers=args.workers) as server:
            start = time.perf_counter()
            server.wait_until_healthy()
            all_up = ready_per_worker(server, args.workers)
            startup_s = time.perf_counter() - start
            print(f"{len(all_up)} workers up after {startup_s:.0f} s; posting {args.documents} + "
                  f"{args.duplicates} documents from {args.threads} threads", flush=True)
            results, ingest_s = ingest_phase(server, texts, args.duplicates, args.threads, args.seed)
            checks = database_checks(admin, schema, results)
            ready = ready_per_worker(server, args.workers)
            matches = match_phase(server, admin, schema, args.match_sample, args.threads, args.seed)
            workers_of = worker_of_requests(server)
            memory = {pid: resident_memory_mb(pid) for pid in ready}
            return report(args, results, ingest_s, checks, ready, matches, workers_of, memory, startup_s)
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def report(args: argparse.Namespace, results: list[dict[str, Any]], ingest_s: float, checks: dict[str, Any],
           ready: dict[int, dict[str, Any]], matches: list[dict[str, Any]], workers_of: dict[str, int],
           memory: dict[int, float | None], startup_s: float) -> dict[str, Any]:
    statuses = Counter(r["status"] for r in results)
    created = [r for r in results if r["status"] == 201]
    matched_by_worker: dict[int, Counter[str]] = defaultdict(Counter)
    for m in matches:
        worker = workers_of.get(m["request_id"], 0)
        matched_by_worker[worker]["asked"] += 1
        matched_by_worker[worker]["found"] += int(m["found"])
    ingest_workers = Counter(workers_of.get(r["request_id"], 0) for r in results)
    return {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": {k: str(v) for k, v in vars(args).items()},
        "workers_startup_s": round(startup_s, 1),
        "ingest": {
            "requests": len(results), "statuses": dict(statuses), "seconds": round(ingest_s, 1),
            "documents_per_s": round(len(created) / ingest_s, 2),
            "requests_per_s": round(len(results) / ingest_s, 2),
            "statements_per_s": round(sum(len(r["body"]["statements"]) for r in created) / ingest_s, 1),
            "latency_ms_created": percentiles([r["ms"] for r in created]),
            "latency_ms_duplicate": percentiles([r["ms"] for r in results if r["status"] == 200]),
            "requests_per_worker": {str(k): v for k, v in ingest_workers.items()},
        },
        "database": checks,
        "ready_per_worker": {str(k): v for k, v in ready.items()},
        "match": {
            "asked": len(matches), "found": sum(m["found"] for m in matches),
            "per_worker": {str(k): dict(v) for k, v in matched_by_worker.items()},
            "latency_ms": percentiles([m["ms"] for m in matches]),
        },
        "worker_rss_mb": {str(k): v for k, v in memory.items()},
    }


def verdict(result: dict[str, Any], args: argparse.Namespace) -> list[str]:
    """The properties the run must show; an empty list means all hold."""
    db, ingest = result["database"], result["ingest"]
    failures = []
    if db["documents"] != args.documents or ingest["statuses"].get(201, 0) != args.documents:
        failures.append(f"{db['documents']} documents stored, {ingest['statuses'].get(201, 0)} answered 201")
    if set(ingest["statuses"]) - {200, 201}:
        failures.append(f"answers other than 200/201: {ingest['statuses']}")
    for name in ("documents_sharing_an_identity", "duplicate_statements", "duplicate_relations",
                 "documents_whose_rows_differ_from_their_201", "texts_answered_with_two_ids"):
        if db[name]:
            failures.append(f"{name}: {db[name]}")
    if len(result["ready_per_worker"]) != args.workers:
        failures.append(f"only {len(result['ready_per_worker'])} workers answered /v1/ready")
    for worker, state in result["ready_per_worker"].items():
        if state["indexed"] != db["statements"]:
            failures.append(f"worker {worker} indexes {state['indexed']} of {db['statements']} statements")
    if result["match"]["found"] != result["match"]["asked"]:
        failures.append(f"claims/match found {result['match']['found']} of {result['match']['asked']}")
    return failures


def markdown(result: dict[str, Any], failures: list[str]) -> str:
    ingest, db, match = result["ingest"], result["database"], result["match"]
    lines = [
        "# Concurrency benchmark", "",
        f"Run {result['run_at']} with `benchmarks/concurrency.py`: {result['settings']['workers']} gunicorn workers "
        f"on the local PostgreSQL 15 (fresh schema), {result['settings']['threads']} client threads, 2 shared "
        "CPU cores (the workers and the clients share them).", "",
        f"Workers up (models loaded, indexes built) after {result['workers_startup_s']} s.", "",
        "## Ingest", "",
        f"{ingest['requests']} POST /v1/documents ({result['settings']['documents']} distinct FNC-1 bodies + "
        f"{result['settings']['duplicates']} duplicates, shuffled) in {ingest['seconds']} s: answers "
        f"{ingest['statuses']}; **{ingest['documents_per_s']} documents/s**, {ingest['statements_per_s']} "
        f"statements/s, {ingest['requests_per_s']} requests/s.", "",
        "| latency (ms) | p50 | p95 | max | mean |", "|---|---:|---:|---:|---:|",
        *(f"| {name} | {v.get('p50')} | {v.get('p95')} | {v.get('max')} | {v.get('mean')} |"
          for name, v in (("new document (201)", ingest["latency_ms_created"]),
                          ("duplicate (200)", ingest["latency_ms_duplicate"]))),
        "", f"Requests per worker: {ingest['requests_per_worker']}.", "",
        "## Database afterwards", "",
        "| check | value |", "|---|---:|", *(f"| {k} | {v} |" for k, v in db.items()), "",
        "## Every worker sees every statement", "",
        "| worker | indexed | statements | RSS (MB) |", "|---|---:|---:|---:|",
        *(f"| {w} | {s['indexed']} | {s['statements']} | {result['worker_rss_mb'].get(w)} |"
          for w, s in result["ready_per_worker"].items()), "",
        f"POST /v1/claims/match with the text of {match['asked']} sampled statements (top_k 10): "
        f"**{match['found']} found** themselves; per worker {match['per_worker']}; latency {match['latency_ms']} ms.",
        "", "## Verdict", "", *(f"- FAILED: {f}" for f in failures), *(["- all checks hold"] if not failures else []),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--bodies", type=Path, default=DEFAULT_BODIES)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--duplicates", type=int, default=100)
    parser.add_argument("--max-chars", type=int, default=1200)
    parser.add_argument("--match-sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "concurrency")
    args = parser.parse_args(argv)

    result = run(args)
    failures = verdict(result, args)
    result["failures"] = failures
    text = markdown(result, failures)
    write_results(args.output.with_suffix(".json"), result, indent=1, markdown=text)
    print(text)
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
