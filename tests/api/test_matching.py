"""Claim matching over HTTP: ClaimReview import, hybrid matching, the Google-compatible search, JSON-LD out."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from service import create_app
from service.api.context import runtime
from service.runtime import Models, Runtime, build_runtime
from service.settings import Settings
from tests.schemaorg_vocabulary import SchemaOrgVocabulary

FACT_CHECKS: list[dict[str, Any]] = [
    {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://checks.example.org/5g-covid",
     "claimReviewed": "5G mobile networks spread the coronavirus.",
     "headline": "Do 5G Networks Spread COVID-19?", "datePublished": "2020-04-03",
     "author": {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example.org"},
     "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1, "bestRating": 5,
                      "worstRating": 1},
     "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Social media posts"},
                      "datePublished": "2020-03-30"}},
    {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://checks.example.org/bleach",
     "claimReviewed": "Drinking bleach cures the coronavirus.", "headline": "Does Bleach Cure COVID-19?",
     "datePublished": "2020-04-10", "author": {"@type": "Organization", "name": "Example Checks"},
     "reviewRating": {"@type": "Rating", "alternateName": "False"}},
    {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://other.example.net/pope",
     "claimReviewed": "Pope Francis endorsed Donald Trump for president.",
     "headline": "Did the Pope Endorse Trump?", "datePublished": "2016-07-12",
     "author": {"@type": "Organization", "name": "Other Checks", "url": "https://other.example.net"},
     "reviewRating": {"@type": "Rating", "alternateName": "Pants on Fire"}, "inLanguage": "en"},
]
TWEET = ("Wake up people!!! The #5G towers are what is spreading the virus https://t.co/AbCdEf "
         "— Jane Doe (@janedoe) April 2, 2020")


@pytest.fixture(scope="session")
def vocabulary() -> SchemaOrgVocabulary:
    return SchemaOrgVocabulary()


@pytest.fixture
def checked(make_app: Callable[..., Flask]) -> FlaskClient:
    """A client on a fresh store holding the three fact-checks above."""
    client = make_app().test_client()
    response = client.post("/v1/claimreviews", json={"claim_reviews": FACT_CHECKS})
    assert response.status_code == 201, response.get_json()
    return client


def test_import_answers_ids_and_reimporting_a_url_updates_it(checked: FlaskClient) -> None:
    single = dict(FACT_CHECKS[1], reviewRating={"@type": "Rating", "alternateName": "Dangerous and false"})
    response = checked.post("/v1/claimreviews", json=single)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["imported"], body["created"], body["updated"]) == (1, 0, 1)
    match = checked.post("/v1/claims/match", json={"text": "bleach cures covid", "top_k": 1}).get_json()
    assert match["matches"][0]["claim_review_id"] == body["ids"][0]
    assert match["matches"][0]["claim_review"]["rating"] == "Dangerous and false"
    with checked.application.app_context():
        assert runtime().store.count_rows()["claim_reviews"] == 3


def test_google_fact_check_tools_claims_import_too(client: FlaskClient) -> None:
    google = {"text": "Eating garlic prevents infection with the new coronavirus.", "claimant": "Facebook posts",
              "claimDate": "2020-02-01T00:00:00Z", "claimReview": [
                  {"publisher": {"name": "WHO Myth Busters", "site": "who.int"}, "url": "https://who.int/garlic",
                   "title": "Garlic and COVID-19", "reviewDate": "2020-02-05T10:00:00Z", "textualRating": "False",
                   "languageCode": "en"}]}
    body = client.post("/v1/claimreviews", json={"claim_reviews": [google]}).get_json()
    assert body["imported"] == 1
    found = client.get("/v1/claims:search?reviewPublisherSiteFilter=who.int").get_json()
    (claim,) = found["claims"]
    assert claim["claimant"] == "Facebook posts" and claim["claimDate"].startswith("2020-02-01")
    assert claim["claimReview"][0]["publisher"] == {"name": "WHO Myth Busters", "site": "who.int"}


def test_a_tweet_matches_the_fact_check_of_its_claim(checked: FlaskClient) -> None:
    body = checked.post("/v1/claims/match", json={"text": TWEET, "top_k": 3}).get_json()
    best = body["matches"][0]
    assert best["claim_review"]["url"] == "https://checks.example.org/5g-covid"
    assert best["claim_review"]["rating"] == "False" and best["claim_review"]["publisher"] == "Example Checks"
    assert best["statement_id"] is None and best["speaker"] is None and best["date"] == "2020-03-30"
    assert "t.co" not in best["query"] and "5G towers" in best["query"]
    assert best["relation"]["label"] in {"corroborates", "contradicts", "discusses", "unrelated"}
    assert best["score"] > body["matches"][-1]["score"]


def test_matches_without_relation_labels_are_the_same_matches(checked: FlaskClient) -> None:
    labelled = checked.post("/v1/claims/match", json={"text": TWEET, "top_k": 3}).get_json()["matches"]
    bare = checked.post("/v1/claims/match", json={"text": TWEET, "top_k": 3, "relations": False}).get_json()
    assert [m["relation"] for m in bare["matches"]] == [None] * len(labelled)
    assert [{**m, "relation": None} for m in labelled] == bare["matches"]
    wrong = checked.post("/v1/claims/match", json={"text": TWEET, "relations": "sometimes"})
    assert wrong.status_code == 422 and "relations" in wrong.get_json()["errors"]["json"]


def test_claims_search_speaks_googles_shape_and_pages(checked: FlaskClient) -> None:
    first = checked.get("/v1/claims:search?query=coronavirus+cure&pageSize=1&key=GOOGLE-KEY").get_json()
    (claim,) = first["claims"]
    assert claim["text"] == "Drinking bleach cures the coronavirus."
    review = claim["claimReview"][0]
    assert review["url"] == "https://checks.example.org/bleach" and review["textualRating"] == "False"
    assert review["publisher"]["site"] == "checks.example.org"
    assert review["reviewDate"] == "2020-04-10T00:00:00Z"
    second = checked.get(f"/v1/claims:search?query=coronavirus+cure&pageSize=1&pageToken={first['nextPageToken']}")
    assert second.status_code == 200
    assert second.get_json()["claims"][0]["text"] != claim["text"]
    site = checked.get("/v1/claims:search?reviewPublisherSiteFilter=other.example.net").get_json()
    assert [c["text"] for c in site["claims"]] == ["Pope Francis endorsed Donald Trump for president."]
    assert "nextPageToken" not in site
    old = checked.get("/v1/claims:search?query=pope+trump&maxAgeDays=30").get_json()
    assert old == {}  # Google's answer when nothing matches


@pytest.fixture
def seeded_copy(tmp_path: Path, seeded_runtime: Runtime, models: Models) -> FlaskClient:
    """A client on a copy of the seeded store, free to write."""
    source = make_url(seeded_runtime.settings.database_url).database
    assert source is not None
    copy = tmp_path / "seeded-copy.sqlite3"
    with sqlite3.connect(source) as original, sqlite3.connect(copy) as target:
        original.backup(target)
    return create_app(runtime=build_runtime(Settings(database_url=f"sqlite:///{copy}"), models)).test_client()


def test_claim_json_ld_conforms_to_schema_org_and_carries_its_reviews(
    seeded_copy: FlaskClient, vocabulary: SchemaOrgVocabulary,
) -> None:
    seeded = seeded_copy
    statements = seeded.get("/v1/statements?limit=100").get_json()["items"]
    reviewed = next(s for s in statements if "reposition" in s["claim"].lower())
    review = {"@type": "ClaimReview", "url": "https://checks.example.org/reposition",
              "claimReviewed": reviewed["claim"], "reviewRating": {"@type": "Rating", "alternateName": "Mixed"},
              "author": {"@type": "Organization", "name": "Example Checks"}}
    assert seeded.post("/v1/claimreviews", json=review).status_code == 201

    claim = seeded.get(f"/v1/statements/{reviewed['id']}/claimreview").get_json()
    assert vocabulary.problems(claim) == []
    assert [r["url"] for r in claim["subjectOf"]] == ["https://checks.example.org/reposition"]
    assert claim["subjectOf"][0]["reviewRating"]["alternateName"] == "Mixed"

    cluster = seeded.get("/v1/clusters?limit=1").get_json()["items"][0]
    listed = seeded.get(f"/v1/clusters/{cluster['id']}/claims").get_json()
    assert vocabulary.problems(listed) == []
    assert listed["numberOfItems"] == len(cluster["sides"])
    claims = [item["item"] for side in listed["itemListElement"] for item in side["item"]["itemListElement"]]
    assert sorted(c["identifier"] for c in claims) == sorted(
        f"statement:{s['id']}" for side in cluster["sides"] for s in side["statements"])


def test_the_vocabulary_check_catches_what_schema_org_does_not_define(vocabulary: SchemaOrgVocabulary) -> None:
    assert vocabulary.problems({"@type": "Claim", "claimReview": []}) == [
        "$.claimReview: not a schema.org property"]
    assert vocabulary.problems({"@type": "Claim", "author": {"@type": "Thing", "name": "x"}})
    assert vocabulary.problems({"@type": "Claim", "reviewRating": {"@type": "Rating"}})
    assert vocabulary.problems({"@type": "Nonsense"})


REAL_WORLD_REVIEWS = json.loads((Path(__file__).parents[1] / "data" / "claimreviews_realworld.json").read_text(
    encoding="utf-8"))


def test_imported_claim_reviews_come_back_with_every_type_and_field(client: FlaskClient) -> None:
    """Organization and Person authors, sameAs, appearance lists, firstAppearance, ratings with and without
    numbers, a JSON-LD @context object, a list @type: what a fact-checker published is what a reader gets."""
    imported = client.post("/v1/claimreviews", json={"claim_reviews": REAL_WORLD_REVIEWS})
    assert imported.status_code == 201 and imported.get_json()["imported"] == len(REAL_WORLD_REVIEWS)
    stored = client.post("/v1/statements", json={"statements": [
        {"claim": review["claimReviewed"], "speaker": {"name": "A reader"}} for review in REAL_WORLD_REVIEWS]})
    assert stored.status_code == 201
    for review, statement in zip(REAL_WORLD_REVIEWS, stored.get_json()["items"], strict=True):
        claim = client.get(f"/v1/statements/{statement['id']}/claimreview").get_json()
        without_context = {key: value for key, value in review.items() if key != "@context"}
        assert without_context in claim["subjectOf"], review["url"]

        found = client.get("/v1/claims:search", query_string={"query": review["claimReviewed"]}).get_json()
        first = found["claims"][0]
        assert first["text"] == review["claimReviewed"]
        author = review["itemReviewed"].get("author")
        assert first.get("claimant") == (author and author["name"])
        google_review = next(r for r in first["claimReview"] if r["url"] == review["url"])
        assert google_review["textualRating"] == review["reviewRating"]["alternateName"]
        assert google_review["publisher"]["name"] == review["author"]["name"]
        assert google_review["reviewDate"][:10] == review["datePublished"][:10]
        if "inLanguage" in review:
            assert google_review["languageCode"] == review["inLanguage"]


def test_a_reimported_review_is_served_as_its_latest_version(client: FlaskClient) -> None:
    review = REAL_WORLD_REVIEWS[1]
    assert client.post("/v1/claimreviews", json=review).status_code == 201
    updated = {**review, "reviewRating": {"@type": "Rating", "alternateName": "Correct after all"}}
    assert client.post("/v1/claimreviews", json=updated).status_code == 201
    stored = client.post("/v1/statements", json={"statements": [
        {"claim": review["claimReviewed"], "speaker": {"name": "A reader"}}]}).get_json()["items"][0]
    claim = client.get(f"/v1/statements/{stored['id']}/claimreview").get_json()
    assert [r["reviewRating"] for r in claim["subjectOf"]] == [updated["reviewRating"]]
