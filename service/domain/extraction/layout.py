"""Attributions marked by layout rather than by a verb.

A transcript or headline label ("PENCE: ...", "Pat Caddell: ..."), a headline line "CLAIM, says WHO", and a
quotation signed "― Name" at the end of its paragraph.
"""

from __future__ import annotations

import re
from typing import Any

from service.domain.entities import Span
from service.domain.extraction.candidates import Candidate
from service.domain.extraction.sources import person_in
from service.domain.extraction.titles import GENERIC_BODIES, PERSON_ROLES

_LABEL = re.compile(r"^[ \t\"“]*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}):[ \t]+(?=\S)", re.MULTILINE)
_NOT_SPEAKER_LABELS = frozenset(
    {"correction", "clarification", "update", "note", "watch", "read", "related", "editor", "photo", "video"}
)
# A whole line: "CLAIM, says WHO" with WHO one to four capitalised words (a headline; its parse is unreliable).
_HEADLINE_SAYS = re.compile(
    r"^[ \t]*(?P<claim>[^\n]{12,}?),[ \t]+(?P<cue>says|say|claims|warns|insists)[ \t]+"
    r"(?P<who>[A-Z][\w.'’&-]*(?:[ \t]+[A-Z][\w.'’&-]*){0,3})[ \t]*$",
    re.MULTILINE,
)
# "CLAIM, WHO says": WHO capitalised words or a role or body noun ("Business as usual at Brennick, mayor says").
_WHO_WORDS = "|".join(sorted(GENERIC_BODIES | PERSON_ROLES | {"officials", "police", "experts", "residents"}))
_HEADLINE_WHO_SAYS = re.compile(
    r"^[ \t]*(?P<claim>[^\n]{12,}?),[ \t]+"
    rf"(?P<who>(?:[A-Z][\w.'’&-]*[ \t]+){{0,3}}(?:[A-Z][\w.'’&-]*|(?:{_WHO_WORDS})))[ \t]+"
    r"(?P<cue>says|say|claims|warns|insists)[ \t]*$",
    re.MULTILINE,
)
_DASH_SIGNATURE = re.compile(r"[―—][ \t]*([A-Z][^\n―—“”\"]{1,60}?)[ \t.]*$", re.MULTILINE)


def _named_run(doc: Any, start: int, end: int) -> Any | None:
    """Return the tokens of a name (proper nouns or a PERSON / ORG entity) spanning [start, end), else None."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    named = [e for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.start_char < end and start < e.end_char]
    if named or all(t.pos_ == "PROPN" or t.is_punct for t in span) or span.text.isupper():
        return span
    return None


def from_labels(doc: Any) -> list[Candidate]:
    """Return "PENCE: Well, ..." (a transcript) and "Pat Caddell: Voters Worried ..." (a headline) paragraphs."""
    text = doc.text
    found: list[Candidate] = []
    for match in _LABEL.finditer(text):
        label = match.group(1)
        if {w.casefold().strip("’'s") for w in label.split()} & _NOT_SPEAKER_LABELS:
            continue
        span = _named_run(doc, match.start(1), match.end(1))
        if span is None or not (
            span.text.isupper()
            or any(e.label_ == "PERSON" for e in span.ents)
            or (len(span) <= 2 and all(t.pos_ == "PROPN" and t.ent_type_ not in ("GPE", "LOC", "DATE") for t in span))
        ):
            continue
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        if len(text[match.end() : end].split()) < 3:
            continue
        person = label.title() if label.isupper() else person_in(span.root, match.start(1), match.end(1))
        found.append(_labelled_candidate(span, match.span(1), (match.end(), end), ":", match.end(1), person))
    return found


def from_headline_says(doc: Any) -> list[Candidate]:
    """Return a headline line "Russian Claim ... Is False, says US" or "Business as usual at Brennick, mayor says"
    (the parse of a title is unreliable)."""
    found: list[Candidate] = []
    matches = [*_HEADLINE_SAYS.finditer(doc.text), *_HEADLINE_WHO_SAYS.finditer(doc.text)]
    for match in sorted(matches, key=lambda m: m.start()):
        name = doc.char_span(*match.span("who"), alignment_mode="expand")
        if name is None or len(match.group("claim").split()) < 3:
            continue
        person = person_in(name.root, name.start_char, name.end_char)
        found.append(_labelled_candidate(name, match.span("who"), match.span("claim"), match.group("cue"),
                                         match.start("cue"), person))
    return found


def _labelled_candidate(name: Any, name_chars: tuple[int, int], claim: tuple[int, int], cue: str, cue_start: int,
                        person: str | None) -> Candidate:
    """A statement attributed by a label or a signature rather than a verb; its sentence is the name's."""
    sentence = name.doc[name.start].sent
    return Candidate(claim[0], claim[1], cue, cue_start, cue_start + 1, Span(sentence.start_char, sentence.end_char),
                      name_chars[0], name_chars[1], person, verbal=False)


def from_dash_signatures(doc: Any, quotes: list[Span]) -> list[Candidate]:
    """Return a quotation signed with a dash and a name ("“...” ― Jane Doe"), the signature ending its paragraph."""
    text = doc.text
    found: list[Candidate] = []
    for match in _DASH_SIGNATURE.finditer(text):
        before = [q for q in quotes if q.end <= match.start()]
        if not before:
            continue
        quote = before[-1]
        if text[quote.end : match.start()].strip() or len(match.group(1).split()) > 5:
            continue
        span = _named_run(doc, match.start(1), match.end(1))
        if span is None or not any(e.label_ == "PERSON" for e in span.ents):
            continue
        person = person_in(span.root, match.start(1), match.end(1))
        found.append(_labelled_candidate(span, match.span(1), (quote.start, quote.end), "―", match.start(), person))
    return found
