"""Claim–passage scoring with the cross-encoder: repeated passages are reduced once, with unchanged results."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from service.domain.embedding import Embedder
from service.domain.relation.baseline import split_sentences
from service.domain.relation.cross_encoder import CrossEncoderPairModel, reduce_passages
from service.settings import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"

CLAIMS = (
    "Russia is withdrawing its troops from the Ukrainian border.",
    "Russian units are not withdrawing, but repositioning.",
    "NATO is sending more troops to Eastern Europe.",
)


class CountingEncoder:
    """Wraps an encoder and records every text it is asked to embed."""

    def __init__(self, encode: object) -> None:
        self._encode = encode
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self._encode(texts)  # type: ignore[operator]


def reduce_each_pair(pairs: Sequence[tuple[str, str]], encode: object, top_k: int) -> list[str]:
    """The reduction before passages were shared: every pair split and gathered on its own (the reference)."""
    split = [split_sentences(other) for _, other in pairs]
    long_rows = [i for i, sentences in enumerate(split) if len(sentences) > top_k]
    reduced = [other for _, other in pairs]
    if not long_rows:
        return reduced
    unique: dict[str, int] = {}
    for i in long_rows:
        for text in (pairs[i][0], *split[i]):
            unique.setdefault(text, len(unique))
    vectors = encode(list(unique))  # type: ignore[operator]
    for i in long_rows:
        cosines = vectors[[unique[s] for s in split[i]]] @ vectors[unique[pairs[i][0]]]
        best = np.argsort(-cosines, kind="stable")[:top_k]
        reduced[i] = " ".join(split[i][int(j)] for j in best)
    return reduced


@pytest.fixture(scope="session")
def passage_pairs() -> list[tuple[str, str]]:
    """Every claim against two long seed passages, plus a short claim–claim pair, passages repeated."""
    passages = [(SEEDS / name).read_text(encoding="utf-8") for name in
                ("002_76fa60df7cbc5de7.txt", "004_e972943908e36f74.txt")]
    assert all(len(split_sentences(p)) > 4 for p in passages)
    pairs = [(claim, passage) for passage in passages for claim in CLAIMS]
    return [*pairs, (CLAIMS[0], CLAIMS[1]), *pairs[:2]]


def test_reduction_matches_the_per_pair_reference(embedder: Embedder, passage_pairs: list[tuple[str, str]]) -> None:
    assert reduce_passages(passage_pairs, embedder.encode, 4) == reduce_each_pair(passage_pairs, embedder.encode, 4)


def test_each_distinct_text_is_embedded_once(embedder: Embedder, passage_pairs: list[tuple[str, str]]) -> None:
    encoder = CountingEncoder(embedder.encode)
    reduce_passages(passage_pairs, encoder, 4)
    assert len(encoder.calls) == 1
    texts = encoder.calls[0]
    assert len(texts) == len(set(texts))
    distinct = {s for _, other in passage_pairs if len(split_sentences(other)) > 4 for s in split_sentences(other)}
    assert distinct <= set(texts)


def test_same_probabilities_with_and_without_repeated_passages(
    xenc_model: CrossEncoderPairModel, passage_pairs: list[tuple[str, str]],
) -> None:
    together = xenc_model.predict_proba(passage_pairs)
    alone = np.vstack([xenc_model.predict_proba([pair]) for pair in dict.fromkeys(passage_pairs)])
    index = {pair: i for i, pair in enumerate(dict.fromkeys(passage_pairs))}
    expected = alone[[index[pair] for pair in passage_pairs]]
    assert together.shape == (len(passage_pairs), 4)
    np.testing.assert_allclose(together.sum(axis=1), 1.0, atol=1e-9)
    # the same reduced text whether or not the passage is shared; only batch padding may move the last digits
    np.testing.assert_allclose(together, expected, rtol=0, atol=1e-5)
    assert [row.argmax() for row in together] == [row.argmax() for row in expected]
