"""Idempotency-Key on POST: retries replay the first answer; reuse for another request is refused."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from service.api.context import runtime

TEXT = "NATO Secretary General Jens Stoltenberg said on Thursday that Russian units are repositioning."


def _count(client: FlaskClient) -> dict[str, int]:
    with client.application.app_context():
        return runtime().store.count_rows()


def test_a_retry_gets_the_first_answer_and_stores_nothing_more(client: FlaskClient) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = client.post("/v1/documents", json={"text": TEXT, "published_at": "2022-04-01"}, headers=headers)
    after_first = _count(client)
    again = client.post("/v1/documents", json={"text": TEXT, "published_at": "2022-04-01"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert _count(client) == after_first


def test_the_same_key_for_another_request_is_refused(client: FlaskClient) -> None:
    headers = {"Idempotency-Key": "reuse"}
    assert client.post("/v1/extract", json={"text": TEXT}, headers=headers).status_code == 200
    other = client.post("/v1/extract", json={"text": TEXT + " Really."}, headers=headers)
    assert other.status_code == 422 and "different request" in other.get_json()["message"]


def test_a_retry_while_the_first_runs_is_a_conflict(client: FlaskClient) -> None:
    import hashlib

    body = b'{"text": "x said y"}'
    fingerprint = hashlib.sha256(b"\n".join([b"POST", b"/v1/extract?", body])).hexdigest()
    with client.application.app_context():
        runtime().store.begin_idempotent("anonymous", "slow", fingerprint, dt.timedelta(hours=1))
    response = client.post("/v1/extract", data=body, content_type="application/json",
                           headers={"Idempotency-Key": "slow"})
    assert response.status_code == 409 and response.get_json()["code"] == 409


def test_keys_are_per_caller_and_must_be_printable(make_app: Callable[..., Flask]) -> None:
    client = make_app(api_keys=("alice", "bob")).test_client()
    alice = {"Authorization": "Bearer alice", "Idempotency-Key": "k1"}
    bob = {"Authorization": "Bearer bob", "Idempotency-Key": "k1"}
    assert client.post("/v1/extract", json={"text": TEXT}, headers=alice).status_code == 200
    assert client.post("/v1/extract", json={"text": "Bob said so."}, headers=bob).status_code == 200
    bad = client.post("/v1/extract", json={"text": TEXT}, headers={**alice, "Idempotency-Key": "has space"})
    assert bad.status_code == 422 and "Idempotency-Key" in str(bad.get_json()["errors"])


def test_failed_validation_is_replayed_too(client: FlaskClient) -> None:
    headers = {"Idempotency-Key": "invalid-body"}
    first = client.post("/v1/documents", json={"text": ""}, headers=headers)
    again = client.post("/v1/documents", json={"text": ""}, headers=headers)
    assert first.status_code == again.status_code == 422
    assert again.headers.get("Idempotent-Replayed") == "true"
