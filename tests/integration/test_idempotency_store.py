"""Idempotency keys in the store, on SQLite and PostgreSQL: claim once, replay, refuse reuse, expire."""
from __future__ import annotations

import datetime as dt
import threading

from service.storage.sql import SqlClaimStore

HOUR = dt.timedelta(hours=1)


def test_a_key_is_claimed_once_then_replayed(store: SqlClaimStore) -> None:
    assert store.begin_idempotent("alice", "k", "f1", HOUR).state == "new"
    assert store.begin_idempotent("alice", "k", "f1", HOUR).state == "in_progress"
    assert store.begin_idempotent("bob", "k", "f1", HOUR).state == "new"
    store.finish_idempotent("alice", "k", 201, '{"id": 1}')
    replay = store.begin_idempotent("alice", "k", "f1", HOUR)
    assert (replay.state, replay.status, replay.body) == ("replay", 201, '{"id": 1}')
    assert store.begin_idempotent("alice", "k", "f2", HOUR).state == "mismatch"


def test_an_abandoned_key_can_be_claimed_again_and_old_keys_expire(store: SqlClaimStore) -> None:
    assert store.begin_idempotent("alice", "k", "f1", HOUR).state == "new"
    store.abandon_idempotent("alice", "k")
    assert store.begin_idempotent("alice", "k", "f1", HOUR).state == "new"
    store.finish_idempotent("alice", "k", 200, "{}")
    assert store.begin_idempotent("alice", "k", "f1", dt.timedelta(0)).state == "new"


def test_concurrent_claims_of_one_key_let_exactly_one_through(store: SqlClaimStore) -> None:
    states: list[str] = []
    barrier = threading.Barrier(6)

    def claim() -> None:
        barrier.wait()
        states.append(store.begin_idempotent("alice", "race", "f", HOUR).state)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(states) == ["in_progress"] * 5 + ["new"]
