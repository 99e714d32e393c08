"""Ingest throughput benchmark: raw MiniLM encode rate versus the pipeline's ingest rate, with a time breakdown.

Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.ingest [--repeat 50] [--out benchmarks/results/ingest.json]

(a) Encode rate: the service's Embedder (batch 32) over the claims extracted from the seeds and over the seeds'
    sentences, after a warm-up; each list is repeated to at least --encode-min texts, best of 3 runs.
(b) Ingest rate: the five seeds (`seeds/*.txt`, split with service.cli.split_seed) repeated --repeat times into a
    fresh SQLite file in a temporary directory. Each repetition appends a line " [copy N]" to the text so that it
    is a distinct document (otherwise the pipeline deduplicates it by text hash). The copies are near-duplicates,
    so the number of candidate pairs per document grows as the store fills: first-5 vs last-5 rates are reported.
(c) The ratio encode rate / ingest rate and the time share of extraction, embedding, relation classification
    and storage, measured by timing the models' and the store's calls with small wrappers on the instances
    (no service code is changed).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.common import RESULTS_DIR, StageClock, command_line, load_average, machine_info, write_results
from lab.paths import SEEDS_DIR
from service.cli import split_seed
from service.settings import Settings

_SENTENCE_END = re.compile(r"(?<=[.!?\u201d\"'])\s+(?=[A-Z\u201c\"'])")


# --- (a) encode rate -------------------------------------------------------------------------------------


def encode_rate(embedder: Any, texts: list[str], minimum: int, runs: int = 3) -> dict[str, Any]:
    batch = list(texts)
    while len(batch) < minimum:
        batch += texts
    embedder.encode(batch[:64])  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        embedder.encode(batch)
        times.append(time.perf_counter() - start)
    best = min(times)
    words = sum(len(t.split()) for t in texts) / len(texts)
    return {"unique_texts": len(texts), "texts_per_run": len(batch), "mean_words": round(words, 1),
            "runs_s": [round(t, 3) for t in times], "rate_per_s": round(len(batch) / best, 1),
            "rate_median_per_s": round(len(batch) / statistics.median(times), 1)}


# --- (b) ingest ------------------------------------------------------------------------------------------


def load_seeds(directory: Path) -> list[tuple[str, str, dt.date | None]]:
    seeds = []
    for path in sorted(directory.glob("*.txt")):
        text, published_at = split_seed(path.read_text(encoding="utf-8"))
        seeds.append((path.stem, text, published_at))
    if not seeds:
        raise SystemExit(f"no seeds in {directory}")
    return seeds


def instrument(runtime: Any, clock: StageClock) -> None:
    """Replace bound methods on the runtime's instances by timed wrappers (instances only, not classes)."""
    models = runtime.models
    models.extractor.extract = clock.wrap("extraction", models.extractor.extract)
    models.embedder.encode = clock.wrap("embedding", models.embedder.encode, lambda texts: len(texts))
    models.classifier.classify_symmetric = clock.wrap(
        "relation classification", models.classifier.classify_symmetric, lambda pairs: len(pairs))
    runtime.index.search = clock.wrap("index search", runtime.index.search)
    runtime.index.catch_up = clock.wrap("index catch-up", runtime.index.catch_up)
    runtime.store.transaction = clock.wrap_cm("storage transaction (store + recluster)", runtime.store.transaction)


def rate(items: float, seconds: float) -> float:
    return round(items / seconds, 3) if seconds > 0 else 0.0


def run_ingest(models: Any, seeds: list[tuple[str, str, dt.date | None]], repeat: int, tmp: Path
               ) -> dict[str, Any]:
    from service.domain.entities import DocumentSubmission
    from service.runtime import build_runtime
    from service.usecases.ingest import ingest_document

    settings = Settings(database_url=f"sqlite:///{tmp / 'bench.sqlite3'}")
    runtime = build_runtime(settings, models)
    clock = StageClock()
    instrument(runtime, clock)
    per_doc: list[dict[str, Any]] = []
    stage_totals: dict[str, float] = {}
    start_all = time.perf_counter()
    for copy in range(repeat):
        for name, text, published_at in seeds:
            clock.reset()
            submission = DocumentSubmission(f"{text.rstrip()}\n [copy {copy}]", published_at,
                                            title=f"{name} [copy {copy}]")
            start = time.perf_counter()
            result = ingest_document(runtime, submission)
            elapsed = time.perf_counter() - start
            if not result.created:
                raise SystemExit(f"copy {copy} of {name} was deduplicated: the benchmark needs distinct texts")
            stages = dict(clock.totals)
            stages["other (hashing, lookups, glue)"] = elapsed - sum(stages.values())
            for key, value in stages.items():
                stage_totals[key] = stage_totals.get(key, 0.0) + value
            per_doc.append({
                "n": len(per_doc) + 1, "seed": name, "copy": copy, "seconds": round(elapsed, 4),
                "statements": len(result.statements), "clusters": len(result.clusters),
                "pairs_classified": clock.counts.get("relation classification", 0),
                "texts_encoded_by_pipeline": clock.counts.get("embedding", 0),
                "unique_texts_encoded_by_classifier": clock.counts.get(
                    "embedding (inside relation classification)", 0),
                "stages_s": {k: round(v, 4) for k, v in stages.items()},
            })
            print(f"  doc {len(per_doc):4d} {name} copy {copy:3d}: {len(result.statements):3d} statements, "
                  f"{per_doc[-1]['pairs_classified']:5d} pairs, {elapsed:6.2f} s", flush=True)
    total = time.perf_counter() - start_all
    total_statements = sum(d["statements"] for d in per_doc)

    def window(docs: list[dict[str, Any]]) -> dict[str, Any]:
        seconds = sum(d["seconds"] for d in docs)
        statements = sum(d["statements"] for d in docs)
        return {"documents": len(docs), "statements": statements, "seconds": round(seconds, 3),
                "pairs_classified": sum(d["pairs_classified"] for d in docs),
                "documents_per_s": rate(len(docs), seconds), "statements_per_s": rate(statements, seconds)}

    doc_seconds = sum(d["seconds"] for d in per_doc)
    return {
        "documents": len(per_doc), "statements": total_statements, "seconds": round(total, 3),
        "documents_per_s": rate(len(per_doc), total), "statements_per_s": rate(total_statements, total),
        "pairs_classified": sum(d["pairs_classified"] for d in per_doc),
        "first_5": window(per_doc[:5]), "last_5": window(per_doc[-5:]),
        "stage_seconds": {k: round(v, 3) for k, v in sorted(stage_totals.items(), key=lambda kv: -kv[1])},
        "stage_share": {k: round(v / doc_seconds, 4) for k, v in sorted(stage_totals.items(), key=lambda kv: -kv[1])},
        "per_document": per_doc,
    }


# --- report ----------------------------------------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    m, enc, ing = report["machine"], report["encode"], report["ingest"]
    lines = [
        "# Ingest benchmark",
        "",
        f"Run {report['started_at']} with `{report['command']}` ({report['wall_seconds']:.0f} s wall).",
        "",
        f"Machine: {m['cpu_model'] or 'unknown CPU'}, {m['cpus_usable']} usable cores of {m['cpu_count']}, "
        f"torch {m['torch']} with {m['torch_threads']} threads, Python {m['python']}, "
        f"sentence-transformers {m['sentence_transformers']}; load average at start "
        f"{m['loadavg_start'][0]:.2f}, at end {m['loadavg_end'][0]:.2f} (shared cores: figures vary with load).",
        "",
        "## (a) Raw MiniLM encode rate (Embedder, batch 32, after warm-up, best of 3)",
        "",
        "| texts | unique | per run | mean words | sentences/s (best) | median |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, label in (("claims", "claims extracted from the seeds"), ("sentences", "seed sentences")):
        e = enc[key]
        lines.append(f"| {label} | {e['unique_texts']} | {e['texts_per_run']} | {e['mean_words']} | "
                     f"{e['rate_per_s']} | {e['rate_median_per_s']} |")
    lines += [
        "",
        f"## (b) Pipeline ingest rate ({report['seeds']} seeds × {report['repeat']} = {ing['documents']} documents)",
        "",
        "Each repetition appends a line \" [copy N]\" to the seed text so that it is a distinct document "
        "(identical texts are deduplicated by hash). Fresh SQLite file in a temporary directory; models loaded "
        "once beforehand (not timed). The copies are near-duplicates of each other, so candidate pairs per "
        "document grow as the store fills (up to candidate_max_per_statement = 50 per statement).",
        "",
        "| window | documents | statements | pairs classified | seconds | documents/s | statements/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, w in (("all", ing), ("first 5", ing["first_5"]), ("last 5", ing["last_5"])):
        lines.append(f"| {label} | {w['documents']} | {w['statements']} | {w['pairs_classified']} | "
                     f"{w['seconds']} | {w['documents_per_s']} | {w['statements_per_s']} |")
    lines += [
        "",
        "## (c) Ratio and where the time goes",
        "",
        f"Encode rate (claims) / ingest rate (statements/s, all documents): **{report['ratio']['all']}×**; "
        f"first 5 documents {report['ratio']['first_5']}×, last 5 {report['ratio']['last_5']}×. "
        f"With the median encode run instead of the best: {report['ratio_with_median_encode']['all']}× "
        f"(first 5 {report['ratio_with_median_encode']['first_5']}×, "
        f"last 5 {report['ratio_with_median_encode']['last_5']}×).",
        "",
        "Time share of ingest (wrappers on the model and store instances; the relation classifier's own "
        "MiniLM encoding of the pair texts counts under relation classification; `embedding` is the pipeline's "
        "encoding of the new claims only):",
        "",
        "| stage | seconds | share |",
        "|---|---:|---:|",
    ]
    for key, seconds in ing["stage_seconds"].items():
        lines.append(f"| {key} | {seconds} | {ing['stage_share'][key] * 100:.1f}% |")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=50, help="copies of each seed to ingest (default 50)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "ingest.json",
                        help="JSON report path; the markdown summary goes next to it with a .md suffix")
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    parser.add_argument("--encode-min", type=int, default=512, help="texts per timed encode run (default 512)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    import logging

    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    from service.runtime import load_models

    machine = machine_info()
    print(f"machine: {machine['cpus_usable']} cores, torch {machine['torch_threads']} threads, "
          f"python {machine['python']}", flush=True)
    load_start = time.perf_counter()
    models = load_models(Settings())
    load_seconds = time.perf_counter() - load_start
    seeds = load_seeds(args.seeds)

    claims = [s.claim for _, text, published in seeds for s in models.extractor.extract(text, published).statements]
    sentences = [s for _, text, _ in seeds for s in _SENTENCE_END.split(" ".join(text.split())) if len(s) > 2]
    encode = {"claims": encode_rate(models.embedder, claims, args.encode_min),
              "sentences": encode_rate(models.embedder, sentences, args.encode_min)}
    print(f"(a) encode: claims {encode['claims']['rate_per_s']}/s, sentences {encode['sentences']['rate_per_s']}/s",
          flush=True)

    with tempfile.TemporaryDirectory(prefix="claimlens-bench-") as tmp:
        ingest = run_ingest(models, seeds, args.repeat, Path(tmp))
    claims_rate = encode["claims"]["rate_per_s"]
    windows = (("all", ingest), ("first_5", ingest["first_5"]), ("last_5", ingest["last_5"]))
    ratio = {key: round(claims_rate / w["statements_per_s"], 1) if w["statements_per_s"] else None
             for key, w in windows}
    median_rate = encode["claims"]["rate_median_per_s"]
    ratio_median = {key: round(median_rate / w["statements_per_s"], 1) if w["statements_per_s"] else None
                    for key, w in windows}
    machine["loadavg_end"] = load_average()
    report = {
        "started_at": started_at,
        "command": command_line("benchmarks.ingest", argv),
        "repeat": args.repeat, "seeds": len(seeds),
        "distinct_texts": "each repetition appends a line ' [copy N]' to the seed text (N = 0..repeat-1)",
        "machine": machine, "model_load_seconds": round(load_seconds, 2),
        "encode": encode, "ingest": ingest,
        "ratio": ratio, "ratio_with_median_encode": ratio_median,
        "ratio_definition": "encode rate (claims, best of 3, sentences/s) / ingest rate (statements/s)",
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    md = markdown(report)
    write_results(args.out, report, markdown=md)
    print()
    print(md)
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
