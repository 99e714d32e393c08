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


def test_a_continued_training_mix_caps_each_extra_set_and_keeps_every_contrast_and_calibration_row() -> None:
    from lab.relation.mix_pack import mixed_rows

    def row(source: str, label: str, split: str = "train", n: int = 0) -> dict[str, str]:
        return {"claim": f"{source} claim {n}", "other": f"{source} other {n}", "label": label, "source": source,
                "split": split}
    rows = ([row("contrast_negation", "contradicts", n=i) for i in range(3)]
            + [row("contrast_paraphrase", "corroborates", n=i) for i in range(2)]
            + [row("conjnli", "discusses", n=i) for i in range(10)]
            + [row("conjnli_reversed", "discusses", n=i) for i in range(10)]
            + [row("arc", "contradicts", n=i) for i in range(4)]
            + [row("fnc", "unrelated", n=i) for i in range(50)]
            + [row("fnc", "discusses", "calibration", n=i) for i in range(7)])
    mixed = mixed_rows(rows, replay=20, seed=1, extra_per_source=5)
    sources = Counter(r["source"] for r in mixed if r["split"] == "train")
    assert sources["contrast_negation"] == 6 and sources["contrast_paraphrase"] == 2, "symmetric labels both ways"
    assert sources["conjnli"] + sources["conjnli_reversed"] == 5 and sources["arc"] == 4
    assert sources["fnc"] == 20
    assert sum(r["split"] == "calibration" for r in mixed) == 7


def test_a_mix_samples_at_most_add_limit_of_the_added_rows(tmp_path) -> None:
    from lab.relation.mix_pack import main
    from lab.relation.pack_data import write_jsonl
    from lab.relation.train import read_rows

    pack, swaps, out = tmp_path / "pack.jsonl.gz", tmp_path / "swaps.jsonl.gz", tmp_path / "mix.jsonl.gz"
    write_jsonl([{"claim": f"c{i}", "other": f"o{i}", "label": "unrelated", "source": "fnc", "split": "train"}
                 for i in range(10)], pack)
    write_jsonl([{"claim": f"s{i}", "other": f"t{i}", "label": "corroborates", "source": "contrast_word_hypernym"}
                 for i in range(40)], swaps)
    main(["--pack", str(pack), "--add", str(swaps), "--add-limit", "15", "--replay", "10", "--out", str(out)])
    sources = Counter(r["source"] for r in read_rows(out))
    assert sources == {"contrast_word_hypernym": 15, "fnc": 10}
