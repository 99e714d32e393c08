"""Evaluate time-expression extraction on TempEval-3 TBAQ exactly as the shared referee scores `POST /v1/extract`.

The referee (`../shared/eval/score_extraction.py`, `score_timeml`; run on TBAQ-cleaned/AQUAINT) sends the plain
text of each document's `<TEXT>` with the DCT's date as `published_at` and reads `time_expressions`:

- date_found: share of gold DATE timexes (with a value) that some predicted expression overlaps;
- date_exact: share whose overlapping predictions include the gold value exactly (case-insensitive) — the value
  at the gold's granularity (`1998-08-14`, `1998-W33`, `1998-08`, `1998`, `PRESENT_REF`);
- day_exact: exact among the day-granular gold values (`YYYY-MM-DD`), as "exact/total";
- date_precision: share of predicted expressions that overlap any gold timex (DATE, TIME, DURATION or SET).

This script runs `StatementExtractor` in-process (the API's own extractor) and reproduces the HTTP edge's input
checks, so each subset's figures equal what the referee prints for it (the referee's own figure is the
`AQUAINT` block). It also scores TimeBank and both together, and adds an error analysis: missed and wrong DATE
values by granularity, and the most frequent unmatched predicted expressions.

Run from the repository root:
`HF_HUB_OFFLINE=1 .venv/bin/python -m lab.extraction.evaluate_tempeval [--subset AQUAINT] [--limit N]
[--show-errors K]`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lab.extraction.inputs import overlap, request_error
from lab.paths import RESULTS_DIR, SHARED_DATA

DEFAULT_DATA = SHARED_DATA / "tempeval3"
DEFAULT_OUT = RESULTS_DIR / "tempeval3.json"
SUBSETS = ("AQUAINT", "TimeBank")
REFEREE_SUBSET = "AQUAINT"
DAY = re.compile(r"\d{4}-\d\d-\d\d")

log = logging.getLogger("evaluate_tempeval")


@dataclass
class Totals:
    """Running counts over documents, named as in the referee."""

    found: int = 0
    exact: int = 0
    total: int = 0
    errors: int = 0
    day_total: int = 0
    day_exact: int = 0
    predicted: int = 0
    predicted_right: int = 0
    documents: int = 0
    words: int = 0
    seconds: float = 0.0

    def add(self, other: Totals) -> None:
        """Add another subset's counts to these."""
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    def summary(self) -> dict[str, Any]:
        """Return the referee's keys with its rounding, then the raw counts and throughput."""
        return {
            "date_found": round(self.found / self.total, 3) if self.total else 0.0,
            "date_exact": round(self.exact / self.total, 3) if self.total else 0.0,
            "gold_dates": self.total,
            "day_exact": f"{self.day_exact}/{self.day_total}",
            "date_precision": round(self.predicted_right / self.predicted, 3) if self.predicted else 0.0,
            "errors": self.errors,
            "day_exact_share": round(self.day_exact / self.day_total, 3) if self.day_total else 0.0,
            "found": self.found, "exact": self.exact, "predicted": self.predicted,
            "predicted_right": self.predicted_right, "documents": self.documents, "words": self.words,
            "extract_seconds": round(self.seconds, 1),
            "words_per_second": round(self.words / self.seconds, 1) if self.seconds else None,
        }


def te3_doc(path: Path) -> tuple[str, str, list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Plain text of <TEXT>, the DCT value, the DATE timexes with their gold values, and every timex's span."""
    root = ET.parse(path).getroot()
    dct = root.find("DCT/TIMEX3").get("value")[:10]
    text_el = root.find("TEXT")
    parts: list[str] = []
    golds: list[tuple[int, int, str]] = []
    spans: list[tuple[int, int]] = []

    def walk(el: ET.Element) -> None:
        """Append an element's text (recording TIMEX3 spans), then its children and their tails."""
        if el.text:
            start = sum(map(len, parts))
            parts.append(el.text)
            if el.tag == "TIMEX3":
                spans.append((start, start + len(el.text)))
            if el.tag == "TIMEX3" and el.get("type") == "DATE" and el.get("value"):
                golds.append((start, start + len(el.text), el.get("value")))
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(text_el)
    return "".join(parts), dct, golds, spans


def granularity(value: str) -> str:
    """Name a TimeML value's granularity: day, week, month, quarter/season, year, decade/century, ref, other."""
    v = value.upper()
    if v.endswith("_REF"):
        return "ref (PRESENT/PAST/FUTURE_REF)"
    if re.fullmatch(r"\d{4}-\d\d-\d\d", v):
        return "day"
    if re.fullmatch(r"\d{4}-\d\d-\d\dT.*", v):
        return "day+time"
    if re.fullmatch(r"\d{4}-W\d\d(-WE)?", v):
        return "week"
    if re.fullmatch(r"\d{4}-\d\d", v):
        return "month"
    if re.fullmatch(r"\d{4}-(Q\d|H\d|SP|SU|FA|WI)", v):
        return "quarter/half/season"
    if re.fullmatch(r"\d{4}", v):
        return "year"
    if re.fullmatch(r"\d{2,3}X*", v) or re.fullmatch(r"\d{2,3}", v):
        return "decade/century"
    return "other"


@dataclass
class Analysis:
    """Error analysis: DATE misses and wrong values by granularity, unmatched predictions."""

    keep: int
    gold_by_gran: Counter[str] = field(default_factory=Counter)
    missed_by_gran: Counter[str] = field(default_factory=Counter)
    wrong_by_gran: Counter[str] = field(default_factory=Counter)
    missed_text: Counter[str] = field(default_factory=Counter)
    wrong_pairs: Counter[str] = field(default_factory=Counter)
    unmatched_pred: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def example(self, kind: str, item: dict[str, str]) -> None:
        """Keep up to `keep` examples of one kind."""
        if len(self.examples[kind]) < self.keep:
            self.examples[kind].append(item)

    def summary(self, top: int = 25) -> dict[str, Any]:
        """Return the counters, most frequent first, and the kept examples."""
        return {
            "by_granularity": {g: {"gold": n, "missed": self.missed_by_gran[g], "wrong_value": self.wrong_by_gran[g]}
                               for g, n in self.gold_by_gran.most_common()},
            "missed_texts": dict(self.missed_text.most_common(top)),
            "wrong_values": dict(self.wrong_pairs.most_common(top)),
            "unmatched_predictions": dict(self.unmatched_pred.most_common(top)),
            "examples": dict(self.examples),
        }


def score_doc(extractor: Any, path: Path, t: Totals, analysis: Analysis) -> None:
    """Score one document into the totals, as the referee's loop body does."""
    text, dct, golds, spans = te3_doc(path)
    t.documents += 1
    t.total += len(golds)
    t.day_total += sum(1 for g in golds if DAY.fullmatch(g[2]))
    problem = request_error(text, dct)
    if problem is None:
        try:
            tick = time.perf_counter()
            extraction = extractor.extract(text, dt.date.fromisoformat(dct) if dct else None)
            t.seconds += time.perf_counter() - tick
            t.words += len(text.split())
        except Exception as exc:  # the API would answer 500
            problem = f"extractor raised {exc!r}"
    if problem is not None:
        log.warning("%s: %s (counted as a request error)", path.name, problem)
        t.errors += 1
        return
    preds = [((e.span.start, e.span.end), e.value, e.text) for e in extraction.time_expressions]
    t.predicted += len(preds)
    for span, value, surface in preds:
        if any(overlap(span, g) > 0 for g in spans):
            t.predicted_right += 1
        else:
            analysis.unmatched_pred[" ".join(surface.lower().split())] += 1
            analysis.example("unmatched prediction", {"doc": path.name, "text": surface, "value": str(value)})
    for start, end, value in golds:
        gran = granularity(value)
        analysis.gold_by_gran[gran] += 1
        surface = " ".join(text[start:end].split())
        hits = [(v, s) for span, v, s in preds if overlap(span, (start, end)) > 0]
        if not hits:
            analysis.missed_by_gran[gran] += 1
            analysis.missed_text[surface.lower()] += 1
            analysis.example(f"missed {gran}", {"doc": path.name, "dct": dct, "text": surface, "gold": value})
            continue
        t.found += 1
        if any(isinstance(v, str) and v.upper() == value.upper() for v, _ in hits):
            t.exact += 1
            t.day_exact += bool(DAY.fullmatch(value))
            continue
        analysis.wrong_by_gran[gran] += 1
        got = ", ".join(f"{s!r}={v}" for v, s in hits)
        analysis.wrong_pairs[f"{surface.lower()!r}: gold {granularity(value)}, got {got}"[:140]] += 1
        analysis.example(f"wrong {gran}", {"doc": path.name, "dct": dct, "text": surface, "gold": value,
                                           "predicted": got})


def evaluate(root: Path, subsets: list[str], limit: int | None, keep: int) -> dict[str, Any]:
    """Run the extractor over the chosen TBAQ subsets; return per-subset and combined figures with the analysis."""
    from service.runtime import served_extractor

    started = time.perf_counter()
    extractor = served_extractor()  # as the service runs it (CLAIMLENS_EXTRACTION_TAGGER=false: rules alone)
    result: dict[str, Any] = {"model_load_seconds": round(time.perf_counter() - started, 1)}
    combined = Totals()
    analysis = Analysis(keep=keep)
    for subset in subsets:
        paths = sorted((root / "TBAQ-cleaned" / subset).glob("*.tml"))[:limit]
        totals = Totals()
        for path in paths:
            score_doc(extractor, path, totals, analysis)
        result[subset] = totals.summary()
        combined.add(totals)
    if len(subsets) > 1:
        result["all"] = combined.summary()
    result["analysis"] = analysis.summary()
    return result


def print_errors(result: dict[str, Any], k: int) -> None:
    """Print the error analysis and up to k examples of each kind to stderr."""
    a = result["analysis"]
    out = sys.stderr
    print("\n== DATE timexes by granularity (gold / missed / wrong value)", file=out)
    for gran, row in a["by_granularity"].items():
        print(f"{row['gold']:6d} {row['missed']:6d} {row['wrong_value']:6d}  {gran}", file=out)
    for title in ("missed_texts", "wrong_values", "unmatched_predictions"):
        print(f"\n== {title}", file=out)
        for kind, n in a[title].items():
            print(f"{n:6d}  {kind}", file=out)
    for kind, items in a["examples"].items():
        print(f"\n-- {kind}", file=out)
        for item in items[:k]:
            print("   " + " | ".join(f"{key}: {value}" for key, value in item.items()), file=out)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, evaluate, print the figures as JSON and write them to --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="TempEval-3 root (TBAQ-cleaned/)")
    parser.add_argument("--subset", choices=[*SUBSETS, "all"], default="all",
                        help=f"TBAQ subset; the referee scores {REFEREE_SUBSET} (default: both, reported apart)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents of each subset")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON results")
    parser.add_argument("--show-errors", type=int, default=0, metavar="K",
                        help="print the error analysis with K examples per kind to stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    subsets = list(SUBSETS) if args.subset == "all" else [args.subset]
    result = evaluate(args.data, subsets, args.limit, keep=max(args.show_errors, 3))
    result = {"data": str(args.data), "limit": args.limit, "referee_subset": REFEREE_SUBSET, **result}
    if args.show_errors:
        print_errors(result, args.show_errors)
    print(json.dumps({k: v for k, v in result.items() if k != "analysis"}, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
