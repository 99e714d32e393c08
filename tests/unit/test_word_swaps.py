"""One-word contrast pairs from captions (lab.relation.word_swaps): WordNet swaps on real sentences."""
from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from lab.relation.word_swaps import LABELS, Lexicon, is_dev, load_lexicon, swapped

CAPTIONS = ["A man is playing a guitar on the street.", "Two dogs run across a green field.",
            "A young woman sits on a wooden bench.", "The boy wears a red jacket."] * 10


@pytest.fixture(scope="module")
def lexicon(embedder: Any) -> Lexicon:
    vocabulary = Counter({w: 100 for w in ["man", "woman", "boy", "girl", "guitar", "violin", "piano", "instrument",
                                           "dog", "cat", "field", "bench", "chair", "jacket", "coat", "shirt",
                                           "young", "old", "red", "green"]})
    built = load_lexicon(vocabulary, min_count=20)
    built.embed(embedder.encode)
    return built


def _one_word_apart(a: str, b: str) -> bool:
    """One word changed, besides the "a" / "an" before it."""
    words = [(x, y) for x, y in zip(a.split(), b.split(), strict=True) if {x.lower(), y.lower()} != {"a", "an"}]
    return sum(x != y for x, y in words) == 1


@pytest.mark.parametrize("kind", ["cohyponym", "antonym", "colour", "number"])
def test_each_contradicting_swap_changes_exactly_one_word(kind: str, nlp: Any, lexicon: Lexicon) -> None:
    rng, used = random.Random(1), Counter[tuple[str, str]]()
    changed = [(doc.text, swapped(doc, lexicon, kind, rng, used, cap=100)) for doc in nlp.pipe(CAPTIONS[:4])]
    changed = [(a, b) for a, b in changed if b]
    assert changed and LABELS[kind] == "contradicts"
    assert all(_one_word_apart(a, b) for a, b in changed), changed


def test_a_cohyponym_is_a_sibling_in_the_sense_meant(nlp: Any, lexicon: Lexicon) -> None:
    doc = nlp("A man is playing a guitar.")
    seen = {swapped(doc, lexicon, "cohyponym", random.Random(seed), Counter(), cap=100) for seed in range(30)}
    assert "A man is playing a violin." in seen or "A man is playing a piano." in seen, seen
    assert "A woman is playing a guitar." in seen, "the opposite sex is a co-hyponym"
    assert not any("instrument" in (s or "") for s in seen), "a hypernym is not a co-hyponym"


def test_a_used_pair_is_capped_and_a_repeated_word_is_left_alone(nlp: Any, lexicon: Lexicon) -> None:
    used = Counter({("man", "woman"): 5, ("man", "boy"): 5})
    assert swapped(nlp("A man stands."), lexicon, "cohyponym", random.Random(0), used, cap=5) is None
    assert swapped(nlp("A man talks to a man."), lexicon, "cohyponym", random.Random(0), Counter(), cap=5) is None


def test_the_dev_split_is_stable_and_about_a_tenth() -> None:
    sentences = [f"Caption number {i}." for i in range(2000)]
    share = sum(map(is_dev, sentences)) / len(sentences)
    assert 0.07 < share < 0.13 and [is_dev(s) for s in sentences] == [is_dev(s) for s in sentences]
