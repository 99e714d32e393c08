"""What a client tool sees at the edges: non-JSON bodies, the size limit, Retry-After, the security scheme."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient


def test_a_body_that_is_not_json_is_415_and_stores_nothing(client: FlaskClient) -> None:
    answer = client.post("/v1/documents", data="text=Stoltenberg said it.", content_type="text/plain")
    assert answer.status_code == 415
    body = answer.get_json()
    assert (body["code"], body["status"]) == (415, "Unsupported Media Type") and "application/json" in body["message"]
    assert client.post("/v1/documents", data="text=x").status_code == 415  # a form post
    assert client.get("/v1/documents").get_json()["total"] == 0
    review = {"@type": "ClaimReview", "url": "https://f.example/1", "claimReviewed": "The moon is made of cheese."}
    assert client.post("/v1/claimreviews", json=review, content_type="application/ld+json").status_code == 201


def test_the_413_answer_names_the_limit(client: FlaskClient) -> None:
    answer = client.post("/v1/documents", json={"text": "x" * 2_200_000})
    assert answer.status_code == 413
    assert "2,097,152 bytes" in answer.get_json()["message"]


def test_retry_after_comes_only_with_429_and_503(client: FlaskClient) -> None:
    for answer in (client.get("/v1/statements"), client.post("/v1/extract", json={"text": "He said it."}),
                   client.get("/v1/statements/12345")):
        assert "Retry-After" not in answer.headers, answer.status_code


def test_the_openapi_document_declares_the_bearer_scheme(client: FlaskClient) -> None:
    spec = client.get("/v1/openapi.json").get_json()
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert {"bearerAuth": []} in spec["security"]


def test_a_job_body_has_its_own_larger_limit(make_app: Callable[..., Flask]) -> None:
    client = make_app(max_request_bytes=4_000, max_job_request_bytes=20_000).test_client()
    document = {"text": "Stoltenberg said the alliance would not send troops. " * 100}  # 5,300 characters
    refused = client.post("/v1/documents", json=document)
    assert refused.status_code == 413 and "4,000 bytes" in refused.get_json()["message"]
    answer = client.post("/v1/jobs", json={"documents": [document, document | {"text": document["text"] + " Yes."}]})
    assert answer.status_code == 202
    too_large = client.post("/v1/jobs", json={"documents": [document] * 4})
    assert too_large.status_code == 413 and "20,000 bytes" in too_large.get_json()["message"]
    assert client.get(answer.headers["Location"]).get_json()["counts"]["failed"] == 0
