"""Extraction throughput in words per second: the rules alone, and the rules plus the trained attribution tagger.

Runs `StatementExtractor.extract` (what `POST /v1/extract` and every ingest run) over real news text: the PolNeAR
dev articles (84 US political news pieces, `../shared/data/polnear`) and the five demo seeds; words are
whitespace-separated tokens. Each configuration is warmed up on one article, then timed over all of them,
`--repeats` times (best and median reported), with `--threads` torch threads (the tagger is the only torch model
involved; spaCy runs single-threaded).

    HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.extraction [--threads 1] [--repeats 3]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS_DIR, command_line, load_average, write_results
from lab.paths import SEEDS_DIR, SHARED_DATA
from service.domain.extraction.statements import StatementExtractor
from service.runtime import build_extractor
from service.settings import Settings

POLNEAR_DEV = SHARED_DATA / "polnear" / "dev" / "text"
SEED_DATE = re.compile(r"^ date \d{4}-\d{2}-\d{2}\s*")  # the seeds' publication-date prefix (`claimlens seed`)


def texts(polnear: Path, seeds: Path) -> list[str]:
    """The PolNeAR dev articles (sorted by name) and the seeds (their date prefix dropped)."""
    articles = [path.read_text(encoding="utf-8") for path in sorted(polnear.glob("*.txt"))]
    for path in sorted(seeds.glob("*.txt")):
        articles.append(SEED_DATE.sub("", path.read_text(encoding="utf-8"), count=1))
    return articles


def time_extractor(extractor: StatementExtractor, articles: list[str], repeats: int) -> dict[str, Any]:
    """Words per second over all articles, best and median of `repeats` passes, and statements found."""
    extractor.extract(articles[0], None)  # warm-up: lazy spaCy and torch initialisation
    words = sum(len(text.split()) for text in articles)
    rates, statements = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        statements = sum(len(extractor.extract(text, None).statements) for text in articles)
        rates.append(words / (time.perf_counter() - started))
    return {"words": words, "statements": statements, "words_per_second_best": round(max(rates), 1),
            "words_per_second_median": round(statistics.median(rates), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", type=Path, default=POLNEAR_DEV)
    parser.add_argument("--seeds", type=Path, default=SEEDS_DIR)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "extraction.json")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    articles = texts(args.polnear, args.seeds)
    configurations = {
        "rules alone (CLAIMLENS_EXTRACTION_TAGGER=false)": build_extractor(Settings(extraction_tagger=False)),
        "rules + attribution tagger (served)": build_extractor(Settings(extraction_tagger=True)),
    }
    report: dict[str, Any] = {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": command_line("benchmarks.extraction"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "torch_threads": args.threads,
                    "loadavg_start": load_average()},
        "articles": len(articles),
        "results": {name: time_extractor(extractor, articles, args.repeats)
                    for name, extractor in configurations.items()},
    }
    report["machine"]["loadavg_end"] = load_average()
    print(json.dumps(report, indent=2))
    write_results(args.out, report)


if __name__ == "__main__":
    main()
