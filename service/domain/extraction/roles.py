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

GENERIC_BODIES = frozenset({
    "union", "ministry", "government", "police", "army", "company", "council", "department", "agency", "court",
    "party", "commission", "authority", "military", "regulator", "firm", "committee", "federation",
    "association", "coalition", "alliance", "cabinet", "parliament", "congress", "senate",
})
PERSON_ROLES = frozenset({
    "mayor", "governor", "president", "spokeswoman", "spokesman", "spokesperson", "minister", "chairman",
    "chairwoman", "chair", "chief", "director", "head", "secretary", "senator", "judge", "prosecutor", "sheriff",
    "ceo", "manager", "supervisor", "leader", "commander", "editor", "founder", "owner",
})
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
        word = _single_word(view.name)
        if word in GENERIC_BODIES:
            found = [j for j, other in enumerate(views) if j != i and other.kind is SpeakerKind.ORGANISATION
                     and len(other.name.split()) > 1 and re.search(rf"\b{word}\b", other.name, re.IGNORECASE)]
        elif word in PERSON_ROLES or (view.unnamed and view.role):
            role = word if word in PERSON_ROLES else (view.role or "").casefold()
            found = [j for j, other in enumerate(views) if j != i and other.kind is SpeakerKind.PERSON
                     and not other.unnamed and _holds_role(other, role)]
        else:
            continue
        if len(found) == 1:
            mapping[i] = found[0]
        elif word in GENERIC_BODIES:
            view.kind = SpeakerKind.ORGANISATION  # "union" alone is a body, whatever the parse made of it
    return mapping


def complete_affiliations(views: Sequence[SpeakerView]) -> None:
    """Give each person without an affiliation (and role) the ones their own descriptions name."""
    bodies = [v.name for v in views if v.kind is SpeakerKind.ORGANISATION and len(v.name.split()) > 1]
    for view in views:
        if view.kind is not SpeakerKind.PERSON:
            continue
        for alias in view.aliases:
            place, role = _prenominal(alias)
            if role and view.role is None:
                view.role = role
            if view.affiliation is None:
                view.affiliation = _named_body(alias, view.name) or _generic_body(alias, bodies) or place


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
