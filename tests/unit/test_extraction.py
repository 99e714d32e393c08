"""Statement extraction on real news text with the real spaCy pipeline."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from service.domain.entities import DateBasis, ExtractedStatement, Extraction, SpeakerKind
from service.domain.extraction.quotes import find_quotes
from service.domain.extraction.statements import StatementExtractor
from service.settings import REPO_ROOT


def read_seed(prefix: str) -> tuple[str, dt.date | None]:
    (path,) = (REPO_ROOT / "seeds").glob(f"{prefix}_*.txt")
    raw = path.read_text(encoding="utf-8")
    match = re.match(r"^\s*date (\d{4}-\d{2}-\d{2})\s*", raw)
    return (raw[match.end() :], dt.date.fromisoformat(match.group(1))) if match else (raw, None)


@pytest.fixture(scope="module")
def seed_002(extractor: StatementExtractor) -> tuple[str, Extraction]:
    text, published_at = read_seed("002")
    return text, extractor.extract(text, published_at)


def by_claim(extraction: Extraction, start: str) -> ExtractedStatement:
    return next(s for s in extraction.statements if s.claim.startswith(start))


def test_offsets_point_at_claim_content_and_speaker_mention(seed_002: tuple[str, Extraction]) -> None:
    text, extraction = seed_002
    assert len(extraction.statements) >= 10
    for statement in extraction.statements:
        content = text[statement.claim_span.start : statement.claim_span.end]
        assert content.strip() == content and content
        assert re.sub(r"\W", "", content)[-12:].lower() in re.sub(r"\W", "", statement.claim).lower()
        if statement.speaker_span is not None:
            assert text[statement.speaker_span.start : statement.speaker_span.end].strip()


def test_quote_before_attribution_gets_speaker_affiliation_and_stated_thursday(
    seed_002: tuple[str, Extraction],
) -> None:
    text, extraction = seed_002
    statement = by_claim(extraction, "Russia has repeatedly lied")
    assert (statement.speaker.name, statement.speaker.affiliation, statement.speaker.role) == (
        "Jens Stoltenberg",
        "NATO",
        "Secretary-General",
    )
    assert (statement.date, statement.date_basis, statement.date_text) == (
        dt.date(2022, 3, 31),
        DateBasis.STATED,
        "Thursday",
    )
    assert statement.claim.endswith("not its words.") and "“" not in statement.claim
    assert (
        text[statement.speaker_span.start : statement.speaker_span.end]
        == "NATO Secretary General Jens Stoltenberg"
    )


def test_the_norwegian_and_he_resolve_to_stoltenberg(seed_002: tuple[str, Extraction]) -> None:
    _, extraction = seed_002
    assert by_claim(extraction, "Moscow is trying to regroup").speaker.name == "Jens Stoltenberg"
    assert by_claim(extraction, "Russia must end this senseless war").speaker.name == "Jens Stoltenberg"


def test_konashenkov_statements_are_dated_wednesday_thirtieth(seed_002: tuple[str, Extraction]) -> None:
    _, extraction = seed_002
    promise = by_claim(extraction, "Russia will ease the offensive pressure")
    regrouping = by_claim(extraction, "A regrouping of troops was planned")
    for statement in (promise, regrouping):
        assert statement.speaker.name == "Igor Konashenkov"
        assert statement.speaker.affiliation == "Russian Defence Ministry"
        assert statement.date == dt.date(2022, 3, 30)
    assert regrouping.cue == "according to"


def test_according_to_a_body_keeps_negation(seed_002: tuple[str, Extraction]) -> None:
    _, extraction = seed_002
    statement = by_claim(extraction, "Russian units are not withdrawing, but repositioning")
    assert statement.speaker.kind is SpeakerKind.ORGANISATION
    assert statement.speaker.affiliation == "NATO"


def test_journalist_narration_is_dropped(extractor: StatementExtractor) -> None:
    text = "Russian troops moved towards Kyiv on Monday. The offensive stalled near the capital."
    assert extractor.extract(text, dt.date(2022, 3, 1)).statements == ()


def test_nested_attribution_keeps_the_inner_speaker(extractor: StatementExtractor) -> None:
    text = "CNN reported that Ukrainian Deputy Defence Minister Hanna Maliar said the enemy was regrouping."
    (statement,) = extractor.extract(text, None).statements
    assert statement.speaker.name == "Hanna Maliar"
    assert statement.claim == "The enemy is regrouping."
    assert statement.date_basis is DateBasis.UNKNOWN


def test_anonymous_source_and_moscow_claim_from_seed_004(extractor: StatementExtractor) -> None:
    text, published_at = read_seed("004")
    extraction = extractor.extract(text, published_at)
    false = by_claim(extraction, "Russia’s allegation that it is pulling soldiers away")
    assert (false.speaker.kind, false.speaker.name, false.speaker.affiliation) == (
        SpeakerKind.ANONYMOUS,
        "senior US source",
        "United States",
    )
    assert by_claim(extraction, "7,000 additional troops had arrived").speaker == false.speaker
    moscow = by_claim(extraction, "Russia will move soldiers away from the Ukrainian border")
    assert moscow.speaker.name == "Moscow"


def test_finds_curly_straight_and_mixed_quotes() -> None:
    text = 'He said “one." and "two" then “three”'
    assert [text[q.start : q.end] for q in find_quotes(text)] == ['“one."', '"two"', "“three”"]


def only_statement(extractor: StatementExtractor, text: str) -> ExtractedStatement:
    (statement,) = extractor.extract(text, None).statements
    return statement


def test_call_for_takes_its_object_as_the_claim(extractor: StatementExtractor) -> None:
    text = "Senator Maria Lopez called for an independent inquiry into the contract."
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Maria Lopez"
    assert text[statement.claim_span.start : statement.claim_span.end] == "an independent inquiry into the contract"
    assert statement.claim == "Maria Lopez called for an independent inquiry into the contract."
    assert statement.cue == "called for"


def test_call_x_y_keeps_object_and_predicate(extractor: StatementExtractor) -> None:
    text = "Governor Tom Baker called the new tariffs a disaster for local farmers."
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Tom Baker"
    assert text[statement.claim_span.start : statement.claim_span.end] == (
        "the new tariffs a disaster for local farmers"
    )


def test_want_takes_its_infinitive_as_the_claim(extractor: StatementExtractor) -> None:
    text = "The mayor, Anna Weber, wants to double the number of bus lanes by 2030."
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Anna Weber"
    assert statement.claim == "Anna Weber wants to double the number of bus lanes by 2030."


def test_stance_verbs_without_a_checkable_object_yield_nothing(extractor: StatementExtractor) -> None:
    for text in (
        "Local business owner Karl Jensen defended the harbour.",
        "The city council called an emergency meeting on Friday.",
    ):
        assert extractor.extract(text, None).statements == ()


def test_frame_inside_the_clause_keeps_the_subject(extractor: StatementExtractor) -> None:
    text = "The port, minister Ola Berg said, will reopen within two weeks."
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Ola Berg"
    assert statement.claim == "The port will reopen within two weeks."


def test_as_x_pointed_out_frames_the_main_clause(extractor: StatementExtractor) -> None:
    text = "As Professor Lena Park pointed out, the drought has cut the harvest by a third."
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Lena Park"
    assert statement.claim == "The drought has cut the harvest by a third."


def test_pronoun_resolves_to_a_person_named_before_who_was_no_speaker(extractor: StatementExtractor) -> None:
    text = "Council leader Peter Hall spoke at length on Monday.\n“We will not raise taxes this year,” he said."
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Peter Hall"
    assert statement.claim == "We will not raise taxes this year."


def test_relative_pronoun_is_the_speaker_mention_of_its_antecedent(extractor: StatementExtractor) -> None:
    text = "The plan was drafted by Mark Kamin, who said that the new rates would simplify returns for families."
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Mark Kamin"
    assert text[statement.speaker_span.start : statement.speaker_span.end] == "who"
    assert statement.claim == "The new rates will simplify returns for families."


def test_according_to_stops_at_a_clause_with_its_own_reporting_verb(extractor: StatementExtractor) -> None:
    text = (
        "Defence Ministry spokesman Igor Konashenkov spoke on Wednesday. According to him, a regrouping of troops "
        "was planned around the two cities, as he considered that the main objectives of the campaign had been "
        "accomplished.\nLater, Pentagon spokesman John Kirby said that Russia was repositioning its forces."
    )
    by_claim = {s.claim: s.speaker.name for s in extractor.extract(text, dt.date(2022, 3, 31)).statements}
    assert by_claim == {
        "A regrouping of troops was planned around the two cities.": "Igor Konashenkov",
        "The main objectives of the campaign have been accomplished.": "Igor Konashenkov",
        "Russia is repositioning its forces.": "John Kirby",
    }


def test_quotation_signed_with_a_dash(extractor: StatementExtractor) -> None:
    text = "“The river is cleaner than it has been in fifty years.” ― Rosa Mendes\n"
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Rosa Mendes"
    assert text[statement.speaker_span.start : statement.speaker_span.end] == "Rosa Mendes"
    assert statement.claim == "The river is cleaner than it has been in fifty years."


def test_transcript_labels_name_the_speaker(extractor: StatementExtractor) -> None:
    text = (
        "Interview transcript.\nHOLT: Will the bridge be finished this year?\n"
        "MORENO: The bridge will be finished before the winter."
    )
    statements = extractor.extract(text, None).statements
    assert [(s.speaker.name, s.claim) for s in statements] == [
        ("Holt", "Will the bridge be finished this year?"),
        ("Moreno", "The bridge will be finished before the winter."),
    ]


def test_colon_at_paragraph_end_introduces_the_quotation_below(extractor: StatementExtractor) -> None:
    text = "The report was published on Tuesday. Economist Sara Lind wrote:\n“Wages have not kept up with rents.”"
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Sara Lind"
    assert statement.claim == "Wages have not kept up with rents."


def test_quoted_word_taken_for_the_subject_gives_way_to_the_name_after_the_quote(
    extractor: StatementExtractor,
) -> None:
    text = (
        "The vote is close.\n\n"
        '"She would be a great senator. Not good, great. One of the brightest members of the entire Congress," '
        "Rep. Jane Doe (D-Md.) said in a phone interview."
    )
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Jane Doe"
    assert statement.claim.startswith("She would be a great senator.")


def test_participle_after_a_report_continues_the_same_speaker(extractor: StatementExtractor) -> None:
    text = (
        "Senator David Moss said he did not think the ads hurt the campaign in 2012, "
        "arguing that divisions in the party were a bigger hurdle."
    )
    statements = extractor.extract(text, None).statements
    assert [(s.speaker.name, s.cue) for s in statements] == [("David Moss", "said"), ("David Moss", "arguing")]
    assert statements[0].claim == "David Moss did not think the ads hurt the campaign in 2012."
    assert statements[1].claim == "Divisions in the party were a bigger hurdle."


def test_stance_verb_inside_a_quotation_is_part_of_the_quote(extractor: StatementExtractor) -> None:
    text = "“Nobody wants to bus their kids to a school across town,” said parent Maria Gomez."
    statement = only_statement(extractor, text)
    assert statement.speaker.name == "Maria Gomez"
    assert statement.claim == "Nobody wants to bus their kids to a school across town."


def test_a_headline_ending_says_us_is_the_united_states_claim(rule_extractor: StatementExtractor) -> None:
    text = ("Russian Claim of Withdrawing Troops from Ukraine Border is False, says US\n\n"
            "A senior US source said 7,000 additional troops had arrived in recent days.")
    statements = rule_extractor.extract(text, dt.date(2022, 2, 17)).statements
    headline = next(s for s in statements if s.claim_span.start == 0)
    assert headline.speaker.name == "United States"
    assert headline.cue == "says"
    assert text[headline.claim_span.start:headline.claim_span.end].endswith("is False")


@pytest.mark.parametrize(("text", "claim"), [
    ("The mayor said the town would ask the state for emergency retraining funds.",
     "The town will ask the state for emergency retraining funds."),
    ("A spokesman said the paediatric ward was close to capacity.", "The paediatric ward is close to capacity."),
    # A past perfect is the speaker's simple past, unless its clause marks a perfect or it is a passive that
    # reports only a result.
    ("The union said workers had been told of the decision at a meeting.",
     "Workers were told of the decision at a meeting."),
    ("The minister said the first complaints had reached the company last August.",
     "The first complaints reached the company last August."),
    ("Moll's office said he had seen irregularities at two polling stations.",
     "He saw irregularities at two polling stations."),
    ("The official said the count had been fair.", "The count was fair."),
    ("The union said its members had not had a pay rise since 2021.",
     "Its members have not had a pay rise since 2021."),
    ("The minister said no date had been fixed.", "No date has been fixed."),
    # A past the speaker meant, a passive event, a wish, a condition and a present cue stay as written.
    ("The police said the drone was shot down over the harbour.", "The drone was shot down over the harbour."),
    ("The company says it would cut 200 jobs if the deal fails.", "Company would cut 200 jobs if the deal fails."),
])
def test_an_indirect_report_gives_the_claim_in_the_speakers_tenses(
        rule_extractor: StatementExtractor, text: str, claim: str) -> None:
    (statement,) = rule_extractor.extract(text, dt.date(2026, 10, 20)).statements
    assert statement.claim == claim


@pytest.mark.parametrize(("text", "claim"), [
    ("Russia said on Tuesday that it would de-escalate in the area of Kyiv and Chernihiv.",
     "Russia will de-escalate in the area of Kyiv and Chernihiv."),
    ("Notably, these statements came after Russia has recently claimed to de-escalate in the area of Kyiv.",
     "Russia will de-escalate in the area of Kyiv."),
    ("Ford said that it would re-open the plant on Monday.", "Ford will re-open the plant on Monday."),
])
def test_a_verb_with_a_hyphenated_prefix_is_one_word(rule_extractor: StatementExtractor, text: str,
                                                      claim: str) -> None:
    (statement,) = rule_extractor.extract(text, dt.date(2022, 4, 1)).statements
    assert statement.claim == claim


@pytest.mark.parametrize(("text", "claim"), [
    ("Haddou said no date had been fixed and that security arrangements were still being discussed.",
     "No date has been fixed and security arrangements were still being discussed."),
    ("Harlow Ridge paper mill to close by June, company says", "Harlow Ridge paper mill will close by June."),
    # An infinitive under another verb is no headline future.
    ("The minister said prices are expected to rise in January.", "Prices are expected to rise in January."),
])
def test_a_reported_clause_reads_as_a_sentence_of_its_own(rule_extractor: StatementExtractor, text: str,
                                                          claim: str) -> None:
    (statement,) = rule_extractor.extract(text, dt.date(2026, 10, 20)).statements
    assert statement.claim == claim


def test_a_description_of_a_body_named_earlier_takes_its_name(rule_extractor: StatementExtractor) -> None:
    text = ("The Environment Agency granted the permit in 2019. Campaigners said the agency had ignored the "
            "effect on the wetlands.")
    (statement,) = rule_extractor.extract(text, dt.date(2026, 10, 20)).statements
    assert statement.claim == "The Environment Agency ignored the effect on the wetlands."


def test_a_quotation_keeps_its_own_tenses(rule_extractor: StatementExtractor) -> None:
    text = '"We would never close the plant without talking to the workers," the chief executive said.'
    (statement,) = rule_extractor.extract(text, dt.date(2026, 10, 20)).statements
    assert statement.claim == "We would never close the plant without talking to the workers."


@pytest.mark.parametrize(("text", "claim"), [
    ('"I have never knowingly taken a banned substance," Dario Velez said.',
     "Dario Velez has never knowingly taken a banned substance."),
    ('"We are open to dialogue but firm on our principles," NATO Secretary-General Jens Stoltenberg said.',
     "NATO is open to dialogue but firm on our principles."),
    ("“We’re ready to talk,” the union said.", "Union is ready to talk."),
    # "We all" is a crowd, not the body; an unquoted "we" is the reporter's.
    ('"We all want peace," the mayor said.', "We all want peace."),
])
def test_a_quoted_first_person_subject_is_the_speaker_or_the_body_it_speaks_for(
        rule_extractor: StatementExtractor, text: str, claim: str) -> None:
    (statement,) = rule_extractor.extract(text, dt.date(2026, 10, 20)).statements
    assert statement.claim == claim


@pytest.mark.parametrize(("text", "speaker", "claim"), [
    # The seeds: the reporter contrasts events with Moscow's announcement; the announcement is Moscow's statement.
    ("The movement of Russian troops on Thursday indicates that Moscow is not slowing down its offensive on the "
     "cities of Kiev and Chernigov, as it had announced after the negotiations in Istanbul.",
     "Moscow", "Moscow is slowing down its offensive on the cities of Kiev and Chernigov."),
    ("Ford reopened the plant on Monday, as it had promised.", "Ford", "Ford reopened the plant on Monday."),
])
def test_what_a_source_had_announced_is_its_statement_without_the_reporters_contrast(
        rule_extractor: StatementExtractor, text: str, speaker: str, claim: str) -> None:
    (statement,) = rule_extractor.extract(text, dt.date(2022, 3, 31)).statements
    assert (statement.speaker.name, statement.claim) == (speaker, claim)
