"""Contradiction clusters a reader can trust: sides that hold a position, the edges that oppose them, one account
per speaker, and fact-check ratings beside the claims they review."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.api.context import runtime
from service.settings import Settings
from service.usecases.clusters import edge_thresholds

PLANT = Path(__file__).resolve().parents[1] / "data" / "plant"
RUSSIA = re.compile(r"russia|moscow|kremlin|konashenkov|defen[cs]e ministry", re.I)
NATO = re.compile(r"nato|stoltenberg", re.I)
US = re.compile(r"\bus\b|united states|pentagon|kirby", re.I)
SEED_DISPUTES = {  # the two disputes a reader of the seeds expects: (who, what) on one side against the other
    "kyiv": ((RUSSIA, re.compile(r"regroup|reduc|eas(e|ing)|withdraw|de-?escalat", re.I)),
             (NATO, re.compile(r"reposition|not withdraw|reorganis|not leaving", re.I))),
    "border": ((RUSSIA, re.compile(r"withdraw|pull|return|mov(e|ing) .*away|back", re.I)),
               (US, re.compile(r"false|untrue|7,?000|additional troops|no evidence", re.I))),
}


def _contradictions(client: FlaskClient) -> list[dict]:
    page = client.get("/v1/clusters?kind=contradiction&limit=100").get_json()
    return [client.get(f"/v1/clusters/{c['id']}").get_json() for c in page["items"]]


def _holds(side: dict, who: re.Pattern[str], what: re.Pattern[str]) -> bool:
    return any(who.search(" ".join(filter(None, (s["speaker"]["name"], s["speaker"]["affiliation"]))))
               and what.search(s["claim"]) for s in side["statements"])


def _disputes_found(clusters: list[dict]) -> set[str]:
    return {name for name, (first, second) in SEED_DISPUTES.items()
            if any(_holds(a, *first) and _holds(b, *second)
                   for c in clusters for a in c["sides"] for b in c["sides"] if a is not b)}


# The seeds' two stories by their documents (ingested in file order): Kyiv (seeds 000 and 002, 31 March - 1 April
# 2022) and the February build-up at the border (seeds 001, 003 and 004).
KYIV_DOCUMENTS = frozenset({1, 3})


def test_the_border_dispute_is_a_cluster_of_its_own_with_no_speaker_on_both_sides(
        served_seeded: FlaskClient) -> None:
    clusters = _contradictions(served_seeded)
    assert "border" in _disputes_found(clusters)
    for cluster in clusters:
        statements = [s for side in cluster["sides"] for s in side["statements"]]
        stories = {s["document_id"] in KYIV_DOCUMENTS for s in statements}
        assert len(stories) == 1, f"{cluster['title']} chains the Kyiv and the border stories together"
        speakers = [{s["speaker"]["id"] for s in side["statements"]} for side in cluster["sides"]]
        assert not set.intersection(*speakers), f"a speaker stands on both sides of {cluster['title']}"
        assert len({s["speaker"]["affiliation"] or s["speaker"]["name"] for s in statements}) >= 2


@pytest.mark.xfail(strict=True, reason="no relation model here reads the Kyiv pairs as contradictions ('ease the "
                                       "offensive pressure on Kiev' vs 'maintains pressure on Kyiv': discusses "
                                       "0.67; vs 'not withdrawing, but repositioning': 0.45); issue 19")
def test_the_kyiv_dispute_stands_the_defence_ministry_against_nato(served_seeded: FlaskClient) -> None:
    assert "kyiv" in _disputes_found(_contradictions(served_seeded))


@pytest.mark.xfail(strict=True, reason="the Kyiv dispute is not found (above)")
def test_the_seeds_give_the_kyiv_and_the_border_dispute_as_two_clusters(served_seeded: FlaskClient) -> None:
    clusters = _contradictions(served_seeded)
    assert len(clusters) == 2
    assert all(len(_disputes_found([c])) == 1 for c in clusters)


def test_a_cluster_shows_each_sides_position_and_the_contradictions_between_them(
        served_seeded: FlaskClient) -> None:
    threshold = edge_thresholds(Settings()).contradicts  # the served models hold the opposition scorer
    clusters = _contradictions(served_seeded)
    assert clusters
    for cluster in clusters:
        side_of = {s["id"]: n for n, side in enumerate(cluster["sides"]) for s in side["statements"]}
        for side in cluster["sides"]:
            claims = [s["claim"] for s in side["statements"]]
            assert side["label"] in claims or any(c.startswith(side["label"].rstrip("…")) for c in claims)
            assert len(side["label"]) <= 91
        assert cluster["title"] == " vs. ".join(side["label"] for side in cluster["sides"])
        assert cluster["edges"], "a contradiction cluster is held together by at least one contradiction"
        probabilities = [e["probability"] for e in cluster["edges"]]
        assert probabilities == sorted(probabilities, reverse=True) and min(probabilities) >= threshold
        assert all(side_of[e["source_id"]] != side_of[e["target_id"]] for e in cluster["edges"])


def test_one_speakers_statements_in_one_document_are_one_account(served_seeded: FlaskClient) -> None:
    with served_seeded.application.app_context():
        store = runtime().store
        statements = {s.id: s for s in store.get_statements(list(range(1, store.last_statement_id() + 1)))}
        relations = store.relations_touching(sorted(statements))
    assert relations
    for r in relations:
        a, b = statements[r.source_id], statements[r.target_id]
        assert (a.speaker.id, a.document_id) != (b.speaker.id, b.document_id)
    headline = "Russian Claim of Withdrawing Troops from Ukraine Border is False."
    repeated = [s for s in statements.values() if s.claim == headline]
    assert len(repeated) == 1, "a headline printed twice is one statement"


def test_fact_check_ratings_show_beside_the_claims_they_review(client: FlaskClient) -> None:
    text = ("The Russian Defence Ministry said on Tuesday that Russia will drastically reduce its military "
            "activity near Kyiv and Chernihiv.")
    document = client.post("/v1/documents", json={"text": text, "published_at": "2022-03-30"}).get_json()
    (statement,) = document["statements"]
    review = {"@type": "ClaimReview", "url": "https://checks.example/kyiv", "claimReviewed": statement["claim"],
              "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
              "author": {"@type": "Organization", "name": "Example Checks"}}
    assert client.post("/v1/claimreviews", json=review).status_code == 201
    page = unescape(client.get(f"/documents/{document['id']}").get_data(as_text=True))
    assert re.search(r'class="rating">Misleading</span>\s*<a href="https://checks.example/kyiv"', page)
    assert "Example Checks" in page


@pytest.mark.xfail(strict=True, reason="the relation model reads 'never stopped' vs 'kept operating' as a "
                                       "contradiction (0.70) and 'shut down' vs 'never stopped working' at 0.60, "
                                       "under the contradiction threshold; issue 19")
def test_the_plant_closure_is_one_dispute_with_every_speaker_on_one_side(served_client: FlaskClient) -> None:
    client = served_client
    for name, day in (("ministry", "2026-10-20"), ("union", "2026-10-21"), ("mayor", "2026-10-22")):
        text = (PLANT / f"{name}.txt").read_text(encoding="utf-8")
        assert client.post("/v1/documents", json={"text": text, "published_at": day}).status_code == 201
    (cluster,) = _contradictions(client)
    closed, running = ({s["speaker"]["name"] for s in side["statements"]} for side in cluster["sides"])
    assert not closed & running
    assert {"Clara Voss", "Ministry of Environment"} & closed or {"Clara Voss", "Ministry of Environment"} & running
    assert "Elena Marsh" in (running if "Tomas Reyes" in running else closed)


def test_a_dispute_the_relation_model_reads_weakly_is_found_by_the_opposition_scorer(
        served_client: FlaskClient) -> None:
    # FNC-1 dev headlines of one story: the model reads contradicts 0.79, under its own 0.8; the scorer 0.81.
    claims = [("See How This Homeless Man Spends A Hundred Dollars, And Keep A Tissue Handy [Video]", "Outlet A"),
              ("Was The Video Of That Homeless Man Doing Good Deeds With $100 All An Elaborate Hoax!?", "Outlet B")]
    body = {"statements": [{"claim": claim, "speaker": {"name": name}} for claim, name in claims]}
    assert served_client.post("/v1/statements", json=body).status_code == 201
    (cluster,) = _contradictions(served_client)
    sides = [{s["speaker"]["name"] for s in side["statements"]} for side in cluster["sides"]]
    assert sorted(map(sorted, sides)) == [["Outlet A"], ["Outlet B"]]
    assert cluster["edges"][0]["probability"] >= edge_thresholds(Settings()).contradicts


def test_rewordings_of_one_headline_are_one_claim_however_the_relation_model_reads_them(
        served_client: FlaskClient) -> None:
    # The relation model calls the first two `corroborates` at 0.59 only (under its threshold): they are grouped
    # as one claim by their similarity (0.97, over `same_claim_similarity`); the third, a denial, is not.
    claims = [("Sugarhill Gang rapper Big Bank Hank dies at age 57", "Outlet A"),
              ("Rapper Big Bank Hank of Sugarhill Gang dies at 57", "Outlet B"),
              ("Sugarhill Gang rapper Big Bank Hank is alive and well", "Outlet C")]
    body = {"statements": [{"claim": claim, "speaker": {"name": name}} for claim, name in claims]}
    assert served_client.post("/v1/statements", json=body).status_code == 201
    page = served_client.get("/v1/clusters?kind=corroboration").get_json()
    (cluster,) = [served_client.get(f"/v1/clusters/{c['id']}").get_json() for c in page["items"]]
    (side,) = cluster["sides"]
    assert sorted(s["speaker"]["name"] for s in side["statements"]) == ["Outlet A", "Outlet B"]
