"""The words that cue an attribution: reporting, stance and promise verbs, and nouns of assertion.

`REPORTING_VERBS` (which include `ARGUMENT_VERBS`) are the verbs the rules start from (`rules.py`); the smaller sets
say how a verb frames its content (`content.py`) and when its subject is a source at all.
"""

from __future__ import annotations

from typing import Any

# Verbs of stance and speech whose content PolNeAR annotates as their object or complement ("called for a
# moratorium", "called the charges fabricated", "cited his remarks as examples", "wants to raise taxes"): a cue
# with an active subject; when no clause or quotation follows, the content is the verb's complements.
ARGUMENT_VERBS = frozenset(
    {
        "call",
        "cite",
        "describe",
        "criticize",
        "criticise",
        "attack",
        "support",
        "endorse",
        "offer",
        "refuse",
        "want",
        "plan",
        "point",
        "propose",
        "ask",
        "mention",
        "question",
        "urge",
        "condemn",
        "praise",
        "blast",
        "liken",
        "oppose",
        "demand",
        "encourage",
        "decline",
        "accuse",
        "defend",
        "denounce",
        "recommend",
        "label",
        "characterize",
        "characterise",
        "slam",
        "echo",
        "intend",
        "tell",
        "show",
        "report",
        "reference",
        "refer",
        "speak",
        "mock",
        "outline",
        "implore",
        "discuss",
        "back",
        "promote",
        "view",
        "decide",
        "rule",
        "vote",
        "document",
        "compare",
        "talk",
        "repeat",
        "detail",
        "invoke",
        "blame",
        "judge",
        "charge",
        "paint",
        "rail",
        "joke",
        "wonder",
        "assume",
        "recognize",
        "recognise",
        "chant",
        "shout",
        "yell",
        "bemoan",
        "exclaim",
        "quip",
    }
)
# Speech verbs that frame a clause as "As X noted, ...".
AS_VERBS = frozenset(
    {"say", "note", "point", "report", "write", "explain", "tell", "argue", "claim", "predict", "warn", "add"}
    | {"acknowledge", "suggest", "state", "remark", "insist", "reveal", "confirm", "observe", "put", "testify"}
)
# Reporting verbs that also take their content as an object ("warned against potential hackers from China",
# "dismissed Western fears as hysteria", "is stressing the need to bolster ..."), tried after a clause or quotation.
OBJECT_CUES = frozenset(
    {"promise", "pledge", "vow", "stress", "emphasize", "emphasise", "warn", "complain", "highlight", "deny"}
    | {"reject", "dismiss", "acknowledge", "admit", "reveal", "predict", "confirm", "disclose", "note", "explain"}
    | {"argue", "tweet", "write"}
)

REPORTING_VERBS = frozenset(
    {
        "say",
        "tell",
        "announce",
        "claim",
        "warn",
        "deny",
        "accuse",
        "state",
        "add",
        "promise",
        "insist",
        "report",
        "defend",
        "consider",
        "note",
        "stress",
        "emphasise",
        "emphasize",
        "argue",
        "confirm",
        "reveal",
        "explain",
        "assert",
        "declare",
        "maintain",
        "acknowledge",
        "admit",
        "write",
        "tweet",
        "respond",
        "reply",
        "reiterate",
        "allege",
        "predict",
        "pledge",
        "vow",
        "threaten",
        "estimate",
        "contend",
        "concede",
        "agree",
        "urge",
        "express",
        "question",
        "denounce",
        "reject",
        "dismiss",
        "affirm",
        "assure",
        "highlight",
        "underline",
        "recall",
        "complain",
        "comment",
        "mention",
        "testify",
        "believe",
        "think",
        "fear",
        "expect",
        "caution",
        "remark",
        "conclude",
        # Cues PolNeAR train attributes often (measured on dev: models/README.md): speech acts, findings, beliefs.
        "suggest",
        "indicate",
        "show",
        "find",
        "propose",
        "demand",
        "recommend",
        "signal",
        "disclose",
        "hope",
        "know",
        "feel",
        "worry",
        "understand",
        "doubt",
        "learn",
        "ask",
        "continue",
    }
    | ARGUMENT_VERBS
)
# Verbs whose subject merely holds a belief: a cue only when their subject is a named source.
WEAK_VERBS = frozenset({"believe", "think", "fear", "hope", "expect", "consider", "describe", "mention"})
PROMISE_VERBS = frozenset(
    {"promise", "pledge", "vow", "threaten", "plan", "announce", "agree", "claim", "deny"}
)
PLAN_NOUNS = frozenset({"plan", "intention", "decision", "readiness", "intent"})
CLAIM_NOUNS = frozenset(
    {"claim", "allegation", "assertion", "statement", "promise", "pledge", "denial", "insistence"}
)
DOCUMENT_NOUNS = frozenset(
    {"statement", "report", "communique", "communiqué", "note", "release", "bulletin"}
)

# Verbs with a that-clause that report no assertion of their subject.
NOT_CUES = frozenset({"be", "have", "do", "make", "see", "mean", "ensure", "require", "get", "take"})


def cue_lemma(token: Any) -> str:
    """Return a token's lower-cased lemma, mending the small model's "hopes" -> "hop"."""
    lemma = str(token.lemma_).lower()
    return _LEMMA_FIXES.get((lemma, token.lower_[:4]), lemma)


_LEMMA_FIXES = {("hop", "hope"): "hope"}
