"""Statement extraction on real news text with the real spaCy pipeline."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from service.domain.entities import DateBasis, ExtractedStatement, Extraction, SpeakerKind
from service.domain.extraction import StatementExtractor, find_quotes
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
    assert statement.claim == "The enemy was regrouping."
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
