"""Idempotency keys of POST requests and the answers kept for them."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from service.storage.records import (
    IdempotentRequest,
)
from service.storage.sql.base import SqlBase
from service.storage.tables import (
    idempotency_keys,
)


class IdempotencyRows(SqlBase):
    """Idempotency keys of POST requests and the answers kept for them."""


    def begin_idempotent(self, owner: str, key: str, fingerprint: str, ttl: dt.timedelta) -> IdempotentRequest:
        """Claim (owner, key) for a request, or say what an earlier request with that key left.

        The first request inserts a row with no status (in progress); the primary key makes a concurrent second
        one fail its insert and read that row instead. Rows older than `ttl` are forgotten.
        """
        now = dt.datetime.now(dt.UTC)
        with self._engine.begin() as c:
            c.execute(idempotency_keys.delete().where(idempotency_keys.c.created_at < now - ttl))
        try:
            with self._engine.begin() as c:
                c.execute(idempotency_keys.insert().values(owner=owner, key=key, fingerprint=fingerprint,
                                                           created_at=now))
            return IdempotentRequest("new")
        except sa.exc.IntegrityError:
            pass
        with self._engine.connect() as c:
            row = c.execute(sa.select(idempotency_keys).where(
                (idempotency_keys.c.owner == owner) & (idempotency_keys.c.key == key))).mappings().first()
        if row is None:  # expired and deleted between the two statements: the caller may simply retry
            return IdempotentRequest("in_progress")
        if row["fingerprint"] != fingerprint:
            return IdempotentRequest("mismatch")
        if row["status"] is None:
            return IdempotentRequest("in_progress")
        return IdempotentRequest("replay", row["status"], row["body"])

    def finish_idempotent(self, owner: str, key: str, status: int, body: str) -> None:
        """Keep the answer given to the request that claimed (owner, key), for its retries."""
        with self._engine.begin() as c:
            c.execute(idempotency_keys.update().where(
                (idempotency_keys.c.owner == owner) & (idempotency_keys.c.key == key)).values(status=status, body=body))

    def abandon_idempotent(self, owner: str, key: str) -> None:
        """Release (owner, key) after a request that failed without an answer worth replaying."""
        with self._engine.begin() as c:
            c.execute(idempotency_keys.delete().where(
                (idempotency_keys.c.owner == owner) & (idempotency_keys.c.key == key)
                & idempotency_keys.c.status.is_(None)))
