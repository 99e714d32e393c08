"""The ClaimStore on SQLAlchemy Core (a SQLite file by default, PostgreSQL by URL), one module per aggregate."""
from __future__ import annotations

from service.storage.sql.base import create_engine
from service.storage.sql.clusters import ClusterRows
from service.storage.sql.documents import DocumentRows
from service.storage.sql.fact_checks import FactCheckRows
from service.storage.sql.idempotency import IdempotencyRows
from service.storage.sql.jobs import JobRows
from service.storage.sql.relations import RelationRows
from service.storage.sql.speakers import SpeakerRows
from service.storage.sql.statements import StatementRows
from service.storage.sql.webhooks import WebhookRows

__all__ = ["SqlClaimStore", "create_engine"]


class SqlClaimStore(DocumentRows, SpeakerRows, StatementRows, RelationRows, ClusterRows, FactCheckRows,
                    IdempotencyRows, JobRows, WebhookRows):
    """Every stored aggregate on one engine; `transaction()` yields a store bound to one connection."""
