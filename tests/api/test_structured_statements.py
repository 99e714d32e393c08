"""POST /v1/statements: claims other tools already hold, stored and clustered like extracted statements."""
from __future__ import annotations

from flask.testing import FlaskClient

from service.api.context import runtime

KYIV = [
    {"claim": "Russia will drastically reduce its military activity near Kyiv and Chernihiv.",
     "speaker": {"name": "Alexander Fomin", "affiliation": "Russia", "role": "Deputy Defence Minister"},
     "date": "2022-03-29", "url": "https://news.example/fomin", "source": "Example Wire"},
    {"claim": "Russian units are not withdrawing from Kyiv, they are repositioning.",
     "speaker": {"name": "Jens Stoltenberg"}, "published_at": "2022-03-31", "url": "https://news.example/nato"},
]


def _count(client: FlaskClient) -> int:
    return client.get("/v1/statements?limit=1").get_json()["total"]


def test_structured_claims_are_stored_in_order_with_normalised_speakers_and_dates(client: FlaskClient) -> None:
    answer = client.post("/v1/statements", json={"statements": KYIV})
    assert answer.status_code == 201
    fomin, stoltenberg = answer.get_json()["items"]
    assert fomin["claim"] == KYIV[0]["claim"] and stoltenberg["claim"] == KYIV[1]["claim"]
    assert (fomin["speaker"]["name"], fomin["speaker"]["kind"], fomin["speaker"]["affiliation"],
            fomin["speaker"]["role"]) == ("Alexander Fomin", "person", "Russia", "Deputy Defence Minister")
    assert stoltenberg["speaker"]["kind"] == "person"
    assert (fomin["date"], fomin["date_basis"]) == ("2022-03-29", "stated")
    assert (stoltenberg["date"], stoltenberg["date_basis"]) == ("2022-03-31", "publication")
    document = client.get(f"/v1/documents/{fomin['document_id']}").get_json()
    assert (document["url"], document["publisher"]) == ("https://news.example/fomin", "Example Wire")


def test_the_same_claim_speaker_and_url_is_stored_once(client: FlaskClient) -> None:
    first = client.post("/v1/statements", json={"statements": KYIV}).get_json()
    again = client.post("/v1/statements", json={"statements": [KYIV[1], KYIV[1], KYIV[0]]})
    assert again.status_code == 200
    ids = [s["id"] for s in again.get_json()["items"]]
    assert ids == [first["items"][1]["id"], first["items"][1]["id"], first["items"][0]["id"]]
    assert _count(client) == 2
    elsewhere = dict(KYIV[0], url="https://other.example/fomin")
    assert client.post("/v1/statements", json={"statements": [elsewhere]}).status_code == 201
    assert _count(client) == 3


def test_structured_claims_are_related_and_clustered_with_extracted_ones(client: FlaskClient) -> None:
    client.post("/v1/documents", json={
        "text": "The Russian Defence Ministry said on Tuesday that Russia will drastically reduce its military "
                "activity near Kyiv and Chernihiv.", "published_at": "2022-03-30"})
    answer = client.post("/v1/statements", json={"statements": [KYIV[1]]}).get_json()
    (stored,) = answer["items"]
    extracted = client.get("/v1/statements?q=drastically").get_json()["items"]
    assert len(extracted) == 1 and extracted[0]["speaker"]["name"] == "Russian Defence Ministry"
    with client.application.app_context():
        found = runtime().store.relations_touching([stored["id"]])
    assert {(r.source_id, r.target_id) for r in found} == {(extracted[0]["id"], stored["id"])}


def test_one_bad_item_rejects_the_batch_and_names_it(client: FlaskClient) -> None:
    bad = [KYIV[0], {"claim": " ", "speaker": {"name": "Jens Stoltenberg"}}, {"claim": "x", "speaker": {}}]
    answer = client.post("/v1/statements", json={"statements": bad})
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]["json"]["statements"]
    assert set(errors) == {"1", "2"} and "claim" in errors["1"] and "name" in errors["2"]["speaker"]
    assert _count(client) == 0
    assert client.post("/v1/statements", json={"statements": []}).status_code == 422
    assert client.post("/v1/statements", json={"statements": [dict(KYIV[0], date="2022-02-30")]}).status_code == 422


def test_an_idempotency_key_replays_the_first_answer(client: FlaskClient) -> None:
    headers = {"Idempotency-Key": "cms-batch-1"}
    first = client.post("/v1/statements", json={"statements": KYIV}, headers=headers)
    replay = client.post("/v1/statements", json={"statements": KYIV}, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.get_json() == first.get_json()
