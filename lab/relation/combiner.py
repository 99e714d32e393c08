"""Train the relation combiner (`service.domain.relation.combiner`) and score it, with an ablation, on every dev set.

The combiner is a multinomial logistic regression over the cross-encoder's log-probabilities (mean and gap of
the two directions) and the pair features of `service.domain.relation.features`. It is fitted only on rows the
cross-encoder never trained on and that no dev set holds:
- the calibration split of the packed rows (`lab.relation.pack_data`: FNC-1 bodies with Body ID % 10 == 5 and
  10% of the NLI rows; one direction),
- contrast pairs made by rule from train-split sentences (`lab.relation.contrast_pairs`),
- SICK train and ARC stance train (`../shared/data/nli-extra`), samples.
Each source weighs the same in the fit. Variants are chosen on the mean of six dev figures (the relation issue's
rule): FNC-1 dev macro-F1, SNLI test accuracy, counterfactual NLI, ANLI dev (mean of r1-r3), the SNLI negation
probe (mean of original and edited) and the hand-checked news-contrast set (`tests/data/news_contrast.jsonl`).
FNC-1 train headline pairs (`--headlines`, built by `lab.relation.headline_pairs`) are a fifth source where
built; the stand-ins of two held-out sets join the six in the selection mean: FNC-1 dev headlines against an
agreeing headline of their body (`fnc_headline_stance_examples`, for the held-out news stance set) and the
one-word swap dev rows (`lab.relation.word_swaps --dev-out`, where built). `--model-dir` fits the combiner over
another cross-encoder (the classify model's: `models/relation_classify_combiner`, with `--claim-pairs-only`: a
passage keeps the network's reading).

The cross-encoder's outputs and the features of every set are cached in `.devdata/combiner_rows/` (CPU time:
about 15 minutes on 2 cores the first time). Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.combiner --contrast .devdata/contrast_train.jsonl.gz

It writes `models/relation_combiner/combiner.json` (the chosen variant) and `lab/results/relation_combiner.json`.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import logging
import os
import pathlib
import random
import sys
from collections.abc import Callable, Sequence

import numpy as np

from lab.datasets.extra_pairs import arc_examples
from lab.datasets.relation_pairs import (
    NEWS_CONTRAST,
    NLI_LABELS,
    SNLI_IDS,
    Example,
    anli_examples,
    counterfactual_examples,
    fnc_dev_examples,
    fnc_headline_stance_examples,
    negational_rows,
    news_contrast_examples,
    snli_examples,
)
from lab.paths import DEVDATA, MODELS_DIR, RESULTS_DIR, SHARED_DATA
from lab.relation.embedding_cache import DEFAULT_CACHE, EmbeddingCache
from lab.relation.metrics import NLI_ORDER, per_class_f1, to_nli
from lab.relation.train_baseline import LABELS, expected_calibration_error
from service.domain.relation.combiner import (
    ANTONYMS_FILE,
    ANTONYMS_KEY,
    BASE_NAMES,
    CLAIM_PAIRS_ONLY,
    COMBINER_FILE,
    FEATURE_NAMES,
    NETWORK_NAMES,
    CombinerWeights,
    PairReader,
    base_columns,
    load_spacy_for_features,
    term_matrix,
)
from service.domain.relation.cross_encoder import load_cross_encoder
from service.domain.relation.features import load_antonyms

log = logging.getLogger("relation_combiner")

ROWS_CACHE = DEVDATA / "combiner_rows"
DEFAULT_OUT = MODELS_DIR / "relation_combiner"
ONE_WORD_DEV = DEVDATA / "word_swaps_dev.jsonl.gz"  # lab.relation.word_swaps --dev-out: never trained on

FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "negation": ("negated_main_mismatch", "negation_count_gap", "negated_either"),
    "denial": ("denial_mismatch", "denial_both"),
    "antonyms": ("antonym_pair",),
    "states": ("state_clash", "state_agree"),
    "quantities": ("number_same_noun_clash", "number_same_noun_agree", "number_other_nouns"),
    "time": ("weekday_clash", "month_clash", "year_clash"),
    "overlap": ("proper_noun_novelty", "content_overlap", "token_set_ratio"),
    "length": ("length_ratio_log", "other_is_passage"),
}
# Each clash feature is also read against the network's belief and the word overlap: a negation mismatch means
# more between two near-identical sentences than between two that share little.
INTERACTING = ("log_p_contradicts", "content_overlap")
CLASHES = ("negated_main_mismatch", "denial_mismatch", "antonym_pair", "state_clash", "number_same_noun_clash",
           "weekday_clash", "month_clash", "year_clash")


class LabelledRows:
    """One set read by the PairReader: forward / backward probabilities, features and gold label indices."""

    def __init__(self, forward: np.ndarray, backward: np.ndarray, features: np.ndarray, gold: np.ndarray) -> None:
        self.forward, self.backward, self.features, self.gold = forward, backward, features, gold

    @property
    def base(self) -> np.ndarray:
        return base_columns(self.forward, self.backward, self.features)

    def served_today(self) -> np.ndarray:
        """The cross-encoder alone as served: the mean of both directions (a passage: forward only)."""
        return (self.forward + self.backward) / 2

    def subset(self, keep: np.ndarray) -> LabelledRows:
        return LabelledRows(self.forward[keep], self.backward[keep], self.features[keep], self.gold[keep])


def read_rows(reader: PairReader, name: str, examples: Sequence[Example], cache: pathlib.Path = ROWS_CACHE,
              refeature: bool = False) -> LabelledRows:
    """The reader's output for the examples, from the cache (one folder per cross-encoder) when the same pairs
    were read before."""
    digest = hashlib.sha256(json.dumps([[e.claim, e.other] for e in examples]).encode()).hexdigest()[:16]
    path = cache / f"{name}_{digest}.npz"
    gold = np.array([LABELS.index(e.label) for e in examples])
    if path.exists():
        cached = np.load(path)
        if cached["features"].shape[1] == len(FEATURE_NAMES) and not refeature:
            return LabelledRows(cached["forward"], cached["backward"], cached["features"], gold)
        if refeature:  # the cross-encoder's cached outputs with the features computed anew
            log.info("features of %d pairs of %s", len(examples), name)
            features = reader.features([(e.claim, e.other) for e in examples])
            np.savez_compressed(path, forward=cached["forward"], backward=cached["backward"], features=features)
            return LabelledRows(cached["forward"], cached["backward"], features, gold)
    log.info("reading %d pairs of %s", len(examples), name)
    parts = [reader.read([(e.claim, e.other) for e in examples[start:start + 512]])
             for start in range(0, len(examples), 512)]
    forward, backward, features = (np.vstack([part[k] for part in parts]) for k in range(3))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, forward=forward, backward=backward, features=features)
    return LabelledRows(forward, backward, features, gold)


def training_sets(args: argparse.Namespace) -> dict[str, list[Example]]:
    """The combiner's training rows by source (never in a dev set, never seen by the cross-encoder)."""
    rng = random.Random(args.seed)
    calibration = [Example(r["claim"], r["other"], r["label"], r["source"]) for r in _jsonl(args.train_data)
                   if r["split"] == "calibration" and not r["source"].endswith("_reversed")]
    sets = {"calibration": _sample(calibration, args.per_source * 3, rng)}
    if args.contrast and args.contrast.exists():
        contrast = [Example(r["claim"], r["other"], r["label"], r.get("source", "contrast"))
                    for r in _jsonl(args.contrast)]
        sets["contrast"] = _sample(contrast, args.per_source * 2, rng)
    sets["sick_train"] = _sample(_sick_train(args.data_dir), args.per_source, rng)
    sets["arc_train"] = _sample(arc_examples(args.data_dir / "nli-extra"), args.per_source, rng)
    if args.headlines and args.headlines.exists():
        headlines = [Example(r["claim"], r["other"], r["label"], r["source"]) for r in _jsonl(args.headlines)]
        sets["fnc_train_headlines"] = _sample(headlines, args.per_source * 2, rng)
    return sets


def dev_sets(data_dir: pathlib.Path) -> dict[str, list[Example]]:
    """Every dev set of the selection rule, hypothesis first as `lab.relation.evaluate` reads them."""
    negational = negational_rows(data_dir / "snli" / "snli_negational.tsv")
    return {
        "fnc1_dev": fnc_dev_examples(data_dir),
        "snli_test": snli_examples(data_dir / "snli" / "snli_test.tsv", "snli_test"),
        "negation_original": [Example(h, p, NLI_LABELS[SNLI_IDS[lab]], "neg") for p, h, lab, _, _ in negational],
        "negation_edited": [Example(h, p, NLI_LABELS[SNLI_IDS[lab]], "neg") for p, _, _, h, lab in negational],
        "counterfactual": counterfactual_examples(
            data_dir / "counterfactual-nli" / "all_combined" / "test.tsv", "cf_nli"),
        **{f"anli_r{r}": anli_examples(data_dir, r) for r in (1, 2, 3)},
        **({"news_contrast": news_contrast_examples(NEWS_CONTRAST)} if NEWS_CONTRAST.exists() else {}),
        "headline_stance": fnc_headline_stance_examples(data_dir),
        **({"one_word": [Example(r["claim"], r["other"], r["label"], r["category"]) for r in _jsonl(ONE_WORD_DEV)]}
           if ONE_WORD_DEV.exists() else {}),
    }


def _jsonl(path: pathlib.Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _sample(examples: list[Example], n: int, rng: random.Random) -> list[Example]:
    return examples if len(examples) <= n else rng.sample(examples, n)


def _sick_train(data_dir: pathlib.Path) -> list[Example]:
    labels = {"ENTAILMENT": "corroborates", "CONTRADICTION": "contradicts", "NEUTRAL": "discusses"}
    with (data_dir / "nli-extra" / "sick" / "SICK.txt").open(encoding="utf-8", newline="") as handle:
        return [Example(row["sentence_B"], row["sentence_A"], labels[row["entailment_label"]], "sick")
                for row in csv.DictReader(handle, delimiter="\t") if row["SemEval_set"] == "TRAIN"]


def terms_for(groups: Sequence[str], interactions: bool) -> tuple[str, ...]:
    """The regression's terms: the network's, the features of `groups`, and (optionally) their interactions."""
    features = [name for group in groups for name in FEATURE_GROUPS[group]]
    terms = list(NETWORK_NAMES) + features
    if interactions:
        terms += [f"{clash}*{other}" for clash in CLASHES if clash in features
                  for other in INTERACTING if other in terms and other != clash]
    return tuple(terms)


def fit(train: dict[str, LabelledRows], terms: tuple[str, ...], penalty: float) -> CombinerWeights:
    """Multinomial logistic regression with the network's mean log-probabilities as offset, L2 `penalty` on the
    standardised terms, every source the same total weight (L-BFGS on the exact gradient)."""
    from scipy.optimize import minimize

    x = np.vstack([term_matrix(rows.base, BASE_NAMES, terms) for rows in train.values()])
    offset = np.vstack([rows.base[:, :len(LABELS)] for rows in train.values()])
    onehot = np.eye(len(LABELS))[np.concatenate([rows.gold for rows in train.values()])]
    n = len(onehot)
    weight = np.concatenate([np.full(len(rows.gold), n / (len(train) * len(rows.gold))) for rows in train.values()])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    k, d = len(LABELS), len(terms)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = theta[:k * d].reshape(k, d), theta[k * d:]
        logits = offset + z @ coef.T + intercept
        logits -= logits.max(axis=1, keepdims=True)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        value = -(weight * (onehot * log_p).sum(axis=1)).sum() / n + penalty * (coef ** 2).sum()
        residual = weight[:, None] * (np.exp(log_p) - onehot) / n
        gradient = np.concatenate([(residual.T @ z + 2 * penalty * coef).ravel(), residual.sum(axis=0)])
        return value, gradient

    theta = minimize(loss, np.zeros(k * d + k), jac=True, method="L-BFGS-B", options={"maxiter": 3000}).x
    return CombinerWeights(terms, mean, scale, theta[:k * d].reshape(k, d), theta[k * d:])


Predictor = Callable[[LabelledRows], np.ndarray]


def scores(dev: dict[str, LabelledRows], predict: Predictor) -> dict[str, float]:
    """The six selection figures (and a few more) of one predictor on the dev sets."""
    out: dict[str, float] = {}
    fnc = dev["fnc1_dev"]
    f1 = per_class_f1(fnc.gold, predict(fnc).argmax(axis=1), len(LABELS))
    out["fnc1_dev_macro_f1"], out["fnc1_dev_contradicts_f1"] = float(np.mean(f1)), float(f1[1])
    for name in ("snli_test", "counterfactual", "negation_original", "negation_edited",
                 "anli_r1", "anli_r2", "anli_r3"):
        out[name] = _nli_accuracy(dev[name], predict)
    out["anli_dev"] = float(np.mean([out[f"anli_r{r}"] for r in (1, 2, 3)]))
    out["negation_probe"] = (out["negation_original"] + out["negation_edited"]) / 2
    news = dev.get("news_contrast")
    if news is None:  # not written yet: the mean of the other five
        out["selection_mean"] = float(np.mean([out["fnc1_dev_macro_f1"], out["snli_test"], out["counterfactual"],
                                               out["anli_dev"], out["negation_probe"]]))
        return {k: round(v, 4) for k, v in out.items()}
    predicted = predict(news).argmax(axis=1)
    out["news_contrast_accuracy"] = float((predicted == news.gold).mean())
    present = sorted(set(news.gold.tolist()))
    out["news_contrast_macro_f1"] = float(np.mean(
        [per_class_f1(news.gold, predicted, len(LABELS))[k] for k in present]))
    out["news_contrast_contradicts_f1"] = float(per_class_f1(news.gold, predicted, len(LABELS))[1])
    out["fnc1_dev_ece"] = expected_calibration_error(predict(fnc), fnc.gold)
    out["six_set_mean"] = float(np.mean([
        out["fnc1_dev_macro_f1"], out["snli_test"], out["counterfactual"], out["anli_dev"],
        out["negation_probe"], out["news_contrast_accuracy"]]))
    # the stand-ins of two held-out sets (news headline stance, one-word contradictions) join the six
    held_out_standins = [f"{name}_accuracy" for name in ("headline_stance", "one_word") if name in dev]
    for name in held_out_standins:
        rows = dev[name.removesuffix("_accuracy")]
        out[name] = float((predict(rows).argmax(axis=1) == rows.gold).mean())
    out["selection_mean"] = (6 * out["six_set_mean"] + sum(out[name] for name in held_out_standins)) / (
        6 + len(held_out_standins))
    return {k: round(v, 4) for k, v in out.items()}


def _nli_accuracy(rows: LabelledRows, predict: Predictor) -> float:
    gold_nli = np.array([NLI_ORDER.index({"corroborates": "entailment", "contradicts": "contradiction"}.get(
        LABELS[g], "neutral")) for g in rows.gold])
    return float((to_nli(predict(rows)).argmax(axis=1) == gold_nli).mean())


def run(args: argparse.Namespace) -> dict[str, object]:
    """Read every set, fit the variants and the ablation, write the chosen weights and the results."""
    import torch

    torch.set_num_threads(args.threads)
    pair_model = load_cross_encoder(args.model_dir, EmbeddingCache(DEFAULT_CACHE).encode)
    reader = PairReader(pair_model, load_spacy_for_features(), load_antonyms(args.antonyms))
    # relation_xenc's rows stay where they were cached before the cache was split by model
    cache = ROWS_CACHE if args.model_dir.name == "relation_xenc" else ROWS_CACHE / args.model_dir.name
    dev_examples, train_examples = dev_sets(args.data_dir), training_sets(args)
    dev = {name: read_rows(reader, name, examples, cache, args.refeature) for name, examples in dev_examples.items()}
    train = {name: read_rows(reader, name, examples, cache, args.refeature)
             for name, examples in train_examples.items()}
    if args.read_only:
        return {"read": {name: len(rows.gold) for name, rows in {**train, **dev}.items()}}
    all_groups = tuple(FEATURE_GROUPS)
    variants: dict[str, dict[str, float]] = {"cross-encoder alone (served before)": scores(
        dev, LabelledRows.served_today)}
    fitted: dict[str, CombinerWeights] = {}
    sources = {"calibration + contrast": ("calibration", "contrast"),
               "calibration + contrast + ARC": ("calibration", "contrast", "arc_train"),
               "calibration + contrast + ARC + SICK": ("calibration", "contrast", "arc_train", "sick_train"),
               "calibration + contrast + headlines": ("calibration", "contrast", "fnc_train_headlines"),
               "calibration + contrast + ARC + headlines": ("calibration", "contrast", "arc_train",
                                                            "fnc_train_headlines")}
    term_sets = {"network terms only": terms_for((), False),
                 "features + interactions": _without_network(terms_for(all_groups, True)),
                 "network terms + features + interactions": terms_for(all_groups, True)}
    for source_name, names in sources.items():
        for term_name, terms in term_sets.items():
            for penalty in args.penalty:
                name = f"{term_name}; {source_name}; L2 {penalty}"
                fitted[name] = fit({n: train[n] for n in names if n in train}, terms, penalty)
                variants[name] = scores(dev, _predictor(fitted[name], args.claim_pairs_only))
                log.info("%s: selection mean %.4f", name, variants[name]["selection_mean"])
    chosen = max(fitted, key=lambda name: variants[name]["selection_mean"])
    best = fitted[chosen]
    chosen_sources = sources[chosen.split("; ")[1]]
    chosen_penalty = float(chosen.rsplit("L2 ", 1)[1])
    network = any(term in NETWORK_NAMES for term in best.terms)
    ablation = {}
    for group in all_groups:
        kept = tuple(g for g in all_groups if g != group)
        terms = terms_for(kept, True) if network else _without_network(terms_for(kept, True))
        ablation[f"without {group}"] = scores(dev, _predictor(fit(
            {n: train[n] for n in chosen_sources if n in train}, terms, chosen_penalty), args.claim_pairs_only))
    write_weights(best, args.out / COMBINER_FILE, {name: len(train[name].gold) for name in chosen_sources
                                                   if name in train}, variants[chosen], chosen,
                  args.antonyms, args.claim_pairs_only)
    return {"chosen": chosen, "variants": variants, "ablation_of_chosen": ablation,
            "training_rows": {name: len(rows.gold) for name, rows in train.items()},
            "dev_rows": {name: len(rows.gold) for name, rows in dev.items()},
            "news_contrast_by_category": _by_category(dev["news_contrast"], _predictor(best, args.claim_pairs_only),
                                                      news_contrast_examples(NEWS_CONTRAST))
            if "news_contrast" in dev else None}


def _without_network(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(term for term in terms if term not in NETWORK_NAMES)


def _predictor(weights: CombinerWeights, claim_pairs_only: bool = False) -> Predictor:
    """The combiner's probabilities; with `claim_pairs_only`, a passage keeps the cross-encoder's own."""
    def predict(rows: LabelledRows) -> np.ndarray:
        out = weights.probabilities(rows.base, BASE_NAMES)
        if claim_pairs_only:
            passages = rows.features[:, FEATURE_NAMES.index("other_is_passage")] > 0
            out[passages] = rows.served_today()[passages]
        return out
    return predict


def _by_category(rows: LabelledRows, predict: Predictor, examples: Sequence[Example]) -> dict[str, object]:
    predicted, today = predict(rows).argmax(axis=1), rows.served_today().argmax(axis=1)
    out: dict[str, object] = {}
    for category in sorted({e.source for e in examples}):
        keep = np.array([e.source == category for e in examples])
        out[category] = {"pairs": int(keep.sum()),
                         "accuracy": round(float((predicted[keep] == rows.gold[keep]).mean()), 3),
                         "accuracy_cross_encoder_alone": round(float((today[keep] == rows.gold[keep]).mean()), 3)}
    return out


def write_weights(weights: CombinerWeights, path: pathlib.Path, training_rows: dict[str, int],
                  dev_scores: dict[str, float], variant: str, antonyms: pathlib.Path,
                  claim_pairs_only: bool = False) -> None:
    """Write combiner.json: the terms, standardisation and weights, with what they were fitted on and scored."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "kind": "relation_combiner", "labels": list(LABELS), "variant": variant,
        CLAIM_PAIRS_ONLY: claim_pairs_only,
        ANTONYMS_KEY: os.path.relpath(antonyms, path.parent),
        "offset": "each label's logit starts from the network's mean log-probability (weight 1)",
        "terms": list(weights.terms), "mean": weights.mean.round(6).tolist(), "scale": weights.scale.round(6).tolist(),
        "coef": weights.coef.round(6).tolist(), "intercept": weights.intercept.round(6).tolist(),
        "training_rows": training_rows, "dev_scores": dev_scores,
        "command": "HF_HUB_OFFLINE=1 .venv/bin/python -m lab.relation.combiner " + " ".join(sys.argv[1:]),
    }, indent=1) + "\n", encoding="utf-8")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=pathlib.Path, default=MODELS_DIR / "relation_xenc")
    parser.add_argument("--data-dir", type=pathlib.Path, default=SHARED_DATA)
    parser.add_argument("--train-data", type=pathlib.Path, default=DEVDATA / "relation_train_wide.jsonl.gz",
                        help="packed rows (lab.relation.pack_data) whose calibration split is used")
    parser.add_argument("--contrast", type=pathlib.Path, default=DEVDATA / "contrast_train.jsonl.gz")
    parser.add_argument("--headlines", type=pathlib.Path, default=DEVDATA / "headline_pairs.jsonl.gz",
                        help="FNC-1 train headline pairs (lab.relation.headline_pairs), a training source")
    parser.add_argument("--antonyms", type=pathlib.Path, default=DEFAULT_OUT / ANTONYMS_FILE,
                        help="the antonym list the features read (combiner.json records it relative to --out)")
    parser.add_argument("--refeature", action="store_true",
                        help="compute the pair features of cached rows anew (after a change to features.py)")
    parser.add_argument("--claim-pairs-only", action="store_true",
                        help="the combiner reads two claims only; a passage keeps the cross-encoder's probabilities")
    parser.add_argument("--per-source", type=int, default=1500, help="rows per training source (calibration: 3x)")
    parser.add_argument("--penalty", type=float, nargs="+", default=[0.05, 0.1, 0.2, 0.5],
                        help="L2 penalties to try on the standardised terms")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument("--read-only", action="store_true", help="only read (and cache) every set, fit nothing")
    parser.add_argument("--results", type=pathlib.Path, default=RESULTS_DIR / "relation_combiner.json")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    results = run(args)
    if args.read_only:
        sys.stdout.write(json.dumps(results) + "\n")
        return
    args.results.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps({"chosen": results["chosen"], **results["variants"]}, indent=1) + "\n")


if __name__ == "__main__":
    main()
