"""Evaluate statement extraction on the hand-annotated demo seeds (`tests/data/seeds_gold.json`).

Runs the extractor on each seed (the leading ` date YYYY-MM-DD` line removed, as `claimlens seed` does),
matches predicted to gold statements one-to-one by claim-span overlap, prints JSON and writes it to
`lab/results/extraction_seeds.json`. Run from the repository root:
`HF_HUB_OFFLINE=1 .venv/bin/python -m lab.extraction.evaluate_seeds [--show-errors]`.

Figures: statement precision / recall / F1 (a prediction matches a gold statement when their claim spans
overlap; the assignment maximises total overlap); among matched pairs, speaker accuracy (normalised name
equal to the gold name or one of its aliases, or rapidfuzz token_set_ratio >= 90), strict speaker accuracy
(canonical name only), affiliation, role, speaker kind and exact date accuracy, speaker-span overlap, and the mean
token F1 of the claim spans (as the shared referee computes content token F1) and of the claim texts.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import logging
import pathlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rapidfuzz import fuzz

from lab.extraction.inputs import overlap
from lab.paths import REPO_ROOT, RESULTS_DIR, SEEDS_DIR

DEFAULT_GOLD = REPO_ROOT / "tests" / "data" / "seeds_gold.json"
DEFAULT_SEEDS = SEEDS_DIR
DEFAULT_OUT = RESULTS_DIR / "extraction_seeds.json"
DEFAULT_EXTRACTOR = "service.runtime:served_extractor"  # the rules + tagger, as CLAIMLENS_* settings say
FUZZY_THRESHOLD = 90.0
SPEAKER_TIE_BREAK = 0.001  # added to a pair's overlap when the speakers agree; 1,000 pairs stay below 1 char
# The publication-date line of a seed file: ` date YYYY-MM-DD`, then one space or a newline before the text.
SYNONYMS = {"us": "united states", "u s": "united states", "usa": "united states",
            "united states of america": "united states", "defense": "defence", "the kremlin": "kremlin"}

log = logging.getLogger("evaluate_extraction")


class Extractor(Protocol):
    """What the evaluator needs from `service.domain.extraction.statements.StatementExtractor`."""

    def extract(self, text: str, published_at: dt.date | None) -> Any:
        """Return an `Extraction` whose `statements` are `ExtractedStatement`s."""


@dataclass(frozen=True)
class Predicted:
    """One predicted statement, flattened from an `ExtractedStatement`."""

    claim: str
    span: tuple[int, int]
    speaker: str
    kind: str | None
    affiliation: str | None
    role: str | None
    speaker_span: tuple[int, int] | None
    date: str | None


@dataclass
class Counts:
    """Running totals over matched pairs."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker: int = 0
    speaker_strict: int = 0
    affiliation: int = 0
    role: int = 0
    kind: int = 0
    date: int = 0
    speaker_span: int = 0
    speaker_span_gold: int = 0
    span_token_f1: float = 0.0
    claim_token_f1: float = 0.0
    # Speaker accuracy where the gold mention needs resolving within the document (see `mention_kind`).
    pronoun: int = 0
    pronoun_right: int = 0
    description: int = 0
    description_right: int = 0
    surname: int = 0
    surname_right: int = 0

    def add(self, other: Counts) -> None:
        """Add another document's totals to these."""
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    def summary(self) -> dict[str, Any]:
        """Return precision, recall, F1 and the matched-pair accuracies, rounded."""
        precision = self.matched / self.predicted if self.predicted else 0.0
        recall = self.matched / self.gold if self.gold else 0.0
        m = self.matched

        def share(value: float, total: int) -> float | None:
            return round(value / total, 3) if total else None

        return {
            "gold": self.gold, "predicted": self.predicted, "matched": m,
            "precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(f1(precision, recall), 3),
            "speaker_accuracy": share(self.speaker, m),
            "speaker_accuracy_strict": share(self.speaker_strict, m),
            "affiliation_accuracy": share(self.affiliation, m),
            "role_accuracy": share(self.role, m),
            "speaker_kind_accuracy": share(self.kind, m),
            "date_accuracy": share(self.date, m),
            "speaker_span_accuracy": share(self.speaker_span, self.speaker_span_gold),
            "speaker_accuracy_by_mention": {
                "pronoun": f"{self.pronoun_right}/{self.pronoun}",
                "description": f"{self.description_right}/{self.description}",
                "surname": f"{self.surname_right}/{self.surname}",
            },
            "content_token_f1": share(self.span_token_f1, m),
            "claim_text_token_f1": share(self.claim_token_f1, m),
        }


def f1(precision: float, recall: float) -> float:
    """Return the harmonic mean of precision and recall (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def read_seed(path: pathlib.Path) -> tuple[str, dt.date | None]:
    """Return a seed's document text (date line removed) and its publication date, as `claimlens seed` reads it."""
    from service.cli import split_seed

    return split_seed(path.read_text(encoding="utf-8"))


def normalise(name: str | None) -> str:
    """Return a name casefolded, punctuation dropped, whitespace collapsed and common synonyms unified."""
    if not name:
        return ""
    text = re.sub(r"[^\w\s]", " ", name.casefold())
    text = " ".join(SYNONYMS.get(word, word) for word in text.split())
    text = re.sub(r"^the ", "", text)
    return SYNONYMS.get(text, text)


def same_name(predicted: str | None, gold: str | None, aliases: Sequence[str] = ()) -> bool:
    """Whether a predicted name is the gold one (or an alias): equal after normalising, or fuzzily close."""
    pred = normalise(predicted)
    golds = [normalise(gold), *(normalise(alias) for alias in aliases)]
    if not pred or not golds[0]:
        return pred == golds[0]
    return any(pred == g or fuzz.token_set_ratio(pred, g) >= FUZZY_THRESHOLD for g in golds if g)


def same_affiliation(predicted: str | None, gold: dict[str, Any]) -> bool:
    """Whether a predicted affiliation is the gold one; none is right for a body that is its own."""
    if not predicted and same_name(gold.get("affiliation"), gold["speaker"]):
        return True  # speaker "Russia", affiliation "Russia": leaving it out says the same
    return same_name(predicted, gold.get("affiliation"), gold.get("affiliation_aliases", []))


def tokens(text: str) -> list[str]:
    """Return lower-cased word tokens."""
    return re.findall(r"\w+", text.lower())


def token_f1(predicted: str, gold: str) -> float:
    """Return the bag-of-tokens F1 between two strings."""
    p, g = tokens(predicted), tokens(gold)
    common = sum(min(p.count(t), g.count(t)) for t in set(p))
    return f1(common / len(p), common / len(g)) if p and g and common else 0.0


def match_greedy(sizes: list[list[float]]) -> list[tuple[int, int]]:
    """Pair predictions (rows) with gold statements (columns), largest overlap first, one-to-one."""
    ranked = sorted(((size, i, j) for i, row in enumerate(sizes) for j, size in enumerate(row) if size > 0),
                    reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in ranked:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def match_hungarian(sizes: list[list[float]]) -> list[tuple[int, int]]:
    """Pair predictions with gold statements one-to-one, maximising the total overlap (scipy)."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if not sizes or not sizes[0]:
        return []
    rows, cols = linear_sum_assignment(np.asarray(sizes, dtype=float), maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if sizes[i][j] > 0]


def choose_matcher(name: str) -> Callable[[list[list[float]]], list[tuple[int, int]]]:
    """Return the matching function; Hungarian falls back to greedy when scipy is missing."""
    if name == "hungarian":
        try:
            import scipy.optimize  # noqa: F401
        except ImportError:
            log.warning("scipy is not installed: matching greedily")
            return match_greedy
        return match_hungarian
    return match_greedy


def display_path(path: pathlib.Path) -> str:
    """Return a path relative to the repository root when it lies inside it."""
    resolved = path.resolve()
    return str(resolved.relative_to(REPO_ROOT)) if resolved.is_relative_to(REPO_ROOT) else str(path)


def load_extractor(spec: str) -> Extractor:
    """Build the extractor named by `module:callable` (a class or a factory taking no arguments)."""
    module_name, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attr or "StatementExtractor")
    return factory()


def same_role(predicted: str | None, gold: str | None) -> bool:
    """Roles agree when both are absent or equal but for case, hyphens and word order of the one title written both
    ways ("Secretary-General", "secretary general", "general secretary")."""
    def canonical(role: str | None) -> str:
        text = re.sub(r"[\s-]+", " ", role or "").strip().casefold()
        return text.replace("general secretary", "secretary general")

    return canonical(predicted) == canonical(gold)


def flatten(statement: Any) -> Predicted:
    """Turn an `ExtractedStatement` into the fields the evaluator compares."""
    speaker = statement.speaker
    span = statement.speaker_span
    kind = getattr(speaker, "kind", None)
    return Predicted(
        claim=statement.claim,
        span=(statement.claim_span.start, statement.claim_span.end),
        speaker=getattr(speaker, "name", "") or "",
        kind=str(kind) if kind is not None else None,
        affiliation=getattr(speaker, "affiliation", None),
        role=getattr(speaker, "role", None),
        speaker_span=(span.start, span.end) if span is not None else None,
        date=statement.date.isoformat() if statement.date is not None else None,
    )


def check_gold(doc: dict[str, Any], text: str) -> None:
    """Fail loudly when the gold offsets do not fit the text (other date-line stripping, an edited seed)."""
    if doc.get("text_length") is not None and doc["text_length"] != len(text):
        raise SystemExit(f"{doc['file']}: text is {len(text)} chars, gold expects {doc['text_length']}")
    for gold in doc["statements"]:
        content = text[gold["claim_start"]:gold["claim_end"]]
        if "content" in gold and gold["content"] != content:
            raise SystemExit(f"{doc['file']}: gold span {gold['claim_start']}-{gold['claim_end']} reads "
                             f"{content!r}, expected {gold['content']!r}")


_PRONOUNS = frozenset({"he", "she", "it", "they", "him", "her", "them", "who"})


def mention_kind(mention: str | None, speaker: str) -> str | None:
    """Which within-document resolution a gold mention needs: a pronoun ("he"), a description that does not name
    the speaker ("the Norwegian", "The NATO General Secretary") or a surname alone ("Stoltenberg"); None for a
    mention that names the speaker outright."""
    if not mention:
        return None
    if mention.lower() in _PRONOUNS:
        return "pronoun"
    name_words = set(normalise(speaker).split())
    mention_words = normalise(mention).split()
    if mention.lower().startswith("the ") and not name_words & set(mention_words):
        return "description"
    if len(mention_words) == 1 and mention_words[0] in name_words and len(name_words) > 1:
        return "surname"
    return None


CLAIM_WORDING_SHOWN_BELOW = 0.9  # --show-errors lists matched claims whose wording is further off


def score_document(
    text: str, golds: list[dict[str, Any]], preds: list[Predicted],
    matcher: Callable[[list[list[float]]], list[tuple[int, int]]],
) -> tuple[Counts, dict[str, list[dict[str, Any]]]]:
    """Match one document's predictions to its gold statements; return the totals and the errors."""
    gold_spans = [(g["claim_start"], g["claim_end"]) for g in golds]
    # Overlap in characters; a same-speaker bonus far below one character only breaks ties between nested
    # gold statements ("the US official questioned Russia's claims that it was withdrawing ...").
    sizes = [[size + SPEAKER_TIE_BREAK * same_name(p.speaker, g["speaker"], g.get("speaker_aliases", []))
              if (size := overlap(p.span, span)) > 0 else 0.0
              for g, span in zip(golds, gold_spans, strict=True)] for p in preds]
    pairs = matcher(sizes)
    counts = Counts(gold=len(golds), predicted=len(preds), matched=len(pairs))
    errors: dict[str, list[dict[str, Any]]] = {"misses": [], "false_positives": [], "wrong_attributes": [],
                                               "claim_wording": []}
    for i, j in pairs:
        pred, gold = preds[i], golds[j]
        gold_span = gold_spans[j]
        checks = {
            "speaker": same_name(pred.speaker, gold["speaker"], gold.get("speaker_aliases", [])),
            "affiliation": same_affiliation(pred.affiliation, gold),
            "date": pred.date == gold.get("date"),
            "role": same_role(pred.role, gold.get("role")),
            "kind": pred.kind == gold.get("speaker_kind"),
        }
        counts.speaker += checks["speaker"]
        counts.speaker_strict += same_name(pred.speaker, gold["speaker"])
        counts.affiliation += checks["affiliation"]
        counts.role += checks["role"]
        counts.kind += checks["kind"]
        counts.date += checks["date"]
        kind = mention_kind(gold.get("speaker_mention"), gold["speaker"])
        if kind is not None:
            setattr(counts, kind, getattr(counts, kind) + 1)
            setattr(counts, f"{kind}_right", getattr(counts, f"{kind}_right") + checks["speaker"])
        if gold.get("speaker_start") is not None:
            counts.speaker_span_gold += 1
            gold_mention = (gold["speaker_start"], gold["speaker_end"])
            counts.speaker_span += (pred.speaker_span is not None
                                    and overlap(pred.speaker_span, gold_mention) > 0)
        counts.span_token_f1 += token_f1(text[pred.span[0]:pred.span[1]], text[gold_span[0]:gold_span[1]])
        claim_f1 = token_f1(pred.claim, gold["claim"])
        counts.claim_token_f1 += claim_f1
        if claim_f1 < CLAIM_WORDING_SHOWN_BELOW:
            errors["claim_wording"].append({"gold_span": list(gold_span), "token_f1": round(claim_f1, 3),
                                            "predicted": pred.claim, "gold": gold["claim"]})
        wrong = [name for name, ok in checks.items() if not ok]
        if wrong:
            errors["wrong_attributes"].append({
                "gold_span": list(gold_span), "claim": gold["claim"], "wrong": wrong,
                "speaker": [pred.speaker, gold["speaker"]],
                "affiliation": [pred.affiliation, gold.get("affiliation")],
                "role": [pred.role, gold.get("role")],
                "kind": [pred.kind, gold.get("speaker_kind")],
                "date": [pred.date, gold.get("date")]})
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for j, gold in enumerate(golds):
        if j not in matched_g:
            errors["misses"].append({"span": list(gold_spans[j]), "content": text[slice(*gold_spans[j])],
                                     "speaker": gold["speaker"], "cue": gold.get("cue")})
    for i, pred in enumerate(preds):
        if i not in matched_p:
            errors["false_positives"].append({"span": list(pred.span), "content": text[slice(*pred.span)],
                                              "speaker": pred.speaker})
    return counts, errors


def evaluate(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """Score the extractor on every gold document; return the figures and the per-document errors."""
    gold_data = json.loads(args.gold.read_text(encoding="utf-8"))
    extractor = load_extractor(args.extractor)
    matcher = choose_matcher(args.matching)
    total = Counts()
    per_document: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for doc in gold_data["documents"]:
        text, published_at = read_seed(args.seeds / doc["file"])
        check_gold(doc, text)
        if (published_at.isoformat() if published_at else None) != doc.get("published_at"):
            log.warning("%s: publication date %s differs from gold %s", doc["file"], published_at,
                        doc.get("published_at"))
        extraction = extractor.extract(text, published_at)
        preds = [flatten(st) for st in extraction.statements]
        counts, doc_errors = score_document(text, doc["statements"], preds, matcher)
        log.info("%s: %d gold, %d predicted, %d matched", doc["file"], counts.gold, counts.predicted,
                 counts.matched)
        total.add(counts)
        per_document[doc["file"]] = counts.summary()
        errors[doc["file"]] = doc_errors
    results = {
        "gold_file": display_path(args.gold),
        "extractor": args.extractor,
        "matching": matcher.__name__.removeprefix("match_"),
        **total.summary(),
        "per_document": per_document,
    }
    return results, errors


def format_errors(errors: dict[str, Any]) -> str:
    """Render misses, false positives and wrong attributes of matched pairs as readable lines."""
    lines = []
    for name, doc in errors.items():
        lines.append(f"== {name}")
        for miss in doc["misses"]:
            lines.append(f"  MISS {miss['span']} [{miss['speaker']} / {miss['cue']}] {miss['content']!r}")
        for fp in doc["false_positives"]:
            lines.append(f"  FALSE POSITIVE {fp['span']} [{fp['speaker']}] {fp['content']!r}")
        for wrong in doc["wrong_attributes"]:
            details = ", ".join(f"{key}: predicted {wrong[key][0]!r}, gold {wrong[key][1]!r}"
                                for key in wrong["wrong"])
            lines.append(f"  WRONG {wrong['gold_span']} {details} | {wrong['claim']!r}")
        for claim in doc.get("claim_wording", []):
            lines.append(f"  CLAIM {claim['gold_span']} token F1 {claim['token_f1']}: predicted "
                         f"{claim['predicted']!r}, gold {claim['gold']!r}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=pathlib.Path, default=DEFAULT_GOLD)
    parser.add_argument("--seeds", type=pathlib.Path, default=DEFAULT_SEEDS, help="folder of the seed files")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--extractor", default=DEFAULT_EXTRACTOR,
                        help="module:callable that builds the extractor")
    parser.add_argument("--matching", choices=("hungarian", "greedy"), default="hungarian")
    parser.add_argument("--show-errors", action="store_true",
                        help="list misses, false positives and wrong fields of matched pairs")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Evaluate from the command line."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    results, errors = evaluate(args)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    if args.show_errors:
        sys.stdout.write(format_errors(errors) + "\n\n")
        results["errors"] = errors
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
