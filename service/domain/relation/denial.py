"""Reading a denial through what it denies: "It is not true that X" against Y is read as X against Y, flipped.

The cross-encoder takes a denial frame as a contradiction of nearly anything on its topic: the seeds' "It is not
true that Russia plans to attack Ukraine" (the extraction's wording of "denied plans to attack") reads
`contradicts` at 0.92-0.96 against "Russia will ease the offensive pressure on Kiev", "Russia will move soldiers
away from the border" and "Russia may attack Ukraine at any time", and the contradiction clusters chain two
stories through it. Logic is plainer: "not X" contradicts Y when Y says X, agrees with Y when Y denies X, and is
merely about Y when X is. So the model reads the denied proposition X against Y, and corroboration and
contradiction trade places (models/README.md, "Denials read through what they deny").
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

# The extraction's wording of a denial ("X denied that Y"; service/domain/extraction/claims.py)
_IT_IS_NOT_TRUE = re.compile(r"^\s*it\s+is\s+not\s+true\s+that\s+(?P<denied>[^:;]+?)\s*[.!]?\s*$", re.I | re.S)
_REPORT_NOUNS = r"(?:claims?|allegations?|assertions?|suggestions?|reports?|statements?|accusations?|rumou?rs?)"
_FALSE = (r"['‘’\"“”]?(?:false|untrue|incorrect|not\s+true|baseless|groundless|unfounded|wrong|fake|a\s+hoax)"
          r"['‘’\"“”]?")
# "The claim that X is false", "Russia's allegation that it is pulling back is untrue", "WHO says reports of
# suspected Ebola cases in Iraq are untrue", "Russian Claim of Withdrawing Troops from Ukraine Border is False"
_CLAIM_THAT_IS_FALSE = re.compile(
    rf"^\s*(?:\S+\s+){{0,4}}?{_REPORT_NOUNS}\s+(?:(?:that|of)\s+)?(?P<denied>[^:;]+?)\s+(?:is|are|was|were)\s+"
    rf"{_FALSE}(?:,\s*says\s+[^:;]+)?\s*[.!]?\s*$", re.I | re.S)
# "Iraqi Official Dismisses 'Unfounded' Reports That ISIS Fighters Have Ebola", "Met police denies reports of
# Banksy arrest"
_DISMISSES_REPORTS_THAT = re.compile(
    rf"^\s*(?:\S+\s+){{0,5}}?(?:den(?:y|ies|ied)|dismiss(?:es|ed)?|refut(?:e|es|ed)|reject(?:s|ed)?|debunk(?:s|ed)?)"
    rf"\s+(?:\S+\s+){{0,2}}?{_REPORT_NOUNS}\s+(?:that|of)\s+(?P<denied>[^:;]+?)\s*[.!]?\s*$", re.I | re.S)
# Whose claim is denied, where a pronoun in it stands for them: "Russia's allegation that it is pulling back".
_OWNER = re.compile(rf"^\s*(?:the\s+)?(?P<owner>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){{0,3}})['’]s?\s+{_REPORT_NOUNS}\b")
_PATTERNS = (_IT_IS_NOT_TRUE, _CLAIM_THAT_IS_FALSE, _DISMISSES_REPORTS_THAT)


def denied_proposition(claim: str) -> str | None:
    """X of a claim that only denies X ("It is not true that X.", "The claim that X is false.", "Reports of X are
    untrue", "Y dismisses reports that X"), else None; a pronoun opening X stands for the claim's owner ("Russia's
    allegation that it is pulling back is false" -> "Russia is pulling back.")."""
    for pattern in _PATTERNS:
        found = pattern.match(claim)
        if found:
            denied = found.group("denied")
            owner = _OWNER.match(claim)
            if owner:
                denied = re.sub(r"^(?:it|they|he|she)\b", owner.group("owner"), denied, flags=re.I)
            return denied[:1].upper() + denied[1:] + ("" if denied.endswith((".", "!", "?")) else ".")
    return None


def through_denials(pairs: Sequence[tuple[str, str]]) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The pairs to score instead (a lone denial replaced by what it denies) and which of them flip.

    A pair of two denials stays as it is: "not X" against "not Y" is not X against Y flipped."""
    rewritten, flipped = [], np.zeros(len(pairs), dtype=bool)
    for i, (a, b) in enumerate(pairs):
        denied_a, denied_b = denied_proposition(a), denied_proposition(b)
        if (denied_a is None) == (denied_b is None):
            rewritten.append((a, b))
            continue
        rewritten.append((denied_a or a, denied_b or b))
        flipped[i] = True
    return rewritten, flipped
