"""The role and the body a person's description names, in the forms news copy uses.

- before the name: "Eastline Rail chief executive Gordon Hale" (body "Eastline Rail", role "chief executive"),
  "Detective Superintendent Carla Mendes", "Fire chief Owen Barclay" (a role alone);
- after the name: "Marta Lindqvist, the chief operating officer of Northfield Paper Company", "Hugo Brandt, a lawyer
  for the Friends of the Anne Valley, which brought the case", "Cedric Moll, the Progressive Party candidate",
  "Nadia Rourke, Brightway's head of product safety", "Greta Holm, the federation's president";
- before the name, set off by a comma: "The company's managing director, Paul Wendt".

A body may be a common noun ("the federation's president", "Authority spokesman"); the caller resolves it against
the document's named bodies. Knows nothing of the rest of extraction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

GENERIC_BODIES = frozenset({
    "union", "ministry", "government", "police", "army", "company", "council", "department", "agency", "court",
    "party", "commission", "authority", "military", "regulator", "firm", "committee", "federation",
    "association", "coalition", "alliance", "cabinet", "parliament", "congress", "senate", "office", "service",
})
PERSON_ROLES = frozenset({
    "mayor", "governor", "president", "spokeswoman", "spokesman", "spokesperson", "minister", "chairman",
    "chairwoman", "chair", "chief", "director", "head", "secretary", "senator", "judge", "prosecutor", "sheriff",
    "ceo", "manager", "supervisor", "leader", "commander", "editor", "founder", "owner",
})
ROLE_HEADS = PERSON_ROLES | frozenset({
    "officer", "executive", "epidemiologist", "lawyer", "attorney", "candidate", "councillor", "councilor",
    "justice", "superintendent", "inspector", "detective", "agent", "coach", "economist", "analyst", "scientist",
    "professor", "researcher", "treasurer", "adviser", "advisor", "ambassador", "envoy", "commissioner",
    "administrator", "principal", "headteacher", "teacher", "doctor", "surgeon", "physician", "nurse", "general",
    "colonel", "captain", "lawmaker", "mp", "chancellor", "vice-president", "deputy", "representative", "negotiator",
    "organiser", "organizer", "trustee", "partner", "sprinter", "player", "striker", "athlete", "campaigner",
    "activist",
})
# Lower-case words that belong to a role when written first in a sentence ("Fire chief Owen Barclay").
ROLE_MODIFIERS = frozenset({
    "fire", "police", "press", "health", "chief", "deputy", "senior", "regional", "general", "managing",
    "executive", "operating", "financial", "assistant", "acting", "interim", "former", "vice", "detective",
    "district", "state", "county", "foreign", "defence", "defense", "finance", "economy", "interior", "justice",
    "prime", "head", "lead", "chief's",
    # ministerial portfolios ("Transport Minister Ivo Marek"): a role, not a place
    "transport", "education", "environment", "energy", "trade", "agriculture", "labour", "labor", "culture",
    "housing", "industry", "tourism", "science", "infrastructure", "communications", "immigration",
})
# A title implies the kind of body its holder speaks for.
ROLE_BODY_NOUNS = {
    "councillor": "council", "councilor": "council", "justice": "court", "judge": "court",
    "detective": "police", "superintendent": "police", "inspector": "police", "constable": "police",
    "sergeant": "police", "senator": "senate", "minister": "government",
}
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSOR = re.compile(r"^(?P<owner>(?:[Tt]he\s+)?[\w.&-]+(?:\s+[A-Z][\w.&-]*)*)['’]s?\s+")
_CLAUSE_END = re.compile(r",|\s(?:who|which|that|whose|since|until)\s")
_BODY_PREPOSITION = re.compile(r"\s(?:of|for|at|with)\s+(?:the\s+)?(?P<body>.+)$")
_PRONOUN_OWNERS = frozenset({"his", "her", "its", "their", "our", "my"})
_CALENDAR = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december",
})


@dataclass(frozen=True)
class Title:
    """What one description says: a role, and a body named in full (`body`) or by a common noun (`body_noun`)."""

    role: str | None = None
    body: str | None = None
    body_noun: str | None = None
    its: bool = False  # "Its director, Ines Barrow": the body named just before


def read_title(alias: str, name: str) -> Title:
    """Read the role and body of the description `alias` gives the person `name` (an empty Title if none)."""
    alias = " ".join(alias.split())
    at = alias.find(name)
    if at < 0 or not name:
        return Title()
    before, after = alias[:at].strip(), alias[at + len(name):].strip()
    if after.startswith(","):
        return _appositive(after.lstrip(", "))
    if before and re.match(r"of\s+[A-Z]", after):  # "Foreign Minister Lukas Brenner of Aldovia"
        prenominal = _prenominal(before)
        return _title(prenominal.role or "", after[3:]) if prenominal.role else prenominal
    if before.endswith(","):
        return _appositive(before.rstrip(", "))
    if before:
        return _prenominal(before)
    return Title()


def implied_body_noun(role: str | None) -> str | None:
    """The kind of body a title implies ("Councillor" -> "council"), if it does."""
    if not role:
        return None
    return next((ROLE_BODY_NOUNS[w] for w in role.casefold().split() if w in ROLE_BODY_NOUNS), None)


def _prenominal(words_before: str) -> Title:
    words = _DETERMINER.sub("", words_before).split()
    if not words or words[-1].casefold() not in ROLE_HEADS:
        return Title()
    if all(w[:1].isupper() for w in words):
        role_words = _title_case_role(words)
        body_words = words[: len(words) - len(role_words)]
    else:
        split = next(i for i, w in enumerate(words) if not w[:1].isupper())
        body_words, role_words = words[:split], words[split:]
        if len(body_words) == 1 and body_words[0].casefold() in ROLE_MODIFIERS:
            body_words, role_words = [], [body_words[0].lower(), *role_words]
    return _title(" ".join(role_words), " ".join(body_words))


def _title_case_role(words: list[str]) -> list[str]:
    """The longest tail of title-case words that are all role words ("Detective Superintendent")."""
    tail: list[str] = []
    for word in reversed(words):
        if word.casefold() not in ROLE_HEADS | ROLE_MODIFIERS:
            break
        tail.insert(0, word)
    return tail


def _appositive(description: str) -> Title:
    found = _CLAUSE_END.search(description)
    text = _DETERMINER.sub("", description[: found.start()] if found else description).strip()
    owner = None
    possessor = _POSSESSOR.match(text)
    if possessor and not text[possessor.end():].startswith(("of ", "for ")):
        owner = _DETERMINER.sub("", possessor.group("owner"))
        text = text[possessor.end():]
    body = None
    preposition = _BODY_PREPOSITION.search(text)
    if preposition and _names_body(preposition.group("body")):
        body, text = preposition.group("body"), text[: preposition.start()]
    words = text.split()
    if not words or not any(w.casefold() in ROLE_HEADS for w in words[-1:] + words[:1]):
        return Title()
    split = next((i for i, w in enumerate(words) if not w[:1].isupper()), len(words))
    capitalised, role_words = words[:split], words[split:]
    while len(role_words) > 1 and role_words[0].casefold() not in ROLE_HEADS | ROLE_MODIFIERS:
        role_words = role_words[1:]  # "winning candidate" -> "candidate"
    if not role_words:
        role_words, capitalised = _title_case_role(words), []
    body = body or (" ".join(capitalised) if capitalised else None) or owner
    return _title(" ".join(role_words), body or "")


def _names_body(text: str) -> bool:
    first = text.split()[0] if text.split() else ""
    return first[:1].isupper() or first.casefold().rstrip("'s’") in _GENERIC_NOUNS


def _title(role: str, body: str) -> Title:
    body = body.strip(" ,")
    lowered = body.casefold()
    if not role:
        return Title()
    if not body or lowered in _PRONOUN_OWNERS or lowered in _CALENDAR:
        return Title(role=role, its=lowered == "its")
    if lowered in _GENERIC_NOUNS or (body.islower() and lowered.split()[-1] in _GENERIC_NOUNS):
        return Title(role=role, body_noun=lowered.split()[-1])
    return Title(role=role, body=body)


_GENERIC_NOUNS = GENERIC_BODIES | frozenset({
    "school", "hospital", "club", "group", "board", "bank", "university", "institute", "league",
})
