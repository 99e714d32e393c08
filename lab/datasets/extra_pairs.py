"""Labelled (claim, other) pairs from `../shared/data/nli-extra` (its SOURCE.md gives rows and licences).

Permissive sets only by default (`PERMISSIVE`); ANLI's test half (CC BY-NC) is a separate, opt-in source, and with
it ANLI is selected on its dev half only, which stays out of training. None of these is one of the six selection
sets (FNC-1 dev, SNLI test, counterfactual NLI test, ANLI dev, the SNLI negation probe, the news-contrast set).
Claim = hypothesis / claim / headline, other = premise / evidence / body, as `lab.datasets.relation_pairs` does.
`lab.relation.pack_data --extra` packs them with the rest; this module's command writes some of them alone as
training rows for `lab.relation.train --extra-data` (sentence pairs, both directions):

    .venv/bin/python -m lab.datasets.extra_pairs anli_test --out .devdata/relation_extra_anli.jsonl.gz


- conjnli: ConjNLI adversarial train (MIT), NLI labels;
- taxinli: TaxiNLI's MultiNLI pairs (Computational Use of Data Agreement), NLI labels;
- negation_nli: the MNLI and SNLI pairs of Hossain et al.'s negation benchmarks (MIT), NLI labels;
- arc: ARC stance train (Apache-2.0), the FNC-1 labels (agree / disagree / discuss / unrelated);
- fever_symmetric: the symmetric FEVER claims (v0.1 original and generated, v0.2 dev; CC BY-SA), SUPPORTS /
  REFUTES;
- climate_fever: claim–evidence pairs (SUPPORTS / REFUTES / NOT_ENOUGH_INFO → corroborates / contradicts /
  discusses);
- healthver: claim–evidence pairs, Supports / Refutes / Neutral;
- perspectrum: claims and the perspectives that support or undermine them (CC BY-SA 4.0), train and dev splits.
"""
from __future__ import annotations

import argparse
import csv
import json
import pathlib
import re
import sys
from collections.abc import Callable

from lab.datasets.relation_pairs import FNC_LABELS, NLI_LABELS, Example

VERDICT_LABELS = {"supports": "corroborates", "refutes": "contradicts", "not_enough_info": "discusses",
                  "neutral": "discusses", "support": "corroborates", "undermine": "contradicts"}


def _tsv(path: pathlib.Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _nli(rows: list[dict[str, str]], premise: str, hypothesis: str, label: str, source: str) -> list[Example]:
    return [Example(row[hypothesis].strip(), row[premise].strip(), NLI_LABELS[row[label].strip()], source)
            for row in rows if row.get(label, "").strip() in NLI_LABELS and row[premise] and row[hypothesis]]


def conjnli_examples(folder: pathlib.Path) -> list[Example]:
    return _nli(_tsv(folder / "conjnli" / "adversarial_train_15k.tsv"), "Premise", "Hypothesis", "Label", "conjnli")


def taxinli_examples(folder: pathlib.Path) -> list[Example]:
    return _nli(_tsv(folder / "taxinli" / "taxinli10k.tsv"), "prem", "hyp", "label", "taxinli")


def negation_nli_examples(folder: pathlib.Path) -> list[Example]:
    return [example for name in ("MNLI.txt", "SNLI.txt")
            for example in _nli(_tsv(folder / "negation_nli" / name, "cp1252"), "Text", "Hypothesis",
                                "gold_label", "negation_nli")]


def arc_examples(folder: pathlib.Path) -> list[Example]:
    csv.field_size_limit(sys.maxsize)
    arc = folder / "arc_stance"
    with (arc / "arc_bodies.csv").open(encoding="utf-8", newline="") as handle:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}
    with (arc / "arc_stances_train.csv").open(encoding="utf-8", newline="") as handle:
        return [Example(row["Headline"], bodies[row["Body ID"]], FNC_LABELS[row["Stance"]], "arc")
                for row in csv.DictReader(handle) if row["Body ID"] in bodies and row["Stance"] in FNC_LABELS]


_FEVER_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


def _fever_text(text: str) -> str:
    for token, bracket in _FEVER_BRACKETS.items():
        text = text.replace(token, bracket)
    return re.sub(r" ([.,;:!?%)\]])", r"\1", re.sub(r"([(\[]) ", r"\1", text)).strip()


def fever_symmetric_examples(folder: pathlib.Path) -> list[Example]:
    """v0.1 (original and generated pairs) and v0.2 dev; v0.2 test stays out."""
    paths = [folder / "fever_symmetric" / "symmetric_v0.1" / "fever_symmetric_full.jsonl",
             folder / "fever_symmetric" / "symmetric_v0.1" / "fever_symmetric_generated.jsonl",
             folder / "fever_symmetric" / "symmetric_v0.2" / "fever_symmetric_dev.jsonl"]
    seen: set[tuple[str, str]] = set()
    examples = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            claim, evidence = row.get("claim", "").strip(), (row.get("evidence") or row.get("evidence_sentence", ""))
            label = VERDICT_LABELS.get(str(row.get("label") or row.get("gold_label", "")).casefold())
            if claim and evidence and label and (claim, evidence) not in seen:
                seen.add((claim, evidence))
                examples.append(Example(_fever_text(claim), _fever_text(evidence), label, "fever_symmetric"))
    return examples


def climate_fever_examples(folder: pathlib.Path) -> list[Example]:
    examples = []
    for line in (folder / "climate_fever" / "climate-fever.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for evidence in row["evidences"]:
            label = VERDICT_LABELS.get(evidence["evidence_label"].casefold())
            if label:
                examples.append(Example(row["claim"], evidence["evidence"], label, "climate_fever"))
    return examples


def healthver_examples(folder: pathlib.Path) -> list[Example]:
    examples = []
    for name in ("healthver_dev.csv", "healthver_test.csv"):
        with (folder / "healthver" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                label = VERDICT_LABELS.get(row["label"].strip().casefold())
                if label and row["claim"] and row["evidence"]:
                    examples.append(Example(row["claim"].strip(), row["evidence"].strip(), label, "healthver"))
    return examples


def perspectrum_examples(folder: pathlib.Path) -> list[Example]:
    root = folder / "perspectrum"
    texts = {p["pId"]: p["text"] for p in json.loads((root / "perspective_pool_v1.0.json").read_text("utf-8"))}
    split = json.loads((root / "dataset_split_v1.0.json").read_text("utf-8"))
    examples = []
    for claim in json.loads((root / "perspectrum_with_answers_v1.0.json").read_text("utf-8")):
        if split.get(str(claim["cId"])) not in ("train", "dev"):
            continue
        for cluster in claim["perspectives"]:
            label = VERDICT_LABELS.get(cluster["stance_label_3"].casefold())
            if label:
                examples += [Example(claim["text"], texts[pid], label, "perspectrum")
                             for pid in cluster["pids"] if pid in texts]
    return examples


def anli_test_examples(folder: pathlib.Path) -> list[Example]:
    """ANLI rounds 1-3 test halves (CC BY-NC 4.0): opt in, and select on ANLI dev only."""
    labels = {"e": "corroborates", "n": "discusses", "c": "contradicts"}
    examples = []
    for round_ in (1, 2, 3):
        path = folder / "anli_devtest" / f"R{round_}" / "test.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            examples.append(Example(row["hypothesis"], row["context"], labels[row["label"]], "anli_test"))
    return examples


PERMISSIVE: dict[str, Callable[[pathlib.Path], list[Example]]] = {
    "conjnli": conjnli_examples, "taxinli": taxinli_examples, "negation_nli": negation_nli_examples,
    "arc": arc_examples, "fever_symmetric": fever_symmetric_examples, "climate_fever": climate_fever_examples,
    "healthver": healthver_examples, "perspectrum": perspectrum_examples,
}
OPT_IN: dict[str, Callable[[pathlib.Path], list[Example]]] = {"anli_test": anli_test_examples}
SOURCES = {**PERMISSIVE, **OPT_IN}


def main() -> None:
    from lab.paths import SHARED_DATA
    from lab.relation.pack_data import reversed_rows, write_jsonl

    parser = argparse.ArgumentParser(description="Write extra sets as training rows (both directions).")
    parser.add_argument("names", nargs="+", choices=sorted(SOURCES))
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    forward = [{"claim": e.claim, "other": e.other, "label": e.label, "source": e.source, "split": "train"}
               for name in args.names for e in SOURCES[name](SHARED_DATA / "nli-extra")]
    rows = [row for pair in zip(forward, reversed_rows(forward), strict=True) for row in pair]
    write_jsonl(rows, args.out)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
