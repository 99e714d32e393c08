"""Google's own Python client (`google-api-python-client`, its bundled `factchecktools` v1alpha1 discovery document,
unchanged) searching claimlens over real HTTP, with only its endpoint pointed here."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from googleapiclient.discovery import build

from tests.api.conftest import serve

REVIEWS = [
    {"@type": "ClaimReview", "url": "https://checks.example.org/garlic",
     "claimReviewed": "Eating garlic prevents infection with the new coronavirus.",
     "headline": "Garlic does not protect against COVID-19", "datePublished": "2020-02-05",
     "author": {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example.org"},
     "reviewRating": {"@type": "Rating", "alternateName": "False"},
     "itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": "Facebook posts"},
                      "datePublished": "2020-02-01"}},
    {"@type": "ClaimReview", "url": "https://checks.example.org/bleach",
     "claimReviewed": "Drinking bleach cures the coronavirus.", "datePublished": "2020-04-10",
     "author": {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example.org"},
     "reviewRating": {"@type": "Rating", "alternateName": "False"}},
    {"@type": "ClaimReview", "url": "https://other.example.net/pope",
     "claimReviewed": "Pope Francis endorsed Donald Trump for president.", "datePublished": "2016-07-12",
     "author": {"@type": "Organization", "name": "Other Checks"},
     "reviewRating": {"@type": "Rating", "alternateName": "Fake"}},
]


@pytest.fixture
def factchecktools(make_app: Callable[..., Flask]) -> Iterator[Any]:
    """Google's factchecktools client on a live claimlens holding three fact-checks."""
    app = make_app()
    assert app.test_client().post("/v1/claimreviews", json={"claim_reviews": REVIEWS}).status_code == 201
    for url in serve(app):
        yield build("factchecktools", "v1alpha1", developerKey="any-google-key", static_discovery=True,
                    client_options={"api_endpoint": f"{url}/"})


def test_googles_own_client_searches_and_pages(factchecktools: Any) -> None:
    first = factchecktools.claims().search(query="does garlic protect from coronavirus", pageSize=1).execute()
    (claim,) = first["claims"]
    assert claim["text"] == "Eating garlic prevents infection with the new coronavirus."
    assert (claim["claimant"], claim["claimDate"]) == ("Facebook posts", "2020-02-01T00:00:00Z")
    (review,) = claim["claimReview"]
    assert review["publisher"] == {"name": "Example Checks", "site": "checks.example.org"}
    assert (review["textualRating"], review["reviewDate"]) == ("False", "2020-02-05T00:00:00Z")
    second = factchecktools.claims().search(query="does garlic protect from coronavirus", pageSize=1,
                                            pageToken=first["nextPageToken"]).execute()
    assert second["claims"][0]["text"] == "Drinking bleach cures the coronavirus."
    site = factchecktools.claims().search(reviewPublisherSiteFilter="other.example.net").execute()
    assert [c["text"] for c in site["claims"]] == ["Pope Francis endorsed Donald Trump for president."]


def test_an_unrelated_query_finds_nothing_as_on_google(factchecktools: Any) -> None:
    assert factchecktools.claims().search(query="premier league table").execute() == {}
    assert factchecktools.claims().search(query="zzzz").execute() == {}
