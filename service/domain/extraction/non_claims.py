"""Lines a speaker is given that assert nothing a fact-checker could check: requests for anonymity, refusals to
comment, and the procedural lines around a quote ("did not respond to a request for comment").

Questions stay: filtering them cost PolNeAR dev content F1 0.811 -> 0.807 (recall 0.742 -> 0.734; PolNeAR
annotates a reported question as attributed content), and "X asked whether the plant was safe" can matter.
"""
from __future__ import annotations

import re

_PROCEDURAL = re.compile(
    r"\b(?:asked|requested|wished) not to be (?:named|identified)"
    r"|\b(?:declined|refused) to (?:comment|elaborate|be (?:named|identified))"
    r"|\bon (?:the )?condition of anonymity\b"
    r"|\bwas not (?:authori[sz]ed|allowed|permitted) to (?:speak|talk|comment)"
    r"|\bdid not (?:immediately )?(?:respond|reply) to (?:a |an )?(?:request|requests|e-?mail|call)"
    r"|\bcould not (?:immediately )?be reached for comment"
    r"|\bno comment\b",
    re.IGNORECASE,
)


def is_non_claim(claim: str) -> bool:
    """Whether a claim is a procedural line rather than an assertion."""
    text = claim.strip().strip("\"“”'‘’").strip()
    return _PROCEDURAL.search(text) is not None
