"""The extra training sets of ../shared/data/nli-extra, read into the relation labels (lab.datasets.extra_pairs)."""
from __future__ import annotations

from collections import Counter

import pytest

from lab.datasets.extra_pairs import PERMISSIVE, SOURCES, _fever_text
from lab.paths import SHARED_DATA
from lab.relation.pack_data import _extra_names

LABELS = {"corroborates", "contradicts", "discusses", "unrelated"}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_extra_set_reads_into_labelled_pairs(name: str) -> None:
    examples = SOURCES[name](SHARED_DATA / "nli-extra")
    labels = Counter(e.label for e in examples)
    assert len(examples) > 1000 and set(labels) <= LABELS
    assert labels["contradicts"] > 0.05 * len(examples), "every set brings contradictions"
    assert all(e.claim.strip() and e.other.strip() and e.source.startswith(name.split("_")[0]) for e in examples)


def test_fever_brackets_and_spacing_are_undone() -> None:
    assert _fever_text("Telemundo -LRB- -LSB- teleˈmundo -RSB- -RRB- is a network .") == \
        "Telemundo ([teleˈmundo]) is a network."


def test_permissive_names_every_permissive_set_once() -> None:
    assert _extra_names(["permissive", "arc", "anli_test"]) == [*PERMISSIVE, "anli_test"]
