"""Candidates: statements found in a text before their speaker is resolved.

The rules find them (`rules.py`, `layout.py`); the attribution tagger's attributions become candidates too
(`tagged_candidates`), for the text no rule statement claims.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.domain.entities import Span
from service.domain.extraction.sources import person_in
from service.domain.extraction.tagger import TaggedAttribution


@dataclass
class Candidate:
    """A statement before its speaker is resolved: character offsets into the text."""

    claim_start: int
    claim_end: int
    cue: str | None
    cue_start: int
    cue_end: int
    sentence: Span
    speaker_start: int | None  # None: continues the last speaker
    speaker_end: int | None
    person_name: str | None
    # plain | promise (xcomp "to ...") | plan (noun "plans to ...") | argument | as_announced_denied ("X is not
    # slowing down, as it had announced": X announced the clause without its negation)
    frame: str = "plain"
    verbal: bool = True
    participle: bool = False  # "..., adding that ...": the source is the sentence's "according to" source
    # The word that names the source where it is not the source's own mention: "who" in "Kamin, who said ...".
    pronoun: Span | None = None


def tagged_candidates(
    doc: Any, tagged: Sequence[TaggedAttribution], claimed: Sequence[tuple[int, int]],
) -> list[Candidate]:
    """Candidates for the tagger's attributions that have a Source and whose Content no rule statement claims."""
    found = []
    for item in tagged:
        start, end = item.content
        if item.source is None or any(a < end and start < b for a, b in claimed):
            continue
        complementiser = _LEADING_THAT.match(doc.text, start, end)
        if complementiser:  # "counter that X": the claim is X, as the rules read a that-clause
            start = complementiser.end()
        source_start, source_end = item.source
        # A speaker is named on one line: a Source across a line break has page furniture before it ("TT Ads").
        line_break = doc.text.rfind("\n", source_start, source_end)
        source_start = line_break + 1 if line_break >= 0 else source_start
        source = doc.char_span(source_start, source_end, alignment_mode="expand")
        content = doc.char_span(start, end, alignment_mode="expand")
        if source is None or content is None or not _has_finite_verb(content):
            continue  # a noun phrase is a topic, not a checkable statement (PolNeAR annotates both)
        sentence = content[0].sent
        cue_start, cue_end = item.cue if item.cue is not None else (start, start)
        found.append(Candidate(
            start, end, doc.text[cue_start:cue_end] if item.cue is not None else None, cue_start, cue_end,
            Span(sentence.start_char, sentence.end_char), source.start_char, source.end_char,
            person_in(source.root, source.start_char, source.end_char),
        ))
    return found


def _has_finite_verb(span: Any) -> bool:
    """Tell whether a span holds a finite verb: a statement, not a bare noun phrase ("their response to it")."""
    return any(token.tag_ in _FINITE_TAGS for token in span)


_FINITE_TAGS = frozenset({"VBD", "VBP", "VBZ", "MD"})
_LEADING_THAT = re.compile(r"that\s+", re.IGNORECASE)
