"""What is not a claim: page furniture (blanked before extraction, keeping every offset of the text as sent) and
procedural lines."""
from __future__ import annotations

import pytest

from service.domain.extraction.furniture import blank_furniture
from service.domain.extraction.non_claims import is_non_claim
from service.domain.extraction.statements import StatementExtractor
from service.settings import REPO_ROOT


@pytest.mark.parametrize(("text", "expected"), [
    ("Home News Russian Claim of Withdrawing Troops is False, says US",
     "          Russian Claim of Withdrawing Troops is False, says US"),
    ("TT Ads\nThe minister said the port would reopen.\nTT Ads\n",
     "      \nThe minister said the port would reopen.\n      \n"),
    ("Home > World > Europe\nStoltenberg said so.", "                     \nStoltenberg said so."),
    ("Share this article\nRead more", "                  \n         "),
])
def test_furniture_is_replaced_by_spaces_of_the_same_length(text: str, expected: str) -> None:
    assert blank_furniture(text) == expected


@pytest.mark.parametrize("text", [
    "News of the deal broke on Monday.", "World leaders met on Monday.", "Live video shows the blast.",
    "Home secretary Priti Patel said the rules would change.", "Home news reports say otherwise.",
    "Profits > costs > taxes, he said.",
])
def test_sentences_that_start_like_furniture_are_left_alone(text: str) -> None:
    assert blank_furniture(text) == text


def test_no_statement_keeps_the_furniture_and_spans_index_the_text_as_sent(extractor: StatementExtractor) -> None:
    text = (REPO_ROOT / "seeds" / "004_e972943908e36f74.txt").read_text(encoding="utf-8")
    statements = extractor.extract(text, None).statements
    assert statements
    assert not [s.claim for s in statements if "Home News" in s.claim]
    blanked = blank_furniture(text)
    for statement in statements:  # a span lies in the text as sent, and outside the furniture
        start, end = statement.claim_span.start, statement.claim_span.end
        assert text[start:end].strip() and text[start:end] == blanked[start:end]


@pytest.mark.parametrize(("claim", "expected"), [
    ("The shift supervisor asked not to be named.", True),
    ("The company declined to comment on the leak.", True),
    ("Officials did not respond to a request for comment.", True),
    ("Will the plant reopen before winter?", False),
    ("The plant never closed and is running at full capacity.", False),
    ("Nobody was named in the report on the leak.", False),
])
def test_procedural_lines_are_not_claims(claim: str, expected: bool) -> None:
    assert is_non_claim(claim) is expected


def test_a_request_for_anonymity_is_not_stored_as_a_statement(extractor: StatementExtractor) -> None:
    text = ('"Nothing stopped, the trucks left every day," a shift supervisor said. '
            "The shift supervisor asked not to be named.")
    claims = [s.claim for s in extractor.extract(text, None).statements]
    assert not [c for c in claims if "named" in c]
