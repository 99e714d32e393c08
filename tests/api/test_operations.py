"""Operations: JSON request logs without article text, readiness when the database is gone."""
from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from service import create_app
from service.logs import JsonFormatter
from service.queue import InProcessQueue
from service.runtime import Models, Runtime
from service.settings import Settings
from service.storage.sql import SqlClaimStore, create_engine
from service.storage.vector_index import VectorIndex

ARTICLE = ("Defence Minister Ilse Quarantotto said on Monday that the harbour of Vellmar would be closed to "
           "all shipping until the inquiry ends.")


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Capture what the service logs, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_every_request_is_one_json_line_and_no_article_text_is_logged(
        make_app: Callable[..., Flask], log_stream: io.StringIO) -> None:
    client = make_app().test_client()
    assert client.post("/v1/documents", json={"text": ARTICLE, "published_at": "2022-04-01"}).status_code == 201
    assert client.post("/v1/documents", json={"text": ARTICLE, "published_at": "yesterday"}).status_code == 422
    assert client.post("/v1/claims/match", json={"text": ARTICLE}, headers={"X-Request-Id": "r-42"}).status_code == 200
    assert client.post("/v1/extract", data=ARTICLE.encode() + b"\xff", content_type="application/json"
                       ).status_code == 400

    records = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    requests = [r for r in records if r["logger"] == "service.access"]
    assert [(r["method"], r["route"], r["status"]) for r in requests] == [
        ("POST", "/v1/documents", 201), ("POST", "/v1/documents", 422), ("POST", "/v1/claims/match", 200),
        ("POST", "/v1/extract", 400)]
    assert all(r["request_id"] and r["duration_ms"] >= 0 and r["worker"] > 0 for r in requests)
    assert requests[2]["request_id"] == "r-42"
    logged = log_stream.getvalue()
    assert "Quarantotto" not in logged and "Vellmar" not in logged and "harbour" not in logged


def test_ready_answers_503_when_the_database_is_unreachable(models: Models) -> None:
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/test")
    unreachable = SqlClaimStore(create_engine(settings.database_url))
    runtime = Runtime(settings, models, unreachable, VectorIndex(), VectorIndex(), VectorIndex(), InProcessQueue())
    client = create_app(runtime=runtime).test_client()

    for path in ("/v1/ready", "/v1/health"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.get_json()["code"] == 503
        assert response.headers["Retry-After"]
