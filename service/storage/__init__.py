"""Storage: the ClaimStore interface and its records; `sql/` implements it, `vector_index` searches its vectors."""
from __future__ import annotations

from service.storage.interface import (
    ClaimStore,
    ClusterStore,
    DocumentStore,
    FactCheckStore,
    IdempotencyStore,
    JobStore,
    RelationStore,
    SpeakerStore,
    StatementStore,
    WebhookStore,
)
from service.storage.records import (
    ClusterDraft,
    ClusterFilter,
    Delivery,
    DuplicateDocument,
    GroupMembership,
    IdempotentRequest,
    JobError,
    JobReport,
    NewFactCheck,
    NewStatement,
    StatementFilter,
    Webhook,
)

__all__ = [
    "ClaimStore",
    "ClusterDraft",
    "ClusterFilter",
    "ClusterStore",
    "Delivery",
    "DocumentStore",
    "DuplicateDocument",
    "FactCheckStore",
    "GroupMembership",
    "IdempotencyStore",
    "IdempotentRequest",
    "JobError",
    "JobReport",
    "JobStore",
    "NewFactCheck",
    "NewStatement",
    "RelationStore",
    "SpeakerStore",
    "StatementFilter",
    "StatementStore",
    "Webhook",
    "WebhookStore",
]
