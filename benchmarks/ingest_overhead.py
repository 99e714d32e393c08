"""Ingest beside the sum of its model stages run standalone, on distinct news bodies (issue 22).

Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.ingest_overhead [--bodies 1000]
        [--out benchmarks/results/ingest_overhead.json]

Texts: the first --bodies FNC-1 train bodies (distinct articles, not seed copies), each ingested once with
`ingest_document` (the path of `POST /v1/documents`) into a fresh SQLite store (the embedded default) with the
served models, one after the other. Every (claim, other) batch the ingest hands to the relation model is recorded.
Then, in the same process on the same texts, the stages alone: the extractor (spaCy + attribution tagger) on
every body, MiniLM on every stored claim (one call per document, as ingest does), and the relation model on
exactly the recorded batches. Overhead = ingest seconds / the sum of the three.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.common import RESULTS_DIR, command_line, load_average, machine_info, write_results
from lab.paths import SHARED_DATA
from service.settings import Settings

BODIES = SHARED_DATA / "fnc-1" / "train_bodies.csv"


def read_bodies(n: int) -> list[str]:
    csv.field_size_limit(sys.maxsize)
    with BODIES.open(encoding="utf-8", newline="") as handle:
        rows = [row["articleBody"].strip() for row in csv.DictReader(handle)]
    return [text for text in dict.fromkeys(rows) if text][:n]


def ingest_all(models: Any, bodies: list[str], tmp: Path) -> tuple[dict[str, Any], list[list[tuple[str, str]]]]:
    """Ingest each body; return the figures and the relation batches the ingest classified."""
    from service.domain.entities import DocumentSubmission
    from service.runtime import build_runtime
    from service.usecases.ingest import ingest_document

    runtime = build_runtime(Settings(database_url=f"sqlite:///{tmp}/ingest.sqlite3"), models)
    batches: list[list[tuple[str, str]]] = []
    classify = models.classifier.classify_symmetric

    def recording(pairs: list[tuple[str, str]]) -> Any:
        batches.append(list(pairs))
        return classify(pairs)

    models.classifier.classify_symmetric = recording
    statements = 0
    start = time.perf_counter()
    try:
        for number, text in enumerate(bodies, start=1):
            statements += len(ingest_document(runtime, DocumentSubmission(text, None)).statements)
            if number % 100 == 0:
                print(f"  ingested {number} ({number / (time.perf_counter() - start):.2f} docs/s)", flush=True)
    finally:
        models.classifier.classify_symmetric = classify
    seconds = time.perf_counter() - start
    return {"documents": len(bodies), "statements": statements, "seconds": round(seconds, 1),
            "documents_per_s": round(len(bodies) / seconds, 3), "statements_per_s": round(statements / seconds, 2),
            "pairs_classified": sum(len(b) for b in batches)}, batches


def standalone(models: Any, bodies: list[str], batches: list[list[tuple[str, str]]]) -> dict[str, Any]:
    """The three model stages alone on the same inputs."""
    start = time.perf_counter()
    claims = [[s.claim for s in models.extractor.extract(text, None).statements] for text in bodies]
    extraction = time.perf_counter() - start
    start = time.perf_counter()
    for document_claims in claims:
        if document_claims:
            models.embedder.encode(document_claims)
    encoding = time.perf_counter() - start
    start = time.perf_counter()
    for batch in batches:
        if batch:
            models.classifier.classify_symmetric(batch)
    relations = time.perf_counter() - start
    total = extraction + encoding + relations
    return {"extraction_s": round(extraction, 1), "encode_s": round(encoding, 1), "relations_s": round(relations, 1),
            "sum_s": round(total, 1), "claims": sum(len(c) for c in claims)}


def markdown(report: dict[str, Any]) -> str:
    i, s = report["ingest"], report["standalone"]
    return "\n".join([
        "# Ingest beside its standalone model stages", "", f"`{report['command']}`", "",
        f"{i['documents']:,} FNC-1 train bodies, {i['statements']:,} statements, {i['pairs_classified']:,} "
        f"relation pairs; load average {report['load_average_start']} at start, {report['load_average_end']} "
        "at end.", "",
        "| | seconds | documents/s | statements/s |", "|---|---:|---:|---:|",
        f"| ingest (`ingest_document`, SQLite) | {i['seconds']} | {i['documents_per_s']} | {i['statements_per_s']} |",
        f"| extraction alone | {s['extraction_s']} | | |",
        f"| MiniLM encode alone | {s['encode_s']} | | |",
        f"| relation pairs alone | {s['relations_s']} | | |",
        f"| sum of the stages | {s['sum_s']} | {round(i['documents'] / s['sum_s'], 3)} | "
        f"{round(i['statements'] / s['sum_s'], 2)} |", "",
        f"Overhead: ingest / sum of stages = **{report['overhead']}×** (goal ≤ 1.5×).", ""])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bodies", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "ingest_overhead.json")
    args = parser.parse_args(argv)
    from service.runtime import load_models

    models = load_models(Settings())
    bodies = read_bodies(args.bodies)
    report: dict[str, Any] = {"command": command_line("benchmarks.ingest_overhead", argv), "machine": machine_info(),
                              "load_average_start": load_average()}
    with tempfile.TemporaryDirectory() as tmp:
        report["ingest"], batches = ingest_all(models, bodies, Path(tmp))
    report["standalone"] = standalone(models, bodies, batches)
    report["overhead"] = round(report["ingest"]["seconds"] / report["standalone"]["sum_s"], 2)
    report["load_average_end"] = load_average()
    write_results(args.out, report, markdown=markdown(report))
    print(markdown(report))


if __name__ == "__main__":
    main()
