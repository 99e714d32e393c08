"""Speakers: normalise mentions, resolve them within a document and match them to stored speakers.

A mention such as "NATO Secretary General Jens Stoltenberg" becomes `SpeakerMention(name="Jens Stoltenberg",
kind=person, affiliation="NATO", role="Secretary-General")`. Canonical forms, chosen once and used everywhere:

- roles: "Secretary-General", "Deputy Defence Minister", "President", "spokesman", "press secretary";
- ministries: "<country adjective> <department> Ministry" ("Russian Defence Ministry"; "Ministry of Defence of
  Ukraine" and "Ukraine's defense ministry" both become "Ukrainian Defence Ministry"); spelling "Defence";
- countries by their short English name ("Russia", "Ukraine", "United States"); "NATO" in capitals;
- anonymous sources keep their description without article ("senior US defence official"), affiliation the
  body or country named in it ("United States", "White House").

`DocumentSpeakers` resolves later mentions within one document: a surname, "Mr Stoltenberg", "he"/"she", or a
definite description ("the Norwegian", "the Ukrainian president", "the insider") to the last compatible one,
and merges what every mention says into one `SpeakerMention` per speaker.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from service.domain.entities import Speaker, SpeakerKind, SpeakerMention

# Country name -> adjective used in body names; every other surface form maps onto these.
COUNTRY_ADJECTIVES: dict[str, str] = {
    "Russia": "Russian",
    "Ukraine": "Ukrainian",
    "United States": "US",
    "Belarus": "Belarusian",
    "France": "French",
    "Germany": "German",
    "Turkey": "Turkish",
    "Argentina": "Argentine",
    "United Kingdom": "British",
    "China": "Chinese",
    "Norway": "Norwegian",
    "Poland": "Polish",
    "Syria": "Syrian",
    "Libya": "Libyan",
    "Lithuania": "Lithuanian",
    "Latvia": "Latvian",
    "Estonia": "Estonian",
    "Romania": "Romanian",
    "Italy": "Italian",
    "Spain": "Spanish",
    "Japan": "Japanese",
    "Israel": "Israeli",
    "Iran": "Iranian",
    "Finland": "Finnish",
    "Sweden": "Swedish",
    "Moldova": "Moldovan",
    "Georgia": "Georgian",
}
_COUNTRY_FORMS: dict[str, str] = {}
for _country, _adjective in COUNTRY_ADJECTIVES.items():
    for _form in (_country, _adjective, f"{_country}'s", f"{_country}'"):
        _COUNTRY_FORMS[_form.casefold()] = _country
_COUNTRY_FORMS.update(
    {
        form.casefold(): country
        for form, country in {
            "U.S.": "United States",
            "U.S": "United States",
            "USA": "United States",
            "America": "United States",
            "American": "United States",
            "America's": "United States",
            "US's": "United States",
            "UK": "United Kingdom",
            "U.K.": "United Kingdom",
            "Britain": "United Kingdom",
            "Britain's": "United Kingdom",
            "Belarussian": "Belarus",
            "Belorussian": "Belarus",
            "Kremlin": "Russia",
            "Moscow": "Russia",
            "Kyiv": "Ukraine",
            "Kiev": "Ukraine",
            "Minsk": "Belarus",
            "Washington": "United States",
        }.items()
    }
)
_CAPITAL_CITIES = {"moscow", "kyiv", "kiev", "minsk", "washington"}

# Bodies that speak for a country or alliance: canonical name -> affiliation.
_BODIES: dict[str, str | None] = {
    "NATO": None,
    "Kremlin": "Russia",
    "Pentagon": "United States",
    "White House": "United States",
    "State Department": "United States",
    "European Union": None,
    "United Nations": None,
    "EU": None,
    "UN": None,
}
_BODY_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), name)
    for pattern, name in (
        (r"\bNorth Atlantic Treaty Organi[sz]ation(?:\s*\(NATO\))?|\bNATO\b|\bthe Alliance\b", "NATO"),
        (r"\bKremlin\b", "Kremlin"),
        (r"\bPentagon\b", "Pentagon"),
        (r"\bWhite House\b", "White House"),
        (r"\bState Department\b", "State Department"),
        (r"\bEuropean Union\b", "European Union"),
        (r"\bUnited Nations\b", "United Nations"),
    )
)
_DEPARTMENTS = {
    "defence": "Defence",
    "defense": "Defence",
    "foreign": "Foreign",
    "foreign affairs": "Foreign",
    "interior": "Interior",
    "internal affairs": "Interior",
    "finance": "Finance",
    "health": "Health",
    "economy": "Economy",
    "justice": "Justice",
    "emergency situations": "Emergency Situations",
}
_DEPARTMENT_RE = (
    r"(?P<dept>defen[cs]e|foreign affairs|foreign|interior|internal affairs|finance|health|economy|justice)"
)
_COUNTRY_RE = r"(?P<country>[A-Z][\w.]*(?:\s[A-Z]\w+)?(?:'s|')?)"
_MINISTRY_RES = (
    re.compile(rf"\bministry\s+of\s+{_DEPARTMENT_RE}(?:\s+of\s+(?:the\s+)?{_COUNTRY_RE})?", re.IGNORECASE),
    re.compile(rf"(?:{_COUNTRY_RE}\s+)?(?:{_DEPARTMENT_RE})\s+ministry\b", re.IGNORECASE),
)
_MINISTER_RE = re.compile(rf"\b(?P<deputy>deputy\s+)?(?:{_DEPARTMENT_RE}\s+)?minister\b", re.IGNORECASE)

# Role surface forms -> canonical role; longest first.
_ROLES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b{pattern}\b", re.IGNORECASE), role)
    for pattern, role in (
        (r"secretary[\s-]+general|general[\s-]+secretary", "Secretary-General"),
        (r"press\s+secretary", "press secretary"),
        (r"spokes(?:man|woman|person)", "spokes"),
        (r"prime\s+minister", "Prime Minister"),
        (r"vice[\s-]+president", "Vice-President"),
        (r"president", "President"),
        (r"chancellor", "Chancellor"),
        (r"ambassador", "ambassador"),
        (r"chief\s+of\s+(?:the\s+)?general\s+staff", "Chief of the General Staff"),
        (r"commander(?:[\s-]+in[\s-]+chief)?", "commander"),
        (r"leader", "leader"),
        (r"king", "King"),
    )
)
_ANONYMOUS_HEADS = {
    "official",
    "officials",
    "source",
    "sources",
    "insider",
    "insiders",
    "diplomat",
    "diplomats",
    "authorities",
    "critics",
    "analysts",
    "observers",
    "officer",
    "officers",
    "aide",
    "aides",
    "experts",
    "residents",
    "people",
    "witnesses",
    "reports",
    "adviser",
    "advisers",
    "advisor",
    "advisors",
}
_HONORIFICS = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Gen|Col|Lt|Adm)\.?\s+")
_ARTICLES = re.compile(r"^(?:the|a|an|one|another|two|three|several|some)\s+", re.IGNORECASE)
_PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "she": "f",
    "her": "f",
    "they": None,
    "them": None,
    "it": None,
}
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


def speaker_key(name: str) -> str:
    """Return a casefolded key without accents or punctuation, unique per spelling of a name."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = bare.replace("'s ", " ").replace("’s ", " ")
    return " ".join(re.sub(r"[^\w]+", " ", bare.casefold()).split())


def normalise_text(text: str) -> str:
    """Return a mention with straight apostrophes, single spaces and no surrounding punctuation."""
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    text = " ".join(text.split())
    return text.strip(' ,;:."“”()-–—')


def country_of(text: str | None) -> str | None:
    """Return the country a country name, adjective, possessive, capital or body denotes, else None."""
    if not text:
        return None
    if text in COUNTRY_ADJECTIVES:
        return text
    if text in _BODIES:
        return _BODIES.get(text)
    found = _COUNTRY_FORMS.get(normalise_text(text).casefold())
    if found:
        return found
    for word in re.findall(r"[\w.']+", normalise_text(text)):
        found = _COUNTRY_FORMS.get(word.casefold()) or _COUNTRY_FORMS.get(word.casefold().removesuffix("'s"))
        if found:
            return found
    return None


def describe(descriptor: str) -> tuple[str | None, str | None]:
    """Return (affiliation, role) named by a title or apposition ("Russian Defense Ministry spokesman")."""
    text = normalise_text(descriptor)
    if not text:
        return None, None
    role: str | None = None
    affiliation = _ministry_in(text)
    minister = _MINISTER_RE.search(text)
    if minister and not re.search(r"prime\s+minister", text, re.IGNORECASE):
        dept = minister.group("dept")
        deputy = "Deputy " if minister.group("deputy") else ""
        role = f"{deputy}{_DEPARTMENTS[dept.lower()]} Minister" if dept else f"{deputy}Minister"
        country = country_of(text[: minister.start()]) or country_of(text)
        if dept and affiliation is None and country:
            affiliation = f"{COUNTRY_ADJECTIVES[country]} {_DEPARTMENTS[dept.lower()]} Ministry"
    if role is None:
        for pattern, canonical in _ROLES:
            match = pattern.search(text)
            if match:
                role = match.group(0).lower() if canonical == "spokes" else canonical
                break
    if affiliation is None:
        affiliation = _body_in(text)
    if affiliation is None:
        affiliation = _general_staff_in(text)
    if affiliation is None:
        affiliation = country_of(text)
    return affiliation, role


def _ministry_in(text: str) -> str | None:
    for pattern in _MINISTRY_RES:
        match = pattern.search(text)
        if match:
            department = _DEPARTMENTS[match.group("dept").lower()]
            country = country_of(match.group("country")) if match.group("country") else None
            if country is None:
                country = country_of(text)
            prefix = f"{COUNTRY_ADJECTIVES[country]} " if country else ""
            return f"{prefix}{department} Ministry"
    return None


def _body_in(text: str) -> str | None:
    for pattern, name in _BODY_PATTERNS:
        if pattern.search(text):
            return name
    return None


def _general_staff_in(text: str) -> str | None:
    if re.search(r"\bgeneral\s+staff\b", text, re.IGNORECASE) and not re.search(r"chief\s+of", text, re.I):
        country = country_of(text)
        return f"{COUNTRY_ADJECTIVES[country]} General Staff" if country else "General Staff"
    return None


def clean_person_name(name: str) -> str:
    """Return a person's name without honorific, possessive or surrounding punctuation."""
    name = normalise_text(name)
    name = _HONORIFICS.sub("", name)
    name = re.sub(r"'s?$", "", name)
    return name.strip()


def parse_mention(text: str, person_name: str | None = None) -> SpeakerMention:
    """Normalise one mention; `person_name` is the PERSON entity inside it, if any."""
    surface = normalise_text(text)
    if person_name:
        name = clean_person_name(person_name)
        descriptor = surface.replace(normalise_text(person_name), " ")
        affiliation, role = describe(descriptor)
        return SpeakerMention(
            name=name, kind=SpeakerKind.PERSON, affiliation=affiliation, role=role, aliases=(surface,)
        )
    bare = _ARTICLES.sub("", surface)
    head = bare.split()[-1].casefold() if bare else ""
    if head in _ANONYMOUS_HEADS:
        name = _canonical_description(bare)
        affiliation = _body_in(bare) or _ministry_in(bare) or country_of(bare)
        return SpeakerMention(
            name=name, kind=SpeakerKind.ANONYMOUS, affiliation=affiliation, aliases=(surface,)
        )
    return _organisation(surface)


def _canonical_description(text: str) -> str:
    text = re.sub(r"\bU\.S\.?(?=\s|$)", "US", text)
    text = re.sub(r"\bdefense\b", "defence", text)
    text = re.sub(r"\bDefense\b", "Defence", text)
    return text


def _organisation(surface: str) -> SpeakerMention:
    bare = _ARTICLES.sub("", surface)
    ministry = _ministry_in(bare)
    if ministry and _DEPARTMENT_RE and re.search(r"ministry", bare, re.IGNORECASE) and len(bare.split()) <= 6:
        return SpeakerMention(
            name=ministry, kind=SpeakerKind.ORGANISATION, affiliation=country_of(ministry), aliases=(surface,)
        )
    staff = _general_staff_in(bare)
    if staff:
        return SpeakerMention(
            name=staff, kind=SpeakerKind.ORGANISATION, affiliation=country_of(staff), aliases=(surface,)
        )
    for pattern, body in _BODY_PATTERNS:
        match = pattern.fullmatch(bare)
        if match:
            return SpeakerMention(
                name=body, kind=SpeakerKind.ORGANISATION, affiliation=_BODIES[body], aliases=(surface,)
            )
    name = _canonical_description(bare)
    name = re.sub(r"\bNato\b", "NATO", name)
    name = re.sub(r"^North Atlantic Treaty Organi[sz]ation(?:\s*\(NATO\))?$", "NATO", name)
    country = country_of(name)
    if country and name.casefold() in (country.casefold(), COUNTRY_ADJECTIVES[country].casefold()):
        name = country
    found_body = _body_in(name)
    affiliation: str | None = found_body if found_body and found_body != name else country
    if affiliation == name:
        affiliation = None
    if name.casefold() in _CAPITAL_CITIES:
        affiliation = country
    return SpeakerMention(
        name=name, kind=SpeakerKind.ORGANISATION, affiliation=affiliation, aliases=(surface,)
    )


def is_pronoun(text: str) -> bool:
    """Tell whether a mention is a bare personal pronoun."""
    return normalise_text(text).casefold() in _PRONOUNS


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
        if lowered in _PRONOUNS:
            return self._resolve_pronoun(lowered, surface)
        mention = parse_mention(surface, person_name)
        if mention.kind is SpeakerKind.PERSON:
            return self._resolve_person(mention)
        bare = _ARTICLES.sub("", surface)
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
        holder = (_BODIES.get(affiliation) and affiliation) if affiliation else None
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

    def last_person(self) -> int | None:
        """Return the most recently mentioned person, if any."""
        return self._last(lambda e: e.kind is SpeakerKind.PERSON)

    def _resolve_pronoun(self, lowered: str, surface: str) -> int | None:
        gender = _PRONOUNS[lowered]
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
