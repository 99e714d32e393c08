"""The trained attribution tagger inside extraction: what it adds to the rules, and what it leaves out."""
from __future__ import annotations

import datetime as dt
from typing import Any

from service.domain.entities import SpeakerKind
from service.domain.extraction.candidates import tagged_candidates
from service.domain.extraction.statements import StatementExtractor
from service.domain.extraction.tagger import TaggedAttribution

PUBLISHED = dt.date(2022, 4, 1)
COUNTER = "Environmental groups counter that the pipeline threatens the drinking water of 40,000 residents."


def test_the_tagger_adds_an_attribution_the_rules_miss(
    extractor: StatementExtractor, rule_extractor: StatementExtractor,
) -> None:
    assert rule_extractor.extract(COUNTER, PUBLISHED).statements == ()
    (statement,) = extractor.extract(COUNTER, PUBLISHED).statements
    assert statement.claim == "The pipeline threatens the drinking water of 40,000 residents."
    assert statement.speaker.name == "Environmental groups"
    assert statement.speaker.kind is SpeakerKind.ORGANISATION
    assert statement.cue == "counter"
    assert COUNTER[statement.claim_span.start:statement.claim_span.end].startswith("the pipeline threatens")
    assert statement.date == PUBLISHED


def test_rule_statements_are_kept_as_the_rules_read_them(
    extractor: StatementExtractor, rule_extractor: StatementExtractor,
) -> None:
    text = ("Senator Jane Doe said on Thursday that the agency hid the inspection report. "
            "Environmental groups counter that the pipeline threatens the drinking water of 40,000 residents.")
    (by_rule,) = rule_extractor.extract(text, PUBLISHED).statements
    both = extractor.extract(text, PUBLISHED).statements
    assert by_rule in both
    assert [s.speaker.name for s in both] == ["Jane Doe", "Environmental groups"]


def test_a_tagged_noun_phrase_is_not_a_statement(nlp: Any) -> None:
    text = "Doe cited the pipeline's record of spills. Doe argued that the pipeline leaks every year."
    doc = nlp(text)
    source_first, source_second = (0, 3), (43, 46)
    noun_phrase = TaggedAttribution((10, 41), (4, 9), source_first)
    clause = TaggedAttribution((54, 88), (47, 53), source_second)
    kept = tagged_candidates(doc, [noun_phrase, clause], [])
    assert [(c.claim_start, c.claim_end, c.cue) for c in kept] == [(59, 88, "argued")]


def test_a_tagged_source_across_a_line_break_keeps_its_last_line(nlp: Any) -> None:
    text = "TT Ads\n\nKremlin confirms that troops are moving to Belarus."
    doc = nlp(text)
    tagged = TaggedAttribution((25, 59), (16, 24), (0, 15))
    (candidate,) = tagged_candidates(doc, [tagged], [])
    assert text[candidate.speaker_start:candidate.speaker_end] == "Kremlin"
    assert text[candidate.claim_start:candidate.claim_end] == "troops are moving to Belarus."  # "that" left out
