"""The attribution rules: the candidate statements of a text, sentence by sentence.

Over spaCy's dependency parse: a reporting verb with its source and content, "according to X", and a noun of
assertion with its owner ("Russia's claim that it is withdrawing"); then the layout rules (`layout.py`). Nested
attribution keeps the innermost source ("CNN reported that Maliar said ...": Maliar's).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from service.domain.entities import Span
from service.domain.extraction.candidates import Candidate
from service.domain.extraction.content import clause_span, content_of
from service.domain.extraction.cues import CLAIM_NOUNS, DOCUMENT_NOUNS, NOT_CUES, REPORTING_VERBS, WEAK_VERBS, cue_lemma
from service.domain.extraction.layout import from_dash_signatures, from_headline_says, from_labels
from service.domain.extraction.sources import agent_of, mention_span, named_after_quote, person_in, subject_of


def find_candidates(doc: Any, quotes: list[Span]) -> list[Candidate]:
    """Return the candidates of every rule, in the order their sources (else their cues) appear."""
    candidates: list[Candidate] = []
    for sent in doc.sents:
        sentence = Span(sent.start_char, sent.end_char)
        verbal: list[Candidate] = []
        for token in sent:
            if token.pos_ in ("VERB", "AUX") and (cue_lemma(token) in REPORTING_VERBS or _that_clause_verb(token)):
                found = _from_reporting_verb(token, sentence, quotes)
                if found is not None:
                    verbal.append(found)
        according = [c for c in (_from_according(t, sentence) for t in sent if t.lower_ == "according") if c]
        nominal = [
            c for c in (_from_claim_noun(t, sentence) for t in sent if t.lemma_.lower() in CLAIM_NOUNS) if c
        ]
        according = [a for a in according if not _superseded(a, verbal)]
        if according:
            for candidate in verbal:
                if candidate.participle:
                    candidate.speaker_start, candidate.speaker_end = (
                        according[0].speaker_start,
                        according[0].speaker_end,
                    )
                    candidate.person_name = according[0].person_name
        for candidate in verbal:
            if candidate.participle:
                _continue_outer(candidate, verbal)
        verbal = [v for v in verbal if not _superseded(v, verbal)]
        # A stance reported inside another attribution ("X said Trump called for ...") is part of X's claim.
        verbal = [v for v in verbal if v.frame != "argument" or not _reported_inside(v, verbal + according)]
        candidates.extend(verbal + according + nominal)
    candidates.extend(from_labels(doc))
    candidates.extend(from_headline_says(doc))
    candidates.extend(from_dash_signatures(doc, quotes))
    candidates.sort(
        key=lambda c: (c.speaker_start if c.speaker_start is not None else c.cue_start, c.cue_start)
    )
    return candidates


def _superseded(outer: Candidate, inner: list[Candidate]) -> bool:
    """Tell whether an attribution wraps another one with its own source (the innermost source wins)."""
    for other in inner:
        if other is outer or other.speaker_start is None or other.claim_start < 0 or other.frame == "argument":
            # A stance inside a report ("X said Trump called for ...") is a second statement, not the source.
            continue
        inside = outer.claim_start <= other.cue_start < outer.claim_end
        if outer.cue == "according to" and not inside:
            # "Maliar claimed ..., according to CNN": the PP modifies another source's own reporting verb.
            inside = (
                outer.cue_start > other.cue_start
                and outer.claim_start <= other.claim_start + 1
                and (other.claim_end >= outer.claim_end - 1 or outer.claim_start <= other.speaker_start)
            )
        if inside and not _same_mention(outer, other):
            return True
    return False


def _continue_outer(participle: Candidate, others: list[Candidate]) -> None:
    """Split "X said A, arguing that B": A ends at the participle, and B is X's too, not a nested source's."""
    for outer in others:
        if (
            outer is participle
            or outer.participle
            or outer.speaker_start is None
            or outer.claim_start < 0
            or not outer.claim_start < participle.cue_start < outer.claim_end
            or participle.claim_end < outer.claim_end - 1
        ):
            continue
        if participle.speaker_start is None or outer.claim_start <= participle.speaker_start < outer.claim_end:
            participle.speaker_start, participle.speaker_end = outer.speaker_start, outer.speaker_end
            participle.person_name = outer.person_name
        outer.claim_end = participle.cue_start
        return


def _reported_inside(candidate: Candidate, others: list[Candidate]) -> bool:
    return any(
        other.frame != "argument" and other.claim_start <= candidate.cue_start < other.claim_end
        for other in others
        if other is not candidate and other.claim_start >= 0
    )


def _same_mention(first: Candidate, second: Candidate) -> bool:
    return first.person_name is not None and first.person_name == second.person_name


def _that_clause_verb(verb: Any) -> bool:
    """Tell whether a verb outside the cue lists reports a that-clause of a named source ("X conceded that")."""
    if verb.lemma_.lower() in NOT_CUES:
        return False
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or not (subject.pos_ == "PROPN" or subject.ent_type_ in ("PERSON", "ORG", "NORP")):
        return False
    return any(
        c.dep_ == "ccomp" and c.i > verb.i and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        for c in verb.children
    )


def _from_reporting_verb(verb: Any, sentence: Span, quotes: list[Span]) -> Candidate | None:
    lemma = cue_lemma(verb)
    subject, relative = subject_of(verb)
    quoted_subject = named_after_quote(verb, subject, quotes) if subject is not None else None
    if quoted_subject is not None:
        # "“... One of the brightest members,” Rep. Jane Doe said": the parse took a quoted word for the subject.
        subject, quote = quoted_subject
        return _said_by(subject, verb, quote.start, quote.end, sentence)
    if (
        subject is None
        or subject.lower_ in ("i", "we", "you", "us", "me")
        or any(t.dep_ == "poss" and t.pos_ == "PRON" for t in subject.children)
    ):
        return None
    if lemma == "ask" and not any(c.dep_ == "nsubj" for c in verb.children):
        return None  # "When asked if ...": the journalist's question, not the source's assertion
    content, frame = content_of(verb, quotes)
    if content is None:
        announced = _as_announced(verb, subject, sentence)
        if announced is not None:
            return announced
        # A cue without usable content still names a speaker a following bare quote may continue.
        return _said_by(subject, verb, -1, -1, sentence)
    if lemma in WEAK_VERBS and subject.lower_ in ("he", "she", "they", "it"):
        return None
    start, end = mention_span(subject)
    if subject.lemma_.lower() in DOCUMENT_NOUNS:
        agent = agent_of(subject)
        if agent is not None:
            subject, relative = agent, None
            start, end = mention_span(agent)
    if start <= content[0] < end:
        return None
    if frame == "argument" and any(q.start < verb.idx < q.end for q in quotes):
        return None  # "“Nobody wants to bus their kids ...”": a stance inside quoted words
    cue = verb.text
    if frame == "argument":
        between = verb.doc.text[verb.idx : content[0]].strip()
        if len(between.split()) <= 3:
            cue = between
    if lemma == "express":
        cue = f"{verb.text} {next((c.text for c in verb.children if c.dep_ == 'dobj'), '')}".strip()
    candidate = _said_by(subject, verb, content[0], content[1], sentence, cue=cue, frame=frame,
                         participle=verb.tag_ == "VBG" and verb.dep_ == "advcl")
    if relative is not None:
        candidate = replace(candidate, pronoun=Span(relative.idx, relative.idx + len(relative)))
    return candidate


_AS_ANNOUNCED_VERBS = frozenset({"announce", "promise", "pledge", "say", "claim", "state", "vow", "predict"})


def _as_announced(verb: Any, subject: Any, sentence: Span) -> Candidate | None:
    """ "Moscow is not slowing down its offensive, as it had announced": what the as-clause's source announced is
    the clause it modifies, without its negation when the clause denies it ("Moscow is slowing down its
    offensive"), and its "it" is that clause's subject. A reporter's contrast of a source's words with events."""
    head = verb.head
    if (
        verb.dep_ != "advcl"
        or cue_lemma(verb) not in _AS_ANNOUNCED_VERBS
        or not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        or head.pos_ not in ("VERB", "AUX")
        or head.i > verb.i
    ):
        return None
    clause_subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if clause_subject is None:
        return None
    start = min(t.idx for t in clause_subject.subtree)
    before_as = min(t.i for t in verb.subtree)
    end_token = verb.doc[before_as - 1]
    while end_token.is_punct and end_token.i > head.i:
        end_token = verb.doc[end_token.i - 1]
    if subject.lower_ in ("it", "they", "he", "she") and clause_subject.pos_ in ("PROPN", "NOUN"):
        subject = clause_subject
    negated = any(c.dep_ == "neg" for c in head.children)
    return _said_by(subject, verb, start, end_token.idx + len(end_token), sentence,
                    frame="as_announced_denied" if negated else "plain")


def _said_by(subject: Any, cue_token: Any, claim_start: int, claim_end: int, sentence: Span, *,
             cue: str | None = None, frame: str = "plain", verbal: bool = True, participle: bool = False
             ) -> Candidate:
    """A candidate whose speaker is the mention of `subject` and whose cue is `cue_token` (or the text `cue`)."""
    start, end = mention_span(subject)
    return Candidate(claim_start, claim_end, cue_token.text if cue is None else cue, cue_token.idx,
                      cue_token.idx + len(cue_token), sentence, start, end, person_in(subject, start, end),
                      frame=frame, verbal=verbal, participle=participle)


def _from_according(token: Any, sentence: Span) -> Candidate | None:
    """Return "according to X, CLAIM" / "CLAIM, according to X" as a candidate."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None:
        following = token.nbor(1) if token.i + 1 < len(token.doc) else None
        to = following if following is not None and following.lower_ == "to" else None
    if to is None:
        return None
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    doc = token.doc
    start, end = mention_span(source)
    pp_tokens = sorted([token, *to.subtree], key=lambda t: t.i)
    pp_start, pp_end = pp_tokens[0].idx, max(t.idx + len(t) for t in pp_tokens)
    # Drop a relative clause on the source ("according to X, who declared ...") from the PP.
    for child in source.children:
        if child.dep_ in ("relcl", "acl"):
            pp_end = min(pp_end, min(t.idx for t in child.subtree))
    sent = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    tokens = [t for t in sent if not t.is_space]
    left = [t for t in tokens if t.idx + len(t) <= pp_start]
    right = [t for t in tokens if t.idx >= pp_end]
    # Stop the claim at a trailing participle cue ("..., adding that ...") or a relative clause on the source,
    # or at a clause with its own reporting verb and subject ("..., as he considered that ..."), its own statement.
    stops = [
        t
        for t in right
        if t.dep_ in ("advcl",)
        and t.lemma_.lower() in REPORTING_VERBS
        and (t.tag_ == "VBG" or any(c.dep_ == "nsubj" for c in t.children))
    ]
    stops += [t for t in right if t.dep_ in ("relcl",) and t.head == source]
    if stops:
        cut = min(min(s.left_edge.idx for s in stops), min(s.idx for s in stops))
        right = [t for t in right if t.idx + len(t) <= cut]
    left_text = doc.text[left[0].idx : left[-1].idx + len(left[-1])] if left else ""
    if len(re.findall(r"\w+", left_text)) >= 3:
        claim_start, claim_end = left[0].idx, left[-1].idx + len(left[-1])
    elif right:
        claim_start, claim_end = right[0].idx, right[-1].idx + len(right[-1])
    else:
        return None
    return Candidate(
        claim_start,
        claim_end,
        "according to",
        token.idx,
        to.idx + len(to),
        sentence,
        start,
        end,
        person_in(source, start, end),
        verbal=False,
    )


def _from_claim_noun(noun: Any, sentence: Span) -> Candidate | None:
    """Return "Russia's claim that it is withdrawing" as a candidate owned by the possessor."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    clause = next(
        (
            c
            for c in noun.children
            if c.dep_ in ("acl", "ccomp", "relcl")
            and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        ),
        None,
    )
    if owner is None or clause is None or owner.lower_ in ("its", "his", "her", "their", "our", "my", "your"):
        return None
    claim_start, claim_end = clause_span(clause)
    return _said_by(owner, noun, claim_start, claim_end, sentence, verbal=False)
