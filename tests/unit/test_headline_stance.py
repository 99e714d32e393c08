"""The stand-in for the held-out stance set: FNC-1 dev headlines against an agreeing headline of their body."""
from __future__ import annotations

import csv
from collections import Counter

from lab.datasets.relation_pairs import fnc_headline_stance_examples, is_fnc_dev
from lab.paths import SHARED_DATA


def _stances_by_headline() -> dict[str, set[tuple[int, str]]]:
    seen: dict[str, set[tuple[int, str]]] = {}
    with (SHARED_DATA / "fnc-1" / "train_stances.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            seen.setdefault(row["Headline"], set()).add((int(row["Body ID"]), row["Stance"]))
    return seen


def test_each_pair_is_an_agreeing_headline_against_another_of_the_same_dev_body() -> None:
    examples = fnc_headline_stance_examples(SHARED_DATA)
    stances = _stances_by_headline()
    wanted = {"corroborates": "agree", "contradicts": "disagree", "discusses": "discuss"}
    for example in examples:
        assert example.claim != example.other
        bodies = {body for body, stance in stances[example.claim] if stance == "agree" and is_fnc_dev(body)}
        assert any((body, wanted[example.label]) in stances[example.other] for body in bodies), example
    labels = Counter(e.label for e in examples)
    assert set(labels) == set(wanted) and min(labels.values()) > 100


def test_the_set_is_the_same_on_every_call_and_holds_no_pair_twice() -> None:
    first, second = fnc_headline_stance_examples(SHARED_DATA), fnc_headline_stance_examples(SHARED_DATA)
    assert first == second
    assert len({frozenset((e.claim, e.other)) for e in first}) == len(first)
