"""Evaluate attribution extraction on PolNeAR dev exactly as the shared referee scores `POST /v1/extract`.

The referee (`../shared/eval/score_extraction.py`, `score_polnear`) sends every dev article that has an
annotation file to the API with its publication date and scores the answer against the first annotator's
attributions that have both a Source and a Content (discontinuous spans merged to their outer bounds):

- predictions are the statements' `claim_span`s, each with its `speaker_span` (or none);
- predictions and gold attributions are paired one-to-one, greedily, largest character overlap of claim span
  and Content first (ties: higher prediction index, then higher gold index, as Python's reverse tuple sort);
- content overlap F1: precision = matched / predicted, recall = matched / gold;
- source overlap F1: a matched pair counts when its speaker span overlaps the gold Source; precision over the
  predictions that have a speaker span, recall over all gold attributions;
- content token F1: the mean bag-of-words (`\\w+`, lower-cased) F1 of the matched claim span and Content.

This script runs `StatementExtractor` in-process (the API's own extractor) and reproduces the HTTP edge's input
checks (empty / over-long / NUL text, an unparsable date: a request error that counts all of the document's gold
as missed), so its `content_f1`, `source_f1`, `content_token_f1`, `predicted`, `gold` and `errors` equal what the
referee prints. It adds precision and recall, throughput, and an error analysis: the kinds of missed gold
attributions (mostly by their cue word, lemmatised), unmatched predictions, wrong sources and claim-boundary
differences of matched pairs.

Run from the repository root:
`HF_HUB_OFFLINE=1 .venv/bin/python -m lab.extraction.evaluate_polnear [--limit N] [--show-errors K]`.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import logging
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lab.datasets.polnear import COMPARTMENT, DEFAULT_DATA, GoldAttribution, documents, read_gold
from lab.extraction.inputs import overlap, request_error
from lab.paths import RESULTS_DIR

DEFAULT_OUT = RESULTS_DIR / "polnear_dev.json"
QUOTES = "\"“”'‘’«»"
PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "me", "his",
                      "their", "its", "our", "my", "your", "who", "which", "that", "this"})
# Content-token-F1 boundary kinds: why a matched claim span differs from the gold Content.
BOUNDARY_KINDS = ("exact", "pred inside gold", "gold inside pred", "partial overlap")

log = logging.getLogger("evaluate_polnear")


@dataclass(frozen=True)
class Prediction:
    """One predicted statement reduced to what the referee reads, plus the cue for the error analysis."""

    claim: tuple[int, int]
    speaker: tuple[int, int] | None
    cue: str | None


@dataclass
class Totals:
    """Running counts over documents, named as in the referee."""

    n_pred: int = 0
    n_gold: int = 0
    n_content: int = 0
    n_source: int = 0
    n_pred_with_speaker: int = 0
    errors: int = 0
    documents: int = 0
    words: int = 0
    token_scores: list[float] = field(default_factory=list)


def f1(p: float, r: float) -> float:
    """Return the harmonic mean (the referee's `client.f1`)."""
    return 2 * p * r / (p + r) if p + r else 0.0


def tokens(text: str, span: tuple[int, int]) -> list[str]:
    """Return the lower-cased `\\w+` tokens of a span of the text."""
    return re.findall(r"\w+", text[span[0]:span[1]].lower())


def token_f1(text: str, pred: tuple[int, int], gold: tuple[int, int]) -> float:
    """Return the bag-of-tokens F1 of two spans of the same text."""
    p, g = tokens(text, pred), tokens(text, gold)
    common = sum(min(p.count(t), g.count(t)) for t in set(p))
    return f1(common / len(p), common / len(g)) if p and g and common else 0.0


def match(preds: list[Prediction], gold: list[GoldAttribution]) -> list[tuple[int, int, int]]:
    """Pair predictions and gold one-to-one as the referee does; return (overlap, pred index, gold index)."""
    pairs = sorted(((overlap(p.claim, g.content), i, j) for i, p in enumerate(preds) for j, g in enumerate(gold)),
                   reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    matched = []
    for size, i, j in pairs:
        if size <= 0 or i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        matched.append((size, i, j))
    return matched


def predict(extractor: Any, text: str, published_at: str | None) -> list[Prediction]:
    """Run the extractor as `POST /v1/extract` would and keep the spans the referee reads."""
    date = dt.date.fromisoformat(published_at) if published_at else None
    extraction = extractor.extract(text, date)
    preds = []
    for st in extraction.statements:
        if st.claim_span is None:
            continue
        speaker = (st.speaker_span.start, st.speaker_span.end) if st.speaker_span is not None else None
        preds.append(Prediction((st.claim_span.start, st.claim_span.end), speaker, st.cue))
    return preds


def snippet(text: str, span: tuple[int, int] | None, width: int = 160) -> str:
    """Return a span's text on one line, shortened in the middle."""
    if span is None:
        return "<none>"
    s = " ".join(text[span[0]:span[1]].split())
    return s if len(s) <= width else s[: width // 2 - 2] + " … " + s[-(width // 2 - 2):]


def boundary_kind(pred: tuple[int, int], gold: tuple[int, int]) -> str:
    """Classify how a matched claim span sits against its gold Content."""
    if pred == gold:
        return "exact"
    if gold[0] <= pred[0] and pred[1] <= gold[1]:
        return "pred inside gold"
    if pred[0] <= gold[0] and gold[1] <= pred[1]:
        return "gold inside pred"
    return "partial overlap"


class CueLemmas:
    """Lemmatise cue strings with the extractor's spaCy pipeline (cached) into a short key: 'say', 'according to'."""

    def __init__(self, nlp: Any) -> None:
        """Keep the spaCy pipeline that lemmatises cues."""
        self._nlp = nlp
        self._cache: dict[str, str] = {}

    def key(self, cue: str) -> str:
        """Return the cue's key: its main verb's lemma, else its noun's, else the lower-cased words."""
        low = " ".join(cue.lower().split())
        if low not in self._cache:
            self._cache[low] = self._compute(low)
        return self._cache[low]

    def _compute(self, low: str) -> str:
        """Lemmatise one lower-cased cue into its key."""
        if "according" in low:
            return "according to"
        if not low:
            return "<empty>"
        doc = self._nlp(low)
        for pos in ("VERB", "NOUN", "ADJ", "AUX"):
            for tok in doc:
                if tok.pos_ == pos:
                    return tok.lemma_.lower()
        return low


@dataclass
class Analysis:
    """Error analysis across documents."""

    covered: frozenset[str]
    cues: CueLemmas
    miss_kinds: Counter[str] = field(default_factory=Counter)
    missed_cues: Counter[str] = field(default_factory=Counter)
    gold_cues: Counter[str] = field(default_factory=Counter)
    fp_kinds: Counter[str] = field(default_factory=Counter)
    fp_cues: Counter[str] = field(default_factory=Counter)
    source_kinds: Counter[str] = field(default_factory=Counter)
    boundary: Counter[str] = field(default_factory=Counter)
    boundary_detail: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def example(self, kind: str, item: dict[str, str], keep: int) -> None:
        """Keep up to `keep` examples of one kind."""
        if len(self.examples[kind]) < keep:
            self.examples[kind].append(item)

    def document(self, name: str, text: str, preds: list[Prediction], gold: list[GoldAttribution],
                 matched: list[tuple[int, int, int]], keep: int) -> None:
        """Classify one document's misses, false positives, wrong sources and boundary differences."""
        pred_of = {j: i for _, i, j in matched}
        gold_of = {i: j for _, i, j in matched}
        for j, g in enumerate(gold):
            cue = text[g.cue[0]:g.cue[1]] if g.cue else ""
            key = self.cues.key(cue) if g.cue else "<no cue>"
            self.gold_cues[key] += 1
            if j in pred_of:
                continue
            self.missed_cues[key] += 1
            kind = self._miss_kind(text, g, key, preds, gold)
            self.miss_kinds[kind] += 1
            self.example(f"miss: {kind}", {"doc": name, "cue": cue, "source": snippet(text, g.source),
                                           "content": snippet(text, g.content)}, keep)
        for i, p in enumerate(preds):
            if i in gold_of:
                g = gold[gold_of[i]]
                self._source(name, text, p, g, keep)
                self._boundary(text, p.claim, g.content)
                continue
            kind = self._fp_kind(p, gold)
            self.fp_kinds[kind] += 1
            self.example(f"false positive: {kind}", {"doc": name, "cue": p.cue or "", "speaker": snippet(
                text, p.speaker), "claim": snippet(text, p.claim)}, keep)

    def _miss_kind(self, text: str, g: GoldAttribution, key: str, preds: list[Prediction],
                   gold: list[GoldAttribution]) -> str:
        """Name why a gold attribution found no prediction (first matching reason wins)."""
        if any(o is not g and o.cue and g.content[0] <= o.cue[0] and o.cue[1] <= g.content[1] for o in gold):
            return "nested: outer attribution whose content holds another attribution (inner one kept)"
        if any(overlap(p.claim, g.content) > 0 for p in preds):
            return "content overlaps a claim already paired with another gold attribution (merged / split)"
        if any(p.speaker and overlap(p.speaker, g.source) > 0 for p in preds):
            return "source found for another claim, this content missed (second content / other clause)"
        if key == "<no cue>":
            return "no cue annotated"
        if key not in self.covered:
            return "cue not in REPORTING_VERBS / 'according to' (see missed_by_cue)"
        if text[g.source[0]:g.source[1]].strip().lower() in PRONOUNS:
            return "covered cue, pronoun source: missed"
        if text[g.content[0]:g.content[1]].strip()[:1] in QUOTES:
            return "covered cue, quoted content: missed"
        if g.cue is not None and g.content[0] >= g.cue[1]:
            return "covered cue, content after cue: missed"
        return "covered cue, content before cue: missed"

    def _fp_kind(self, p: Prediction, gold: list[GoldAttribution]) -> str:
        """Count an unmatched prediction's cue and name where it sits against the gold."""
        self.fp_cues[(p.cue or "<no cue>").lower()] += 1
        if any(overlap(p.claim, g.content) > 0 for g in gold):
            return "overlaps an already paired gold content (split claim or nested inner)"
        if p.speaker and any(overlap(p.speaker, g.source) > 0 for g in gold):
            return "gold source, claim not annotated as its content"
        return "no gold attribution there"

    def _source(self, name: str, text: str, p: Prediction, g: GoldAttribution, keep: int) -> None:
        """Classify a matched pair's speaker span against the gold Source."""
        if p.speaker and overlap(p.speaker, g.source) > 0:
            self.source_kinds["right"] += 1
            return
        if p.speaker is None:
            kind = "no speaker span predicted"
        elif overlap(p.speaker, g.content) > 0:
            kind = "speaker span inside the gold content (nested: inner source kept)"
        elif text[g.source[0]:g.source[1]].strip().lower() in PRONOUNS:
            kind = "gold source is a pronoun, predicted another mention"
        else:
            kind = "other mention predicted"
        self.source_kinds[kind] += 1
        self.example(f"source: {kind}", {"doc": name, "predicted": snippet(text, p.speaker),
                                         "gold": snippet(text, g.source), "content": snippet(text, g.content)},
                     keep)

    def _boundary(self, text: str, pred: tuple[int, int], gold: tuple[int, int]) -> None:
        """Count how a matched claim span's boundaries differ from the gold Content."""
        kind = boundary_kind(pred, gold)
        self.boundary[kind] += 1
        if kind == "exact":
            return
        gold_words = tokens(text, gold)
        pred_words = tokens(text, pred)
        if gold_words[:1] == ["that"] and pred_words[:1] != ["that"]:
            self.boundary_detail["gold starts with 'that', pred does not"] += 1
        if text[gold[0]:gold[1]].strip()[:1] in QUOTES and text[pred[0]:pred[1]].strip()[:1] not in QUOTES:
            self.boundary_detail["gold includes the opening quote mark"] += 1
        if pred[0] > gold[0] and len(tokens(text, (gold[0], pred[0]))) > 1:
            self.boundary_detail["pred starts later by 2+ words"] += 1
        if pred[1] < gold[1] and len(tokens(text, (pred[1], gold[1]))) > 1:
            self.boundary_detail["pred ends earlier by 2+ words"] += 1
        if pred[0] < gold[0] and len(tokens(text, (pred[0], gold[0]))) > 1:
            self.boundary_detail["pred starts earlier by 2+ words"] += 1
        if pred[1] > gold[1] and len(tokens(text, (gold[1], pred[1]))) > 1:
            self.boundary_detail["pred ends later by 2+ words"] += 1

    def summary(self, top: int = 25) -> dict[str, Any]:
        """Return the counters (most frequent first) and the kept examples."""
        recall_by_cue = {k: {"gold": n, "missed": self.missed_cues[k], "covered": k in self.covered}
                         for k, n in self.gold_cues.most_common(top)}
        return {
            "miss_kinds": dict(self.miss_kinds.most_common(top)),
            "missed_by_cue": dict(self.missed_cues.most_common(top)),
            "missed_uncovered_cues": dict(Counter({k: n for k, n in self.missed_cues.items()
                                                   if k not in self.covered}).most_common(top)),
            "gold_by_cue": recall_by_cue,
            "false_positive_kinds": dict(self.fp_kinds.most_common(top)),
            "false_positives_by_cue": dict(self.fp_cues.most_common(top)),
            "source_of_matched": dict(self.source_kinds.most_common()),
            "boundary_of_matched": dict(self.boundary.most_common()),
            "boundary_detail": dict(self.boundary_detail.most_common()),
            "examples": dict(self.examples),
        }


def evaluate(root: Path, limit: int | None, keep: int) -> dict[str, Any]:
    """Run the extractor over PolNeAR dev and return the referee's figures, extras and the error analysis."""
    from service.domain.extraction.cues import REPORTING_VERBS
    from service.domain.extraction.statements import load_spacy
    from service.runtime import served_extractor

    started = time.perf_counter()
    extractor = served_extractor()  # as the service runs it (CLAIMLENS_EXTRACTION_TAGGER=false: rules alone)
    loaded = time.perf_counter()
    analysis = Analysis(covered=frozenset(REPORTING_VERBS | {"according to"}), cues=CueLemmas(load_spacy()))
    with open(root / "metadata.tsv") as handle:
        dates = {row["filename"]: row["publication_date"] for row in csv.DictReader(handle, delimiter="\t")}
    t = Totals()
    extract_seconds = 0.0
    for txt, ann in documents(root, limit):
        text = txt.read_text(encoding="utf-8")
        gold = read_gold(ann)
        published_at = dates.get(txt.stem)
        t.documents += 1
        problem = request_error(text, published_at)
        if problem is None:
            try:
                tick = time.perf_counter()
                preds = predict(extractor, text, published_at)
                extract_seconds += time.perf_counter() - tick
                t.words += len(text.split())
            except Exception as exc:  # the API would answer 500
                problem = f"extractor raised {exc!r}"
        if problem is not None:
            log.warning("%s: %s (counted as a request error)", txt.stem, problem)
            t.errors += 1
            t.n_gold += len(gold)
            continue
        t.n_pred += len(preds)
        t.n_pred_with_speaker += sum(1 for p in preds if p.speaker)
        t.n_gold += len(gold)
        matched = match(preds, gold)
        for _, i, j in matched:
            t.n_content += 1
            t.token_scores.append(token_f1(text, preds[i].claim, gold[j].content))
            if preds[i].speaker and overlap(preds[i].speaker, gold[j].source) > 0:
                t.n_source += 1
        analysis.document(txt.stem, text, preds, gold, matched, keep)
    return report(t, analysis, loaded - started, extract_seconds)


def report(t: Totals, analysis: Analysis, load_seconds: float, extract_seconds: float) -> dict[str, Any]:
    """Return the referee's keys (same rounding) followed by precision/recall, timing and the analysis."""
    content_p = t.n_content / t.n_pred if t.n_pred else 0.0
    content_r = t.n_content / t.n_gold if t.n_gold else 0.0
    source_p = t.n_source / t.n_pred_with_speaker if t.n_pred_with_speaker else 0.0
    source_r = t.n_source / t.n_gold if t.n_gold else 0.0
    content_f1 = f1(content_p, content_r) if t.n_pred and t.n_gold else 0.0
    source_f1 = f1(source_p, source_r) if t.n_pred_with_speaker and t.n_gold else 0.0
    token = round(sum(t.token_scores) / len(t.token_scores), 3) if t.token_scores else 0.0
    return {
        "content_f1": round(content_f1, 3), "source_f1": round(source_f1, 3), "content_token_f1": token,
        "predicted": t.n_pred, "gold": t.n_gold, "errors": t.errors,
        "content_precision": round(content_p, 3), "content_recall": round(content_r, 3),
        "source_precision": round(source_p, 3), "source_recall": round(source_r, 3),
        "matched": t.n_content, "matched_with_right_source": t.n_source,
        "predicted_with_speaker": t.n_pred_with_speaker, "documents": t.documents,
        "compartment": COMPARTMENT, "words": t.words, "model_load_seconds": round(load_seconds, 1),
        "extract_seconds": round(extract_seconds, 1),
        "words_per_second": round(t.words / extract_seconds, 1) if extract_seconds else None,
        "analysis": analysis.summary(),
    }


def print_errors(result: dict[str, Any], k: int) -> None:
    """Print the error analysis and up to k examples of each kind to stderr."""
    a = result["analysis"]
    out = sys.stderr
    for title in ("miss_kinds", "missed_uncovered_cues", "false_positive_kinds", "false_positives_by_cue",
                  "source_of_matched", "boundary_of_matched", "boundary_detail"):
        print(f"\n== {title}", file=out)
        for kind, n in a[title].items():
            print(f"{n:6d}  {kind}", file=out)
    print("\n== gold by cue (gold / missed / covered by REPORTING_VERBS)", file=out)
    for cue, row in a["gold_by_cue"].items():
        print(f"{row['gold']:6d} {row['missed']:6d}  {'yes' if row['covered'] else 'no ':3}  {cue}", file=out)
    for kind, items in a["examples"].items():
        print(f"\n-- {kind}", file=out)
        for item in items[:k]:
            print("   " + " | ".join(f"{key}: {value}" for key, value in item.items()), file=out)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, evaluate, print the figures as JSON and write them to --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="PolNeAR root (metadata.tsv, dev/)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N annotated dev articles")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON results")
    parser.add_argument("--show-errors", type=int, default=0, metavar="K",
                        help="print the error analysis with K examples per kind to stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    result = evaluate(args.data, args.limit, keep=max(args.show_errors, 3))
    result = {"data": str(args.data), "limit": args.limit, **result}
    if args.show_errors:
        print_errors(result, args.show_errors)
    headline = {k: v for k, v in result.items() if k != "analysis"}
    print(json.dumps(headline, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
