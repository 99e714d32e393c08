"""The endpoints of the contract, on real models and a real SQLite store."""
from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient

from service.api.context import runtime

STOLTENBERG_TEXT = (
    "NATO Secretary General Jens Stoltenberg said on Thursday that Russian units are not withdrawing, "
    "but repositioning. He added that Russia has repeatedly lied about its intentions."
)


def _statements(client: FlaskClient) -> list[dict]:
    return client.get("/v1/statements?limit=500").get_json()["items"]


def _find(statements: list[dict], speaker: str, fragment: str) -> dict:
    found = [s for s in statements if s["speaker"]["name"] == speaker and fragment.lower() in s["claim"].lower()]
    assert found, f"no statement of {speaker} containing {fragment!r}"
    return found[0]


def test_health_reports_the_store_and_index(seeded: FlaskClient) -> None:
    body = seeded.get("/v1/health").get_json()
    assert body["status"] == "ok"
    assert body["indexed"] == body["statements"] > 0


def test_extract_resolves_thursday_against_friday_publication(client: FlaskClient) -> None:
    body = client.post("/v1/extract", json={"text": STOLTENBERG_TEXT, "published_at": "2022-04-01"}).get_json()
    first = body["statements"][0]
    assert first["speaker"]["name"] == "Jens Stoltenberg"
    assert first["speaker"]["affiliation"] == "NATO"
    assert (first["date"], first["date_text"], first["date_basis"]) == ("2022-03-31", "Thursday", "stated")
    assert STOLTENBERG_TEXT[first["claim_span"]["start"]:first["claim_span"]["end"]].startswith("Russian units")
    assert any(t["value"] == "2022-03-31" and t["text"] == "Thursday" for t in body["time_expressions"])


def test_extract_without_publication_date_keeps_the_expression_but_no_date(client: FlaskClient) -> None:
    first = client.post("/v1/extract", json={"text": STOLTENBERG_TEXT}).get_json()["statements"][0]
    assert first["date"] is None
    assert first["date_text"] == "Thursday"
    assert first["date_basis"] == "unknown"


def test_the_same_text_is_stored_once(client: FlaskClient) -> None:
    created = client.post("/v1/documents", json={"text": STOLTENBERG_TEXT, "published_at": "2022-04-01"})
    again = client.post("/v1/documents", json={"text": STOLTENBERG_TEXT + "  ", "published_at": "2022-04-01"})
    assert (created.status_code, again.status_code) == (201, 200)
    assert created.get_json()["id"] == again.get_json()["id"]
    assert [s["id"] for s in created.get_json()["statements"]] == [s["id"] for s in again.get_json()["statements"]]
    with client.application.app_context():
        assert runtime().store.count_rows()["documents"] == 1


def test_a_documents_identity_is_its_text_and_url(client: FlaskClient) -> None:
    def post(url: str | None) -> tuple[int, int]:
        response = client.post("/v1/documents", json={"text": STOLTENBERG_TEXT, "url": url})
        return response.status_code, response.get_json()["id"]

    first, same, other_site, no_url = post("https://a.example/s"), post("https://a.example/s"), post(
        "https://b.example/s"), post(None)
    assert (first[0], same[0], other_site[0], no_url[0]) == (201, 200, 201, 201)
    assert first[1] == same[1] and len({first[1], other_site[1], no_url[1]}) == 3


def test_a_stored_document_comes_back_with_its_statements(client: FlaskClient) -> None:
    created = client.post("/v1/documents", json={"text": STOLTENBERG_TEXT, "title": "NATO", "publisher": "EFE"})
    document = client.get(f"/v1/documents/{created.get_json()['id']}").get_json()
    assert document["text"] == STOLTENBERG_TEXT
    assert document["publisher"] == "EFE"
    assert len(document["statements"]) == len(created.get_json()["statements"]) >= 1


def test_seed_statements_carry_speakers_affiliations_and_dates(seeded: FlaskClient) -> None:
    statements = _statements(seeded)
    stoltenberg = _find(statements, "Jens Stoltenberg", "repeatedly lied")
    assert (stoltenberg["speaker"]["affiliation"], stoltenberg["date"]) == ("NATO", "2022-03-31")
    konashenkov = _find(statements, "Igor Konashenkov", "ease the offensive")
    assert (konashenkov["speaker"]["affiliation"], konashenkov["date"]) == ("Russian Defence Ministry", "2022-03-30")
    maliar_dates = {s["date"] for s in statements if s["speaker"]["name"] == "Hanna Maliar"}
    assert {"2022-03-31", "2022-04-01"} <= maliar_dates


def test_one_speaker_across_documents(seeded: FlaskClient) -> None:
    speakers = seeded.get("/v1/speakers?q=Stoltenberg").get_json()["items"]
    assert [s["name"] for s in speakers] == ["Jens Stoltenberg"]
    by_speaker = seeded.get(f"/v1/statements?speaker_id={speakers[0]['id']}&limit=500").get_json()
    assert len({s["document_id"] for s in by_speaker["items"]}) >= 3


def test_statement_filters_by_date_and_text(seeded: FlaskClient) -> None:
    page = seeded.get("/v1/statements?since=2022-03-31&until=2022-03-31&q=repositioning&limit=50").get_json()
    assert page["items"]
    assert all(s["date"] == "2022-03-31" and "repositioning" in s["claim"].lower() for s in page["items"])


def test_pagination_reports_total_limit_offset(seeded: FlaskClient) -> None:
    first = seeded.get("/v1/statements?limit=5&offset=0").get_json()
    second = seeded.get("/v1/statements?limit=5&offset=5").get_json()
    assert (first["limit"], first["offset"], second["offset"]) == (5, 0, 5)
    assert first["total"] == second["total"] > 10
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}


def test_contradiction_clusters_have_two_sides_and_a_dated_timeline(seeded: FlaskClient) -> None:
    page = seeded.get("/v1/clusters?kind=contradiction&limit=50").get_json()
    assert page["total"] >= 1
    for cluster in page["items"]:
        full = seeded.get(f"/v1/clusters/{cluster['id']}").get_json()
        assert full["kind"] == "contradiction" and len(full["sides"]) >= 2
        side_ids = [{s["id"] for s in side["statements"]} for side in full["sides"]]
        assert all(not a & b for i, a in enumerate(side_ids) for b in side_ids[i + 1:])
        dates = [dt.date.fromisoformat(e["date"]) for e in full["timeline"] if e["date"]]
        assert dates == sorted(dates)
        assert {e["statement_id"] for e in full["timeline"]} == set().union(*side_ids)


def test_classify_answers_in_order_with_probabilities_summing_to_one(client: FlaskClient) -> None:
    pairs = [
        {"claim": "Russia is withdrawing its troops from Kyiv.", "other": "Russia is not withdrawing its troops."},
        {"claim": "The Kremlin denied the report.", "other": "Paris hosted a cooking festival in May."},
    ]
    results = client.post("/v1/relations/classify", json={"pairs": pairs}).get_json()["results"]
    assert len(results) == 2
    for result in results:
        assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-6)
        assert result["label"] == max(result["probabilities"], key=result["probabilities"].get)
    assert results[1]["label"] == "unrelated"


def test_two_claims_relate_the_same_in_either_order_but_a_passage_is_evidence_about_the_claim(
        client: FlaskClient) -> None:
    claim, other = "Russian units are repositioning, not withdrawing.", "Russia is pulling its troops back from Kyiv."
    passage = " ".join([other] + ["Moscow said the move would build trust for the talks in Istanbul."] * 8)
    pairs = [{"claim": claim, "other": other}, {"claim": other, "other": claim},
             {"claim": claim, "other": passage}, {"claim": passage, "other": claim}]
    results = client.post("/v1/relations/classify", json={"pairs": pairs}).get_json()["results"]
    assert results[0]["probabilities"] == pytest.approx(results[1]["probabilities"], abs=1e-6)
    # (claim, passage) is read one way only; (passage, claim) has a claim-sized `other`, so it is the mean of both
    assert results[2]["probabilities"] != pytest.approx(results[3]["probabilities"], abs=1e-3)


def test_match_finds_the_nato_repositioning_statement(seeded: FlaskClient) -> None:
    body = seeded.post("/v1/claims/match", json={"text": "Russian units are repositioning, not withdrawing",
                                                  "top_k": 3}).get_json()
    assert len(body["matches"]) == 3
    best = body["matches"][0]
    assert "reposition" in best["claim"].lower()
    assert best["speaker"]["affiliation"] == "NATO"
    assert best["claim_review"] is None and best["claim_review_id"] is None
    scores = [m["score"] for m in body["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_statement_claimreview_is_schema_org_claim(seeded: FlaskClient) -> None:
    statement = _statements(seeded)[0]
    claim = seeded.get(f"/v1/statements/{statement['id']}/claimreview").get_json()
    assert (claim["@context"], claim["@type"]) == ("https://schema.org", "Claim")
    assert claim["text"] == statement["claim"]
    assert claim["author"]["name"] == statement["speaker"]["name"]
    assert claim["appearance"]["@type"] == "NewsArticle"
