"""A small typed client of the claimlens HTTP API (standard library only: usable without the service's models).

    from service.client import Client
    api = Client("http://127.0.0.1:8000", api_key="...")
    stored = api.ingest_document("NATO said on Thursday that Russian units are repositioning.",
                                 published_at="2022-04-01")
    job = api.wait_for_job(api.submit_job([{"text": text} for text in texts])["id"])
    for cluster in api.clusters(kind="contradiction")["items"]: ...

Errors come back as `ApiError` with the contract's `{code, status, message, errors}`.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A non-2xx answer: the HTTP status and the contract's error object."""

    def __init__(self, status: int, body: Any) -> None:
        message = body.get("message") if isinstance(body, dict) else str(body)
        super().__init__(f"{status}: {message}")
        self.status = status
        self.body = body


class Client:
    """Calls one claimlens service; every method returns the decoded JSON answer."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout: float = 120) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    # --- statements out of text ---------------------------------------------------------------------------

    def extract(self, text: str, published_at: str | None = None) -> JSON:
        """Statements and time expressions of a text; stores nothing."""
        return self._call("POST", "/v1/extract", {"text": text, "published_at": published_at})

    def ingest_document(self, text: str, published_at: str | None = None, **metadata: str) -> JSON:
        """Store a text (title, url, publisher as keywords) with its statements, relations and clusters."""
        return self._call("POST", "/v1/documents", {"text": text, "published_at": published_at, **metadata})

    def ingest_statements(self, statements: list[JSON]) -> JSON:
        """Store claims another tool holds: [{claim, speaker: {name, ...}, date?, published_at?, url?, source?}]."""
        return self._call("POST", "/v1/statements", {"statements": statements})

    def statements(self, **filters: Any) -> JSON:
        """A page of stored statements (speaker_id, document_id, since, until, q, limit, offset)."""
        return self._call("GET", "/v1/statements" + _query(filters))

    # --- matching and relations ---------------------------------------------------------------------------

    def match(self, text: str, top_k: int | None = None, relations: bool = True) -> JSON:
        """Stored statements and fact-checks matching the claims of a text, best first (`relations=False`: no
        relation labels, faster)."""
        return self._call("POST", "/v1/claims/match", {"text": text, "top_k": top_k, "relations": relations})

    def classify(self, pairs: list[tuple[str, str]]) -> JSON:
        """The relation of each (claim, other) pair."""
        return self._call("POST", "/v1/relations/classify",
                          {"pairs": [{"claim": claim, "other": other} for claim, other in pairs]})

    # --- clusters -------------------------------------------------------------------------------------------

    def clusters(self, **filters: Any) -> JSON:
        """A page of clusters (kind, speaker_id, since, until, q, limit, offset)."""
        return self._call("GET", "/v1/clusters" + _query(filters))

    def cluster(self, cluster_id: int) -> JSON:
        """One cluster with its sides, contradiction edges and timeline."""
        return self._call("GET", f"/v1/clusters/{cluster_id}")

    # --- bulk jobs ------------------------------------------------------------------------------------------

    def submit_job(self, documents: list[JSON]) -> JSON:
        """Queue up to 10,000 documents for ingest; the answer holds the job id."""
        return self._call("POST", "/v1/jobs", {"documents": documents})

    def job(self, job_id: int) -> JSON:
        """Where a job stands."""
        return self._call("GET", f"/v1/jobs/{job_id}")

    def wait_for_job(self, job_id: int, timeout: float = 3600, poll: float = 1.0) -> JSON:
        """Poll a job until it is finished; TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            report = self.job(job_id)
            if report["status"] == "finished":
                return report
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {report['status']}: {report['counts']}")
            time.sleep(poll)

    def _call(self, method: str, path: str, body: JSON | None = None) -> JSON:
        data = None if body is None else json.dumps({k: v for k, v in body.items() if v is not None}).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                detail: Any = json.loads(raw)
            except ValueError:
                detail = raw.decode("utf-8", "replace")
            raise ApiError(error.code, detail) from None


def verify_signature(secret: str, header: str, body: bytes, tolerance_s: float = 300) -> bool:
    """Check an `X-Claimlens-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>` header, and
    that it is at most `tolerance_s` old."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        sent_at = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = hmac.new(secret.encode(), f"{sent_at}.".encode() + body, hashlib.sha256).hexdigest()
    return abs(time.time() - sent_at) <= tolerance_s and hmac.compare_digest(expected, parts.get("v1", ""))


def _query(filters: dict[str, Any]) -> str:
    present = {k: v for k, v in filters.items() if v is not None}
    return "?" + urllib.parse.urlencode(present) if present else ""
