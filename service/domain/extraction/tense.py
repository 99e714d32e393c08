"""The tense of a time expression's clause: does a day or month it names lie after publication or before it."""

from __future__ import annotations

import re
from typing import Any

# Kinds of time expression whose value depends on the side of publication the tense gives.
TENSED_KINDS = frozenset({"weekday", "md", "dm", "month", "holiday"})
_FUTURE_AUXILIARIES = frozenset({"will", "wo", "shall", "'ll", "would", "could", "might"})
# Verbs whose infinitive complement happens later: "planned to leave on Thursday", "is scheduled to close Monday".
_INTENT_LEMMAS = frozenset(
    {"plan", "schedule", "set", "expect", "due", "intend", "aim", "prepare", "hope", "want", "agree", "promise",
     "vow", "threaten", "be", "go", "seek", "decide"}
)
_AHEAD_BEFORE = re.compile(
    r"(?i)\b(?:until|till|as\s+(?:early|soon)\s+as|no\s+later\s+than)\s+(?:on\s+)?$"
)


def tense_direction(doc: Any, start: int, end: int) -> int:
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
