"""The patterns of time expressions, each with its kind: dates, weekdays, deictic words, periods, seasons, ...

`time_values.resolve_match` turns a match of a kind into its ISO 8601 value.
"""

from __future__ import annotations

import re

_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR_RE = r"(?:1[89]\d{2}|20\d{2})"
_DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_RANGE_RE = rf"(?:\s*[-–]\s*(?P<d2>{_DAY_RE}))?"

UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORD_YEAR_RE = (
    rf"(?:eighteen|nineteen)[\s-](?:hundred|(?:{'|'.join(TENS)})(?:[\s-](?:{'|'.join(UNITS)}))?|{'|'.join(TEENS)})"
    rf"|(?<=the\syear\s)two\s+thousand(?:\s+(?:and\s+)?(?:{'|'.join(UNITS)}|{'|'.join(TEENS)}))?"
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
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
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
