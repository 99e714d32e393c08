"""ClaimReview JSON-LD in: the shapes fact-checkers publish, Google's, and what is refused."""
from __future__ import annotations

import datetime as dt

import pytest

from service.domain.claimreview import ClaimReviewError, claim_review_jsonld, parse_fact_checks

PUBLISHED = {
    "@context": "https://schema.org", "@type": "ClaimReview",
    "url": "https://www.snopes.com/fact-check/pope-endorses-trump/",
    "claimReviewed": "  Pope Francis endorsed\n Trump. ",
    "datePublished": "2016-07-12T09:30:00+00:00", "headline": "Did the Pope Endorse Trump?",
    "author": [{"@type": "Organization", "name": "Snopes", "url": "https://www.snopes.com"}],
    "reviewRating": {"@type": "Rating", "ratingValue": "1", "bestRating": 5, "worstRating": 1,
                     "alternateName": "False"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": "WTOE 5 News"},
                     "datePublished": "2016-07-10", "appearance": [{"@type": "CreativeWork",
                                                                    "url": "https://wtoe5news.example/pope"}]},
    "inLanguage": "en",
}


def test_a_published_claim_review_parses_every_field() -> None:
    (check,) = parse_fact_checks(PUBLISHED)
    assert check.claim == "Pope Francis endorsed Trump."
    assert (check.rating, check.rating_value, check.best_rating, check.worst_rating) == ("False", 1.0, 5.0, 1.0)
    assert (check.publisher, check.publisher_site) == ("Snopes", "www.snopes.com")
    assert (check.review_date, check.claim_date) == (dt.date(2016, 7, 12), dt.date(2016, 7, 10))
    assert (check.claimant, check.language, check.title) == ("WTOE 5 News", "en", "Did the Pope Endorse Trump?")
    assert check.appearance_url == "https://wtoe5news.example/pope"


def test_round_trip_through_json_ld_keeps_the_fact_check() -> None:
    (check,) = parse_fact_checks(PUBLISHED)
    assert parse_fact_checks(claim_review_jsonld(check)) == [check]


def test_an_organization_claimant_stays_an_organization() -> None:
    (check,) = parse_fact_checks(PUBLISHED)
    assert check.claimant_type == "Organization"
    assert claim_review_jsonld(check)["itemReviewed"]["author"] == {"@type": "Organization", "name": "WTOE 5 News"}
    person = {**PUBLISHED, "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A. Blogger"}}}
    (check,) = parse_fact_checks(person)
    assert claim_review_jsonld(check)["itemReviewed"]["author"]["@type"] == "Person"
    untyped = {**PUBLISHED, "itemReviewed": {"@type": "Claim", "author": "Someone"}}
    (check,) = parse_fact_checks(untyped)
    assert (check.claimant, check.claimant_type) == ("Someone", None)


def test_a_google_claim_gives_one_fact_check_per_review() -> None:
    claim = {"text": "Garlic prevents COVID-19.", "claimant": "Facebook user", "claimReview": [
        {"publisher": {"name": "AFP", "site": "factcheck.afp.com"}, "url": "https://factcheck.afp.com/garlic",
         "textualRating": "False", "languageCode": "en", "reviewDate": "2020-02-05T00:00:00Z"},
        {"publisher": {"name": "WHO"}, "url": "https://who.int/garlic", "textualRating": "Myth"}]}
    checks = parse_fact_checks(claim)
    assert [(c.url, c.rating, c.publisher_site, c.claimant) for c in checks] == [
        ("https://factcheck.afp.com/garlic", "False", "factcheck.afp.com", "Facebook user"),
        ("https://who.int/garlic", "Myth", "who.int", "Facebook user")]


@pytest.mark.parametrize(("item", "field"), [
    ({"claimReviewed": "x"}, "url"),
    ({"url": "ftp://a.org/x", "claimReviewed": "x"}, "url"),
    ({"url": "https://a.org/x"}, "claimReviewed"),
    ({"url": "https://a.org/x", "claimReviewed": "   "}, "claimReviewed"),
    ({"url": "https://a.org/x", "claimReviewed": ["x"]}, "claimReviewed"),
    ({"url": "https://a.org/x", "claimReviewed": "x", "datePublished": "last week"}, "datePublished"),
    ({"url": "https://a.org/x", "claimReviewed": "x", "reviewRating": {"ratingValue": "high"}},
     "reviewRating.ratingValue"),
    ({"@type": "NewsArticle", "url": "https://a.org/x", "claimReviewed": "x"}, "@type"),
    ({"text": "x", "claimReview": []}, "claimReview"),
])
def test_invalid_items_name_the_field(item: dict[str, object], field: str) -> None:
    with pytest.raises(ClaimReviewError) as raised:
        parse_fact_checks(item)
    assert field in raised.value.errors


def test_a_non_object_is_refused() -> None:
    with pytest.raises(ClaimReviewError):
        parse_fact_checks(["not", "an", "object"])
