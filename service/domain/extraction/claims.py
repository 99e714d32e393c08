"""The claim of a statement: its exact span in the text, and its text as a self-contained sentence."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from service.domain.entities import Span, SpeakerKind, SpeakerMention
from service.domain.extraction.candidates import Candidate
from service.domain.extraction.mentions import country_of
from service.domain.extraction.titles import ROLE_HEADS

_SUBJECT_PRONOUNS = {"he": SpeakerKind.PERSON, "she": SpeakerKind.PERSON, "it": SpeakerKind.ORGANISATION}


def asserted_span(text: str, start: int, end: int, quotes: list[Span]) -> Span | None:
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


# Reported speech after a past cue shifts the speaker's tenses back ("the port will reopen" → "said the port would
# reopen"); the claim gives them as said. Words that mark a past the speaker meant keep "had" and "was" as written.
_PAST_MARKERS = frozenset({"ago", "yesterday", "last", "earlier", "previously", "formerly", "once", "then", "first"})
# A reported past perfect ("had reached the company last August") is most often the speaker's simple past;
# these words mark the present perfect he meant ("has not had a pay rise since 2021").
_PERFECT_MARKERS = frozenset({"since", "yet", "already", "ever", "never", "recently", "lately"})
# Participles whose simple past differs (regular verbs and most irregular ones share one form).
_PAST_OF_PARTICIPLE = {
    "seen": "saw", "done": "did", "gone": "went", "given": "gave", "taken": "took", "known": "knew",
    "shown": "showed", "written": "wrote", "spoken": "spoke", "chosen": "chose", "broken": "broke", "driven": "drove",
    "eaten": "ate", "fallen": "fell", "forgotten": "forgot", "frozen": "froze", "begun": "began", "grown": "grew",
    "risen": "rose", "stolen": "stole", "thrown": "threw", "worn": "wore", "flown": "flew", "drawn": "drew",
    "come": "came", "become": "became", "run": "ran", "torn": "tore", "withdrawn": "withdrew", "arisen": "arose",
    "overseen": "oversaw", "undertaken": "undertook", "hidden": "hid", "beaten": "beat", "sung": "sang",
    "swum": "swam", "rung": "rang", "drunk": "drank", "sunk": "sank", "shaken": "shook", "woken": "woke",
    "sworn": "swore", "forgiven": "forgave", "mistaken": "mistook", "ridden": "rode", "blown": "blew",
    "bitten": "bit", "gotten": "got", "shrunk": "shrank", "forbidden": "forbade", "overtaken": "overtook",
}
_WISH_VERBS = frozenset({"like", "love", "rather", "prefer", "have", "be"})
_PLURAL_PRONOUNS = frozenset({"they", "we", "you", "i", "these", "those", "both"})


# A quoted "I" or "we" opening the claim is the speaker (or the body a person speaks for): "We are open to
# dialogue" is NATO's claim. The verb after it takes the third person.
_THIRD_PERSON = {"am": "is", "are": "is", "have": "has", "do": "does", "were": "was", "'m": "is", "'re": "is",
                 "'ve": "has"}
_UNCHANGED_VERBS = frozenset({"will", "would", "can", "could", "must", "should", "may", "might", "shall", "was",
                              "had", "did", "ought", "need"})


def _third_person(verb: str) -> str | None:
    """The third-person singular of a present or unmarked verb form, None for what is not plainly a verb."""
    lower = verb.lower()
    if lower in _THIRD_PERSON:
        return _THIRD_PERSON[lower]
    if lower in _UNCHANGED_VERBS or lower.endswith("ed") or not lower.isalpha():
        return lower
    if lower.endswith(("s", "x", "z", "ch", "sh", "o")):
        return lower + "es"
    return lower[:-1] + "ies" if re.search(r"[^aeiou]y$", lower) else lower + "s"


def _first_person_subject(piece: str, mention: SpeakerMention) -> str:
    """'I have never ...' → 'Dario Velez has never ...', 'We are open ...' → 'NATO is open ...'."""
    match = re.match(r"(I|We)(?:\s+(?:(never|also|all|still|now|only|really|just)\s+)?([A-Za-z]+)|('m|'re|'ve))\b",
                     piece.replace("’", "'"))
    if not match:
        return piece
    pronoun, adverb, word, contracted = match.groups()
    verb = word or contracted
    if pronoun == "I":
        subject = mention.name if mention.kind is SpeakerKind.PERSON else None
    elif mention.kind is SpeakerKind.ORGANISATION and mention.name.split()[-1].casefold() not in ROLE_HEADS:
        subject = mention.name  # not "chief executive": a role word typed as a body speaks for one it leaves unnamed
    else:
        subject = mention.affiliation if mention.kind is SpeakerKind.PERSON else None
    if not subject or (adverb == "all" and pronoun == "We"):
        return piece
    inflected = verb if pronoun == "We" and verb.lower() not in _THIRD_PERSON and adverb is None \
        and verb.lower().endswith("ed") else _third_person(verb)
    if inflected is None:
        return piece
    middle = f"{adverb} " if adverb else ""
    return f"{subject} {middle}{inflected}{piece[match.end():]}"


def _with_case(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word


def _plural_subject(verb: Any) -> bool:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return (child.tag_ in ("NNS", "NNPS") or child.lower_ in _PLURAL_PRONOUNS
                    or any(c.dep_ == "conj" for c in child.children))
    return False


def _marks_perfect(participle: Any) -> bool:
    """Whether a word of the participle's own clause (not of a clause inside it) marks the present perfect."""
    for token in participle.subtree:
        if token.lower_ in _PERFECT_MARKERS or (token.lower_ == "far" and token.nbor(-1).lower_ == "so"):
            head = token.head
            while head.i != participle.i and head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
                head = head.head
            if head.i == participle.i:
                return True
    return False


def _keeps_perfect(had: Any) -> bool:
    """Whether a past perfect is better given as the present perfect: its clause marks a perfect ("since 2021"),
    a word stands between "had" and an active participle ("had not had"), the participle has no subject of its own (a
    misparse), or a passive or "been" has nothing that places it in time or circumstance and so reports a result
    ("had been accomplished", "no date had been fixed"; but "had been told of it at a meeting" is an event)."""
    participle = had.head
    children = list(participle.children)
    passive = participle.lower_ == "been" or any(c.dep_ == "auxpass" for c in children)
    if _marks_perfect(participle) or not any(c.dep_ in ("nsubj", "nsubjpass") for c in children):
        return True
    if not passive:  # "had not seen" has no simple past without "did"; "had volunteered to command" is a standing offer
        return participle.i != had.i + 1 or any(c.dep_ == "xcomp" for c in children)
    return not any(c.dep_ in ("prep", "agent", "npadvmod", "advcl", "acomp", "attr") for c in children)


def _simple_past(had: Any) -> list[tuple[int, int, str]]:
    """Edits that give a past perfect as the simple past the speaker used: "had been told" → "were told", "had
    been fair" → "was fair", "had seen" → "saw"."""
    participle = had.head
    been = next((c for c in participle.children if c.dep_ == "auxpass" and c.lower_ == "been"), None)
    if participle.lower_ == "been":
        been = participle
    if been is not None:
        word = "were" if _plural_subject(participle) else "was"
        return [(had.idx, had.idx + len(had.text), _with_case(word, had.text)),
                (been.idx - len(had.doc[been.i - 1].whitespace_), been.idx + len(been.text), "")]
    past = _PAST_OF_PARTICIPLE.get(participle.lower_, participle.text)
    following = had.doc[had.i + 1]
    return [(had.idx, following.idx, ""),
            (participle.idx, participle.idx + len(participle.text), _with_case(past, participle.text)
             if participle.i == had.i + 1 and had.text[:1].isupper() else past)]


def _claim_tokens(doc: Any, span: Span) -> Any:
    """The parsed tokens of the claim (a spaCy Span), or None without a parse or where no token fits inside."""
    if doc is None or isinstance(doc, str):
        return None
    claim = doc.char_span(span.start, span.end, alignment_mode="contract")
    return claim if claim is not None and len(claim) else None


def _backshift_edits(claim: Any, candidate: Candidate) -> list[tuple[int, int, str]]:
    """(start, end, word) replacements that undo the backshift of indirect speech after a past-tense cue."""
    if candidate.frame != "plain" or not candidate.verbal:
        return []
    cue = claim.doc.char_span(candidate.cue_start, candidate.cue_end, alignment_mode="expand")
    if cue is None or cue.root.tag_ != "VBD" or any(t.lower_ == "if" for t in claim):
        return []
    tokens = list(claim)
    dated_past = any(t.lower_ in _PAST_MARKERS for t in tokens)
    edits = []
    for token in tokens:
        end = token.idx + len(token.text)
        if token.lower_ == "would" and token.tag_ == "MD" and token.head.lemma_ not in _WISH_VERBS:
            edits.append((token.idx, end, _with_case("will", token.text)))
        elif token.lower_ == "had" and token.dep_ == "aux" and token.head.tag_ == "VBN" and token.tag_ == "VBD":
            if _keeps_perfect(token):
                edits.append((token.idx, end, _with_case("have" if _plural_subject(token.head) else "has",
                                                         token.text)))
            else:
                edits += _simple_past(token)
        elif dated_past or token.tag_ != "VBD":
            continue
        elif token.lower_ in ("was", "were") and token.dep_ in ("aux", "ROOT", "ccomp", "conj") \
                and (token.dep_ != "aux" or token.head.tag_ == "VBG"):
            edits.append((token.idx, end, _with_case("is" if token.lower_ == "was" else "are", token.text)))
    return edits


def _sentence_edits(claim: Any) -> list[tuple[int, int, str]]:
    """(start, end, word) replacements that make a reported clause a sentence of its own: the "that" of a second
    reported clause goes ("no date had been fixed and that talks continue" -> "... and talks continue"), and a
    headline's future infinitive takes "will" ("Paper mill to close by June" -> "Paper mill will close by June")."""
    doc = claim.doc
    edits = []
    for token in claim:
        if token.lower_ == "that" and token.dep_ == "mark" and token.head.dep_ == "conj" and token.i > claim.start \
                and doc[token.i - 1].lower_ in ("and", "but"):
            edits.append((token.idx, doc[token.i + 1].idx, ""))
    root = claim.root
    if root.tag_ == "VB" and not any(t.dep_ == "aux" and t.tag_ == "MD" for t in root.children):
        to = next((t for t in root.children if t.dep_ == "aux" and t.tag_ == "TO" and t.i == root.i - 1), None)
        subject = next((t for t in root.children if t.dep_ in ("nsubj", "nsubjpass") and t.i < root.i), None)
        if to is not None and subject is not None and subject.i >= claim.start:
            edits.append((to.idx, to.idx + len(to.text), "will"))
    return edits


def _announced_edits(claim: Any, candidate: Candidate) -> list[tuple[int, int, str]]:
    """The negation of a clause that contradicts what its source announced goes: "Moscow is not slowing down, as
    it had announced" -> Moscow announced "Moscow is slowing down" (rules._as_announced)."""
    if candidate.frame != "as_announced_denied":
        return []
    doc = claim.doc
    return [(token.idx, doc[token.i + 1].idx if token.lower_ == "not" else token.idx + len(token.text), "")
            for token in claim.root.children if token.dep_ == "neg" and token.i + 1 < len(doc)]


def _edited(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, Callable[[int], int]]:
    """The text with the edits made, and where an offset of the old text lies in the new one."""
    pieces, last = [], 0
    for start, end, word in sorted(edits):
        pieces += [text[last:start], word]
        last = end
    deltas = sorted((start, len(word) - (end - start)) for start, end, word in edits)
    return "".join(pieces) + text[last:], lambda at: at + sum(d for start, d in deltas if start < at)


def claim_text(text: str, span: Span, candidate: Candidate, mention: SpeakerMention, doc: Any = None) -> str:
    """Return the claim as a self-contained sentence: no quotation marks, capitalised, one final stop, and (given
    the parsed text) in the speaker's own tenses where an indirect report shifted them back."""
    quoted = any(text[span.start - 1 : span.start] == q for q in '“"') or text[span.start] in '“"'
    claim = None if quoted else _claim_tokens(doc, span)
    edits = [] if claim is None else (_backshift_edits(claim, candidate) + _sentence_edits(claim)
                                      + _announced_edits(claim, candidate))
    if edits:
        text, moved = _edited(text, edits)
        span = Span(moved(span.start), moved(span.end))
        candidate = replace(candidate, cue_start=moved(candidate.cue_start), cue_end=moved(candidate.cue_end),
                            speaker_start=None if candidate.speaker_start is None else moved(candidate.speaker_start),
                            speaker_end=None if candidate.speaker_end is None else moved(candidate.speaker_end))
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
    piece = _named_descriptions(piece, doc, span.start)
    agent = _agent_name(mention)
    if candidate.frame == "promise":
        piece = re.sub(r"^to\s+", "", piece)
        piece = f"{agent} will {piece}"
    elif candidate.frame == "plan":
        piece = f"{agent} {piece}"
    elif candidate.frame == "argument":
        piece = f"{mention.name} {candidate.cue} {piece}"
    elif quoted:
        piece = _first_person_subject(piece, mention)
    else:
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


# Heads of a definite description that an organisation named earlier takes: "the agency" → "the Environment
# Agency", "the union" → "the United Chemical Workers Union".
_BODY_NOUNS = frozenset({"agency", "company", "ministry", "union", "council", "court", "department", "authority",
                         "commission", "committee", "party", "association", "board", "bank", "service", "office",
                         "institute", "federation", "alliance", "group", "government", "administration"})
_DESCRIPTION = re.compile(r"\b([Tt]he) (" + "|".join(sorted(_BODY_NOUNS)) + r")\b(?!\s+(?:of|[A-Z]))")


def _named_descriptions(piece: str, doc: Any, before: int) -> str:
    """'The agency' → 'The Environment Agency' where the nearest organisation named before the claim has the
    noun among its words; left as written when none has."""
    if doc is None or isinstance(doc, str):
        return piece
    names = [ent.text for ent in doc.ents if ent.label_ == "ORG" and ent.end_char <= before]

    def named(match: re.Match[str]) -> str:
        noun = match.group(2)
        for name in reversed(names):
            words = [w.casefold() for w in name.split()]
            if noun in words and len(words) > 1:
                return f"{match.group(1)} {name.removeprefix('the ').removeprefix('The ')}"
        return match.group(0)

    return _DESCRIPTION.sub(named, piece)


def _agent_name(mention: SpeakerMention) -> str:
    """Return who a promise or plan binds: the country of a spokesman or body, else the speaker."""
    if mention.kind is SpeakerKind.PERSON:
        if mention.affiliation and mention.role and "spokes" in mention.role:
            return country_of(mention.affiliation) or mention.affiliation
        return mention.name
    if mention.kind is SpeakerKind.ORGANISATION:
        return country_of(mention.affiliation) or mention.name if mention.affiliation else mention.name
    return mention.name
