"""Worker start-up and memory under gunicorn: seconds until `/v1/ready` answers 200, and each worker's RSS.

Run from the repository root against a store that already holds the fact-checks (for instance the PostgreSQL +
pgvector store `benchmarks.pgvector` leaves, or a SQLite file):

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.workers_ready --database-url URL [--workers 4]
        [--label "pgvector, 1M fact-checks"] [--out benchmarks/results/workers_ready.json]

`claimlens serve` (migrations, then gunicorn with --workers) is started as a subprocess; `/v1/ready` is polled every
0.2 s. Reported: seconds from the start to the first 200, to the moment every worker has answered 200 (each answer
names its worker's pid), the stored and indexed counts the ready answer gives, and each worker's resident memory
(VmRSS from /proc) once all are ready. With pgvector a worker loads no vectors; without it, each worker rebuilds its
own copy of every index before it is ready.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, command_line, load_average, machine_info, write_results
from tests.live_server import LiveServer, live_server


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def wait_ready(server: LiveServer, workers: int, timeout: float) -> dict[str, Any]:
    start, first, seen, body = time.monotonic(), None, set(), None
    while time.monotonic() - start < timeout and len(seen) < workers:
        try:
            reply = server.request("GET", "/v1/ready", timeout=5)
        except OSError:
            time.sleep(0.2)
            continue
        if reply.status == 200:
            first = first or time.monotonic() - start
            seen.add(reply.body["worker"])
            body = reply.body
        time.sleep(0.2)
    return {"first_ready_s": round(first, 1) if first else None,
            "all_ready_s": round(time.monotonic() - start, 1) if len(seen) == workers else None,
            "workers_seen": sorted(seen), "ready_body": body}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--label", default="")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "workers_ready.json")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"command": command_line("benchmarks.workers_ready", argv), "machine": machine_info(),
                              "label": args.label, "workers": args.workers, "load_average_start": load_average()}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        with live_server(args.database_url, Path(tmp) / "server.log", workers=args.workers) as server:
            spawn = time.monotonic() - started
            figures = wait_ready(server, args.workers, args.timeout)
            figures["first_ready_s"] = figures["first_ready_s"] and round(figures["first_ready_s"] + spawn, 1)
            figures["all_ready_s"] = figures["all_ready_s"] and round(figures["all_ready_s"] + spawn, 1)
            report.update(figures)
            report["worker_rss_mib"] = {str(pid): rss_mib(pid) for pid in figures["workers_seen"]
                                        if os.path.exists(f"/proc/{pid}")}
            report["master_rss_mib"] = rss_mib(server.process.pid)
    report["load_average_end"] = load_average()
    rss = list(report["worker_rss_mib"].values())
    markdown = "\n".join([
        f"# Worker start-up: {args.label or args.database_url.split('@')[-1]}", "", f"`{report['command']}`", "",
        f"- {args.workers} gunicorn workers; first `/v1/ready` 200 after **{report['first_ready_s']} s**, every "
        f"worker ready after **{report['all_ready_s']} s**",
        f"- ready answer: {report['ready_body']}",
        f"- worker RSS (MiB): {rss} (total {round(sum(rss), 1)}); master {report['master_rss_mib']}", ""])
    write_results(args.out, report, markdown=markdown)
    print(markdown)


if __name__ == "__main__":
    main()
