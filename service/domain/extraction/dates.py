"""Time expressions in news text and the date a statement was made.

`find_time_expressions` finds explicit dates ("30 March 2022", "2022-03-30", "March 30"), weekday names ("on
Thursday", "this Thursday", "Wednesday (30)"), deictic words ("yesterday", "today", "last week", "earlier this
month"), month names, years, present references ("now", "currently") and whatever else spaCy tags DATE.
Each gets an ISO 8601 value at the granularity the text gives: day `2022-03-31`, ISO week `2022-W13`, month
`2022-03`, year `2022`, `PRESENT_REF`, or None when it cannot be resolved (a duration such as "30 years", or a
relative expression in a text without a publication date).

Relative expressions resolve against the publication date. The tense of the clause decides the side
(`tense.tense_direction`): a bare weekday is the most recent such day on or before publication unless its clause
looks ahead ("will meet on Tuesday", "planned to leave on Thursday", "until Tuesday"); a day or month without a year
takes the year that puts it nearest to publication on the side the tense gives, else the nearest; a number in
parentheses after a weekday is its day of the month.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.domain.entities import DateBasis, Span, TimeExpression
from service.domain.extraction.tense import TENSED_KINDS, tense_direction
from service.domain.extraction.time_patterns import PATTERNS
from service.domain.extraction.time_values import PRESENT_REF, resolve_entity, resolve_match

# spaCy tags ages and frequencies DATE; they are neither a date nor a time the text refers to.
_NOT_A_DATE = re.compile(r"(?i)-years?-old\b|\b(?:quarterly|annual(?:ly)?|daily|weekly|monthly|yearly)\b")

_ANCHOR_KINDS = frozenset({"iso", "mdy", "dmy", "weekday", "deictic", "same_day"})


@dataclass(frozen=True)
class ResolvedDate:
    """The date a statement was made, the expression it came from and how it was decided."""

    date: dt.date | None
    text: str | None
    basis: DateBasis


def find_time_expressions(doc_or_text: Any, published_at: dt.date | None) -> tuple[TimeExpression, ...]:
    """Return every time expression of a text (str or spaCy Doc) with its ISO value, in text order."""
    text: str = doc_or_text if isinstance(doc_or_text, str) else doc_or_text.text
    found: list[tuple[int, int, str, re.Match[str] | None]] = []
    for kind, pattern in PATTERNS:
        found.extend((match.start(), match.end(), kind, match) for match in pattern.finditer(text))
    if not isinstance(doc_or_text, str):
        for ent in doc_or_text.ents:
            if ent.label_ == "DATE":
                start, end = _trim_entity(text, ent.start_char, ent.end_char)
                if start < end and not text[start:end].isdigit() and not _NOT_A_DATE.search(text[start:end]):
                    found.append((start, end, "entity", None))
    chosen = _drop_overlaps(found)
    expressions: list[TimeExpression] = []
    last_day: str | None = None
    for start, end, kind, match in chosen:
        if kind == "same_day":
            value = last_day
        elif match is None:
            value = resolve_entity(text[start:end], published_at)
        else:
            direction = tense_direction(doc_or_text, start, end) if kind in TENSED_KINDS else 0
            value = resolve_match(kind, match, published_at, direction=direction)
        # "The same day" refers back to the day of the news, named by a weekday or a full date, not to a
        # background date such as "the campaign started on February 24".
        if value is not None and _is_day(value) and kind in _ANCHOR_KINDS:
            last_day = value
        expressions.append(TimeExpression(text=text[start:end], span=Span(start, end), value=value))
    return tuple(expressions)


def resolve_date(
    sentence: Span,
    claim: Span,
    expressions: Sequence[TimeExpression],
    published_at: dt.date | None,
    *,
    cue: Span | None = None,
) -> ResolvedDate:
    """Choose when a statement was made: a day stated outside its claim, else the publication date.

    A time expression inside the claim dates the claimed event, not the saying of it, so only expressions in
    the statement's sentence and outside `claim` count; the one nearest the cue wins. An expression with a
    week, month or year value is too coarse for a date and falls back to the publication date.
    """
    candidates = [
        expression
        for expression in expressions
        if sentence.start <= expression.span.start
        and expression.span.end <= sentence.end
        and (expression.span.end <= claim.start or expression.span.start >= claim.end)
        and expression.value != PRESENT_REF
    ]
    if cue is not None:
        candidates.sort(key=lambda e: min(abs(e.span.start - cue.end), abs(cue.start - e.span.end)))
    for expression in candidates:
        if expression.value is not None and _is_day(expression.value):
            return ResolvedDate(dt.date.fromisoformat(expression.value), expression.text, DateBasis.STATED)
    if published_at is not None:
        return ResolvedDate(published_at, None, DateBasis.PUBLICATION)
    unresolved = next((e for e in candidates if e.value is None or not _is_day(e.value)), None)
    return ResolvedDate(None, unresolved.text if unresolved else None, DateBasis.UNKNOWN)


def _is_day(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-"


def _trim_entity(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip leading articles/prepositions and surrounding punctuation from a spaCy DATE entity."""
    piece = text[start:end]
    lead = re.match(r"^(?:(?:on|in|at|since|by|until|from|the|its|their|his|her|of)\s+)+", piece, re.I)
    if lead and not re.match(r"^the\s+same\s+day", piece, re.IGNORECASE):
        start += lead.end()
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _drop_overlaps(
    found: list[tuple[int, int, str, re.Match[str] | None]],
) -> list[tuple[int, int, str, re.Match[str] | None]]:
    """Keep non-overlapping matches: rule matches beat spaCy entities, then longer beats shorter."""
    ranked = sorted(found, key=lambda item: (item[2] == "entity", -(item[1] - item[0]), item[0]))
    chosen: list[tuple[int, int, str, re.Match[str] | None]] = []
    for item in ranked:
        if item[2] == "month" and item[3] is not None and _modal_may(item[3]):
            continue
        if all(item[1] <= other[0] or item[0] >= other[1] for other in chosen):
            chosen.append(item)
    return sorted(chosen, key=lambda item: item[0])


def _modal_may(match: re.Match[str]) -> bool:
    """A bare "May" is the modal verb unless a preposition or "early / late / mid-" comes before it."""
    before = match.string[max(0, match.start() - 12) : match.start()]
    return match.group("month").lower() == "may" and not _MONTH_PREPOSITION.search(before)


_MONTH_PREPOSITION = re.compile(r"(?i)\b(?:in|since|until|by|from|early|late|mid-?)\s*$")
