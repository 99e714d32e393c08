"""The attribution tagger's pure functions: char spans -> BIO labels, decoding, windows and the speaker rule."""
from __future__ import annotations

from lab.extraction.train_tagger import (
    LABEL_ID,
    doc_predictions,
    labels_to_spans,
    nearest_source,
    spans_to_labels,
    windows,
)
from service.domain.extraction.tagger import TaggedAttribution, attributions_in_window, merge_fragments

TEXT = "Obama said that the economy is growing fast ."
# whitespace tokens with a [CLS] / [SEP] pair of (0, 0) offsets around them, as a fast tokenizer gives
OFFSETS = [(0, 0), (0, 5), (6, 10), (11, 15), (16, 19), (20, 27), (28, 30), (31, 38), (39, 43), (44, 45), (0, 0)]
SPANS = [(0, 5, "Source"), (6, 10, "Cue"), (11, 43, "Content")]


def test_spans_become_bio_labels_and_special_tokens_are_ignored() -> None:
    labels = spans_to_labels(OFFSETS, SPANS)
    names = ["B-Source", "B-Cue", "B-Content", "I-Content", "I-Content", "I-Content", "I-Content", "I-Content", "O"]
    assert labels == [-100, *(LABEL_ID[n] for n in names), -100]


def test_decoding_round_trips_token_aligned_spans() -> None:
    assert labels_to_spans(OFFSETS, spans_to_labels(OFFSETS, SPANS)) == SPANS


def test_nested_span_overwrites_the_outer_one() -> None:
    labels = spans_to_labels(OFFSETS, [(11, 43, "Content"), (16, 27, "Source")])
    assert labels_to_spans(OFFSETS, labels) == [(11, 15, "Content"), (16, 27, "Source"), (28, 43, "Content")]


def test_lenient_decoding_opens_a_span_on_a_stray_inside_label() -> None:
    labels = [-100, LABEL_ID["I-Source"], LABEL_ID["O"], LABEL_ID["I-Content"], LABEL_ID["I-Content"]] + [0] * 6
    assert labels_to_spans(OFFSETS, labels) == [(0, 5, "Source"), (11, 19, "Content")]


def test_nearest_source_uses_the_character_gap() -> None:
    assert nearest_source((20, 30), [(0, 5), (32, 40), (50, 60)]) == (32, 40)
    assert nearest_source((20, 30), []) is None


def test_speaker_is_the_source_nearest_the_content_s_cue_in_the_same_window() -> None:
    doc = {"Content": [[11, 43]], "Source": [[0, 5], [50, 55], [20, 27]], "Cue": [[6, 10]],
           "windows": [[0, 46], [46, 60]]}
    [pred] = doc_predictions(doc)
    assert pred.claim == (11, 43)
    assert pred.speaker == (0, 5)


def test_windows_respect_the_token_limit_and_avoid_cutting_spans() -> None:
    text = "One two. Three four. Five six."
    starts = [0, 4, 9, 15, 21, 26]
    assert windows(text, starts, [], max_tokens=2) == [(0, 9), (9, 21), (21, 30)]
    assert windows(text, starts, [(4, 19, "Content")], max_tokens=4) == [(0, 21), (21, 30)]


def test_each_content_takes_the_source_of_its_nearest_cue() -> None:
    # "Obama said X, and Biden warned Y": Y's cue is "warned", whose nearest Source is Biden, not Obama.
    spans = [(0, 5, "Source"), (6, 10, "Cue"), (11, 20, "Content"), (26, 31, "Source"), (32, 38, "Cue"),
             (39, 50, "Content")]
    found = attributions_in_window(spans)
    assert [(a.content, a.cue, a.source) for a in found] == [((11, 20), (6, 10), (0, 5)),
                                                            ((39, 50), (32, 38), (26, 31))]


def test_a_content_without_a_cue_takes_the_nearest_source_outside_it() -> None:
    spans = [(0, 30, "Content"), (10, 15, "Source"), (35, 40, "Source")]
    (found,) = attributions_in_window(spans)
    assert found.cue is None and found.source == (35, 40)


def test_fragments_of_one_source_merge_within_the_gap_only() -> None:
    quote = [TaggedAttribution((0, 40), (45, 49), (50, 55)), TaggedAttribution((60, 90), (45, 49), (50, 55)),
             TaggedAttribution((300, 320), (45, 49), (50, 55)), TaggedAttribution((325, 340), None, (400, 405))]
    merged = merge_fragments(quote, gap=80)
    assert [m.content for m in merged] == [(0, 90), (300, 320), (325, 340)]
