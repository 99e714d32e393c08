"""Idempotency keys: the first request with a key claims it, its answer is kept for the retries."""
from __future__ import annotations

import datetime as dt

from service.runtime import Runtime
from service.storage import IdempotentRequest

KEPT_FOR = dt.timedelta(hours=24)


def claim_key(runtime: Runtime, owner: str, key: str, fingerprint: str) -> IdempotentRequest:
    """Claim (owner, key) for a request with this fingerprint, or say what is known of it already."""
    return runtime.store.begin_idempotent(owner, key, fingerprint, KEPT_FOR)


def keep_answer(runtime: Runtime, owner: str, key: str, status: int, body: str) -> None:
    """Keep the answer of a claimed key for its retries."""
    runtime.store.finish_idempotent(owner, key, status, body)


def release_key(runtime: Runtime, owner: str, key: str) -> None:
    """Release a claimed key whose request failed without an answer worth replaying."""
    runtime.store.abandon_idempotent(owner, key)
