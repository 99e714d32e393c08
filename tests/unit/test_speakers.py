"""Speaker mentions normalise to canonical names, roles and affiliations, and match stored speakers safely."""

from __future__ import annotations

import pytest

from service.domain.entities import Speaker, SpeakerKind, SpeakerMention
from service.domain.extraction.mentions import parse_mention, speaker_key
from service.domain.extraction.speakers import DocumentSpeakers, match_speaker
from service.domain.extraction.statements import StatementExtractor
from service.settings import REPO_ROOT


@pytest.mark.parametrize(
    ("text", "person", "name", "kind", "affiliation", "role"),
    [
        (
            "NATO Secretary General Jens Stoltenberg",
            "Jens Stoltenberg",
            "Jens Stoltenberg",
            "person",
            "NATO",
            "Secretary-General",
        ),
        (
            "Russian Defense Ministry spokesman Igor Konashenkov",
            "Igor Konashenkov",
            "Igor Konashenkov",
            "person",
            "Russian Defence Ministry",
            "spokesman",
        ),
        (
            "Ukrainian Deputy Defense Minister Hanna Maliar",
            "Hanna Maliar",
            "Hanna Maliar",
            "person",
            "Ukrainian Defence Ministry",
            "Deputy Defence Minister",
        ),
        ("the Kremlin", None, "Kremlin", "organisation", "Russia", None),
        ("the Pentagon", None, "Pentagon", "organisation", "United States", None),
        ("Belarus’s Defence Ministry", None, "Belarusian Defence Ministry", "organisation", "Belarus", None),
        (
            "Ministry of Defence of Ukraine",
            None,
            "Ukrainian Defence Ministry",
            "organisation",
            "Ukraine",
            None,
        ),
        ("the Ukrainian General Staff", None, "Ukrainian General Staff", "organisation", "Ukraine", None),
        ("a senior US official", None, "senior US official", "anonymous", "United States", None),
        (
            "a senior U.S. defense official",
            None,
            "senior US defence official",
            "anonymous",
            "United States",
            None,
        ),
    ],
)
def test_normalises_titles_bodies_and_anonymous_sources(
    text: str, person: str | None, name: str, kind: str, affiliation: str, role: str | None
) -> None:
    mention = parse_mention(text, person)
    assert (mention.name, mention.kind, mention.affiliation, mention.role) == (name, kind, affiliation, role)


def test_surname_and_pronoun_resolve_to_the_last_named_person() -> None:
    speakers = DocumentSpeakers()
    stoltenberg = speakers.resolve("NATO Secretary General Jens Stoltenberg", "Jens Stoltenberg")
    maliar = speakers.resolve("Hanna Maliar", "Hanna Maliar")
    assert speakers.resolve("she") == maliar
    assert speakers.resolve("Stoltenberg", "Stoltenberg") == stoltenberg
    assert speakers.resolve("he") == stoltenberg
    assert speakers.resolve("The Norwegian") == stoltenberg
    assert "Stoltenberg" in speakers.mention(stoltenberg).aliases


def test_speaker_key_strips_accents_case_and_punctuation() -> None:
    assert speaker_key("Clàudia  Sacrest!") == speaker_key("claudia sacrest") == "claudia sacrest"


KNOWN = (
    Speaker(1, "Jens Stoltenberg", SpeakerKind.PERSON, "NATO", "Secretary-General"),
    Speaker(2, "Volodymyr Zelensky", SpeakerKind.PERSON, "Ukraine", "President"),
    Speaker(3, "senior US official", SpeakerKind.ANONYMOUS, "United States"),
    Speaker(4, "Kremlin", SpeakerKind.ORGANISATION, "Russia"),
)


def test_surname_matches_when_affiliation_agrees_or_is_missing() -> None:
    assert match_speaker(SpeakerMention("Stoltenberg", SpeakerKind.PERSON, "NATO"), KNOWN) == KNOWN[0]
    assert match_speaker(SpeakerMention("Stoltenberg", SpeakerKind.PERSON), KNOWN) == KNOWN[0]
    assert match_speaker(SpeakerMention("Stoltenberg", SpeakerKind.PERSON, "Norway Bank"), KNOWN) is None


def test_spelling_variants_match_but_different_first_names_never_merge() -> None:
    assert match_speaker(SpeakerMention("Volodymyr Zelenskyy", SpeakerKind.PERSON), KNOWN) == KNOWN[1]
    assert match_speaker(SpeakerMention("Olena Zelensky", SpeakerKind.PERSON), KNOWN) is None


def test_anonymous_speakers_match_only_same_name_and_affiliation() -> None:
    assert match_speaker(SpeakerMention("senior US official", SpeakerKind.ANONYMOUS, "United States"), KNOWN)
    assert (
        match_speaker(SpeakerMention("senior US official", SpeakerKind.ANONYMOUS, "Ukraine"), KNOWN) is None
    )
    assert match_speaker(SpeakerMention("US official", SpeakerKind.ANONYMOUS, "United States"), KNOWN) is None


PLANT_SPEAKERS = {
    # file: {claim prefix: (speaker, kind, affiliation, role)}
    "ministry.txt": {
        "Brennick chemical plant shut down after leak": ("Ministry of Environment", "organisation", None, None),
        "The Brennick chemical plant in Port Alden": ("Ministry of Environment", "organisation", None, None),
        "The plant was shut down on Monday": ("Clara Voss", "person", "Ministry of Environment", "spokeswoman"),
    },
    "union.txt": {
        "Brennick plant never stopped": ("United Chemical Workers Union", "organisation", None, None),
        "The Brennick plant in Port Alden": ("United Chemical Workers Union", "organisation", None, None),
        "The plant never closed": ("Tomas Reyes", "person", "United Chemical Workers Union", "President"),
    },
    "mayor.txt": {
        "Business as usual at Brennick": ("Elena Marsh", "person", "Port Alden", "mayor"),
        "The Brennick plant has kept operating": ("Elena Marsh", "person", "Port Alden", "mayor"),
        "Trucks have left the plant": ("Elena Marsh", "person", "Port Alden", "mayor"),
    },
}


@pytest.mark.parametrize("name", sorted(PLANT_SPEAKERS))
def test_headline_nouns_roles_and_affiliations_resolve_to_the_named_speaker(extractor: StatementExtractor,
                                                                             name: str) -> None:
    text = (REPO_ROOT / "tests" / "data" / "plant" / name).read_text(encoding="utf-8")
    found = {s.claim: s.speaker for s in extractor.extract(text, None).statements}
    for prefix, (speaker, kind, affiliation, role) in PLANT_SPEAKERS[name].items():
        (mention,) = [m for claim, m in found.items() if claim.startswith(prefix)]
        assert (mention.name, str(mention.kind), mention.affiliation, mention.role) == (
            speaker, kind, affiliation, role)


def test_a_body_named_only_by_its_noun_is_an_organisation(extractor: StatementExtractor) -> None:
    text = "Plant never closed, union says\n\nThe union said the plant kept working."
    speakers = {(s.speaker.name, str(s.speaker.kind)) for s in extractor.extract(text, None).statements}
    assert speakers == {("union", "organisation")}


def test_affiliations_from_the_body_named_before_or_the_role_and_an_age_epithet(
        extractor: StatementExtractor) -> None:
    text = ("Northgate Shipping Ltd said on Monday that the new depot would open in May. The company's finance "
            "director, Anna Kowalski, said the depot had cost 40 million.\n\n"
            "Sprinter Tomas Berg was dropped from the team, the national federation said on Tuesday. "
            "\"I have done nothing wrong,\" the 31-year-old said in a statement.\n\n"
            "Transport Minister Ivo Marek said the road would reopen on Friday.")
    speakers = {s.claim: s.speaker for s in extractor.extract(text, None).statements}
    by_name = {speaker.name: speaker for speaker in speakers.values()}
    assert by_name["Anna Kowalski"].affiliation == "Northgate Shipping Ltd"
    assert by_name["Ivo Marek"].affiliation == "government"  # no country named: the minister's government
    epithet = next(speaker for claim, speaker in speakers.items() if "nothing wrong" in claim)
    assert (epithet.name, epithet.kind, epithet.role) == ("Tomas Berg", SpeakerKind.PERSON, "sprinter")
