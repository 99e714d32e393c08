"""Rate limit per caller (429 with Retry-After), reads keyed by a setting, and size limits taken from settings."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask


def test_a_caller_over_the_limit_gets_429_with_retry_after(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit="3 per minute").test_client()
    answers = [client.get("/v1/statements") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.get_json()["code"] == 429 and refused.get_json()["status"] == "Too Many Requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/v1/health").status_code == 200  # probes are not counted


def test_each_api_key_has_its_own_budget(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit="2 per minute", api_keys=("alice", "bob")).test_client()
    alice, bob = {"Authorization": "Bearer alice"}, {"Authorization": "Bearer bob"}
    assert [client.get("/v1/speakers", headers=alice).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/v1/speakers", headers=bob).status_code == 200


def test_reads_need_a_key_when_the_setting_says_so(make_app: Callable[..., Flask]) -> None:
    client = make_app(api_keys=("alice",), reads_need_key=True).test_client()
    assert client.get("/v1/statements").status_code == 401
    assert client.get("/v1/statements", headers={"Authorization": "Bearer alice"}).status_code == 200
    assert client.get("/v1/health").status_code == 200
    open_client = make_app(api_keys=("alice",)).test_client()
    assert open_client.get("/v1/statements").status_code == 200


def test_size_limits_come_from_the_settings(make_app: Callable[..., Flask]) -> None:
    client = make_app(max_text_chars=40, list_limit_max=5, max_fact_checks_per_request=2).test_client()
    long_text = client.post("/v1/extract", json={"text": "Stoltenberg said the troops were repositioning."})
    assert long_text.status_code == 422
    assert long_text.get_json()["errors"]["json"]["text"] == ["Must be at most 40 characters."]
    assert client.post("/v1/extract", json={"text": "Stoltenberg said it."}).status_code == 200
    assert client.get("/v1/statements?limit=6").status_code == 422
    assert client.get("/v1/statements?limit=5").status_code == 200
    reviews = [{"@type": "ClaimReview", "claimReviewed": f"claim {n}", "url": f"https://f.example/{n}"}
               for n in range(3)]
    too_many = client.post("/v1/claimreviews", json={"claim_reviews": reviews})
    assert too_many.status_code == 422
    assert too_many.get_json()["errors"]["json"]["claim_reviews"] == ["Must be at most 2 items."]
    larger = make_app(max_text_chars=300_000).test_client()
    padded = "Stoltenberg said it." + " " * 250_000  # over the default limit, and quick to parse
    assert larger.post("/v1/extract", json={"text": padded}).status_code == 200
