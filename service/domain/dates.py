"""Time expressions in news text and the date a statement was made.

`find_time_expressions` finds explicit dates ("30 March 2022", "2022-03-30", "March 30"), weekday names ("on
Thursday", "this Thursday", "Wednesday (30)"), deictic words ("yesterday", "today", "last week", "earlier this
month"), month names, years, present references ("now", "currently") and whatever else spaCy tags DATE.
Each gets an ISO 8601 value at the granularity the text gives: day `2022-03-31`, ISO week `2022-W13`, month
`2022-03`, year `2022`, `PRESENT_REF`, or None when it cannot be resolved (a duration such as "30 years", or a
relative expression in a text without a publication date).

Relative expressions resolve against the publication date. The tense of the clause decides the side
(`_direction`): a bare weekday is the most recent such day on or before publication unless its clause looks ahead
("will meet on Tuesday", "planned to leave on Thursday", "until Tuesday"); a day or month without a year takes the
year that puts it nearest to publication on the side the tense gives, else the nearest; a number in parentheses
after a weekday is its day of the month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from service.domain.entities import DateBasis, Span, TimeExpression

PRESENT_REF = "PRESENT_REF"
PAST_REF = "PAST_REF"
FUTURE_REF = "FUTURE_REF"

_WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR_RE = r"(?:1[89]\d{2}|20\d{2})"
_DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_RANGE_RE = rf"(?:\s*[-–]\s*(?P<d2>{_DAY_RE}))?"

_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORD_YEAR_RE = (
    rf"(?:eighteen|nineteen)[\s-](?:hundred|(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)})"
    rf"|(?<=the\syear\s)two\s+thousand(?:\s+(?:and\s+)?(?:{'|'.join(_UNITS)}|{'|'.join(_TEENS)}))?"
)
_HOLIDAY_NAMES = (
    "thanksgiving(?:\\s+day)?",
    "christmas(?:\\s+(?:day|eve))?",
    "new\\s+year's\\s+(?:day|eve)",
    "election\\s+day",
    "independence\\s+day",
    "halloween",
    "valentine's\\s+day",
)

# Order matters only for ties; overlaps keep the longest match. Month and weekday names are matched
# case-sensitively so that "may" (the modal verb) and "march" (the verb) are not months.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
        ("mdy", rf"\b(?P<month>{_MONTH_RE})\s+(?P<d>{_DAY_RE}){_RANGE_RE},?\s+(?P<y>{_YEAR_RE})\b"),
        ("dmy", rf"\b(?P<d>{_DAY_RE})\s+(?P<month>{_MONTH_RE}),?\s+(?P<y>{_YEAR_RE})\b"),
        ("md", rf"\b(?P<month>{_MONTH_RE})\s+(?P<d>{_DAY_RE}){_RANGE_RE}\b(?!\s*,?\s*\d)"),
        ("dm", rf"\b(?P<d>{_DAY_RE})\s+(?:of\s+)?(?P<month>{_MONTH_RE})\b"),
        ("my", rf"\b(?P<month>{_MONTH_RE}),?\s+(?P<y>{_YEAR_RE})\b"),
        (
            "weekday",
            rf"\b(?:(?P<mod>(?i:this|last|next|past))\s+)?(?P<wd>{_WEEKDAY_RE})"
            r"(?:\s*\((?P<d>\d{1,2})\))?",
        ),
        (
            "deictic",
            r"(?i)\b(?:(?:early|late)\s+)?(?:yesterday|today|tomorrow|tonight)"
            r"(?:\s+(?:morning|afternoon|evening|night))?\b|\bthis\s+(?:morning|afternoon|evening)\b|\blast\s+night\b",
        ),
        (
            "period",
            r"(?i)\b(?:(?P<early>earlier|later)\s+)?(?P<mod>this|last|next|past)\s+"
            r"(?P<unit>week|month|year)\b",
        ),
        ("same_day", r"(?i)\b(?:the\s+same\s+day|that\s+day)\b"),
        # Before "ago": "a year ago" in an earnings report is the year-ago quarter (TimeBank annotates it so).
        ("year_before", r"(?i)\b(?:a|one)\s+year\s+(?:ago|earlier|before)\b|\byear-(?:ago|earlier)\b(?!\s+quarter)"),
        (
            "ago",
            r"(?i)\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
            r"(?:days?|weeks?|months?|years?)\s+ago\b",
        ),
        (
            "month",
            r"\b(?P<month>January|February|March|April|May|June|July|August|September|October|November"
            r"|December)\b",
        ),
        ("year", rf"(?<![\d,.$£€])\b(?P<y>{_YEAR_RE})\b(?![\d,]\d)"),
        ("decade", r"(?i)\b(?:the\s+)?(?:(?:early|mid|late)[-\s]+)?(?P<decade>1[89]\d0|20\d0)'?s\b"),
        ("century", r"(?i)\b(?:the\s+)?(?P<ordinal>1\d|2[01])(?:st|nd|rd|th)[-\s]century\b"),
        (
            "vague_ago",
            r"(?i)\b(?:several|a\s+few|some|many|a\s+couple\s+of)\s+(?:days|weeks|months|years|decades)\s+ago\b",
        ),
        ("present", r"(?i)\b(?:right\s+now|now|currently|current|at\s+present|at\s+the\s+moment|nowadays)\b"),
        # Measured on TempEval-3: bare "previously", "soon", "future" and "recent" are rarely annotated.
        ("past_ref", r"(?i)\b(?:more\s+)?(?:recently|the\s+past|recent\s+(?:years|months|weeks))\b"),
        ("future_ref", r"(?i)\bthe\s+(?:near\s+)?future\b"),
        (
            "named_month",
            r"\b(?P<mod>(?i:this|last|next|past))\s+(?P<month>January|February|March|April|May|June|July|August"
            r"|September|October|November|December)\b",
        ),
        (
            "quarter",
            rf"(?i)\b(?:(?P<y1>{_YEAR_RE})\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]quarter\b"
            rf"(?:\s+of\s+(?:fiscal\s+)?(?P<y2>{_YEAR_RE}))?",
        ),
        (
            "this_quarter",
            r"(?i)\b(?:the\s+)?(?P<which>this|current|last|latest|most\s+recent|previous|year-ago|year-earlier|"
            r"the)\s+quarter\b|\bthe\s+(?P<latest>latest|most\s+recent)\s+period\b",
        ),
        # "the (full / current fiscal) year", "by year-end": the publication's year.
        (
            "this_year",
            r"(?i)\b(?:the\s+(?:current\s+|full\s+)?(?:fiscal\s+|calendar\s+)?year\b(?!\s+(?:ago|earlier|before|after|"
            r"later|old|\d)|-)|(?:the\s+)?year[-\s]end\b|year's\s+end\b|the\s+end\s+of\s+the\s+year\b)",
        ),
        # "the 1988 quarter / period" in an earnings report: that year's quarter matching the last reported one.
        ("year_quarter", rf"(?i)\bthe\s+(?P<y>{_YEAR_RE})\s+(?:quarter|period)\b"),
        ("season", r"(?i)\b(?P<mod>this|last|next|past)\s+(?P<season>spring|summer|fall|autumn|winter)\b"),
        # "spring" and "fall" are verbs too: bare, only with an article.
        (
            "season",
            rf"(?i)\b(?:the\s+)?(?P<season3>spring|summer|fall|autumn|winter)\s+of\s+(?P<y>{_YEAR_RE}|{_WORD_YEAR_RE})\b"
            rf"|\b(?:(?:the\s+)?(?:early|late)\s+|the\s+)?(?P<season>summer|winter|autumn)\b"
            rf"|\bthe\s+(?:(?:early|late)\s+)?(?P<season2>spring|fall)\b",
        ),
        ("word_year", rf"(?i)\b(?:the\s+year\s+)?(?P<y>{_WORD_YEAR_RE})\b"),
        ("word_month_year", rf"\b(?P<month>{_MONTH_RE})\s+(?P<y>(?i:{_WORD_YEAR_RE}))\b"),
        ("holiday", rf"(?i)\b(?:(?P<mod>last|next|this)\s+)?(?P<holiday>{'|'.join(_HOLIDAY_NAMES)})\b"),
        ("weekend", r"(?i)\b(?P<mod>this|last|next|the\s+past|the)\s+weekend\b"),
    )
)
_REFERENCES = {"present": PRESENT_REF, "past_ref": PAST_REF, "future_ref": FUTURE_REF}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "fall": ("FA", 9), "autumn": ("FA", 9), "winter": ("WI", 12)}
# "May" is also a modal verb: only a day or a year next to it makes it a month.
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}


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
    for kind, pattern in _PATTERNS:
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
            value = _resolve_entity(text[start:end], published_at)
        else:
            direction = _direction(doc_or_text, start, end) if kind in _TENSED_KINDS else 0
            value = _resolve_match(kind, match, published_at, direction=direction)
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


def _resolve_match(
    kind: str, match: re.Match[str], published_at: dt.date | None, *, direction: int = 0
) -> str | None:
    groups = match.groupdict()
    if kind == "iso":
        return _iso_day(int(groups["y"]), int(groups["m"]), int(groups["d"]))
    if kind in ("mdy", "dmy"):
        month, year = _month_number(groups["month"]), int(groups["y"])
        first = _iso_day(year, month, _day_number(groups["d"]))
        if groups.get("d2") and first:
            last = _iso_day(year, month, _day_number(groups["d2"]))
            return f"{first}/{last}" if last else first
        return first
    if kind in ("md", "dm"):
        return _resolve_month_day(groups, published_at, direction=direction)
    if kind == "my":
        return f"{int(groups['y']):04d}-{_month_number(groups['month']):02d}"
    if kind == "month":
        if published_at is None:
            return None
        month = _month_number(groups["month"])
        # A bare month name is the nearest such month to publication (the earlier on a tie), or the nearest
        # one on the side the tense gives.
        def months_after(year: int) -> int:
            return (year - published_at.year) * 12 + month - published_at.month

        candidates = [published_at.year - 1, published_at.year, published_at.year + 1]
        if direction:
            candidates = [year for year in candidates if months_after(year) * direction >= 0]
        year = min(candidates, key=lambda year: (abs(months_after(year)), year > published_at.year))
        return f"{year:04d}-{month:02d}"
    if kind == "year":
        return groups["y"]
    if kind == "weekday":
        return _resolve_weekday(groups, published_at, direction=direction)
    if kind == "deictic":
        return _resolve_deictic(match.group(0).lower(), published_at)
    if kind == "period":
        return _resolve_period(groups, published_at)
    if kind == "ago":
        return _resolve_ago(match.group(0).lower(), published_at)
    if kind == "year_before":
        return _resolve_year_before(match, published_at)
    if kind in _REFERENCES:
        return _REFERENCES[kind]
    if kind == "named_month":
        return _resolve_named_month(groups, published_at)
    if kind == "quarter":
        return _resolve_quarter(groups, published_at)
    if kind == "this_quarter":
        return _resolve_named_quarter((groups["which"] or groups["latest"] or "").lower(), published_at)
    if kind == "season":
        return _resolve_season(groups, published_at)
    if kind in ("word_year", "word_month_year"):
        year = _word_year(groups["y"] or "")
        return f"{year:04d}-{_month_number(groups['month']):02d}" if kind == "word_month_year" else f"{year:04d}"
    if kind == "decade":  # ISO 8601 names a decade by its first three digits: "198" is the 1980s
        return (groups["decade"] or "")[:3]
    if kind == "century":  # and a century by its first two: "19" is the 20th century
        return f"{int(groups['ordinal'] or 0) - 1:02d}"
    if kind == "vague_ago":
        return PAST_REF
    if kind == "this_year":
        return f"{published_at.year:04d}" if published_at else None
    if kind == "year_quarter":
        if published_at is None:
            return None
        _, quarter = _quarter_of(published_at)
        return f"{int(groups['y'] or 0):04d}-Q{quarter - 1 if quarter > 1 else 4}"
    if kind == "holiday":
        return _resolve_holiday(groups, published_at, direction)
    if kind == "weekend":
        return _resolve_weekend((groups["mod"] or "").lower(), published_at)
    return None


def _resolve_named_month(groups: dict[str, str | None], published_at: dt.date | None) -> str | None:
    """"this May" is May of publication's year; "last May" the latest May before publication's month; "next"
    the first after it."""
    if published_at is None:
        return None
    month, modifier = _month_number(groups["month"] or ""), (groups["mod"] or "").lower()
    year = published_at.year
    if modifier in ("last", "past"):
        year -= 1 if month >= published_at.month else 0
    elif modifier == "next":
        year += 1 if month <= published_at.month else 0
    return f"{year:04d}-{month:02d}"


def _quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _resolve_quarter(groups: dict[str, str | None], published_at: dt.date | None) -> str | None:
    """"the third quarter": of the year given, else the latest third quarter that began by publication."""
    quarter = _ORDINALS[(groups["ord"] or "").lower()]
    year_text = groups.get("y1") or groups.get("y2")
    if year_text:
        return f"{int(year_text):04d}-Q{quarter}"
    if published_at is None:
        return None
    year, current = _quarter_of(published_at)
    return f"{year if quarter <= current else year - 1:04d}-Q{quarter}"


def _resolve_named_quarter(which: str, published_at: dt.date | None) -> str | None:
    """"this quarter" is the publication's; "the (latest) quarter" in news is the last one reported: the one
    before; "the year-ago quarter" is that one a year earlier."""
    if published_at is None:
        return None
    year, quarter = _quarter_of(published_at)
    if which in ("this", "current"):
        return f"{year:04d}-Q{quarter}"
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    if which in ("year-ago", "year-earlier"):
        year -= 1
    return f"{year:04d}-Q{quarter}"


def _resolve_season(groups: dict[str, str | None], published_at: dt.date | None) -> str | None:
    """A season is named by the year most of it falls in (winter 1989 runs from December 1988): "this" is the
    one of publication's year, "last" the latest one over by publication, "next" the first not yet begun, a
    bare "the summer" the latest one begun by publication."""
    name = groups.get("season") or groups.get("season2") or groups.get("season3") or ""
    code, first_month = _SEASONS[name.lower()]
    if groups.get("y"):
        year_text = groups["y"] or ""
        return f"{int(year_text) if year_text.isdigit() else _word_year(year_text):04d}-{code}"
    if published_at is None:
        return None
    modifier = (groups.get("mod") or "").lower()

    def starts(year: int) -> dt.date:
        return dt.date(year - 1, 12, 1) if code == "WI" else dt.date(year, first_month, 1)

    def ends(year: int) -> dt.date:
        begin = starts(year)
        index = begin.year * 12 + begin.month - 1 + 3
        return dt.date(index // 12, index % 12 + 1, 1)

    if modifier == "this":
        year = published_at.year + (1 if code == "WI" and published_at.month == 12 else 0)
    elif not modifier:
        year = next(y for y in range(published_at.year + 1, published_at.year - 3, -1) if starts(y) <= published_at)
    elif modifier == "next":
        year = next(y for y in range(published_at.year, published_at.year + 3) if starts(y) > published_at)
    else:
        year = next(y for y in range(published_at.year + 1, published_at.year - 3, -1) if ends(y) <= published_at)
    return f"{year:04d}-{code}"


def _holiday_date(name: str, year: int) -> dt.date:
    name = " ".join(name.lower().split())
    if name.startswith("thanksgiving"):  # the fourth Thursday of November
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    if name == "election day":  # the Tuesday after the first Monday of November
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(0 - first.weekday()) % 7 + 1)
    month, day = _FIXED_HOLIDAYS.get(name, (12, 25))
    return dt.date(year, month, day)


_FIXED_HOLIDAYS = {
    "christmas eve": (12, 24),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "independence day": (7, 4),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
}


def _resolve_holiday(groups: dict[str, str | None], published_at: dt.date | None, direction: int) -> str | None:
    """A US holiday: the nearest one to publication, the last or next one when the text or tense says so."""
    if published_at is None:
        return None
    modifier = (groups.get("mod") or "").lower()
    direction = {"last": -1, "next": 1}.get(modifier, direction)
    name = groups["holiday"] or ""
    candidates = [_holiday_date(name, year) for year in range(published_at.year - 1, published_at.year + 2)]
    best = _nearest(candidates, published_at, direction)
    return best.isoformat() if best else None


def _word_year(text: str) -> int:
    """ "nineteen ninety-six" → 1996, "the year two thousand" → 2000."""
    words = re.findall(r"[a-z]+", text.lower())
    words = [w for w in words if w not in ("the", "year", "and")]
    if words[:2] == ["two", "thousand"]:
        rest = words[2:]
        return 2000 + (_small_number(rest) if rest else 0)
    century = 18 if words[0] == "eighteen" else 19
    rest = words[1:]
    return century * 100 + (0 if rest == ["hundred"] else _small_number(rest))


def _small_number(words: list[str]) -> int:
    """ "ninety six" → 96, "eleven" → 11, "seven" → 7."""
    total = 0
    for word in words:
        if word in _TENS:
            total += 20 + 10 * _TENS.index(word)
        elif word in _TEENS:
            total += 10 + _TEENS.index(word)
        elif word in _UNITS:
            total += 1 + _UNITS.index(word)
    return total


def _resolve_weekend(modifier: str, published_at: dt.date | None) -> str | None:
    """The weekend of an ISO week: "the/this weekend" is the coming one from Thursday on, else the last one."""
    if published_at is None:
        return None
    step = {"next": 1, "last": -1, "the past": -1}.get(" ".join(modifier.split()))
    if step is None:
        step = 0 if published_at.weekday() >= 3 else -1
    year, week, _ = (published_at + dt.timedelta(weeks=step)).isocalendar()
    return f"{year:04d}-W{week:02d}-WE"


def _resolve_month_day(
    groups: dict[str, str | None], published_at: dt.date | None, *, direction: int = 0
) -> str | None:
    """A day without a year: the nearest such day to publication (the earlier on a tie), or the nearest on the
    side the tense gives."""
    if published_at is None:
        return None
    month, day = _month_number(groups["month"] or ""), _day_number(groups["d"] or "")
    candidates = [
        date
        for year in (published_at.year - 1, published_at.year, published_at.year + 1)
        if (date := _safe_date(year, month, day)) is not None
    ]
    best = _nearest(candidates, published_at, direction)
    if best is None:
        return None
    if groups.get("d2"):
        end = _safe_date(best.year, month, _day_number(groups["d2"] or ""))
        if end is not None:
            return f"{best.isoformat()}/{end.isoformat()}"
    return best.isoformat()


def _nearest(candidates: list[dt.date], published_at: dt.date, direction: int) -> dt.date | None:
    """The candidate nearest to publication (the earlier on a tie), on the side `direction` gives (1 after,
    -1 before, 0 either); None when no candidate lies on that side."""
    if direction:
        candidates = [date for date in candidates if (date - published_at).days * direction >= 0]
    return min(candidates, key=lambda d: (abs((d - published_at).days), d > published_at), default=None)


def _resolve_weekday(
    groups: dict[str, str | None], published_at: dt.date | None, *, direction: int = 0
) -> str | None:
    if published_at is None:
        return None
    weekday = _WEEKDAYS[(groups["wd"] or "").lower()]
    modifier = (groups.get("mod") or "").lower()
    back = (published_at.weekday() - weekday) % 7
    if groups.get("d"):
        day = int(groups["d"] or 0)
        # The number in parentheses is the day of the month: the nearest such day not after publication.
        for months_back in range(0, 3):
            year, month = published_at.year, published_at.month - months_back
            while month < 1:
                year, month = year - 1, month + 12
            date = _safe_date(year, month, day)
            if date is not None and date <= published_at + dt.timedelta(days=1):
                return date.isoformat()
    if modifier == "next" or (direction > 0 and modifier in ("", "this")):
        forward = (weekday - published_at.weekday()) % 7
        if modifier == "next":
            forward = forward or 7
        return (published_at + dt.timedelta(days=forward)).isoformat()
    if modifier in ("last", "past") and back == 0:
        back = 7
    return (published_at - dt.timedelta(days=back)).isoformat()


_TENSED_KINDS = frozenset({"weekday", "md", "dm", "month", "holiday"})
_FUTURE_AUXILIARIES = frozenset({"will", "wo", "shall", "'ll", "would", "could", "might"})
# Verbs whose infinitive complement happens later: "planned to leave on Thursday", "is scheduled to close Monday".
_INTENT_LEMMAS = frozenset(
    {"plan", "schedule", "set", "expect", "due", "intend", "aim", "prepare", "hope", "want", "agree", "promise",
     "vow", "threaten", "be", "go", "seek", "decide"}
)
_AHEAD_BEFORE = re.compile(
    r"(?i)\b(?:until|till|as\s+(?:early|soon)\s+as|no\s+later\s+than)\s+(?:on\s+)?$"
)


def _direction(doc: Any, start: int, end: int) -> int:
    """Whether a day or month names a time after publication (1), before it (-1) or either (0).

    After: its clause is future ("will meet Monday"), an intention ("planned to leave on Thursday") or a
    deadline ("postponed until Tuesday"). Before: it modifies a verb in the simple past ("resigned on Oct. 23").
    """
    if isinstance(doc, str):
        return 0
    if _AHEAD_BEFORE.search(doc.text[max(0, start - 30) : start]):
        return 1
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return 0
    verb, attached = span.root, True
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
        attached = attached and verb.pos_ in ("ADP", "VERB", "AUX")
    if verb.pos_ not in ("VERB", "AUX"):
        return 0
    # Only a date that modifies the verb itself takes its tense: not "declared a dividend payable Dec. 7".
    # The simple past only: "was extended to Nov. 16" and "has set Nov. 10 as the deadline" look ahead.
    past = -1 if attached and verb.tag_ == "VBD" else 0
    for _ in range(3):
        auxiliaries = {child.lower_ for child in verb.children if child.dep_ in ("aux", "auxpass")}
        if auxiliaries & _FUTURE_AUXILIARIES:
            return 1
        if "to" not in auxiliaries or verb.dep_ != "xcomp":
            return past
        verb = verb.head
        if verb.lemma_.lower() in _INTENT_LEMMAS:
            return 1
    return past


def _resolve_deictic(phrase: str, published_at: dt.date | None) -> str | None:
    if published_at is None:
        return None
    if "yesterday" in phrase or phrase == "last night":
        return (published_at - dt.timedelta(days=1)).isoformat()
    if "tomorrow" in phrase:
        return (published_at + dt.timedelta(days=1)).isoformat()
    return published_at.isoformat()


def _resolve_period(groups: dict[str, str | None], published_at: dt.date | None) -> str | None:
    if published_at is None:
        return None
    step = {"this": 0, "last": -1, "past": -1, "next": 1}[(groups["mod"] or "").lower()]
    unit = (groups["unit"] or "").lower()
    if unit == "week":
        year, week, _ = (published_at + dt.timedelta(weeks=step)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "month":
        index = published_at.year * 12 + published_at.month - 1 + step
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return f"{published_at.year + step:04d}"


def _resolve_ago(phrase: str, published_at: dt.date | None) -> str | None:
    if published_at is None:
        return None
    count_word, unit = phrase.split()[:2]
    count = int(count_word) if count_word.isdigit() else _NUMBER_WORDS[count_word]
    if unit.startswith("day"):
        return (published_at - dt.timedelta(days=count)).isoformat()
    if unit.startswith("week"):
        year, week, _ = (published_at - dt.timedelta(weeks=count)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit.startswith("month"):
        index = published_at.year * 12 + published_at.month - 1 - count
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return f"{published_at.year - count:04d}"


def _resolve_year_before(match: re.Match[str], published_at: dt.date | None) -> str | None:
    """"a year ago / earlier": the year before publication, or the year-ago quarter in a sentence about quarters."""
    if published_at is None:
        return None
    if _about_quarters(match.string, match.start(), match.end()):
        return _resolve_named_quarter("year-ago", published_at)
    return f"{published_at.year - 1:04d}"


def _about_quarters(text: str, start: int, end: int) -> bool:
    """Whether quarterly results are the topic: "quarter" or "period" in the sentence or shortly before it
    ("Net rose to $5 million from $4 million a year earlier" follows the sentence naming the quarter)."""
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return bool(_QUARTER_WORD.search(text[max(0, start - _QUARTER_CONTEXT) : min(stops) if stops else len(text)]))


_QUARTER_CONTEXT = 600  # characters: about three sentences; 300 and 1,200 measured on TempEval-3 too


_QUARTER_WORD = re.compile(r"(?i)\bquarter(?:ly)?\b|\bperiod\b")


def _resolve_entity(phrase: str, published_at: dt.date | None) -> str | None:
    """Resolve a spaCy DATE entity no rule matched, with dateparser; durations and vague phrases give None."""
    if (
        published_at is None
        or not re.search(r"\d|\bago\b", phrase)
        or re.search(r"\b(?:years?|months?|weeks?|days?|hours?)\b(?!\s+ago)", phrase, re.IGNORECASE)
    ):
        return None
    import dateparser

    base = dt.datetime.combine(published_at, dt.time(12))
    parsed = dateparser.parse(
        phrase, languages=["en"], settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"}
    )
    return parsed.date().isoformat() if parsed is not None else None


def _month_number(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _day_number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _iso_day(year: int, month: int, day: int) -> str | None:
    date = _safe_date(year, month, day)
    return date.isoformat() if date else None
