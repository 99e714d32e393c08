"""Speakers: resolve the mentions of one document and match them to stored speakers.

`DocumentSpeakers` resolves later mentions within one document: a surname, "Mr Stoltenberg", "he"/"she", or a
definite description ("the Norwegian", "the Ukrainian president", "the insider") to the last compatible one,
and merges what every mention says into one `SpeakerMention` per speaker.

`match_speaker` finds the stored speaker a mention denotes. `mentions.parse_mention` normalises a single mention.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from service.domain.entities import Speaker, SpeakerKind, SpeakerMention
from service.domain.extraction.mentions import (
    ARTICLES,
    BODIES,
    COUNTRY_ADJECTIVES,
    PRONOUNS,
    clean_person_name,
    country_of,
    describe,
    is_pronoun,
    normalise_text,
    parse_mention,
    speaker_key,
)
from service.domain.extraction.roles import SpeakerView, canonical_speakers, complete_affiliations

_FEMALE_FIRST_NAMES = {
    "hanna",
    "anna",
    "annalena",
    "maria",
    "ursula",
    "liz",
    "kamala",
    "nancy",
    "jen",
    "jennifer",
    "linda",
    "victoria",
    "antje",
    "olena",
    "iryna",
    "kaja",
    "mette",
    "sanna",
    "marine",
    "angela",
    "theresa",
    "karine",
    "lyudmila",
    "ludmila",
    "margarita",
    "sarah",
    "emily",
    "natalia",
    "olga",
    "tatiana",
    "elena",
    "yulia",
}


@dataclass
class _Entry:
    name: str
    kind: SpeakerKind
    affiliation: str | None
    role: str | None
    aliases: list[str] = field(default_factory=list)
    gender: str | None = None
    unnamed: bool = False  # a person known only by role ("the NATO General Secretary")

    def mention(self) -> SpeakerMention:
        return SpeakerMention(
            self.name, self.kind, self.affiliation, self.role, tuple(dict.fromkeys(self.aliases))
        )


class DocumentSpeakers:
    """Resolve the speaker mentions of one document to one consolidated `SpeakerMention` per speaker."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._recent: list[int] = []  # entry indices, most recent last
        self._observed: dict[str, SpeakerMention] = {}  # surname key -> fullest mention of a named person

    def observe(self, text: str, person_name: str) -> None:
        """Note a named person mentioned anywhere in the document, to complete later surname-only mentions."""
        mention = parse_mention(text, person_name)
        tokens = mention.name.split()
        if len(tokens) < 2:
            return
        key = speaker_key(tokens[-1])
        known = self._observed.get(key)
        if known is None or (mention.affiliation, mention.role).count(None) < (
            known.affiliation,
            known.role,
        ).count(None):
            self._observed[key] = mention

    def resolve(self, text: str, person_name: str | None = None) -> int | None:
        """Return the document-local id of the speaker a mention denotes (None: unresolvable pronoun)."""
        surface = normalise_text(text)
        lowered = surface.casefold()
        if lowered in PRONOUNS:
            return self._resolve_pronoun(lowered, surface)
        mention = parse_mention(surface, person_name)
        if mention.kind is SpeakerKind.PERSON:
            return self._resolve_person(mention)
        bare = ARTICLES.sub("", surface)
        definite = re.match(r"^(?:the|this|that)\s", surface, re.IGNORECASE) is not None
        affiliation, role = describe(bare)
        if mention.kind is SpeakerKind.ANONYMOUS:
            if definite:
                found = self._last(
                    lambda e: (
                        e.kind is SpeakerKind.ANONYMOUS and _compatible(e.affiliation, mention.affiliation)
                    )
                )
                if found is not None:
                    return self._touch(found, mention)
            same = self._last(
                lambda e: (
                    e.kind is SpeakerKind.ANONYMOUS
                    and e.name == mention.name
                    and e.affiliation == mention.affiliation
                )
            )
            return self._touch(same, mention) if same is not None else self._add(mention)
        if role is not None and (mention.kind is SpeakerKind.ORGANISATION and _is_role_only(bare)):
            return self._resolve_role_only(surface, affiliation, role, definite)
        if definite and (role is not None or _is_nationality(bare)):
            # "The Norwegian": a nationality alone names the last person, whatever their affiliation.
            wanted = affiliation if role is not None else None
            found = self._last(lambda e: e.kind is SpeakerKind.PERSON and _role_compatible(e, role, wanted))
            if found is not None:
                return self._touch(found, SpeakerMention(surface, SpeakerKind.PERSON, affiliation, role))
        if definite and re.fullmatch(r"(?:ministry|department|agency|alliance|government)", bare, re.I):
            found = self._last(
                lambda e: e.kind is SpeakerKind.ORGANISATION and bare.casefold() in e.name.casefold()
            )
            if found is not None:
                return self._touch(found, SpeakerMention(surface, SpeakerKind.ORGANISATION))
        same = self._last(
            lambda e: e.kind is mention.kind and speaker_key(e.name) == speaker_key(mention.name)
        )
        if same is None:
            # spaCy sometimes misses a PERSON entity the document named before ("Hanna Maliar stated").
            person = self._last(
                lambda e: (
                    e.kind is SpeakerKind.PERSON
                    and (
                        speaker_key(e.name) == speaker_key(bare)
                        or speaker_key(e.name.split()[-1]) == speaker_key(bare)
                    )
                )
            )
            if person is not None:
                return self._touch(person, SpeakerMention(bare, SpeakerKind.PERSON, aliases=(surface,)))
            if len(bare.split()) == 1 and speaker_key(bare) in self._observed:
                return self._resolve_person(SpeakerMention(bare, SpeakerKind.PERSON, aliases=(surface,)))
        return self._touch(same, mention) if same is not None else self._add(mention)

    def _resolve_role_only(self, surface: str, affiliation: str | None, role: str, definite: bool) -> int:
        """Resolve "the NATO General Secretary" to the last holder of that role, else a new unnamed one."""
        found = self._last(lambda e: e.kind is SpeakerKind.PERSON and _role_compatible(e, role, affiliation))
        mention = SpeakerMention(surface, SpeakerKind.PERSON, affiliation, role, aliases=(surface,))
        if found is not None:
            return self._touch(found, mention)
        holder = (BODIES.get(affiliation) and affiliation) if affiliation else None
        country = country_of(affiliation)
        prefix = holder or (COUNTRY_ADJECTIVES[country] if country else affiliation or "")
        index = self._add(
            SpeakerMention(
                f"{prefix} {role}".strip(), SpeakerKind.PERSON, affiliation, role, aliases=(surface,)
            )
        )
        self._entries[index].unnamed = True
        return index

    def mention(self, entry_id: int) -> SpeakerMention:
        """Return everything the document says about one speaker."""
        return self._entries[entry_id].mention()

    def consolidate(self) -> dict[int, int]:
        """Once the document is read: fill affiliations from descriptions and map each short mention ("Union",
        "the mayor") to the one speaker it stands for (`service.domain.extraction.roles`); returns the mapping."""
        views = [SpeakerView(e.name, e.kind, e.affiliation, e.role, e.aliases, e.unnamed) for e in self._entries]
        complete_affiliations(views)
        mapping = canonical_speakers(views)
        for entry, view in zip(self._entries, views, strict=True):
            entry.affiliation, entry.role, entry.kind = view.affiliation, view.role, view.kind
        for short, full in mapping.items():
            if short != full:
                self._entries[full].aliases.extend([self._entries[short].name, *self._entries[short].aliases])
        return mapping

    def last_person(self) -> int | None:
        """Return the most recently mentioned person, if any."""
        return self._last(lambda e: e.kind is SpeakerKind.PERSON)

    def _resolve_pronoun(self, lowered: str, surface: str) -> int | None:
        gender = PRONOUNS[lowered]
        if lowered in ("he", "him", "his", "she", "her"):
            found = self._last(lambda e: e.kind is SpeakerKind.PERSON and e.gender in (None, gender))
        elif lowered == "it":
            found = self._last(lambda e: e.kind is SpeakerKind.ORGANISATION)
        else:
            found = self._last(lambda e: e.kind is not SpeakerKind.PERSON)
        if found is None:
            return None
        entry = self._entries[found]
        if gender and entry.gender is None:
            entry.gender = gender
        entry.aliases.append(surface)
        self._bump(found)
        return found

    def _resolve_person(self, mention: SpeakerMention) -> int:
        tokens = mention.name.split()
        surname = speaker_key(tokens[-1]) if tokens else ""
        for index in reversed(self._recent):
            entry = self._entries[index]
            if entry.kind is not SpeakerKind.PERSON:
                continue
            if _same_person(entry.name, mention.name) or (
                len(tokens) == 1 and speaker_key(entry.name.split()[-1]) == surname
            ):
                if len(tokens) > len(entry.name.split()):
                    entry.name = mention.name
                return self._touch(index, mention)
        observed = self._observed.get(surname)
        if observed is not None and (len(tokens) == 1 or _same_person(observed.name, mention.name)):
            mention = SpeakerMention(
                observed.name,
                SpeakerKind.PERSON,
                mention.affiliation or observed.affiliation,
                mention.role or observed.role,
                mention.aliases,
            )
            for index in reversed(self._recent):
                if self._entries[index].kind is SpeakerKind.PERSON and _same_person(
                    self._entries[index].name, mention.name
                ):
                    return self._touch(index, mention)
        unnamed = self._last(
            lambda e: (
                e.unnamed
                and mention.role is not None
                and _role_compatible(e, mention.role, mention.affiliation)
            )
        )
        if unnamed is not None:
            entry = self._entries[unnamed]
            entry.name, entry.unnamed = mention.name, False
            return self._touch(unnamed, mention)
        index = self._add(mention)
        first = speaker_key(tokens[0]) if len(tokens) > 1 else ""
        if first in _FEMALE_FIRST_NAMES:
            self._entries[index].gender = "f"
        return index

    def _last(self, predicate: object) -> int | None:
        assert callable(predicate)
        for index in reversed(self._recent):
            if predicate(self._entries[index]):
                return index
        return None

    def _add(self, mention: SpeakerMention) -> int:
        self._entries.append(
            _Entry(mention.name, mention.kind, mention.affiliation, mention.role, list(mention.aliases))
        )
        index = len(self._entries) - 1
        self._bump(index)
        return index

    def _touch(self, index: int, mention: SpeakerMention) -> int:
        entry = self._entries[index]
        if _more_specific(mention.affiliation, entry.affiliation):
            entry.affiliation = mention.affiliation
        if mention.role and (entry.role is None or len(mention.role) > len(entry.role)):
            entry.role = mention.role
        entry.aliases.extend(mention.aliases or (mention.name,))
        self._bump(index)
        return index

    def _bump(self, index: int) -> None:
        if index in self._recent:
            self._recent.remove(index)
        self._recent.append(index)


def _is_role_only(text: str) -> bool:
    """Tell whether a description names a role and at most a body or country ("Ukraine's minister")."""
    words = re.sub(r"'s?\b", "", text).split()
    return bool(words) and words[-1].casefold() in {
        "minister",
        "secretary",
        "general",
        "president",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "chancellor",
        "ambassador",
        "commander",
        "leader",
        "secretary-general",
        "king",
    }


def _is_nationality(text: str) -> bool:
    return len(text.split()) == 1 and country_of(text) is not None and text[:1].isupper()


def _compatible(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return True
    return first == second or country_of(first) == country_of(second) is not None


def _role_compatible(entry: _Entry, role: str | None, affiliation: str | None) -> bool:
    if not _compatible(entry.affiliation, affiliation):
        return False
    if role is None:
        return True
    if entry.role is None:
        return False
    return role == entry.role or role.split()[-1] == entry.role.split()[-1]


def _more_specific(new: str | None, old: str | None) -> bool:
    if new is None:
        return False
    if old is None:
        return True
    return new != old and country_of(new) == country_of(old) and len(new) > len(old)


def _same_person(first: str, second: str) -> bool:
    """Tell whether two full names denote one person: same surname and compatible first names."""
    a, b = speaker_key(first).split(), speaker_key(second).split()
    if not a or not b:
        return False
    if fuzz.ratio(a[-1], b[-1]) < 88:
        return False
    if len(a) == 1 or len(b) == 1:
        return False
    return a[0] == b[0] or (
        a[0][0] == b[0][0] and (len(a[0]) == 1 or len(b[0]) == 1 or fuzz.ratio(a[0], b[0]) >= 80)
    )


def match_speaker(
    mention: SpeakerMention,
    known: Sequence[Speaker],
    aliases: Mapping[int, Sequence[str]] | None = None,
) -> Speaker | None:
    """Return the stored speaker a mention denotes, or None when no stored speaker is safely the same.

    A full name matches a stored name (or alias) with the same surname and a compatible first name; a surname
    alone matches only when exactly one stored person has it and affiliations agree or one is missing.
    Organisations match by name and agreeing affiliation; anonymous speakers only by identical name and
    affiliation. `aliases` maps stored speaker ids to other spellings already seen for them.
    """
    best: tuple[float, Speaker] | None = None
    surname_hits: list[Speaker] = []
    mention_names = [mention.name] + [
        alias
        for alias in mention.aliases
        if mention.kind is SpeakerKind.PERSON and not is_pronoun(alias) and alias[:1].isupper()
    ]
    for speaker in known:
        if speaker.kind is not mention.kind:
            continue
        names = [speaker.name, *(aliases or {}).get(speaker.id, ())]
        if mention.kind is SpeakerKind.ANONYMOUS:
            if speaker_key(speaker.name) == speaker_key(mention.name) and _same_key(
                speaker.affiliation, mention.affiliation
            ):
                return speaker
            continue
        if mention.kind is SpeakerKind.ORGANISATION:
            score = max(fuzz.ratio(speaker_key(n), speaker_key(mention.name)) for n in names)
            if (
                score >= 95
                and _compatible(speaker.affiliation, mention.affiliation)
                and (best is None or score > best[0])
            ):
                best = (score, speaker)
            continue
        full = [n for n in mention_names if len(clean_person_name(n).split()) > 1][:1] or [mention.name]
        candidate = clean_person_name(full[0])
        if len(candidate.split()) > 1:
            for name in names:
                if _same_person(name, candidate):
                    score = fuzz.token_sort_ratio(speaker_key(name), speaker_key(candidate))
                    if best is None or score > best[0]:
                        best = (score, speaker)
        elif any(speaker_key(n).split()[-1:] == speaker_key(candidate).split() for n in names):
            surname_hits.append(speaker)
    if best is not None:
        return best[1]
    agreeing = [s for s in surname_hits if _compatible(s.affiliation, mention.affiliation)]
    if len(agreeing) == 1 and (len(surname_hits) == 1 or mention.affiliation is not None):
        return agreeing[0]
    return None


def _same_key(first: str | None, second: str | None) -> bool:
    return (first is None and second is None) or (
        first is not None and second is not None and speaker_key(first) == speaker_key(second)
    )
