"""Contrast-pair generators (lab.relation.contrast_pairs) on literal sentences with the real spaCy pipeline."""
from __future__ import annotations

import random
from typing import Any

import pytest

from lab.paths import SHARED_DATA
from lab.relation import contrast_pairs as cp

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def texts(row: dict[str, str]) -> set[str]:
    """Return both sides of a row (the generators orient pairs at random only in `collect`)."""
    return {row["claim"], row["other"]}


def test_negation_turns_simple_past_into_did_not(nlp: Any) -> None:
    row = cp.negation_flip(nlp("Russia withdrew its troops from the border on Monday."), random.Random(0))
    assert row is not None and row["label"] == "contradicts" and row["source"] == "contrast_negation"
    assert texts(row) == {"Russia withdrew its troops from the border on Monday.",
                          "Russia did not withdraw its troops from the border on Monday."}


def test_negation_is_removed_with_the_verb_reinflected(nlp: Any) -> None:
    row = cp.negation_flip(nlp("The company didn't sell its shares last year."), random.Random(0))
    assert row is not None and row["claim"] == "The company sold its shares last year."


def test_negation_skips_weak_modals(nlp: Any) -> None:
    assert cp.negated(nlp("The government may close the border crossing next week.")) is None


def test_double_negation_keeps_the_meaning(nlp: Any) -> None:
    doc = nlp("The minister resigned from his post on Wednesday after the scandal.")
    rows = [cp.double_negation(doc, random.Random(seed)) for seed in range(6)]
    claims = {row["claim"] for row in rows if row is not None}
    assert all(row is None or row["label"] == "corroborates" for row in rows)
    assert "It is not true that the minister did not resign from his post on Wednesday after the scandal." in claims
    assert "No one disputes that the minister resigned from his post on Wednesday after the scandal." in claims


def test_quantity_change_contradicts_and_rounding_corroborates(nlp: Any) -> None:
    doc = nlp("Police said 2,013 people were arrested in Paris on Tuesday.")
    changed = cp.quantity_change(doc, random.Random(0))
    assert changed is not None and changed["label"] == "contradicts"
    new = cp.number_value(changed["claim"].split()[2])
    assert new is not None and (new >= 1.5 * 2013 or new <= 0.6 * 2013)
    rounded = [cp.quantity_rounding(doc, random.Random(seed)) for seed in range(8)]
    assert all(row is not None and row["label"] == "corroborates" for row in rounded)
    assert "Police said about 2,000 people were arrested in Paris on Tuesday." in {r["claim"] for r in rounded if r}


def test_hedged_counts_are_left_alone(nlp: Any) -> None:
    assert cp.quantity_change(nlp("About 2,000 people were travelling to the border."), random.Random(0)) is None


def test_numbers_on_different_nouns_discuss(nlp: Any) -> None:
    first = nlp("Some 2,000 refugees were travelling towards the border on Monday.")
    second = nlp("Officials said 7,000 tents had arrived at the camp by then.")
    row = cp.different_measures(nlp("The convoy carried 2,000 refugees towards the border."), second, random.Random(0))
    assert row is not None and row["label"] == "discusses"
    assert cp.counted_noun(first) is None  # "Some 2,000" is hedged


def test_denial_frame_contradicts_and_confirmation_corroborates(nlp: Any) -> None:
    doc = nlp("The school was closed after the storm hit the town in March.")
    denied = cp.denial_frame(doc, random.Random(0))
    confirmed = cp.confirm_frame(doc, random.Random(0))
    assert denied is not None and denied["label"] == "contradicts"
    assert "the school was closed after the storm hit the town in March" in denied["other"]
    assert confirmed is not None and confirmed["label"] == "corroborates"
    false_claim = cp.false_claim_vs_negation(doc, random.Random(0))
    assert false_claim is not None and false_claim["label"] == "corroborates"
    claim = "the school was closed after the storm hit the town in March"
    assert texts(false_claim) == {"The school was not closed after the storm hit the town in March.",
                                  f"The claim that {claim} is false."}


def test_state_change_and_weekday_swap_contradict(nlp: Any) -> None:
    state = cp.state_change(nlp("The school was closed after the storm hit the town in March."), random.Random(0))
    assert state is not None and state["claim"] == "The school was reopened after the storm hit the town in March."
    names = cp.load_cohyponyms(cp.WEEKDAYS)
    day = cp.weekday_swap(nlp("Russia withdrew its troops from the border on Monday."), random.Random(0), names)
    assert day is not None and day["label"] == "contradicts"
    assert day["claim"].split()[-1].rstrip(".") in set(cp.WEEKDAYS) - {"Monday"}


def test_synonym_verb_paraphrase_corroborates(nlp: Any) -> None:
    row = cp.synonym_verb(nlp("Russia withdrew its troops from the border on Monday."), random.Random(0))
    assert row is not None and row["label"] == "corroborates"
    assert row["claim"] == "Russia pulled back its troops from the border on Monday."


def test_inflect() -> None:
    assert [cp.inflect("withdraw", "VBD"), cp.inflect("reopen", "VBZ"), cp.inflect("stop", "VBD"),
            cp.inflect("close", "VBG"), cp.inflect("try", "VBD")] == ["withdrew", "reopens", "stopped", "closing",
                                                                     "tried"]


SENTENCES = [
    cp.Sentence("Russia withdrew its troops from the border on Monday.", "test", "b1"),
    cp.Sentence("Police said 2,013 people were arrested in Paris on Tuesday.", "test", "b1"),
    cp.Sentence("The school was closed after the storm hit the town in March.", "test", "b1"),
    cp.Sentence("Sales rose by 12 percent in the third quarter, the company said.", "test", "b2"),
    cp.Sentence("The company paid $4,500 to the family of the victim last week.", "test", "b2"),
    cp.Sentence("The minister resigned from his post on Wednesday after the scandal.", "test", "b2"),
]


def test_same_seed_same_rows(nlp: Any) -> None:
    parsed = cp.parse(SENTENCES, nlp)

    def run(seed: int) -> list[dict[str, str]]:
        rng = random.Random(seed)
        return cp.balance(cp.collect(parsed, rng, cap=20), 4, rng)

    first = run(13)
    assert first == run(13)
    assert first and {row["source"] for row in first} == {f"contrast_{row['category']}" for row in first}
    assert max(cp.summary(first), key=len)


@pytest.mark.skipif(not (SHARED_DATA / "fnc-1").exists(), reason="needs ../shared/data")
def test_sentences_come_from_train_bodies_only() -> None:
    sentences = cp.fnc_sentences(SHARED_DATA)
    body_ids = {int(s.group[3:]) for s in sentences if s.group}
    assert body_ids and not any(b % 10 in (0, 5) for b in body_ids)
