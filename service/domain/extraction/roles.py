"""A document's speakers consolidated once it is read: one body or person named in full and by a common noun.

A headline names "Union" or "ministry" before the body names "the United Chemical Workers Union" or "the Ministry
of Environment"; a role alone ("the mayor") stands for the person given that role elsewhere ("Port Alden mayor
Elena Marsh"). When exactly one speaker of the document fits, the short mention becomes an alias of it. A person
without an affiliation gets one from their own descriptions: "president of the United Chemical Workers Union",
"a spokeswoman for the ministry" (the document's ministry), "Port Alden mayor Elena Marsh" (role and place).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.entities import SpeakerKind
from service.domain.extraction.titles import (
    GENERIC_BODIES,
    PERSON_ROLES,
    ROLE_MODIFIERS,
    Title,
    implied_body_noun,
    read_title,
)

LEADING_ROLES = frozenset({"leader", "head", "chief", "boss"})
TOP_ROLES = frozenset({
    "president", "chair", "chairman", "chairwoman", "secretary", "secretary-general", "leader", "head", "director",
    "executive", "ceo", "founder",
})
# "The company's managing director": a body's name seldom holds these nouns, so "the company" is the body
# named just before, as "its" is.
NAMELESS_BODY_NOUNS = frozenset({"company", "firm", "group"})
# A body noun that stands for its body without a name: a minister of no named country speaks for "the government".
UNNAMED_BODY_NOUNS = frozenset({"government"})
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_PROPER = r"[A-Z][\w.&'’-]*"
_OF_PROPER = re.compile(rf"\b(?:of|for|at|with)\s+(?:the\s+)?(?P<body>{_PROPER}(?:\s+(?:of\s+|for\s+)?{_PROPER})*)")
_OF_GENERIC = re.compile(r"\b(?:of|for|at|with)\s+the\s+(?P<noun>[a-z]+)\b")
_PRENOMINAL = re.compile(
    rf"^(?P<place>{_PROPER}(?:\s+{_PROPER}){{0,2}})\s+(?P<role>{'|'.join(sorted(PERSON_ROLES))})\s+{_PROPER}")


@dataclass
class SpeakerView:
    """What consolidation reads and may change of one resolved speaker."""

    name: str
    kind: SpeakerKind
    affiliation: str | None
    role: str | None
    aliases: list[str]
    unnamed: bool


def canonical_speakers(views: Sequence[SpeakerView]) -> dict[int, int]:
    """Map each speaker index to the index of the speaker it stands for (itself when none fits uniquely); a body
    noun left alone ("union") is made an organisation."""
    mapping = {i: i for i in range(len(views))}
    for i, view in enumerate(views):
        word = _single_word(view.name) or _generic_description(view.name)
        if word in GENERIC_BODIES:
            wanted = {_stem(w) for w in _ARTICLE.sub("", view.name).split()}
            found = [j for j, other in enumerate(views) if j != i and other.kind is SpeakerKind.ORGANISATION
                     and len(other.name.split()) > 1 and not other.name.islower()
                     and wanted <= {_stem(w) for w in other.name.split()}]
        elif word in PERSON_ROLES or (view.unnamed and view.role) or _role_description(view):
            role = word if word in PERSON_ROLES else (view.role or _role_description(view) or "").casefold()
            named = [j for j, other in enumerate(views) if j != i and other.kind is SpeakerKind.PERSON
                     and not other.unnamed]
            found = [j for j in named if _holds_role(views[j], role)]
            if not found and role.split()[-1] in LEADING_ROLES:
                found = [j for j in named if _leads(views[j], _qualifiers(view))]
        else:
            continue
        if len(found) == 1:
            mapping[i] = found[0]
        elif word in GENERIC_BODIES:
            view.kind = SpeakerKind.ORGANISATION  # "union" alone is a body, whatever the parse made of it
    return mapping


def _generic_description(name: str) -> str:
    """The body noun of a lower-case description of a body ("electoral commission" -> "commission"), else ""."""
    words = _ARTICLE.sub("", name.strip()).split()
    if name.islower() and 1 < len(words) <= 3 and words[-1] in GENERIC_BODIES:
        return words[-1]
    return ""


def _role_description(view: SpeakerView) -> str | None:
    """ "fire chief" when an organisation-like speaker's name is a role phrase, else None."""
    if view.kind is SpeakerKind.PERSON and not view.unnamed:
        return None
    words = _ARTICLE.sub("", view.name.strip()).casefold().split()
    return " ".join(words) if 1 < len(words) <= 3 and words[-1] in PERSON_ROLES else None


def _qualifiers(view: SpeakerView) -> set[str]:
    """The words beside a leading role in a speaker's mentions: "The union leader" -> {"union"}."""
    words = {_stem(w) for alias in view.aliases for w in _ARTICLE.sub("", alias).split()}
    return {w for w in words if w and w not in PERSON_ROLES and w not in {"the", "a", "an", "its", "their"}}


def _leads(view: SpeakerView, qualifiers: set[str]) -> bool:
    """Whether a person holds a top role in a body the qualifiers name (the union's president, the parents' chair)."""
    if not qualifiers or not view.role or view.role.casefold().split()[-1] not in TOP_ROLES:
        return False
    described = {_stem(w) for text in (view.affiliation or "", *view.aliases) for w in text.split()}
    return qualifiers <= described


def _stem(word: str) -> str:
    word = word.casefold().strip(",.").replace("’", "'").removesuffix("'s").removesuffix("'")
    return word.removesuffix("s") if len(word) > 3 else word


def complete_affiliations(views: Sequence[SpeakerView]) -> None:
    """Give each person without an affiliation (and role) the ones their own descriptions name
    (`service.domain.extraction.titles`), and an anonymous source the body its description names by a noun
    ("a council official")."""
    bodies = list(dict.fromkeys(
        v.name for v in views if v.kind is SpeakerKind.ORGANISATION and len(v.name.split()) > 1))
    for view in views:
        if view.kind is SpeakerKind.ANONYMOUS and view.affiliation is None:
            view.affiliation = _body_by_noun(_generic_noun(view.name), bodies)
        if view.kind is not SpeakerKind.PERSON:
            continue
        for alias in view.aliases:
            title = read_title(alias, view.name)
            _complete_from_title(view, title, bodies)
            if (title.its or title.body_noun in NAMELESS_BODY_NOUNS) and view.affiliation is None:
                view.affiliation = _body_before(views, view)

        for alias in view.aliases:
            place, role = _prenominal(alias)
            if role and view.role is None:
                view.role = role
            if place and place.casefold() in ROLE_MODIFIERS:
                place = None  # "Fire chief Owen Barclay": a role, not a place
            if view.affiliation is None:
                view.affiliation = _named_body(alias, view.name) or _generic_body(alias, bodies) or place
        if view.affiliation is None and (noun := implied_body_noun(view.role)) in UNNAMED_BODY_NOUNS:
            view.affiliation = noun


def _complete_from_title(view: SpeakerView, title: Title, bodies: Sequence[str]) -> None:
    if title.role and view.role is None:
        view.role = title.role
    noun = title.body_noun or implied_body_noun(title.role or view.role)
    body = _full_body(title.body, bodies) if title.body else _body_by_noun(noun, bodies)
    if body and (view.affiliation is None or _extends(body, view.affiliation)):
        view.affiliation = body


def _body_before(views: Sequence[SpeakerView], person: SpeakerView) -> str | None:
    """The organisation named last before a person (speakers are in order of first mention)."""
    before = [v for v in views[: list(views).index(person)] if v.kind is SpeakerKind.ORGANISATION]
    return before[-1].name if before else None


def _full_body(name: str, bodies: Sequence[str]) -> str:
    """A short name the document gives in full elsewhere ("Brightway" -> "Brightway Appliances")."""
    longer = [b for b in bodies if b != name and b.casefold().startswith(name.casefold() + " ")
              and all(w[:1].isupper() for w in b.split())]
    return longer[0] if len(longer) == 1 else name


def _extends(new: str, old: str) -> bool:
    return len(new) > len(old) and new.casefold().startswith(old.casefold())


def _generic_noun(description: str) -> str | None:
    return next((w for w in reversed(description.casefold().split()) if w in GENERIC_BODIES), None)


def _body_by_noun(noun: str | None, bodies: Sequence[str]) -> str | None:
    if noun is None:
        return None
    matches = [b for b in bodies if re.search(rf"\b{noun}\b", b, re.IGNORECASE) and not b.islower()]
    return matches[0] if len(matches) == 1 else None


def _single_word(name: str) -> str:
    words = _ARTICLE.sub("", name.strip()).split()
    return words[0].casefold() if len(words) == 1 else ""


def _holds_role(view: SpeakerView, role: str) -> bool:
    if view.role and view.role.casefold() == role:
        return True
    return any(re.search(rf"\b{re.escape(role)}\b", alias, re.IGNORECASE) for alias in view.aliases)


def _named_body(alias: str, name: str) -> str | None:
    descriptor = alias.replace(name, " ")
    found = _OF_PROPER.search(descriptor)
    return found.group("body") if found and len(found.group("body").split()) > 1 else None


def _generic_body(alias: str, bodies: Sequence[str]) -> str | None:
    found = _OF_GENERIC.search(alias)
    if not found or found.group("noun") not in GENERIC_BODIES:
        return None
    matches = [b for b in bodies if re.search(rf"\b{found.group('noun')}\b", b, re.IGNORECASE)]
    return matches[0] if len(matches) == 1 else None


def _prenominal(alias: str) -> tuple[str | None, str | None]:
    found = _PRENOMINAL.match(alias.strip())
    if not found:
        return None, None
    return found.group("place"), found.group("role").casefold()
