"""The Python client against a live claimlens over real HTTP."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from service.client import ApiError, Client, verify_signature
from tests.api.conftest import serve

TEXT = ("NATO Secretary General Jens Stoltenberg said on Thursday that Russian units are not withdrawing, "
        "but repositioning.")


@pytest.fixture
def api(make_app: Callable[..., Flask]) -> Iterator[Client]:
    for url in serve(make_app(api_keys=("secret-key",))):
        yield Client(url, api_key="secret-key")


def test_the_client_ingests_reads_matches_and_waits_for_jobs(api: Client) -> None:
    stored = api.ingest_document(TEXT, published_at="2022-04-01", title="NATO")
    (statement,) = stored["statements"]
    assert statement["speaker"]["name"] == "Jens Stoltenberg" and statement["date"] == "2022-03-31"
    assert api.statements(q="repositioning")["total"] == 1
    assert api.match("Russian troops are repositioning, not leaving", top_k=1)["matches"][0]["statement_id"] == \
        statement["id"]
    job = api.submit_job([{"text": "The Kremlin said on Monday that the drills were over.",
                           "published_at": "2022-02-15"}])
    report = api.wait_for_job(job["id"], timeout=120, poll=0.2)
    assert report["counts"] == {"done": 1, "failed": 0, "pending": 0}
    assert api.clusters(kind="contradiction")["total"] >= 0


def test_errors_come_back_as_api_errors_with_the_contract(api: Client) -> None:
    with pytest.raises(ApiError) as missing:
        api.cluster(987654)
    assert missing.value.status == 404 and missing.value.body["code"] == 404
    with pytest.raises(ApiError) as unauthorised:
        Client(api.base_url).ingest_document(TEXT)
    assert unauthorised.value.status == 401


def test_a_webhook_signature_checks_out_only_with_the_secret_and_in_time() -> None:
    import hashlib
    import hmac

    body = b'{"event": "job.finished", "data": {"id": 1}}'
    now = int(time.time())
    header = f"t={now},v1={hmac.new(b'hook-secret', f'{now}.'.encode() + body, hashlib.sha256).hexdigest()}"
    assert verify_signature("hook-secret", header, body)
    assert not verify_signature("other-secret", header, body)
    assert not verify_signature("hook-secret", header, body + b" ")
    stale = now - 3600
    old = f"t={stale},v1={hmac.new(b'hook-secret', f'{stale}.'.encode() + body, hashlib.sha256).hexdigest()}"
    assert not verify_signature("hook-secret", old, body)
