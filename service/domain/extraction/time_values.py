"""The ISO 8601 value of a matched time expression; relative ones resolve against the publication date.

Values have the granularity the text gives: day `2022-03-31`, ISO week `2022-W13`, month `2022-03`, quarter
`2022-Q3`, season `2022-SU`, year `2022`, decade `198`, century `19`, or a reference (`PRESENT_REF`, `PAST_REF`,
`FUTURE_REF`); None when it cannot be resolved. `direction` (from the tense: `tense.tense_direction`) gives the side
of publication for a day or month named without a year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from service.domain.extraction.time_patterns import TEENS, TENS, UNITS

PRESENT_REF = "PRESENT_REF"
PAST_REF = "PAST_REF"
FUTURE_REF = "FUTURE_REF"

_WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

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


def resolve_match(
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
        if word in TENS:
            total += 20 + 10 * TENS.index(word)
        elif word in TEENS:
            total += 10 + TEENS.index(word)
        elif word in UNITS:
            total += 1 + UNITS.index(word)
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


def resolve_entity(phrase: str, published_at: dt.date | None) -> str | None:
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
