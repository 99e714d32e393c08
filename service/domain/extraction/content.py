"""What a reporting verb reports: the character range of its content, and how the content is framed.

The content is the verb's clausal complement, the clause a parenthetical frame hangs on ("The port, the minister
said, will reopen"), an adjacent quotation, the infinitive of a promise or the clause of a plan, or the object and
complements of a stance verb ("called [for an independent inquiry]").
"""

from __future__ import annotations

import re
from typing import Any

from service.domain.entities import Span
from service.domain.extraction.cues import ARGUMENT_VERBS, AS_VERBS, OBJECT_CUES, PLAN_NOUNS, PROMISE_VERBS, cue_lemma

_COMPLEMENT_DEPS = frozenset({"dobj", "oprd", "xcomp", "ccomp", "dative", "attr"})
_COMPLEMENT_PREPS = frozenset({"for", "on", "to", "as", "against", "about", "of"})
_MIN_COMPLEMENT_WORDS = 3
# "spoke to reporters", "talked with voters": the addressee, not the content.
_ADDRESSEE_PREPS = {"speak": ("to", "for", "against", "as"), "talk": ("to", "for", "against", "as")}


def content_of(verb: Any, quotes: list[Span]) -> tuple[tuple[int, int] | None, str]:
    """Return the character range of what a reporting verb reports, and how it is framed."""
    lemma = cue_lemma(verb)
    for child in verb.children:
        if child.dep_ == "ccomp" and child.i != verb.i:
            start, end = clause_span(child)
            # A misparse can hang the narration before a quotation on the quoted clause: keep the quotation.
            for quote in quotes:
                if (
                    start < quote.start
                    and quote.end >= end - 1
                    and quote.start < end
                    and len(verb.doc.text[start : quote.start].split()) > 8
                    and verb.doc.text[quote.start + 1 : quote.start + 2].isupper()
                ):
                    return (quote.start, quote.end), "plain"
            return (start, end), "plain"
    if lemma == "express":
        for child in verb.children:
            if child.dep_ == "dobj":
                for grandchild in child.children:
                    if grandchild.dep_ in ("acl", "ccomp", "relcl") and any(
                        t.dep_ == "mark" for t in grandchild.children
                    ):
                        return clause_span(grandchild), "plain"
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX", "NOUN", "PROPN", "ADJ"):
        # "“...,” X said, “...”" and "The museum, X said, celebrated ...": the frame inside the clause.
        return clause_span(verb.head, exclude=verb), "plain"
    if (
        lemma in AS_VERBS
        and verb.dep_ == "advcl"
        and verb.head.pos_ in ("VERB", "AUX")
        and not any(c.dep_ == "nsubj" and c.lower_ in ("it", "they") for c in verb.children)
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children)
    ):
        # "As X pointed out, the gap is vast": the frame hangs on the asserted clause.
        return clause_span(verb.head, exclude=verb), "plain"
    quoted = _adjacent_quote(verb, quotes)
    if quoted is not None:
        return quoted, "plain"
    if lemma in PROMISE_VERBS and lemma not in ARGUMENT_VERBS:
        for child in verb.children:
            if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
                return clause_span(child), "promise"
            if (
                child.dep_ == "dobj"
                and child.lemma_.lower() in PLAN_NOUNS
                and any(g.dep_ in ("acl", "relcl") for g in child.children)
            ):
                return clause_span(child), "plan"
    if lemma in ARGUMENT_VERBS or lemma in OBJECT_CUES:
        complement = _complement_span(verb)
        if complement is not None:
            return complement, "argument"
    return None, "plain"


def _complement_span(verb: Any) -> tuple[int, int] | None:
    """Return the object and complements after a stance verb ("called [the charges fabricated]")."""
    own_subject = any(c.dep_ == "nsubj" for c in verb.children)
    # "..., citing her work": a participle right after a comma shares its clause's subject.
    participle = verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.i > 0 and verb.doc[verb.i - 1].text == ","
    if not own_subject and verb.dep_ != "conj" and not participle:
        return None
    if own_subject and verb.tag_ == "VBG" and not any(c.dep_ == "aux" for c in verb.children):
        return None  # "Images showing troops ... have been released": a reduced relative, not a finite verb
    parts: list[Any] = []
    for child in verb.children:
        if child.i < verb.i:
            continue
        if child.dep_ in _COMPLEMENT_DEPS:
            parts.append(child)
        elif child.dep_ == "prep" and child.lower_ in _COMPLEMENT_PREPS.difference(
            _ADDRESSEE_PREPS.get(verb.lemma_.lower(), ())
        ):
            # "on Friday" dates the act; it is not what was said.
            parts.extend(
                c for c in child.children if c.dep_ in ("pobj", "pcomp") and c.ent_type_ not in ("DATE", "TIME")
            )
    if not parts:
        return None
    if verb.lemma_.lower() == "call" and all(p.dep_ == "dobj" for p in parts):
        return None  # "called an emergency meeting", "called a press conference": convening, not calling X Y
    tokens = [t for part in parts for t in part.subtree]
    if any(t.pos_ == "PRON" and t.dep_ in ("dobj", "pobj") and t.lower_ in ("what", "which", "that") for t in tokens):
        return None
    if len([t for t in tokens if not t.is_punct]) < _MIN_COMPLEMENT_WORDS:
        return None  # "defended the pipeline": a stance on a thing, no claim to check
    return min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens)


def _adjacent_quote(verb: Any, quotes: list[Span]) -> tuple[int, int] | None:
    """Return a quotation right before the attribution ("“...,” X said") or right after ("said: “...”")."""
    doc = verb.doc
    text = doc.text
    left = min(t.idx for t in verb.subtree if t.dep_ in ("nsubj",) or t.i == verb.i)
    for child in verb.children:
        if child.dep_ == "nsubj":
            left = min(left, min(t.idx for t in child.subtree))
    right = verb.idx + len(verb)
    sent = verb.sent
    for quote in quotes:
        inside = quote.start >= sent.start_char - 1 and quote.end <= sent.end_char + 1
        # spaCy may split a quotation of several sentences: it may then overrun the cue's sentence.
        gap = r"[\s,;:.—–-]*" if inside else r"[ \t,;:.—–-]*"
        if quote.end <= left and quote.end >= sent.start_char - 2 and re.fullmatch(gap, text[quote.end : left]):
            return quote.start, quote.end
        if quote.start >= right and quote.start <= sent.end_char and re.fullmatch(
            gap.replace(".", ""), text[right : quote.start]
        ):
            return quote.start, quote.end
        if quote.start >= right and re.fullmatch(r"[ \t]*:[ \t]*\n\s*", text[right : quote.start]):
            return quote.start, quote.end  # "The Times reports:" ending a paragraph, the quotation below
    return None


def clause_span(head: Any, exclude: Any | None = None) -> tuple[int, int]:
    """Return the character range of a clause, without its complementiser and without the reporting frame."""
    excluded = {t.i for t in exclude.subtree} if exclude is not None else set()
    for token in head.subtree:
        if token.lower_ == "according" and token.i != head.i:
            excluded.update(t.i for t in token.subtree)
    tokens = [t for t in head.subtree if t.i not in excluded]
    tokens = [
        t for t in tokens if not (t.dep_ == "mark" and t.head == head and t.lower_ in ("that", "whether"))
    ]
    if exclude is not None and exclude.i < head.i and exclude.dep_ == "parataxis":
        # "The port, the minister said, will reopen": the frame sits inside one clause; keep it whole (the
        # claim text drops the frame).
        pass
    elif exclude is not None:
        # Keep the contiguous part before the frame ("“X,” he said, ...") when the frame splits the clause.
        before = [t for t in tokens if t.i < exclude.i]
        after = [t for t in tokens if t.i > exclude.i]
        if before and after:
            tokens = before if len(before) >= len(after) else after
    tokens.sort(key=lambda t: t.i)
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1])
    return start, end
