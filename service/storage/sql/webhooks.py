"""Webhooks and the record of every delivery to them."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from service.errors import NotFound
from service.storage.records import Delivery, Webhook
from service.storage.sql.base import SqlBase, _inserted_id
from service.storage.tables import webhook_deliveries, webhooks


class WebhookRows(SqlBase):
    """Webhooks and their deliveries."""

    def add_webhook(self, url: str, events: Sequence[str], secret: str) -> int:
        """Store a webhook; return its id."""
        with self._connect() as c:
            return _inserted_id(c.execute(webhooks.insert().values(
                url=url, events=json.dumps(sorted(set(events))), secret=secret,
                created_at=dt.datetime.now(dt.UTC))))

    def get_webhook(self, webhook_id: int) -> Webhook:
        """One webhook, or NotFound."""
        with self._connect() as c:
            row = c.execute(sa.select(webhooks).where(webhooks.c.id == webhook_id)).mappings().first()
        if row is None:
            raise NotFound(f"webhook {webhook_id} not found", {"id": webhook_id})
        return _webhook(row)

    def list_webhooks(self) -> list[Webhook]:
        """Every webhook, in id order."""
        with self._connect() as c:
            rows = c.execute(sa.select(webhooks).order_by(webhooks.c.id)).mappings().all()
        return [_webhook(row) for row in rows]

    def add_deliveries(self, event: str, data: dict[str, Any], webhook_ids: Sequence[int]) -> list[int]:
        """Record one pending delivery of the event per webhook; return their ids."""
        now = dt.datetime.now(dt.UTC)
        with self._connect() as c:
            return [_inserted_id(c.execute(webhook_deliveries.insert().values(
                webhook_id=hook, event=event, data=json.dumps(data), state="pending", attempts=0, created_at=now)))
                for hook in webhook_ids]

    def get_delivery(self, delivery_id: int) -> Delivery:
        """One delivery, or NotFound."""
        with self._connect() as c:
            row = c.execute(sa.select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
                            ).mappings().first()
        if row is None:
            raise NotFound(f"delivery {delivery_id} not found", {"id": delivery_id})
        return _delivery(row)

    def record_attempt(self, delivery_id: int, status: int | None, error: str | None, state: str) -> None:
        """Count an attempt with the receiver's status (or the error), and the delivery's state after it."""
        values: dict[str, Any] = {"attempts": webhook_deliveries.c.attempts + 1, "last_status": status,
                                  "last_error": error, "state": state}
        if state == "delivered":
            values["delivered_at"] = dt.datetime.now(dt.UTC)
        with self._connect() as c:
            c.execute(webhook_deliveries.update().where(webhook_deliveries.c.id == delivery_id).values(**values))

    def list_deliveries(self, webhook_id: int, limit: int, offset: int) -> tuple[list[Delivery], int]:
        """A webhook's deliveries, oldest first, and how many there are."""
        where = webhook_deliveries.c.webhook_id == webhook_id
        with self._connect() as c:
            total = c.execute(sa.select(sa.func.count()).select_from(webhook_deliveries).where(where)).scalar_one()
            rows = c.execute(sa.select(webhook_deliveries).where(where).order_by(webhook_deliveries.c.id)
                             .limit(limit).offset(offset)).mappings().all()
        return [_delivery(r) for r in rows], int(total)


def _webhook(row: RowMapping) -> Webhook:
    return Webhook(row["id"], row["url"], tuple(json.loads(row["events"])), row["secret"])


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(row["id"], row["webhook_id"], row["event"], json.loads(row["data"]), row["state"],
                    row["attempts"], row["last_status"], row["last_error"], row["created_at"], row["delivered_at"])
