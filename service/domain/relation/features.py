"""Interpretable features of a (claim, other) pair, read beside the cross-encoder's probabilities.

Each text is parsed once by spaCy (tagger, parser and lemmatizer; no NER, for speed) into a `TextProfile`: its
content lemmas, whether its main predicate is negated, its denial words ("false", "denied", "hoax"), the polarity
of its state verbs (closed / halted against operating / resumed, flipped under a negation), its numbers with the
noun they count, its weekdays, months and years, and its proper nouns. `pair_features` compares two profiles:
negation and denial mismatches, WordNet antonyms across the two sides, opposite states, numbers on the same noun
that disagree or agree, numbers on different nouns, clashing days / months / years, proper nouns only one side
names, word overlap and the length asymmetry (a headline against a body). Every feature is symmetric in the two
texts except the length ratio, so two claims give the same features in either order.

Antonyms come from Open English WordNet (CC BY 4.0; `models/relation_combiner/antonyms.tsv`, single-word lemma
pairs); the word lists below are short and cover the state changes and denial frames news reports use.
"""
from __future__ import annotations

import math
import pathlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

NEGATION_WORDS = frozenset({"not", "n't", "never", "no", "none", "nobody", "nothing", "neither", "nor", "without",
                            "cannot"})
DENIAL_LEMMAS = frozenset({
    "deny", "denial", "false", "falsely", "dismiss", "reject", "refute", "debunk", "hoax", "fake", "untrue",
    "baseless", "bogus", "fabricate", "fabricated", "myth", "lie", "incorrect", "misleading", "unfounded",
    "rumor", "rumour", "disinformation", "misinformation", "propaganda", "nonsense",
})
# Verbs and adjectives of a state that stops (-1) or goes on (+1); a negation flips the sign.
STATE_POLARITY: dict[str, int] = {
    **dict.fromkeys(("close", "closed", "shut", "halt", "suspend", "stop", "ban", "cancel", "arrest", "die",
                     "dead", "kill", "resign", "quit", "withdraw", "leave", "retreat", "end", "abandon", "postpone",
                     "block", "collapse", "cease", "pull", "evacuate", "fire", "oust", "scrap", "drop"), -1),
    **dict.fromkeys(("open", "reopen", "operate", "operating", "run", "resume", "continue", "lift", "release",
                     "survive", "alive", "remain", "stay", "keep", "maintain", "proceed", "start", "begin",
                     "return", "restart", "reinstate", "advance", "deploy", "arrive", "build", "reinforce"), 1),
}
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
MONTHS = frozenset({"january", "february", "march", "april", "june", "july", "august", "september", "october",
                    "november", "december"})  # "may" left out: far more often the verb
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000, "millions": 2e6,
}
SCALE_WORDS = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMERIC = re.compile(r"^\d[\d,]*(\.\d+)?$")
_CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "PROPN", "NUM"})

FEATURE_NAMES: tuple[str, ...] = (
    "negated_main_mismatch", "negation_count_gap", "negated_either",
    "denial_mismatch", "denial_both",
    "antonym_pair", "state_clash", "state_agree",
    "number_same_noun_clash", "number_same_noun_agree", "number_other_nouns",
    "weekday_clash", "month_clash", "year_clash",
    "proper_noun_novelty", "content_overlap", "token_set_ratio",
    "length_ratio_log", "other_is_passage",
)


@dataclass(frozen=True)
class TextProfile:
    """What the features need from one parsed text."""

    content: frozenset[str]
    main_negated: bool
    negations: int
    denials: int
    states: tuple[int, ...]
    numbers: tuple[tuple[float, str], ...]
    weekdays: frozenset[str]
    months: frozenset[str]
    years: frozenset[str]
    proper_nouns: frozenset[str]
    words: int


def load_antonyms(path: pathlib.Path) -> frozenset[tuple[str, str]]:
    """Read `lemma1<TAB>lemma2` lines (both orders present or added) into a set of pairs."""
    pairs: set[tuple[str, str]] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        first, _, second = line.partition("\t")
        if first and second and not line.startswith("#"):
            pairs.add((first, second))
            pairs.add((second, first))
    return frozenset(pairs)


def profile(doc: Any) -> TextProfile:
    """Build the TextProfile of one spaCy Doc (tagger, parser and lemmatizer run)."""
    roots = [token for token in doc if token.dep_ == "ROOT"]
    return TextProfile(
        content=frozenset(t.lemma_.lower() for t in doc if t.pos_ in _CONTENT_POS and not t.is_stop),
        main_negated=any(_negated(root) for root in roots),
        negations=sum(1 for t in doc if t.dep_ == "neg" or t.lower_ in NEGATION_WORDS),
        denials=sum(1 for t in doc if t.lemma_.lower() in DENIAL_LEMMAS or t.lower_ in DENIAL_LEMMAS),
        states=tuple(_state(t) for t in doc if t.lemma_.lower() in STATE_POLARITY and t.pos_ in {"VERB", "ADJ"}),
        numbers=tuple(_numbers(doc)),
        weekdays=frozenset(t.lower_ for t in doc if t.lower_ in WEEKDAYS),
        months=frozenset(t.lower_ for t in doc if t.lower_ in MONTHS),
        years=frozenset(t.text for t in doc if len(t.text) == 4 and t.text.isdigit() and 1900 <= int(t.text) <= 2100),
        proper_nouns=frozenset(t.lower_ for t in doc if t.pos_ == "PROPN"),
        words=sum(1 for t in doc if not t.is_punct),
    )


def _negated(token: Any) -> bool:
    """Whether a predicate has a negation among its children (or its auxiliaries' children)."""
    return any(child.dep_ == "neg" or child.lower_ in {"never", "no"} for child in token.children)


def _state(token: Any) -> int:
    polarity = STATE_POLARITY[token.lemma_.lower()]
    return -polarity if _negated(token) else polarity


def _numbers(doc: Any) -> Iterable[tuple[float, str]]:
    """Yield (value, counted noun lemma) for each number that is not a year; the noun is "" when none."""
    for token in doc:
        if not token.like_num or (len(token.text) == 4 and token.text.isdigit() and 1900 <= int(token.text) <= 2100):
            continue
        if token.dep_ == "compound" and token.head.like_num:
            continue  # "7" of "7 thousand" is read with its head
        value = _value(token)
        if value is None:
            continue
        head = token.head
        noun = head.lemma_.lower() if head.pos_ in {"NOUN", "PROPN"} and head is not token else ""
        if not noun and token.i + 1 < len(doc) and doc[token.i + 1].text == "%":
            noun = "%"
        yield value, noun


def _value(token: Any) -> float | None:
    text = token.text.lower().replace(",", "")
    base = float(text) if _NUMERIC.match(token.text) else NUMBER_WORDS.get(text) or SCALE_WORDS.get(text)
    if base is None:
        return None
    for child in token.children:  # "7 thousand": the scale word is the head, the digit its compound child
        if child.dep_ == "compound" and child.like_num:
            inner = _value(child)
            if inner is not None and text in SCALE_WORDS:
                base = inner * SCALE_WORDS[text]
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if following is not None and following.lower_ in SCALE_WORDS and following.head is token:
        base *= SCALE_WORDS[following.lower_]
    return base


def pair_features(claim: TextProfile, other: TextProfile, claim_text: str, other_text: str,
                  other_is_passage: bool, antonyms: frozenset[tuple[str, str]]) -> list[float]:
    """Return the features of FEATURE_NAMES for one pair, in that order."""
    only_claim, only_other = claim.content - other.content, other.content - claim.content
    states_claim, states_other = set(claim.states), set(other.states)
    same_noun_clash, same_noun_agree, other_nouns = _number_relations(claim.numbers, other.numbers)
    union = claim.content | other.content
    return [
        float(claim.main_negated != other.main_negated),
        float(min(abs(claim.negations - other.negations), 3)),
        float(claim.main_negated or other.main_negated),
        float((claim.denials > 0) != (other.denials > 0)),
        float(claim.denials > 0 and other.denials > 0),
        float(any((a, b) in antonyms for a in only_claim for b in only_other)),
        float(bool(states_claim) and bool(states_other) and not (states_claim & states_other)),
        float(bool(states_claim & states_other)),
        same_noun_clash, same_noun_agree, other_nouns,
        _clash(claim.weekdays, other.weekdays), _clash(claim.months, other.months), _clash(claim.years, other.years),
        _proper_noun_novelty(claim, other),
        len(claim.content & other.content) / max(len(union), 1),
        fuzz.token_set_ratio(claim_text, other_text) / 100.0,
        math.log((other.words + 1) / (claim.words + 1)) if other_is_passage else 0.0,
        float(other_is_passage),
    ]


def _proper_noun_novelty(claim: TextProfile, other: TextProfile) -> float:
    """Share of the shorter side's proper nouns that the longer side lacks; two sides of one length are read both
    ways and the larger share kept, so that the feature ignores the order of two claims."""
    def novelty(shorter: TextProfile, longer: TextProfile) -> float:
        return len(shorter.proper_nouns - longer.proper_nouns) / max(len(shorter.proper_nouns), 1)
    if claim.words == other.words:
        return max(novelty(claim, other), novelty(other, claim))
    return novelty(claim, other) if claim.words < other.words else novelty(other, claim)


def _clash(first: frozenset[str], second: frozenset[str]) -> float:
    return float(bool(first) and bool(second) and not (first & second))


def _number_relations(first: Sequence[tuple[float, str]],
                      second: Sequence[tuple[float, str]]) -> tuple[float, float, float]:
    """(same noun, values apart), (same noun, values within 10%), (numbers on both sides, no noun shared)."""
    if not first or not second:
        return 0.0, 0.0, 0.0
    nouns_first = {noun for _, noun in first if noun}
    nouns_second = {noun for _, noun in second if noun}
    shared = nouns_first & nouns_second
    clash = agree = False
    for noun in shared:
        values_first = [v for v, n in first if n == noun]
        values_second = [v for v, n in second if n == noun]
        close = any(_close(a, b) for a in values_first for b in values_second)
        agree |= close
        clash |= not close
    return float(clash), float(agree), float(not shared)


def _close(first: float, second: float) -> bool:
    return abs(first - second) <= 0.1 * max(abs(first), abs(second), 1e-9)
