"""The claim of a statement: its exact span in the text, and its text as a self-contained sentence."""

from __future__ import annotations

import re

from service.domain.entities import Span, SpeakerKind, SpeakerMention
from service.domain.extraction.candidates import Candidate
from service.domain.extraction.mentions import country_of

_SUBJECT_PRONOUNS = {"he": SpeakerKind.PERSON, "she": SpeakerKind.PERSON, "it": SpeakerKind.ORGANISATION}


def asserted_span(text: str, start: int, end: int, quotes: list[Span]) -> Span | None:
    """Trim a content range to the asserted text, widening it to a whole quotation it lies inside."""
    for quote in quotes:
        if quote.start <= start and end <= quote.end and (end - start) < (quote.end - quote.start):
            start, end = quote.start, quote.end
            break
    strip = " \t\n,;:—–-“”\"'‘’"
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip + ".":
        end -= 1
    # Keep a closing quotation mark that closes an opening one inside the span.
    if end < len(text) and text[end] in '”"' and _opens_inside(text, start, end):
        end += 1
    if start > 0 and text[start - 1] in '“"' and _closes_inside(text, start, end):
        start -= 1
    if end - start < 3:
        return None
    return Span(start, end)


def _closes_inside(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    return piece.count("”") > piece.count("“") or piece.count('"') % 2 == 1


def _opens_inside(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    return piece.count("“") > piece.count("”") or piece.count('"') % 2 == 1


def claim_text(text: str, span: Span, candidate: Candidate, mention: SpeakerMention) -> str:
    """Return the claim as a self-contained sentence: no quotation marks, capitalised, one final stop."""
    piece = text[span.start : span.end]
    if (
        candidate.speaker_start is not None
        and candidate.speaker_end is not None
        and span.start < min(candidate.speaker_start, candidate.cue_start)
        and max(candidate.speaker_end, candidate.cue_end) < span.end
    ):
        # Drop a frame inside the claim: "The port, the minister said, will reopen" -> "The port will reopen".
        frame_start = min(candidate.speaker_start, candidate.cue_start) - span.start
        frame_end = max(candidate.speaker_end, candidate.cue_end) - span.start
        piece = piece[:frame_start].rstrip(" ,—–-") + " " + piece[frame_end:].lstrip(" ,—–-")
    piece = re.sub(r"[“”\"]", "", piece)
    piece = re.sub(r"(?<![A-Za-z])['‘’]|['‘’](?![A-Za-z])", "", piece)
    piece = " ".join(piece.split())
    quoted = any(text[span.start - 1 : span.start] == q for q in '“"') or text[span.start] in '“"'
    agent = _agent_name(mention)
    if candidate.frame == "promise":
        piece = re.sub(r"^to\s+", "", piece)
        piece = f"{agent} will {piece}"
    elif candidate.frame == "plan":
        piece = f"{agent} {piece}"
    elif candidate.frame == "argument":
        piece = f"{mention.name} {candidate.cue} {piece}"
    elif not quoted:
        first, _, rest = piece.partition(" ")
        kind = _SUBJECT_PRONOUNS.get(first.lower())
        if (
            kind is not None
            and rest
            and kind
            is (SpeakerKind.PERSON if mention.kind is SpeakerKind.PERSON else SpeakerKind.ORGANISATION)
        ):
            piece = f"{agent} {rest}"
    if (
        candidate.cue
        and candidate.cue.lower().startswith(("den", "reject", "dismiss"))
        and candidate.verbal
        and candidate.frame != "argument"
    ):
        piece = f"it is not true that {piece}"
    piece = piece.rstrip(" ,;:")
    if piece and piece[-1] not in ".?!":
        piece += "."
    return piece[:1].upper() + piece[1:]


def _agent_name(mention: SpeakerMention) -> str:
    """Return who a promise or plan binds: the country of a spokesman or body, else the speaker."""
    if mention.kind is SpeakerKind.PERSON:
        if mention.affiliation and mention.role and "spokes" in mention.role:
            return country_of(mention.affiliation) or mention.affiliation
        return mention.name
    if mention.kind is SpeakerKind.ORGANISATION:
        return country_of(mention.affiliation) or mention.name if mention.affiliation else mention.name
    return mention.name
