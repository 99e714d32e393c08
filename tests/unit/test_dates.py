"""Time expressions resolve against the publication date; statement dates come from outside the claim."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from service.domain.entities import DateBasis, Span
from service.domain.extraction.dates import find_time_expressions, resolve_date

FRIDAY = dt.date(2022, 4, 1)
THURSDAY = dt.date(2022, 3, 31)


def values(text: str, published_at: dt.date | None) -> dict[str, str | None]:
    return {e.text: e.value for e in find_time_expressions(text, published_at)}


def test_resolves_thursday_against_friday_publication() -> None:
    assert values("Stoltenberg said on Thursday.", FRIDAY) == {"Thursday": "2022-03-31"}


def test_this_thursday_in_a_thursday_piece_is_the_publication_day() -> None:
    assert values("Barricades stay up this Thursday.", THURSDAY) == {"this Thursday": "2022-03-31"}


def test_number_in_parentheses_is_the_day_of_month() -> None:
    assert values("On Wednesday (30), he promised.", THURSDAY) == {"Wednesday (30)": "2022-03-30"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last week", "2022-W12"),
        ("earlier this month", "2022-04"),
        ("yesterday", "2022-03-31"),
        ("today", "2022-04-01"),
        ("March 30, 2022", "2022-03-30"),
        ("30 March 2022", "2022-03-30"),
        ("2022-03-30", "2022-03-30"),
        ("since 2014", "2014"),
        ("In December", "2021-12"),
        ("now", "PRESENT_REF"),
    ],
)
def test_gives_iso_values_at_the_granularity_of_the_text(text: str, expected: str) -> None:
    (expression,) = find_time_expressions(text, FRIDAY)
    assert expression.value == expected
    assert text[expression.span.start : expression.span.end] == expression.text


def test_relative_expressions_have_no_value_without_publication_date() -> None:
    assert values("He said on Thursday that March 30, 2022 was calm.", None) == {
        "Thursday": None,
        "March 30, 2022": "2022-03-30",
    }


def test_modal_may_is_not_a_month() -> None:
    assert find_time_expressions("Russia may attack at any time.", FRIDAY) == ()


def test_date_outside_the_claim_is_the_statement_date() -> None:
    text = "Maliar said on Thursday that the attack began on Monday."
    expressions = find_time_expressions(text, FRIDAY)
    claim = Span(text.index("the attack"), len(text) - 1)
    resolved = resolve_date(Span(0, len(text)), claim, expressions, FRIDAY)
    assert (resolved.date, resolved.text, resolved.basis) == (THURSDAY, "Thursday", DateBasis.STATED)


def test_date_inside_the_claim_falls_back_to_publication() -> None:
    text = "Maliar said the attack began on Monday."
    expressions = find_time_expressions(text, FRIDAY)
    resolved = resolve_date(Span(0, len(text)), Span(12, len(text) - 1), expressions, FRIDAY)
    assert (resolved.date, resolved.basis) == (FRIDAY, DateBasis.PUBLICATION)


def test_unknown_publication_keeps_the_unresolved_expression() -> None:
    text = "Kirby said on Wednesday that troops arrived."
    expressions = find_time_expressions(text, None)
    resolved = resolve_date(Span(0, len(text)), Span(29, len(text) - 1), expressions, None)
    assert (resolved.date, resolved.text, resolved.basis) == (None, "Wednesday", DateBasis.UNKNOWN)


OCTOBER_27_1989 = dt.date(1989, 10, 27)


@pytest.mark.parametrize(("text", "expected"), [
    ("Profit rose in the third quarter.", {"third quarter": "1989-Q3"}),
    ("Third-quarter net income fell.", {"Third-quarter": "1989-Q3"}),
    ("Sales in the fourth quarter of 1988 were flat.", {"fourth quarter of 1988": "1988-Q4"}),
    ("Sales in the first quarter fell.", {"first quarter": "1989-Q1"}),
    ("Earnings for the quarter beat the year-ago quarter.",
     {"the quarter": "1989-Q3", "the year-ago quarter": "1988-Q3"}),
    ("Orders this quarter are weak.", {"this quarter": "1989-Q4"}),
    ("Prices rose last fall and will rise next spring.", {"last fall": "1988-FA", "next spring": "1990-SP"}),
    ("This summer was dry.", {"This summer": "1989-SU"}),
    ("Talks resume this weekend.", {"this weekend": "1989-W43-WE"}),
    ("The plant closed last May.", {"last May": "1989-05"}),
    ("It opens next September.", {"next September": "1990-09"}),
    ("Rates rose recently; in recent years they fell; the past was calmer.",
     {"recently": "PAST_REF", "recent years": "PAST_REF", "the past": "PAST_REF"}),
    ("Current rules stay in the near future.", {"Current": "PRESENT_REF", "the near future": "FUTURE_REF"}),
])
def test_quarters_seasons_named_months_weekends_and_references(text: str, expected: dict[str, str]) -> None:
    assert values(text, OCTOBER_27_1989) == expected


def test_ages_and_frequencies_are_not_dates() -> None:
    from service.domain.extraction.statements import load_spacy

    doc = load_spacy()("The 6-year-old boy reads daily, and the company reports quarterly.")
    assert [e.text for e in find_time_expressions(doc, OCTOBER_27_1989)] == []


def test_a_year_ago_is_the_year_ago_quarter_in_a_report_about_quarters() -> None:
    published = dt.date(1989, 10, 25)
    text = "Net income rose 12% from a year ago in the quarter. Sales were flat a year earlier, the company said."
    found = values(text, published)
    assert found["a year ago"] == "1988-Q3"  # the last reported quarter (Q3 1989), a year before
    assert found["a year earlier"] == "1988-Q3"  # the quarter was named one sentence before
    assert values("Sales were flat a year earlier, the company said.", published) == {"a year earlier": "1988"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Thursday 2 November 1989: the clause's tense decides which side of publication a day or month lies.
        ("The acquisition is scheduled to close Monday.", {"Monday": "1989-11-06"}),
        ("The team planned to leave Nairobi on Thursday.", {"Thursday": "1989-11-02"}),
        ("He will meet the president on Tuesday.", {"Tuesday": "1989-11-07"}),
        ("Officials postponed until Tuesday any action.", {"Tuesday": "1989-11-07"}),
        ("The minister resigned on Tuesday.", {"Tuesday": "1989-10-31"}),
        ("He disappeared on Nov. 3, police said.", {"Nov. 3": "1988-11-03"}),
        ("The dividend is payable Dec. 7 to holders of record.", {"Dec. 7": "1989-12-07"}),
        ("The deal is expected to close in January.", {"January": "1990-01"}),
        ("The plant closed in March.", {"March": "1989-03"}),
    ],
)
def test_tense_puts_days_and_months_before_or_after_publication(
    nlp: Any, text: str, expected: dict[str, str]
) -> None:
    found = {e.text: e.value for e in find_time_expressions(nlp(text), dt.date(1989, 11, 2))}
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He was found on Thanksgiving Day.", {"Thanksgiving Day": "1999-11-25"}),
        ("He won on Election Day.", {"Election Day": "1999-11-02"}),
        ("Keating was convicted in nineteen ninety-one.", {"nineteen ninety-one": "1991"}),
        ("Unemployment is to halve by the year two thousand.", {"the year two thousand": "2000"}),
        ("Prices rose in January nineteen ninety-seven.", {"January nineteen ninety-seven": "1997-01"}),
        ("Oil fell in the winter of 1994 and again over the summer.",
         {"the winter of 1994": "1994-WI", "the summer": "1999-SU"}),
        ("Two thousand troops arrived.", {}),
    ],
)
def test_holidays_spelled_out_years_and_bare_seasons(text: str, expected: dict[str, str]) -> None:
    assert values(text, dt.date(2000, 2, 10)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sales for the full year rose; the deal closes by year-end.", {"the full year": "1989", "year-end": "1989"}),
        ("Net fell 5% in the latest period, against a gain in the 1988 quarter.",
         {"the latest period": "1989-Q3", "the 1988 quarter": "1988-Q3"}),
        ("The stock peaked in the early 1980s, a high of the 20th century.",
         {"the early 1980s": "198", "the 20th century": "19"}),
        ("It was removed a few years ago.", {"a few years ago": "PAST_REF"}),
        ("The case was heard in May, and it may be appealed.", {"May": "1989-05"}),
    ],
)
def test_publication_year_earnings_periods_decades_and_the_month_may(text: str, expected: dict[str, str]) -> None:
    assert values(text, OCTOBER_27_1989) == expected
