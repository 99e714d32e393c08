"""Webhooks: a receiver on loopback gets signed events, a failed delivery is retried, every attempt is recorded."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.client import verify_signature
from service.settings import Settings
from service.usecases.webhooks import emit_many

SECRET = "receiver-secret"
TEXT = "The Kremlin said on Monday that the drills near the Ukrainian border were over."


@dataclass
class Receiver:
    """An HTTP endpoint that answers 500 to its first `failures` requests, then 200, and keeps what it got."""

    failures: int = 0
    fail_every: int = 0  # also answer 500 to every n-th request
    received: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    url: str = ""

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                count = len(receiver.received)
                failing = count < receiver.failures or (receiver.fail_every and count % receiver.fail_every == 0)
                status = 500 if failing else 200
                receiver.received.append((dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(failures=1)
    server = ThreadingHTTPServer(("127.0.0.1", 0), found.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_port}/hooks"
    yield found
    server.shutdown()
    thread.join()


@pytest.fixture
def hooked(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app(webhook_retry_base_s=0.05).test_client()


def _wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _finished_job(client: FlaskClient, text: str) -> int:
    answer = client.post("/v1/jobs", json={"documents": [{"text": text, "published_at": "2022-02-15"}]})
    job_id = answer.get_json()["id"]
    _wait_for(lambda: client.get(f"/v1/jobs/{job_id}").get_json()["status"] == "finished")
    return job_id


def test_a_finished_job_is_posted_signed_and_retried_after_a_500(hooked: FlaskClient, receiver: Receiver) -> None:
    created = hooked.post("/v1/webhooks", json={"url": receiver.url, "events": ["job.finished"], "secret": SECRET})
    assert created.status_code == 201
    webhook = created.get_json()
    assert webhook["events"] == ["job.finished"] and "secret" not in webhook
    job_id = _finished_job(hooked, TEXT)
    _wait_for(lambda: len(receiver.received) == 2)
    (_, first_body, first_status), (headers, body, status) = receiver.received
    assert (first_status, status) == (500, 200) and first_body != b""
    assert verify_signature(SECRET, headers["X-Claimlens-Signature"], body)
    assert not verify_signature("not-the-secret", headers["X-Claimlens-Signature"], body)
    event = json.loads(body)
    assert event["event"] == "job.finished" and event["delivered_at"]
    assert event["data"] == {"id": job_id, "status": "finished", "counts": {"done": 1, "failed": 0, "pending": 0}}
    assert len(hooked.get(f"/v1/webhooks/{webhook['id']}/deliveries").get_json()["items"]) == 1
    _wait_for(lambda: hooked.get(f"/v1/webhooks/{webhook['id']}/deliveries").get_json()["items"][0]["status"]
              == "delivered")
    delivery = hooked.get(f"/v1/webhooks/{webhook['id']}/deliveries").get_json()["items"][0]
    assert (delivery["event"], delivery["attempts"], delivery["last_status"]) == ("job.finished", 2, 200)


def test_events_reach_a_receiver_in_the_order_they_happened(hooked: FlaskClient, receiver: Receiver) -> None:
    receiver.failures = 0
    hooked.post("/v1/webhooks", json={"url": receiver.url, "events": ["job.finished"], "secret": SECRET})
    jobs = [_finished_job(hooked, f"{TEXT} Report {n}.") for n in range(3)]
    _wait_for(lambda: len(receiver.received) == 3)
    assert [json.loads(body)["data"]["id"] for _, body, _ in receiver.received] == jobs


def test_a_bad_webhook_is_refused_and_an_unknown_one_is_404(hooked: FlaskClient) -> None:
    for body in ({"url": "ftp://example.org/x", "events": ["job.finished"], "secret": SECRET},
                 {"url": "https://example.org/x", "events": ["job.started"], "secret": SECRET},
                 {"url": "https://example.org/x", "events": [], "secret": SECRET},
                 {"url": "https://example.org/x", "events": ["job.finished"], "secret": "short"}):
        assert hooked.post("/v1/webhooks", json=body).status_code == 422, body
    assert hooked.get("/v1/webhooks/4242/deliveries").status_code == 404


def test_a_thousand_events_all_arrive_signed_even_with_failures(hooked: FlaskClient, receiver: Receiver) -> None:
    receiver.failures, receiver.fail_every = 0, 10
    created = hooked.post("/v1/webhooks", json={"url": receiver.url, "events": ["cluster.changed"], "secret": SECRET})
    runtime = hooked.application.extensions["claimlens"]
    emit_many(runtime, [("cluster.changed", {"id": n}) for n in range(1000)])

    def delivered() -> set[int]:
        return {json.loads(body)["data"]["id"] for _, body, status in receiver.received if status == 200}

    _wait_for(lambda: len(delivered()) == 1000, seconds=300)
    assert sum(status == 500 for _, _, status in receiver.received) >= 100
    assert all(verify_signature(SECRET, headers["X-Claimlens-Signature"], body)
               for headers, body, _ in receiver.received)
    twice = [n for n, count in Counter(json.loads(body)["data"]["id"] for _, body, status in receiver.received
                                       if status == 200).items() if count > 1]
    assert twice == []
    hook_id = created.get_json()["id"]

    def states() -> Counter[str]:
        pages = [hooked.get(f"/v1/webhooks/{hook_id}/deliveries?limit=100&offset={offset}").get_json()
                 for offset in range(0, 1000, 100)]
        assert {page["total"] for page in pages} == {1000}
        return Counter(item["status"] for page in pages for item in page["items"])

    _wait_for(lambda: states() == {"delivered": 1000})


def test_importing_a_fact_check_of_a_stored_claim_is_announced(hooked: FlaskClient, receiver: Receiver) -> None:
    receiver.failures = 0
    stored = hooked.post("/v1/statements", json={"statements": [
        {"claim": "The Brennick plant never stopped working this week.", "speaker": {"name": "Tomas Reyes"}},
        {"claim": "Bananas are rich in potassium.", "speaker": {"name": "A grocer"}}]}).get_json()["items"]
    hooked.post("/v1/webhooks", json={"url": receiver.url, "events": ["claim_review.matched"], "secret": SECRET})
    review = {"@type": "ClaimReview", "url": "https://checks.example.org/brennick",
              "claimReviewed": "The Brennick plant never stopped working this week.",
              "reviewRating": {"@type": "Rating", "alternateName": "False"}}
    imported = hooked.post("/v1/claimreviews", json=review).get_json()
    _wait_for(lambda: len(receiver.received) == 1)
    event = json.loads(receiver.received[0][1])
    assert event["event"] == "claim_review.matched"
    assert event["data"] == {"statement_id": stored[0]["id"], "claim_review_ids": imported["ids"]}


def test_webhooks_go_only_to_the_allowed_hosts_when_a_list_is_set(make_app: Callable[..., Flask]) -> None:
    client = make_app(webhook_allowed_hosts=("hooks.example.org", ".newsroom.example")).test_client()

    def register(url: str) -> int:
        return client.post("/v1/webhooks", json={"url": url, "events": ["job.finished"], "secret": SECRET}).status_code

    assert register("https://hooks.example.org/claimlens") == 201
    assert register("https://alerts.newsroom.example/in") == 201
    refused = client.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/x", "events": ["job.finished"],
                                                "secret": SECRET})
    assert refused.status_code == 422 and "url" in refused.get_json()["errors"]
    assert register("https://evilnewsroom.example/in") == 422
    assert Settings.from_env({"CLAIMLENS_WEBHOOK_ALLOWED_HOSTS": "a.example,.b.example"}).webhook_allowed_hosts == (
        "a.example", ".b.example")
