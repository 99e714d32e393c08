"""Labelled (claim, other) pairs for the relation model from FNC-1, SNLI, MultiNLI, counterfactual NLI and ANLI.

Every loader maps its set's labels to the service's relation labels (FNC-1 agree / disagree / discuss / unrelated;
NLI entailment / contradiction / neutral → corroborates / contradicts / discusses). FNC-1's dev split (Body ID
% 10 == 0, the split the shared referee scores) and calibration split (% 10 == 5) are fixed by body id. Shared by
`lab.relation` (training, packing, evaluation) and `benchmarks.relation_runtime`; the data stays in
`../shared/data` (`lab.paths.SHARED_DATA`).
"""
from __future__ import annotations

import csv
import json
import pathlib
import random
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

FNC_LABELS = {
    "agree": "corroborates", "disagree": "contradicts", "discuss": "discusses", "unrelated": "unrelated",
}
NLI_LABELS = {"entailment": "corroborates", "contradiction": "contradicts", "neutral": "discusses"}
SNLI_IDS = {"0": "entailment", "1": "neutral", "2": "contradiction"}


@dataclass(frozen=True)
class Example:
    """One labelled (claim, other) pair with where it came from."""

    claim: str
    other: str
    label: str
    source: str


def _read_tsv(path: pathlib.Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_fnc(data_dir: pathlib.Path) -> tuple[list[tuple[str, int, str]], dict[int, str]]:
    """Return FNC-1 train rows (headline, body id, stance) and bodies by id."""
    csv.field_size_limit(sys.maxsize)
    with (data_dir / "fnc-1" / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        bodies = {int(row["Body ID"]): row["articleBody"] for row in csv.DictReader(handle)}
    with (data_dir / "fnc-1" / "train_stances.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(row["Headline"], int(row["Body ID"]), row["Stance"]) for row in csv.DictReader(handle)]
    return rows, bodies


def is_fnc_dev(body_id: int) -> bool:
    """Return whether a body belongs to the official dev split the scorer uses (id % 10 == 0)."""
    return body_id % 10 == 0


def is_fnc_calibration(body_id: int) -> bool:
    """Return whether a body is held out of training to fit the temperature (id % 10 == 5)."""
    return body_id % 10 == 5


def fnc_examples(data_dir: pathlib.Path, keep: Sequence[int] | None = None) -> list[tuple[Example, int]]:
    """Return FNC-1 examples with their body ids, optionally only for bodies in `keep`."""
    rows, bodies = load_fnc(data_dir)
    wanted = None if keep is None else set(keep)
    return [
        (Example(headline, bodies[body_id], FNC_LABELS[stance], "fnc1"), body_id)
        for headline, body_id, stance in rows if wanted is None or body_id in wanted
    ]


def fnc_dev_examples(data_dir: pathlib.Path) -> list[Example]:
    """Return every FNC-1 dev example (Body ID % 10 == 0), in file order, with the full bodies."""
    return [example for example, body_id in fnc_examples(data_dir) if is_fnc_dev(body_id)]


def snli_examples(path: pathlib.Path, source: str) -> list[Example]:
    """Return SNLI pairs (claim = hypothesis, other = premise) from a BECEL tsv."""
    return [
        Example(row["hypothesis"], row["premise"], NLI_LABELS[SNLI_IDS[row["label"]]], source)
        for row in _read_tsv(path) if row["label"] in SNLI_IDS
    ]


def counterfactual_examples(path: pathlib.Path, source: str) -> list[Example]:
    """Return counterfactually-augmented NLI pairs (claim = sentence2, other = sentence1)."""
    return [
        Example(row["sentence2"], row["sentence1"], NLI_LABELS[row["gold_label"]], source)
        for row in _read_tsv(path) if row["gold_label"] in NLI_LABELS
    ]


def negational_rows(path: pathlib.Path) -> list[tuple[str, str, str, str, str]]:
    """Return the SNLI negation probe as (premise, hypothesis, label id, edited hypothesis, its label id)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            if row.get("label") in SNLI_IDS and row.get("neg_label") in SNLI_IDS:
                rows.append((row["premise"], row["hypothesis"], row["label"],
                             row["hypothesis_neg"], row["neg_label"]))
    return rows


ANLI_LABELS = {"e": "entailment", "n": "neutral", "c": "contradiction"}


def anli_examples(data_dir: pathlib.Path, round_: int) -> list[Example]:
    """Return ANLI dev round `round_` (1-3) pairs (claim = statement, other = context); evaluation only."""
    path = data_dir / "anli" / f"ANLI_analysis_r{round_}_dev.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(row["statement"], row["context"], NLI_LABELS[ANLI_LABELS[row["gold_label"]]], f"anli_r{round_}")
            for row in csv.DictReader(handle) if row["gold_label"] in ANLI_LABELS
        ]


def _detokenise(text: str) -> str:
    text = re.sub(r" ([.,;:!?%)])", r"\1", text)
    text = re.sub(r"([($]) ", r"\1", text)
    return re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)


def mnli_examples(data_dir: pathlib.Path) -> list[Example]:
    """Return the two 1,000-pair MultiNLI samples, detokenised."""
    examples = []
    for name in ("textfooler_mnli_matched.tsv", "textfooler_mnli_mismatched.tsv"):
        with (data_dir / "mnli-sample" / name).open(encoding="utf-8") as handle:
            for line in handle:
                label, premise, hypothesis = line.rstrip("\n").split("\t")[:3]
                if label in NLI_LABELS:
                    claim, other = _detokenise(hypothesis), _detokenise(premise)
                    examples.append(Example(claim, other, NLI_LABELS[label], "mnli"))
    return examples



NEWS_CONTRAST = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "news_contrast.jsonl"


def news_contrast_examples(path: pathlib.Path = NEWS_CONTRAST) -> list[Example]:
    """The hand-written news-contrast dev set (tests/data/news_contrast.md); `source` is the pair's category."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [Example(r["claim"], r["other"], r["label"], r["category"]) for r in rows]


def story_sides(stances_csv: pathlib.Path, stances: Sequence[str] = ("agree", "disagree")
                ) -> dict[int, dict[str, list[str]]]:
    """{body id: {stance: distinct headlines}} of the FNC-1 stance file, for these stances."""
    sides: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    with stances_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            group = sides[int(row["Body ID"])][row["Stance"]]
            if row["Stance"] in stances and row["Headline"] not in group:
                group.append(row["Headline"])
    return sides


def fnc_headline_stance_examples(data_dir: pathlib.Path, per_stance: int = 8, seed: int = 3) -> list[Example]:
    """Headline-against-headline stance on FNC-1 dev bodies, in the shape of Emergent's claim/headline pairs.

    The held-out stance set pairs a plain claim with a news headline about it (for / against / observing). FNC-1's
    headlines are Emergent's, labelled against one body each; a headline that agrees with the body stands in for
    the claim, and each other headline of that body is for it (agree), against it (disagree) or only reports it
    (discuss). Up to `per_stance` distinct unordered pairs of each stance per body, seeded."""
    stances = story_sides(data_dir / "fnc-1" / "train_stances.csv", ("agree", "disagree", "discuss"))
    rng, examples, seen = random.Random(seed), [], set()
    for body_id in sorted(body for body in stances if is_fnc_dev(body)):
        agree = stances[body_id]["agree"]
        for stance in ("agree", "disagree", "discuss"):
            pairs = list({frozenset((a, x)): (a, x) for a in agree for x in stances[body_id][stance]
                          if x != a and frozenset((a, x)) not in seen}.values())
            for a, x in rng.sample(pairs, min(per_stance, len(pairs))):
                seen.add(frozenset((a, x)))
                examples.append(Example(a, x, FNC_LABELS[stance], "fnc1_headline_stance"))
    return examples
