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
)
from service.storage.records import (
    ClusterDraft,
    ClusterFilter,
    DuplicateDocument,
    GroupMembership,
    IdempotentRequest,
    JobError,
    JobReport,
    NewFactCheck,
    NewStatement,
    StatementFilter,
)

__all__ = [
    "ClaimStore", "ClusterDraft", "ClusterFilter", "ClusterStore", "DocumentStore", "DuplicateDocument",
    "FactCheckStore", "GroupMembership", "IdempotencyStore", "IdempotentRequest", "JobError", "JobReport",
    "JobStore", "NewFactCheck", "NewStatement",
    "RelationStore", "SpeakerStore", "StatementFilter", "StatementStore",
]
