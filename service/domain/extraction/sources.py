"""The source of an attribution in the dependency parse: its token, the span of its mention, the person it names.

A mention is the noun phrase without clauses or conjuncts, widened over a title in apposition before it ("the
General Secretary of NATO, Jens Stoltenberg"); the person is a PERSON entity inside it, else a run of proper nouns at
its head.
"""

from __future__ import annotations

from typing import Any

from service.domain.entities import Span
from service.domain.extraction.mentions import country_of

MEDIA = frozenset(
    {
        "cnn",
        "bbc",
        "reuters",
        "afp",
        "ap",
        "associated press",
        "the independent",
        "independent",
        "ndtv",
        "france 24",
        "tass",
        "ria",
        "ria novosti",
        "interfax",
        "the guardian",
        "guardian",
        "new york times",
        "the new york times",
        "washington post",
        "the washington post",
        "al jazeera",
        "bloomberg",
        "sky news",
        "media reports",
        "local media",
        "state media",
        "the media",
        "media",
        "fox news",
        "abc",
        "nbc",
        "cbs",
    }
)
_TITLE_WORDS = frozenset(
    {
        "secretary",
        "general",
        "minister",
        "president",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "deputy",
        "chancellor",
        "prime",
        "foreign",
        "defence",
        "defense",
        "press",
        "mr",
        "mrs",
        "ms",
        "dr",
        "chief",
        "ambassador",
        "commander",
        "vice",
        "nato",
        "us",
        "u.s.",
        "ministry",
        "head",
        "leader",
        "senator",
        "governor",
    }
)


def named_after_quote(verb: Any, subject: Any, quotes: list[Span]) -> tuple[Any, Span] | None:
    """Return the name between a quotation and its verb when the parse's subject lies inside the quotation."""
    quote = next((q for q in quotes if q.start <= subject.idx < q.end and q.end <= verb.idx), None)
    if quote is None or verb.i <= subject.i:
        return None
    between = verb.doc.char_span(quote.end, verb.idx, alignment_mode="contract")
    if between is None:
        return None
    if len(between) > _MAX_NAME_TOKENS:
        return None
    for kinds in (("PERSON",), ("ORG", "NORP", "GPE")):
        entities = [e for e in between.ents if e.label_ in kinds]
        if entities:
            return entities[0].root, quote
    names = [t for t in between if t.pos_ == "PROPN"]
    return (names[0].head if names[0].head.pos_ == "PROPN" else names[0], quote) if names else None


_MAX_NAME_TOKENS = 12


def subject_of(verb: Any) -> tuple[Any | None, Any | None]:
    """Return the subject of a reporting verb, climbing through "went on to say", "by saying", "and said", and
    the relative pronoun it stands for ("who" in "Mr. Kamin, who said that ...": the subject is Mr. Kamin)."""
    node = verb
    for _ in range(4):
        subjects = [
            c
            for c in node.children
            if (c.dep_ in ("nsubj", "nsubjpass") and node.dep_ != "ccomp") or c.dep_ == "nsubj"
        ]
        if subjects:
            subject = subjects[0]
            if subject.lower_ in ("who", "which", "that") and node.dep_ == "relcl":
                return node.head, subject
            return subject, None
        if node.dep_ in ("xcomp", "conj", "pcomp", "advcl") or (node.dep_ == "prep" and node is not verb):
            node = node.head
            if node.dep_ == "prep":
                node = node.head
            continue
        return None, None
    return None, None


def agent_of(noun: Any) -> Any | None:
    """Return X in "a statement released by X"."""
    for token in noun.subtree:
        if token.dep_ == "agent" or (token.lower_ == "by" and token.dep_ == "prep"):
            objects = [c for c in token.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def mention_span(head: Any) -> tuple[int, int]:
    """Return the character range of a speaker mention: the noun phrase without clauses or conjuncts."""
    dropped: set[int] = set()
    for child in head.children:
        if child.dep_ in ("conj", "cc", "relcl", "acl", "advcl", "prep") and child.i > head.i:
            if child.dep_ == "prep" and child.lower_ == "of":
                continue
            dropped.update(t.i for t in child.subtree)
    tokens = sorted((t for t in head.subtree if t.i not in dropped), key=lambda t: t.i)
    # Keep a contiguous run around the head.
    run = [head]
    index = tokens.index(head)
    for token in reversed(tokens[:index]):
        if token.i != run[0].i - 1:
            break
        run.insert(0, token)
    for token in tokens[index + 1 :]:
        if token.i != run[-1].i + 1:
            break
        run.append(token)
    spaces = [
        i
        for i, token in enumerate(run)
        if "\n" in token.text_with_ws and token is not head and token.i < head.i
    ]
    if spaces:
        run = run[spaces[-1] + 1 :]
    run = _with_leading_apposition(run, head)
    while run and (run[-1].is_punct or run[-1].lower_ in ("'s", "’s")) and run[-1] is not head:
        run.pop()
    while run and run[0].is_punct and run[0] is not head:
        run.pop(0)
    return run[0].idx, run[-1].idx + len(run[-1])


def _with_leading_apposition(run: list[Any], head: Any) -> list[Any]:
    """Extend "..., Jens Stoltenberg" over a title before it ("the General Secretary of NATO, Jens ...")."""
    doc = head.doc
    first = run[0]
    if head.pos_ != "PROPN" or first.i < 2 or doc[first.i - 1].text != ",":
        return run
    chunk: list[Any] = []
    for token in reversed(list(doc[first.sent.start : first.i - 1])):
        if token.text in (",", ";", ":") or "\n" in token.text_with_ws:
            break
        chunk.insert(0, token)
    words = {t.lower_ for t in chunk}
    if chunk and chunk[0].lower_ == "the" and words & {"secretary", "minister", "president", "spokesman"}:
        return [*chunk, doc[first.i - 1], *run]
    return run


def person_in(head: Any, start: int, end: int) -> str | None:
    """Return the person's name inside a mention: a PERSON entity, else a run of proper nouns at the head."""
    doc = head.doc
    people = [e for e in doc.ents if e.label_ == "PERSON" and start <= e.start_char and e.end_char <= end]
    if people:
        holding = [e for e in people if e.start <= head.i < e.end]
        person = holding[0] if holding else people[-1]
        words = [t for t in person if t.lower_.strip(".") not in _TITLE_WORDS]
        if words and country_of(words[0].text) is None:
            return doc.text[words[0].idx : person.end_char]
    if head.pos_ != "PROPN" or head.ent_type_ in ("ORG", "GPE", "NORP", "FAC", "LOC", "WORK_OF_ART"):
        return None
    if head.lower_ in _TITLE_WORDS or country_of(head.text) is not None or head.lower_ in MEDIA:
        return None
    run = [head]
    for token in reversed(list(doc[head.left_edge.i : head.i])):
        if token.i != run[0].i - 1 or token.pos_ != "PROPN" or token.lower_.strip(".") in _TITLE_WORDS:
            break
        if country_of(token.text) is not None:
            break
        run.insert(0, token)
    return doc.text[run[0].idx : head.idx + len(head)]
