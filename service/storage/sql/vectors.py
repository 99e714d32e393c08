"""Vectors in the database: pgvector `halfvec(384)` columns with HNSW indexes, behind the VectorIndex interface.

When the schema has the vector columns (migration 0010 on a PostgreSQL with the extension), the store writes each
row's vector in the same transaction as the row, and `PgVectorIndex` searches them with `hnsw.ef_search` set per
query: no in-process copy, no rebuild at start, no catch-up, one index for every worker and machine. Similarities
returned are recomputed from the stored float32 bytes, so they equal the in-process index's.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from service.domain.embedding import EMBEDDING_DIM
from service.storage.vector_index import EmbeddingFeed, Neighbour

# (table, halfvec column, float32 bytes column it mirrors)
VECTOR_COLUMNS = (
    ("statements", "vec", "embedding"),
    ("claim_reviews", "vec", "embedding"),
    ("claim_reviews", "title_vec", "title_embedding"),
)
# The HNSW indexes' build (migration 0011) and search breadth: recall@10 against exact search 0.989 at 1M vectors
# (benchmarks/results/pgvector_store_1m_m24.md; at pgvector's defaults, m 16 / ef_construction 64, 0.90).
HNSW_BUILD = " WITH (m = 24, ef_construction = 128)"
DEFAULT_EF_SEARCH = 200


def pgvector_available(connection: Connection) -> bool:
    """Whether this database can hold vectors: PostgreSQL with the `vector` extension installable."""
    if connection.dialect.name != "postgresql":
        return False
    return connection.execute(sa.text(
        "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")).scalar_one() > 0


def has_vector_columns(engine: Engine) -> bool:
    """Whether the migrated schema keeps vectors in the database (see migration 0010)."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection:
        return vector_columns_exist(connection)


def vector_columns_exist(connection: Connection) -> bool:
    """`has_vector_columns` on an open PostgreSQL connection (a migration's)."""
    return connection.execute(sa.text(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'statements' AND column_name = 'vec'")).scalar_one() > 0


def hnsw_index_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}_hnsw"


def hnsw_index_sql(table: str, column: str, build: str = HNSW_BUILD) -> str:
    """The CREATE INDEX statement of one vector column's HNSW index (`build`: its WITH clause, "" for defaults)."""
    return f"CREATE INDEX {hnsw_index_name(table, column)} ON {table} USING hnsw ({column} halfvec_cosine_ops){build}"


def vector_literal(vector: np.ndarray) -> str:
    """pgvector's text form of a vector: "[0.1,0.2,...]"."""
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32).tolist()) + "]"


def write_vectors(connection: Connection, table: str, column: str, ids: Sequence[int],
                  vectors: Sequence[np.ndarray | None]) -> None:
    """Set the vector column of these rows (None or a zero vector clears it), in the caller's transaction."""
    rows = [{"id": int(i), "v": vector_literal(v) if v is not None and np.any(v) else None}
            for i, v in zip(ids, vectors, strict=True)]
    if rows:
        connection.execute(sa.text(f"UPDATE {table} SET {column} = CAST(:v AS halfvec) WHERE id = :id"), rows)


class PgVectorIndex:
    """Nearest-neighbour search over one vector column; the same methods as the in-process `VectorIndex`."""

    engine = "pgvector"

    def __init__(self, db: Engine, table: str, column: str, source: str, ef_search: int = DEFAULT_EF_SEARCH,
                 version: str = "id") -> None:
        self._db, self._table, self._column, self._source = db, table, column, source
        self._ef_search, self._version = ef_search, version

    @property
    def watermark(self) -> int:
        """The highest version committed (statement id, fact-check revision): every search sees rows up to it.

        Writers commit versions in increasing order under the store's write lock, as for the in-process index,
        so an ingest compares rows above it under the lock (`usecases.ingest._late_edges`).
        """
        with self._db.connect() as c:
            return int(c.execute(sa.text(f"SELECT coalesce(max({self._version}), 0) FROM {self._table}"))
                       .scalar_one())

    def __len__(self) -> int:
        # Every row has a claim vector (its bytes are NOT NULL), so the claim indexes count rows, which PostgreSQL
        # answers from the primary key; only the title index, whose vectors may be missing, counts the column.
        where = "" if self._source == "embedding" else f" WHERE {self._column} IS NOT NULL"
        with self._db.connect() as c:
            return int(c.execute(sa.text(f"SELECT count(*) FROM {self._table}{where}")).scalar_one())

    def memory_bytes(self) -> int:
        return 0  # nothing held in the process

    def upsert(self, keys: np.ndarray, vectors: np.ndarray, versions: np.ndarray | None = None) -> None:
        """Nothing to do: the store writes each row's vector with the row."""

    def catch_up(self, feed: EmbeddingFeed) -> int:
        """Nothing to load: every worker reads the one index in the database."""
        return 0

    def vectors_of(self, keys: np.ndarray) -> np.ndarray:
        """The (n, 384) stored float32 vectors of these keys; a zero row for a key without one."""
        out = np.zeros((len(keys), EMBEDDING_DIM), dtype=np.float32)
        wanted = [int(k) for k in np.asarray(keys).tolist()]
        if not wanted:
            return out
        with self._db.connect() as c:
            rows = c.execute(sa.text(
                f"SELECT id, {self._source} FROM {self._table} WHERE id = ANY(:ids) AND {self._column} IS NOT NULL"),
                {"ids": wanted}).all()
        found = {int(r[0]): r[1] for r in rows}
        for n, key in enumerate(wanted):
            if key in found:
                out[n] = np.frombuffer(found[key], dtype="<f4")
        return out

    def search(self, queries: np.ndarray, k: int, min_similarity: float = -1.0) -> list[list[Neighbour]]:
        """Per (m, 384) query row up to k neighbours with similarity >= min_similarity, best first."""
        if k <= 0:
            return [[] for _ in range(len(queries))]
        results = []
        with self._db.begin() as c:
            c.execute(sa.text(f"SET LOCAL hnsw.ef_search = {max(self._ef_search, k)}"))
            for query in np.asarray(queries, dtype=np.float32):
                rows = c.execute(sa.text(
                    f"SELECT id, {self._source} FROM {self._table} WHERE {self._column} IS NOT NULL "
                    f"ORDER BY {self._column} <=> CAST(:q AS halfvec) LIMIT :k"),
                    {"q": vector_literal(query), "k": k}).all()
                hits = [Neighbour(int(r[0]), float(np.frombuffer(r[1], dtype="<f4") @ query)) for r in rows]
                hits.sort(key=lambda n: (-n.similarity, n.key))
                results.append([n for n in hits if n.similarity >= min_similarity])
        return results
