"""Webhooks: receivers of events, and the record of each delivery."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.context import runtime
from service.api.schemas import ApiErrorSchema, DeliveryPageSchema, Page, PageArgsSchema, WebhookInSchema, WebhookSchema
from service.storage import Delivery, Webhook
from service.usecases.webhooks import list_deliveries, register_webhook

blp = Blueprint("webhooks", __name__, url_prefix="/v1", description="Events POSTed to your receivers.")


@blp.route("/webhooks")
class Webhooks(MethodView):
    @blp.arguments(WebhookInSchema)
    @blp.response(201, WebhookSchema)
    @blp.alt_response(422, schema=ApiErrorSchema)
    def post(self, body: dict[str, Any]) -> Webhook:
        """Register a receiver: each of its events is POSTed as {event, data, delivered_at}, signed with the
        secret, and retried with backoff until it answers 2xx (five attempts)."""
        return register_webhook(runtime(), body["url"], body["events"], body["secret"])


@blp.route("/webhooks/<int(max=2147483647):webhook_id>/deliveries")
class WebhookDeliveries(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, DeliveryPageSchema)
    @blp.alt_response(404, schema=ApiErrorSchema)
    def get(self, args: dict[str, Any], webhook_id: int) -> Page[Delivery]:
        """A webhook's deliveries, oldest first: event, state, attempts and the receiver's last answer."""
        items, total = list_deliveries(runtime(), webhook_id, args["limit"], args["offset"])
        return Page(items, total, args["limit"], args["offset"])
