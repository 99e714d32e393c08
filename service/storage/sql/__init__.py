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
from service.storage.sql.vectors import PgVectorIndex
from service.storage.sql.webhooks import WebhookRows
from service.storage.vector_index import SearchIndex, VectorIndex

__all__ = ["SqlClaimStore", "create_engine"]


class SqlClaimStore(DocumentRows, SpeakerRows, StatementRows, RelationRows, ClusterRows, FactCheckRows,
                    IdempotencyRows, JobRows, WebhookRows):
    """Every stored aggregate on one engine; `transaction()` yields a store bound to one connection."""

    def vector_indexes(self, ann_threshold: int, ef_search: int) -> tuple[SearchIndex, SearchIndex, SearchIndex]:
        """The statement, fact-check claim and fact-check title indexes: in the database where it has pgvector,
        otherwise in this process (empty: `Runtime.catch_up` loads them from the store)."""
        if self.has_vectors:
            return (PgVectorIndex(self._engine, "statements", "vec", "embedding", ef_search),
                    PgVectorIndex(self._engine, "claim_reviews", "vec", "embedding", ef_search, "revision"),
                    PgVectorIndex(self._engine, "claim_reviews", "title_vec", "title_embedding", ef_search,
                                  "revision"))
        return VectorIndex(ann_threshold), VectorIndex(ann_threshold), VectorIndex(ann_threshold)
