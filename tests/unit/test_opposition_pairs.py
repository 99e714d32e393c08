"""The FNC-1 pairs the learned opposition scorer is fitted on (lab.clustering.opposition)."""
from __future__ import annotations

from collections import Counter

import numpy as np

from lab.clustering.opposition import OPPOSED, OTHER_STORY, SAME, cross_story_pairs, story_pairs


def _sides() -> dict[int, dict[str, list[str]]]:
    return {1: {"agree": ["a1", "a2"], "disagree": ["d1"]}, 10: {"agree": ["b1"], "disagree": ["e1", "e2"]},
            3: {"agree": ["c1"], "disagree": []}}


def test_a_body_gives_its_agree_disagree_pairs_as_opposed_and_one_side_pairs_as_same() -> None:
    pairs = story_pairs(_sides(), same_per_body=5, seed=1)
    kinds = Counter((label, dev) for _, _, label, dev in pairs)
    assert kinds == {(OPPOSED, False): 2, (SAME, False): 1, (OPPOSED, True): 2, (SAME, True): 1}
    assert ("a1", "a2", SAME, False) in pairs or ("a2", "a1", SAME, False) in pairs


def test_two_stories_pair_only_within_a_split_and_above_the_candidate_floor() -> None:
    vectors = {name: np.array([1.0, 0.0]) for name in ("a1", "a2", "d1", "c1")}
    vectors |= {"b1": np.array([1.0, 0.0]), "e1": np.array([0.0, 1.0]), "e2": np.array([0.0, 1.0])}
    pairs = cross_story_pairs(_sides(), vectors, per_headline=5)
    assert all(label == OTHER_STORY for _, _, label, _ in pairs)
    train = {frozenset((a, b)) for a, b, _, dev in pairs if not dev}
    assert frozenset(("a1", "c1")) in train and not any("b1" in pair for pair in train)
    assert not [pair for pair in pairs if pair[3]], "the dev split holds one body: no pair of two stories"
