"""Bulk ingest jobs: in the serving process by default, through a real Redis queue (RQ) with a worker."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.api.context import runtime
from service.queue import QUEUE_NAME, RedisQueue

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of its own, emptied around each test
DOCUMENTS = [
    {"text": "NATO Secretary General Jens Stoltenberg said on Thursday that Russian units are not withdrawing, "
             "but repositioning.", "published_at": "2022-04-01", "title": "NATO"},
    {"text": "The Russian Defence Ministry said on Tuesday that Russia will drastically reduce its military "
             "activity near Kyiv and Chernihiv.", "published_at": "2022-03-30"},
]


def _wait_until_finished(client: FlaskClient, location: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report = client.get(location).get_json()
        if report["status"] == "finished":
            return report
        time.sleep(0.2)
    raise AssertionError(f"job not finished: {report}")


def test_a_job_is_accepted_then_ingested_in_the_background(client: FlaskClient) -> None:
    answer = client.post("/v1/jobs", json={"documents": [*DOCUMENTS, DOCUMENTS[0]]})
    assert answer.status_code == 202
    assert answer.get_json()["status"] in {"queued", "running", "finished"}
    location = answer.headers["Location"]
    assert location == f"/v1/jobs/{answer.get_json()['id']}"
    report = _wait_until_finished(client, location)
    assert report["counts"] == {"done": 3, "failed": 0, "pending": 0} and report["errors"] == []
    first, second, again = report["document_ids"]
    assert first == again != second  # the same text twice is one document, as with POST /v1/documents
    assert client.get("/v1/documents").get_json()["total"] == 2
    assert client.get(f"/v1/documents/{first}").get_json()["title"] == "NATO"


def test_a_bad_job_is_refused_whole(client: FlaskClient) -> None:
    assert client.post("/v1/jobs", json={"documents": []}).status_code == 422
    bad = client.post("/v1/jobs", json={"documents": [DOCUMENTS[0], {"text": "  "}]})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]["json"]["documents"]) == {"1"}
    assert client.get("/v1/jobs/999").status_code == 404
    assert client.get("/v1/documents").get_json()["total"] == 0


@pytest.fixture
def redis_app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """An app whose jobs go to a real Redis queue (no worker runs until a test starts one)."""
    from redis import Redis

    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield make_app(queue_url=REDIS_URL)
    connection.flushdb()


def _drain(app: Flask) -> None:
    """Run a queue worker in this process until the queue is empty, with the app's runtime."""
    from rq import Queue, SimpleWorker

    from service.worker import use_runtime

    with app.app_context():
        queue = runtime().queue
        assert isinstance(queue, RedisQueue)
        use_runtime(runtime())
    SimpleWorker([Queue(QUEUE_NAME, connection=queue.connection)], connection=queue.connection).work(burst=True)


def test_a_job_waits_in_redis_for_a_worker_and_a_retried_chunk_stores_nothing_twice(redis_app: Flask) -> None:
    client = redis_app.test_client()
    answer = client.post("/v1/jobs", json={"documents": DOCUMENTS})
    assert answer.status_code == 202
    location = answer.headers["Location"]
    assert client.get(location).get_json()["counts"] == {"done": 0, "failed": 0, "pending": 2}
    _drain(redis_app)
    report = client.get(location).get_json()
    assert (report["status"], report["counts"]) == ("finished", {"done": 2, "failed": 0, "pending": 0})
    with redis_app.app_context():  # a worker killed after storing the documents: the queue runs the chunk again
        runtime().queue.enqueue(report["id"], [0, 1])
    _drain(redis_app)
    assert client.get(location).get_json() == report
    assert client.get("/v1/documents").get_json()["total"] == 2


def test_work_lost_from_the_queue_is_queued_again_when_a_worker_starts(redis_app: Flask) -> None:
    from redis import Redis

    from service.usecases.jobs import requeue_pending

    client = redis_app.test_client()
    location = client.post("/v1/jobs", json={"documents": DOCUMENTS}).headers["Location"]
    Redis.from_url(REDIS_URL).flushdb()  # the tasks are gone, as with a worker killed while holding them
    _drain(redis_app)
    assert client.get(location).get_json()["counts"]["pending"] == 2
    with redis_app.app_context():
        assert requeue_pending(runtime()) == 2
    _drain(redis_app)
    report = client.get(location).get_json()
    assert (report["status"], report["counts"]["done"]) == ("finished", 2)
    assert client.get("/v1/documents").get_json()["total"] == 2
