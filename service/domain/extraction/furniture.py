"""Page furniture: navigation crumbs, ad labels and share prompts copied along with an article's text.

They are blanked with spaces of the same length before extraction, so that no statement, speaker or title keeps
them ("Home News Russian Claim of ..." → "Russian Claim of ...") while every span still indexes the text as sent.
Only whole lines made of furniture words, and a crumb of them that opens a line, are touched; a word such as
"News" inside a sentence never is.
"""
from __future__ import annotations

import re

FURNITURE_WORDS = (
    "home", "news", "world", "politics", "business", "latest", "menu", "search", "ads", "ad", "advertisement",
    "sponsored", "tt ads", "share", "share this", "share this article", "tweet", "email", "print", "comments",
    "skip to content", "skip to main content", "sign in", "sign up", "subscribe", "log in", "related",
    "related articles", "read more", "more", "top stories", "breaking", "live", "video", "watch",
)
# Section names that open a breadcrumb ("Home News ...", "Home > World > ...").
CRUMB_WORDS = ("home", "news", "world", "politics", "business", "latest", "menu", "ads", "tt ads", "uk", "us",
               "europe", "sport", "opinion")


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_WORD = _alternatives(FURNITURE_WORDS)
_CRUMB_WORD = _alternatives(CRUMB_WORDS)
_SEPARATOR = r"[ \t]*(?:[>»/|›·•-][ \t]*)?"
_WHOLE_LINE = re.compile(rf"^[ \t]*(?:(?:{_WORD}){_SEPARATOR})+$", re.IGNORECASE | re.MULTILINE)
# A crumb opening a line that goes on with text: "Home" and at least one section name ("Home News Russian ...");
# without "Home" first ("News of the deal ...", "World leaders met ...") the words are the sentence's own.
_CRUMB = re.compile(rf"^[ \t]*(?:home{_SEPARATOR})(?:(?:{_CRUMB_WORD}){_SEPARATOR})+(?=(?-i:[A-Z0-9\"“‘']))",
                    re.IGNORECASE | re.MULTILINE)
# A line of short segments joined by ">" or "»": a breadcrumb trail whatever its section names.
_TRAIL = re.compile(r"^[ \t]*(?:[\w .&'-]{1,30}[>»›][ \t]*){2,}[\w .&'-]{1,30}$", re.MULTILINE)


def blank_furniture(text: str) -> str:
    """Return `text` with page furniture replaced by spaces (same length, line breaks kept)."""
    for pattern in (_WHOLE_LINE, _TRAIL, _CRUMB):
        text = pattern.sub(_spaces, text)
    return text


def _spaces(found: re.Match[str]) -> str:
    return " " * len(found.group(0))
