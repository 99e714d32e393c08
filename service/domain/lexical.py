"""Lexical side of hybrid retrieval: the query terms handed to the database's full-text search."""
from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

MAX_QUERY_TERMS = 32
_WORD = re.compile(r"[^\W_]+")


def query_terms(text: str, limit: int = MAX_QUERY_TERMS) -> list[str]:
    """Distinct lower-case words of letters and digits, stop words dropped, in order of appearance.

    Letters and digits only: the terms go into FTS5 and tsquery expressions, whose syntax characters they
    therefore cannot contain. Stop words would match most rows and make an OR query slow without ranking better.
    """
    words = (w.lower() for w in _WORD.findall(text))
    return list(dict.fromkeys(w for w in words if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())))[:limit]
