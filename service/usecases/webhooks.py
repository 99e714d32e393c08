"""Webhooks: receivers registered for events (job.finished, cluster.created, cluster.changed,
claim_review.matched); each event becomes one recorded delivery per receiver, POSTed from the queue, signed, and
retried with backoff. Emitting never fails or blocks the use case that emits."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from service.errors import InvalidInput
from service.runtime import Runtime
from service.storage import Delivery, Webhook

logger = logging.getLogger(__name__)

EVENTS = ("job.finished", "cluster.created", "cluster.changed", "claim_review.matched")
SIGNATURE_HEADER = "X-Claimlens-Signature"
MAX_ATTEMPTS = 5
TIMEOUT_S = 10


def register_webhook(runtime: Runtime, url: str, events: Sequence[str], secret: str) -> Webhook:
    """Store a receiver for these events (InvalidInput when its host is not allowed by the settings)."""
    allowed = runtime.settings.webhook_allowed_hosts
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if allowed and not any(host == name.lower() or (name.startswith(".") and host.endswith(name.lower()))
                           for name in allowed):
        raise InvalidInput("This webhook host is not allowed here.",
                           {"url": [f"The host must be one of: {', '.join(allowed)}."]})
    with runtime.store.transaction() as tx:
        webhook_id = tx.add_webhook(url, events, secret)
    return runtime.store.get_webhook(webhook_id)


def list_deliveries(runtime: Runtime, webhook_id: int, limit: int, offset: int) -> tuple[list[Delivery], int]:
    """A webhook's deliveries, oldest first (NotFound when the webhook is unknown)."""
    runtime.store.get_webhook(webhook_id)
    return runtime.store.list_deliveries(webhook_id, limit, offset)


def listened(runtime: Runtime) -> frozenset[str]:
    """The events some webhook receives (one read: a use case can skip building events nobody listens to)."""
    return frozenset(event for hook in runtime.store.list_webhooks() for event in hook.events)


def emit(runtime: Runtime, event: str, data: dict[str, Any]) -> None:
    """Record a delivery of the event to each receiver of it and queue them; log, never raise."""
    emit_many(runtime, [(event, data)])


def emit_many(runtime: Runtime, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Record a delivery of each event to each of its receivers, in order, and queue them; log, never raise."""
    if not events:
        return
    try:
        hooks = runtime.store.list_webhooks()
        if not any(event in hook.events for hook in hooks for event, _ in events):
            return
        with runtime.store.transaction() as tx:
            delivery_ids = [delivery_id for event, data in events for delivery_id in tx.add_deliveries(
                event, data, [hook.id for hook in hooks if event in hook.events])]
        for delivery_id in delivery_ids:
            runtime.queue.enqueue_delivery(delivery_id)
    except Exception:
        logger.exception("events %s could not be queued for their webhooks", sorted({e for e, _ in events}))


def deliver(runtime: Runtime, delivery_id: int) -> None:
    """POST one delivery until the receiver answers 2xx, at most MAX_ATTEMPTS times with doubling waits."""
    delivery = runtime.store.get_delivery(delivery_id)
    hook = runtime.store.get_webhook(delivery.webhook_id)
    wait = runtime.settings.webhook_retry_base_s
    for attempt in range(delivery.attempts, MAX_ATTEMPTS):
        status, error = _post(hook, delivery)
        delivered = status is not None and 200 <= status < 300
        state = "delivered" if delivered else "failed" if attempt == MAX_ATTEMPTS - 1 else "pending"
        with runtime.store.transaction() as tx:
            tx.record_attempt(delivery_id, status, error, state)
        if delivered:
            return
        if state == "pending":
            time.sleep(wait)
            wait *= 2
    logger.warning("webhook %d: delivery %d failed after %d attempts", hook.id, delivery_id, MAX_ATTEMPTS)


def signature(secret: str, sent_at: int, body: bytes) -> str:
    """The `X-Claimlens-Signature` value: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>."""
    digest = hmac.new(secret.encode(), f"{sent_at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={sent_at},v1={digest}"


def _post(hook: Webhook, delivery: Delivery) -> tuple[int | None, str | None]:
    body = json.dumps({"event": delivery.event, "data": delivery.data,
                       "delivered_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}).encode()
    request = urllib.request.Request(hook.url, data=body, method="POST", headers={
        "Content-Type": "application/json", SIGNATURE_HEADER: signature(hook.secret, int(time.time()), body),
        "User-Agent": "claimlens-webhooks"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return response.status, None
    except urllib.error.HTTPError as error:
        return error.code, None
    except (OSError, ValueError) as error:
        return None, f"{type(error).__name__}: {error}"[:500]
