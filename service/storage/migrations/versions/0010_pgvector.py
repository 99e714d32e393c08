"""claim and fact-check vectors in the database (pgvector), when the PostgreSQL server has the extension

Revision ID: 0010
Revises: 0009

On PostgreSQL with `vector` available: `halfvec(384)` columns beside the float32 `embedding` bytes (statements.vec,
claim_reviews.vec and claim_reviews.title_vec), filled from the stored bytes, and HNSW indexes with cosine ops.
The service then searches them in the database instead of an in-process index. On SQLite, or on a PostgreSQL
without the extension, nothing changes and the log says so.
"""
from __future__ import annotations

import logging

import numpy as np
import sqlalchemy as sa
from alembic import op

from service.storage.sql.vectors import VECTOR_COLUMNS, pgvector_available, vector_literal

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

logger = logging.getLogger("service.storage.migrations")
_BATCH = 2_000


def upgrade() -> None:
    connection = op.get_bind()
    if not pgvector_available(connection):
        log = logger.warning if connection.dialect.name == "postgresql" else logger.info
        log("pgvector is not available on this database (%s): vectors stay in each worker's in-process index",
            connection.dialect.name)
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    for table, column, source in VECTOR_COLUMNS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} halfvec(384)")
        _fill(connection, table, column, source)
        op.execute(f"CREATE INDEX ix_{table}_{column}_hnsw ON {table} USING hnsw ({column} halfvec_cosine_ops)")
    logger.info("pgvector: vector columns and HNSW indexes created")


def _fill(connection: sa.Connection, table: str, column: str, source: str) -> None:
    last = 0
    while True:
        rows = connection.execute(sa.text(
            f"SELECT id, {source} FROM {table} WHERE id > :last AND {source} IS NOT NULL ORDER BY id LIMIT :n"),
            {"last": last, "n": _BATCH}).all()
        if not rows:
            return
        connection.execute(sa.text(f"UPDATE {table} SET {column} = CAST(:v AS halfvec) WHERE id = :id"),
                           [{"id": r[0], "v": vector_literal(np.frombuffer(r[1], dtype="<f4"))} for r in rows])
        last = rows[-1][0]


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for table, column, _ in VECTOR_COLUMNS:
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {column}")
