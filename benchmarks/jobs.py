"""A bulk job through the real queue: distinct FNC-1 train bodies submitted as one job, two `claimlens worker`
processes on Redis draining it, one of them killed with SIGKILL mid-job and replaced; documents/s beside the
synchronous path (the same ingest, in-process, one document after another) on other bodies in the same run.

Checked: the job finishes, every document is stored exactly once (as many documents as distinct bodies, one id per
position), nothing failed.

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.jobs [--documents 300] [--sync 30] [--redis redis://...]

FNC-1 train holds 1,668 distinct bodies; `--paragraphs` makes a larger job by adding their paragraphs of 30 words
or more as documents of their own (8,186 more), the pool shuffled once (seed 7) so the job and the synchronous
comparison draw the same mix of whole bodies and paragraphs:

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.jobs --documents 5000 --sync 100 --paragraphs \
        --output benchmarks/results/jobs_5000.json
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, machine_info, write_results
from service.settings import REPO_ROOT, Settings

FNC_BODIES = REPO_ROOT.parent / "shared" / "data" / "fnc-1" / "train_bodies.csv"


def bodies(count: int) -> list[str]:
    """The first `count` distinct FNC-1 train bodies (stripped, non-empty)."""
    found: dict[str, None] = {}
    with open(FNC_BODIES, encoding="utf-8") as file:
        for row in csv.DictReader(file):
            text = " ".join(row["articleBody"].split())  # as document identity normalises it
            if text:
                found.setdefault(text)
            if len(found) >= count:
                break
    return list(found)


MIN_PARAGRAPH_WORDS = 30


def bodies_and_paragraphs(count: int, seed: int = 7) -> list[str]:
    """`count` distinct texts drawn from every train body and every paragraph of 30 words or more, shuffled."""
    pool: dict[str, None] = {}
    with open(FNC_BODIES, encoding="utf-8") as file:
        for row in csv.DictReader(file):
            body = row["articleBody"]
            for text in (body, *body.split("\n")):
                text = " ".join(text.split())
                if len(text.split()) >= MIN_PARAGRAPH_WORDS:
                    pool.setdefault(text)
    texts = list(pool)
    random.Random(seed).shuffle(texts)
    if len(texts) < count:
        raise SystemExit(f"only {len(texts)} distinct bodies and paragraphs, {count} asked")
    return texts[:count]


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], env=env, cwd=REPO_ROOT,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def run_job(texts: list[str], redis_url: str, folder: Path, kill_after: int) -> dict[str, Any]:
    """Submit the job through the API, drain it with two workers, SIGKILL one after `kill_after` documents."""
    from redis import Redis

    from service import create_app
    from service.runtime import build_runtime

    Redis.from_url(redis_url).flushdb()
    database = f"sqlite:///{folder / 'jobs.sqlite3'}"
    settings = Settings(database_url=database, queue_url=redis_url, rate_limit="")
    client = create_app(runtime=build_runtime(settings)).test_client()
    env = {**os.environ, "CLAIMLENS_DATABASE_URL": database, "CLAIMLENS_QUEUE_URL": redis_url,
           "HF_HUB_OFFLINE": "1", "CLAIMLENS_TORCH_THREADS": "1"}
    workers = [start_worker(env, folder / f"worker{n}.log") for n in range(2)]
    try:
        started = time.perf_counter()
        answer = client.post("/v1/jobs", json={"documents": [{"text": t} for t in texts]})
        if answer.status_code != 202:
            raise SystemExit(f"the job was refused: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
        location = answer.headers["Location"]
        killed_at: dict[str, Any] | None = None
        while (report := client.get(location).get_json())["status"] != "finished":
            if killed_at is None and report["counts"]["done"] >= kill_after:
                workers[0].send_signal(signal.SIGKILL)
                workers[0].wait()
                killed_at = {"done": report["counts"]["done"], "seconds": round(time.perf_counter() - started, 1)}
                workers[0] = start_worker(env, folder / "worker2.log")  # its start queues the pending ones again
            time.sleep(1)
        seconds = time.perf_counter() - started
    finally:  # never leave a worker behind on the shared queue
        for worker in workers:
            worker.terminate()
            worker.wait()
    stored = client.get("/v1/documents?limit=1").get_json()["total"]
    return {"documents": len(texts), "seconds": round(seconds, 1),
            "documents_per_second": round(len(texts) / seconds, 2), "counts": report["counts"],
            "stored_documents": stored,
            "distinct_document_ids": len({i for i in report["document_ids"] if i is not None}),
            "worker_killed": killed_at, "workers": 2}


def run_sync(texts: list[str], folder: Path) -> dict[str, Any]:
    """The synchronous path on the same kind of text: one process ingesting one document after another."""
    from service.domain.entities import DocumentSubmission
    from service.runtime import build_runtime
    from service.usecases.ingest import ingest_document

    runtime = build_runtime(Settings(database_url=f"sqlite:///{folder / 'sync.sqlite3'}"))
    started = time.perf_counter()
    for text in texts:
        ingest_document(runtime, DocumentSubmission(text))
    seconds = time.perf_counter() - started
    return {"documents": len(texts), "seconds": round(seconds, 1),
            "documents_per_second": round(len(texts) / seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--sync", type=int, default=30, help="documents for the synchronous comparison")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "jobs.json")
    parser.add_argument("--paragraphs", action="store_true",
                        help="draw from the bodies' paragraphs too (more than 1,668 documents)")
    args = parser.parse_args()
    draw = bodies_and_paragraphs if args.paragraphs else bodies
    texts = draw(args.documents + args.sync)
    with tempfile.TemporaryDirectory(prefix="claimlens-jobs-") as tmp:
        folder = Path(tmp)
        job = run_job(texts[: args.documents], args.redis, folder, kill_after=args.documents // 4)
        sync = run_sync(texts[args.documents:], folder)
    report = {"machine": machine_info(), "documents": "FNC-1 train bodies and their paragraphs" if args.paragraphs
              else "FNC-1 train bodies", "job": job, "synchronous": sync}
    ok = (job["counts"] == {"done": args.documents, "failed": 0, "pending": 0}
          and job["stored_documents"] == job["distinct_document_ids"] == args.documents)
    report["every_document_stored_once"] = ok
    write_results(args.output, report)
    print(report)
    if not ok:
        raise SystemExit("the job did not store every document exactly once")


if __name__ == "__main__":
    main()
