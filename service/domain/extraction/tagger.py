"""A trained attribution tagger: proposes the attributions the extraction rules miss.

MiniLM (the packaged all-MiniLM-L6-v2) with a LoRA adapter and a token head tags Source, Cue and Content (BIO) in
windows of at most 200 tokens cut at sentence and paragraph ends; trained on PolNeAR train by
`lab/extraction/train_tagger.py` (artefact `models/attribution_tagger/`). Each tagged Content gets the Cue nearest to
it and the Source nearest to that Cue (the Source nearest to the Content when no Cue is tagged), in its window and
outside it; the Content fragments of one Source within `MERGE_GAP_CHARS` are one attribution (a quote interrupted by
"he said" is one Content in PolNeAR). The rules stay the precise path; `StatementExtractor` adds a tagged
attribution only where no statement of the rules claims the same text (models/README.md, extraction: the union
measured on PolNeAR dev).
"""
from __future__ import annotations

import bisect
import itertools
import json
import pathlib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

KINDS = ("Source", "Cue", "Content")
LABELS = ("O", *(f"{prefix}-{kind}" for kind in KINDS for prefix in ("B", "I")))
LABEL_ID = {label: i for i, label in enumerate(LABELS)}
MAX_WINDOW_TOKENS = 200
MAX_LENGTH = 256
MERGE_GAP_CHARS = 80  # chosen on PolNeAR dev among 10 / 30 / 80 (models/README.md): dev is optimistic for it
SENTENCE_END = re.compile(r"(?<=[.!?\"”’])\s+|\n+")

CharSpan = tuple[int, int]
LabeledSpan = tuple[int, int, str]


@dataclass(frozen=True)
class TaggedAttribution:
    """One tagged attribution: character spans of its Content, and of its Cue and Source when tagged."""

    content: CharSpan
    cue: CharSpan | None
    source: CharSpan | None


def labels_to_spans(offsets: Sequence[Sequence[int]], labels: Sequence[int]) -> list[LabeledSpan]:
    """Decode BIO label ids into (start, end, kind) char spans; an I- without its B- opens a span (lenient)."""
    spans: list[LabeledSpan] = []
    current: list[Any] | None = None
    for (start, end), label_id in zip(offsets, labels, strict=True):
        if end <= start or label_id < 0:
            continue
        label = LABELS[label_id]
        if label == "O":
            current = None
            continue
        prefix, kind = label.split("-", 1)
        if prefix == "I" and current is not None and current[2] == kind:
            current[1] = end
            spans[-1] = (current[0], current[1], kind)
            continue
        current = [start, end, kind]
        spans.append((start, end, kind))
    return spans


def nearest(target: CharSpan, spans: Sequence[CharSpan]) -> CharSpan | None:
    """Return the span nearest to target by character gap (ties: the earlier one), or None."""
    def gap(span: CharSpan) -> int:
        return max(0, span[0] - target[1], target[0] - span[1])

    return min(spans, key=lambda span: (gap(span), span[0]), default=None)


def cut_points(text: str, spans: Sequence[LabeledSpan] = ()) -> list[int]:
    """Return the char positions after sentence / paragraph ends that fall outside every span."""
    points = [m.end() for m in SENTENCE_END.finditer(text)]
    return [p for p in points if 0 < p < len(text) and not any(s < p < e for s, e, _ in spans)]


def windows(text: str, token_starts: Sequence[int], spans: Sequence[LabeledSpan] = (),
            max_tokens: int = MAX_WINDOW_TOKENS) -> list[CharSpan]:
    """Split a text into windows of at most `max_tokens` tokens, cutting at `cut_points` when possible."""
    def count(a: int, b: int) -> int:
        return bisect.bisect_left(token_starts, b) - bisect.bisect_left(token_starts, a)

    bounds = [0, *cut_points(text, spans), len(text)]
    units: list[CharSpan] = []
    for a, b in itertools.pairwise(bounds):
        units.extend(split_long(a, b, token_starts, max_tokens))
    out: list[CharSpan] = []
    for a, b in units:
        if out and count(out[-1][0], b) <= max_tokens:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def split_long(a: int, b: int, token_starts: Sequence[int], max_tokens: int) -> list[CharSpan]:
    """Cut [a, b) every `max_tokens` tokens (used only when no allowed cut point is close enough)."""
    inside = token_starts[bisect.bisect_left(token_starts, a):bisect.bisect_left(token_starts, b)]
    cuts = [inside[i] for i in range(max_tokens, len(inside), max_tokens)]
    edges = [a, *cuts, b]
    return [(x, y) for x, y in itertools.pairwise(edges) if y > x]


def attributions_in_window(spans: Iterable[LabeledSpan]) -> list[TaggedAttribution]:
    """Give each tagged Content of one window its nearest Cue and that Cue's nearest Source (outside the Content)."""
    by_kind: dict[str, list[CharSpan]] = {kind: [] for kind in KINDS}
    for start, end, kind in spans:
        by_kind[kind].append((start, end))
    found = []
    for content in by_kind["Content"]:
        def outside(span: CharSpan, content: CharSpan = content) -> bool:
            return not (content[0] <= span[0] and span[1] <= content[1])

        cue = nearest(content, [s for s in by_kind["Cue"] if outside(s)])
        source = nearest(cue or content, [s for s in by_kind["Source"] if outside(s)])
        found.append(TaggedAttribution(content, cue, source))
    return found


def merge_fragments(attributions: Sequence[TaggedAttribution], gap: int = MERGE_GAP_CHARS) -> list[TaggedAttribution]:
    """Join consecutive Contents given the same Source span (or none) at most `gap` characters apart."""
    merged: list[TaggedAttribution] = []
    for item in sorted(attributions, key=lambda a: a.content):
        last = merged[-1] if merged else None
        if last is not None and item.content[0] - last.content[1] <= gap and last.source == item.source:
            merged[-1] = TaggedAttribution((last.content[0], max(last.content[1], item.content[1])),
                                           last.cue or item.cue, last.source)
        else:
            merged.append(item)
    return merged


class AttributionTagger:
    """The trained tagger on CPU (LoRA merged at load); thread-safe."""

    def __init__(self, model: Any, tokenizer: Any, batch_size: int = 16) -> None:
        self._model = model
        self._tokenizer = tokenizer
        self._batch_size = batch_size
        self._lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: str | pathlib.Path, base_model_path: str | None = None) -> AttributionTagger:
        """Load `adapter/` + `manifest.json` from model_dir over the packaged MiniLM (fp16-rounded, as trained)."""
        import torch
        from peft import PeftModel
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        from service.domain.embedding import packaged_model_path, quiet_loading

        directory = pathlib.Path(model_dir)
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        if tuple(manifest["labels"]) != LABELS:
            raise ValueError(f"{directory}: labels {manifest['labels']} differ from {list(LABELS)}")
        base = base_model_path or packaged_model_path()
        with quiet_loading():
            model = AutoModelForTokenClassification.from_pretrained(
                base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)), label2id=LABEL_ID,
                dtype=torch.float32)
            model.half().float()  # trained on an fp16 copy of the base: the same rounding here
            model = PeftModel.from_pretrained(model, str(directory / "adapter")).merge_and_unload()
        return cls(model.eval(), AutoTokenizer.from_pretrained(base))

    def tag(self, text: str) -> list[TaggedAttribution]:
        """Return the tagged attributions of a text, Content fragments of one Source merged, in text order."""
        # The whole text, for token offsets only (the windows are what the model reads): no length warning.
        encoded = self._tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        starts = [start for start, end in encoded["offset_mapping"] if end > start]
        spans = [w for w in windows(text, starts) if text[w[0]:w[1]].strip()]
        found: list[TaggedAttribution] = []
        for begin in range(0, len(spans), self._batch_size):
            found.extend(self._tag_windows(text, spans[begin:begin + self._batch_size]))
        return merge_fragments(found)

    def _tag_windows(self, text: str, spans: Sequence[CharSpan]) -> list[TaggedAttribution]:
        import torch

        encoded = self._tokenizer([text[a:b] for a, b in spans], truncation=True, max_length=MAX_LENGTH,
                                  padding=True, return_offsets_mapping=True, return_tensors="pt")
        offsets = encoded.pop("offset_mapping").tolist()
        with self._lock, torch.no_grad():
            predicted = self._model(**encoded).logits.argmax(-1).tolist()
        found = []
        for (base, _), window_offsets, labels, mask in zip(spans, offsets, predicted,
                                                            encoded["attention_mask"].tolist(), strict=True):
            labels = [label if keep else -100 for label, keep in zip(labels, mask, strict=True)]
            shifted = [(base + s, base + e, kind) for s, e, kind in labels_to_spans(window_offsets, labels)]
            found.extend(attributions_in_window(shifted))
        return found
