"""Speaker mentions: normalise one mention into a `SpeakerMention` (name, kind, affiliation, role).

A mention such as "NATO Secretary General Jens Stoltenberg" becomes `SpeakerMention(name="Jens Stoltenberg",
kind=person, affiliation="NATO", role="Secretary-General")`. Canonical forms, chosen once and used everywhere:

- roles: "Secretary-General", "Deputy Defence Minister", "President", "spokesman", "press secretary";
- ministries: "<country adjective> <department> Ministry" ("Russian Defence Ministry"; "Ministry of Defence of
  Ukraine" and "Ukraine's defense ministry" both become "Ukrainian Defence Ministry"); spelling "Defence";
- countries by their short English name ("Russia", "Ukraine", "United States"); "NATO" in capitals;
- anonymous sources keep their description without article ("senior US defence official"), affiliation the
  body or country named in it ("United States", "White House").
"""

from __future__ import annotations

import re
import unicodedata

from service.domain.entities import SpeakerKind, SpeakerMention
from service.domain.extraction.titles import ROLE_HEADS

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
BODIES: dict[str, str | None] = {
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
# Titles spaCy often keeps inside a PERSON entity ("Councillor Sarah Whitcombe"); the description keeps them.
_TITLES = re.compile(r"^(?:Councillor|Councilor|Cllr|Senator|Judge|Detective|Inspector|Sergeant|Superintendent"
                     r"|Professor|Mayor|Governor)\.?\s+(?=[A-Z])")
# "Consumer group Fair Basket", "Campaign group Open Roads": the body's name follows a description of its kind.
_KIND_OF_BODY = re.compile(r"^[A-Z][a-z]+\s+(?:group|charity|organi[sz]ation|watchdog|firm|company|network)\s+"
                           r"(?=[A-Z])")
# An indefinite description names no one: "a hospital doctor", "two people familiar with the talks".
_INDEFINITE = re.compile(r"^(?:a|an|one|two|three|four|several|some)\s+(?!of\b)[a-z]", re.IGNORECASE)
# "Nadia Rourke, Brightway's head of product safety" / "Its director, Ines Barrow" when the parse found no PERSON.
_NAME = r"[A-Z][a-z]+(?:\s+[A-Z][a-z'-]+){1,2}"
_APPOSED_NAME = (re.compile(rf"^(?P<name>{_NAME}),\s+\S"), re.compile(rf",\s+(?P<name>{_NAME})$"))
ARTICLES = re.compile(r"^(?:the|a|an|one|another|two|three|several|some)\s+", re.IGNORECASE)
PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "she": "f",
    "her": "f",
    "they": None,
    "them": None,
    "it": None,
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
    if text in BODIES:
        return BODIES.get(text)
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
    name = _TITLES.sub("", name)
    if _leading_role(name):
        name = name.split(maxsplit=1)[1]
    name = re.sub(r"'s?$", "", name)
    return name.strip()


def _leading_role(name: str) -> str | None:
    """A role word spaCy kept at the front of a PERSON entity ("Sprinter Dario Velez" in a headline), if any."""
    words = name.split()
    if len(words) >= 3 and words[0][:1].isupper() and words[0].casefold() in ROLE_HEADS:
        return words[0].casefold()
    return None


def parse_mention(text: str, person_name: str | None = None) -> SpeakerMention:
    """Normalise one mention; `person_name` is the PERSON entity inside it, if any."""
    surface = normalise_text(text)
    if person_name:
        name = clean_person_name(person_name)
        descriptor = surface.replace(normalise_text(person_name), " ")
        affiliation, role = describe(descriptor)
        role = role or _leading_role(normalise_text(person_name))
        return SpeakerMention(
            name=name, kind=SpeakerKind.PERSON, affiliation=affiliation, role=role, aliases=(surface,)
        )
    apposed = _apposed_name(surface)
    if apposed:
        return parse_mention(surface, apposed)
    bare = ARTICLES.sub("", surface)
    head = bare.split()[-1].casefold() if bare else ""
    if head in _ANONYMOUS_HEADS or (_INDEFINITE.match(surface) and not re.search(r"\s[A-Z]", surface)):
        name = _canonical_description(bare)
        affiliation = _body_in(bare) or _ministry_in(bare) or country_of(bare)
        return SpeakerMention(
            name=name, kind=SpeakerKind.ANONYMOUS, affiliation=affiliation, aliases=(surface,)
        )
    return _organisation(surface)


def _apposed_name(surface: str) -> str | None:
    """The person's name in a description set off by a comma, when the other part holds a role word."""
    for pattern in _APPOSED_NAME:
        found = pattern.search(surface)
        if found:
            rest = surface.replace(found.group("name"), " ")
            if any(word.casefold().strip(",.") in ROLE_HEADS for word in rest.split()):
                return found.group("name")
    return None


def _canonical_description(text: str) -> str:
    text = re.sub(r"\bU\.S\.?(?=\s|$)", "US", text)
    text = re.sub(r"\bdefense\b", "defence", text)
    text = re.sub(r"\bDefense\b", "Defence", text)
    return text


def _organisation(surface: str) -> SpeakerMention:
    bare = _KIND_OF_BODY.sub("", ARTICLES.sub("", surface))
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
                name=body, kind=SpeakerKind.ORGANISATION, affiliation=BODIES[body], aliases=(surface,)
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
    return normalise_text(text).casefold() in PRONOUNS
