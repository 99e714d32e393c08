"""Bad input gets the contract's JSON error with the right status, and leaves the store unchanged."""
from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.api.context import runtime

VALID = "NATO Secretary General Jens Stoltenberg said on Thursday that Russian units are repositioning."

# (name, method, path, body (dict → JSON, str → raw bytes), expected status, field the error must name or None)
CASES: list[tuple[str, str, str, Any, int, str | None]] = [
    ("malformed json", "POST", "/v1/documents", '{"text": "unterminated', 400, None),
    ("deeply nested json", "POST", "/v1/documents", "[" * 100_000 + "]" * 100_000, 400, "json"),
    ("deeply nested inside a claimreview", "POST", "/v1/claimreviews",
     '{"claim_reviews": ' + "[" * 50_000 + "]" * 50_000 + "}", 400, "json"),
    ("lone surrogate in text", "POST", "/v1/documents", '{"text": "\\ud800 said so"}', 422, "text"),
    ("lone surrogate in a claimreview", "POST", "/v1/claimreviews",
     '{"url": "https://a.org/s", "claimReviewed": "\\udfff"}', 422, "claimReviewed"),
    ("10 MB body", "POST", "/v1/relations/classify", '{"pairs": "' + "a" * 10_000_000 + '"}', 413, None),
    ("10,000 pairs", "POST", "/v1/relations/classify",
     {"pairs": [{"claim": "a", "other": "b"}] * 10_000}, 422, "pairs"),
    ("json array instead of object", "POST", "/v1/documents", "[1, 2]", 422, None),
    ("missing text", "POST", "/v1/documents", {}, 422, "text"),
    ("text of wrong type", "POST", "/v1/documents", {"text": 42}, 422, "text"),
    ("unknown field", "POST", "/v1/documents", {"text": VALID, "colour": "red"}, 422, "colour"),
    ("empty text", "POST", "/v1/documents", {"text": ""}, 422, "text"),
    ("whitespace text", "POST", "/v1/documents", {"text": " \n\t "}, 422, "text"),
    ("text with NUL", "POST", "/v1/documents", {"text": "a\x00b said so"}, 422, "text"),
    ("text over 200,000 characters", "POST", "/v1/documents", {"text": "word " * 210_000}, 422, "text"),
    ("body over the request limit", "POST", "/v1/documents", {"text": "x" * 2_200_000}, 413, None),
    ("impossible date", "POST", "/v1/documents", {"text": VALID, "published_at": "2022-02-30"}, 422, "published_at"),
    ("date of wrong format", "POST", "/v1/documents", {"text": VALID, "published_at": "31/03/2022"}, 422,
     "published_at"),
    ("url that is not a url", "POST", "/v1/documents", {"text": VALID, "url": "not a url"}, 422, "url"),
    ("extract without text", "POST", "/v1/extract", {"published_at": "2022-03-31"}, 422, "text"),
    ("no pairs", "POST", "/v1/relations/classify", {"pairs": []}, 422, "pairs"),
    ("too many pairs", "POST", "/v1/relations/classify", {"pairs": [{"claim": "a", "other": "b"}] * 257}, 422,
     "pairs"),
    ("pair missing other", "POST", "/v1/relations/classify", {"pairs": [{"claim": "a"}]}, 422, "pairs"),
    ("passage too long", "POST", "/v1/relations/classify", {"pairs": [{"claim": "a", "other": "b" * 10_001}]}, 422,
     "pairs"),
    ("top_k of zero", "POST", "/v1/claims/match", {"text": VALID, "top_k": 0}, 422, "top_k"),
    ("top_k as text", "POST", "/v1/claims/match", {"text": VALID, "top_k": "ten"}, 422, "top_k"),
    ("claimreview of wrong shape", "POST", "/v1/claimreviews", "[1, 2]", 422, None),
    ("empty claimreview body", "POST", "/v1/claimreviews", {}, 422, None),
    ("claim_reviews not a list", "POST", "/v1/claimreviews", {"claim_reviews": "many"}, 422, "claim_reviews"),
    ("no claim_reviews", "POST", "/v1/claimreviews", {"claim_reviews": []}, 422, "claim_reviews"),
    ("over 1,000 claim_reviews", "POST", "/v1/claimreviews",
     {"claim_reviews": [{"url": "https://a.org/x", "claimReviewed": "x"}] * 1_001}, 422, "claim_reviews"),
    ("claimreview without url", "POST", "/v1/claimreviews", {"claimReviewed": "The moon is cheese."}, 422, "url"),
    ("claimreview url not http", "POST", "/v1/claimreviews",
     {"url": "javascript:alert(1)", "claimReviewed": "x"}, 422, "url"),
    ("claimreview of another type", "POST", "/v1/claimreviews",
     {"@type": "Recipe", "url": "https://a.org/r", "claimReviewed": "x"}, 422, "@type"),
    ("claimreview with impossible date", "POST", "/v1/claimreviews",
     {"url": "https://a.org/d", "claimReviewed": "x", "datePublished": "2020-02-31"}, 422, "datePublished"),
    ("claimreview claim not text", "POST", "/v1/claimreviews", {"url": "https://a.org/n", "claimReviewed": 7},
     422, "claimReviewed"),
    ("one bad claimreview in a batch", "POST", "/v1/claimreviews", {"claim_reviews": [
        {"url": "https://a.org/ok", "claimReviewed": "fine"}, {"url": "https://a.org/bad"}]}, 422, "claimReviewed"),
    ("search without query or site", "GET", "/v1/claims:search", None, 422, "query"),
    ("search page size zero", "GET", "/v1/claims:search?query=moon&pageSize=0", None, 422, "pageSize"),
    ("search with a forged page token", "GET", "/v1/claims:search?query=moon&pageToken=zzzz", None, 422,
     "pageToken"),
    ("search with max age zero", "GET", "/v1/claims:search?query=moon&maxAgeDays=0", None, 422, "maxAgeDays"),
    ("unknown statement", "GET", "/v1/statements/987654", None, 404, None),
    ("statement id beyond integer range", "GET", "/v1/statements/99999999999999999999", None, 404, None),
    ("unknown document", "GET", "/v1/documents/5", None, 404, None),
    ("unknown speaker", "GET", "/v1/speakers/5", None, 404, None),
    ("unknown cluster", "GET", "/v1/clusters/5", None, 404, None),
    ("unknown cluster claims", "GET", "/v1/clusters/5/claims", None, 404, None),
    ("unknown statement claimreview", "GET", "/v1/statements/5/claimreview", None, 404, None),
    ("limit of zero", "GET", "/v1/statements?limit=0", None, 422, "limit"),
    ("negative limit", "GET", "/v1/statements?limit=-1", None, 422, "limit"),
    ("limit above the maximum", "GET", "/v1/clusters?limit=100000", None, 422, "limit"),
    ("limit as text", "GET", "/v1/speakers?limit=ten", None, 422, "limit"),
    ("negative offset", "GET", "/v1/statements?offset=-5", None, 422, "offset"),
    ("impossible since", "GET", "/v1/statements?since=2022-13-01", None, 422, "since"),
    ("since after until", "GET", "/v1/statements?since=2022-04-02&until=2022-04-01", None, 422, "since"),
    ("unknown cluster kind", "GET", "/v1/clusters?kind=rumour", None, 422, "kind"),
    ("unknown path", "GET", "/v1/nothing-here", None, 404, None),
    ("invalid utf-8", "POST", "/v1/documents", b'{"text": "caf\xe9 said so"}', 400, None),
    ("limit beyond any integer", "GET", "/v1/statements?limit=99999999999999999999", None, 422, "limit"),
    ("wrong method", "DELETE", "/v1/statements", None, 405, None),
]


def _send(client: FlaskClient, method: str, path: str, body: Any):
    if body is None:
        return client.open(path, method=method)
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.open(path, method=method, data=data, content_type="application/json")


@pytest.mark.parametrize(("name", "method", "path", "body", "status", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_a_clear_json_error_and_stores_nothing(
    client: FlaskClient, name: str, method: str, path: str, body: Any, status: int, field: str | None,
) -> None:
    with client.application.app_context():
        before = runtime().store.count_rows()
    response = _send(client, method, path, body)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    error = response.get_json()
    assert error["code"] == status
    assert error["status"] and error["message"]
    assert isinstance(error["errors"], dict)
    if field is not None:
        assert field in json.dumps(error["errors"])
    with client.application.app_context():
        assert runtime().store.count_rows() == before


def test_writes_need_a_key_when_keys_are_configured(make_app) -> None:
    client = make_app(api_keys=("s3cret",)).test_client()
    missing = client.post("/v1/extract", json={"text": VALID})
    wrong = client.post("/v1/extract", json={"text": VALID}, headers={"Authorization": "Bearer nope"})
    right = client.post("/v1/extract", json={"text": VALID}, headers={"Authorization": "Bearer s3cret"})
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert missing.get_json()["code"] == 401
    assert client.get("/v1/statements").status_code == 200


def test_sql_and_html_in_text_are_stored_verbatim(client: FlaskClient) -> None:
    text = ("Officials said that <script>alert('x')</script> and '; DROP TABLE statements; -- "
            "were found in the leaked files.")
    created = client.post("/v1/documents", json={"text": text, "title": "<b>bold</b>"})
    assert created.status_code == 201
    document = client.get(f"/v1/documents/{created.get_json()['id']}").get_json()
    assert document["text"] == text and document["title"] == "<b>bold</b>"
    assert client.get("/v1/statements").status_code == 200
