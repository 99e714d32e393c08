"""The engine, the connection a store works on, and helpers every table's rows share."""
from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from service.domain.embedding import EMBEDDING_DIM
from service.errors import StoreUnavailable
from service.storage.sql.vectors import has_vector_columns
from service.storage.tables import (
    claim_reviews,
    clusters,
    documents,
    relations,
    speakers,
    statements,
)

_VECTOR_SCHEMAS: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
# Serialises cluster updates between workers on PostgreSQL (a transaction-scoped advisory lock).
_CLUSTER_LOCK_KEY = 7_341_103


def create_engine(database_url: str, *, schema: str | None = None) -> Engine:
    """Create an engine; SQLite gets foreign keys on and a busy timeout for concurrent writers.

    `schema` (PostgreSQL only) puts every connection's `search_path` on that schema, so tables, including
    Alembic's version table, live there; tests use it to work in a schema of their own.
    """
    if database_url.startswith("sqlite"):
        _ensure_sqlite_directory(database_url)
        engine = sa.create_engine(database_url, hide_parameters=True,
                                 connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # public stays on the path after the schema: an extension installed there once (pgvector) serves them all
    connect_args = {"options": f"-csearch_path={schema},public"} if schema else {}
    return sa.create_engine(database_url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)


def _ensure_sqlite_directory(database_url: str) -> None:
    database = sa.engine.make_url(database_url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


@contextmanager
def _unavailable_as_error() -> Iterator[None]:
    """Raise the service's StoreUnavailable when the database cannot be reached, so the edge knows no SQL."""
    try:
        yield
    except sa.exc.OperationalError as error:
        raise StoreUnavailable(f"database unavailable: {type(error.orig).__name__}") from error


class SqlBase:
    """A store on one SQLAlchemy engine, bound to one connection inside `transaction()`."""

    def __init__(self, engine: Engine, connection: Connection | None = None) -> None:
        self._engine = engine
        self._connection = connection

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    @property
    def has_vectors(self) -> bool:
        """Whether the schema keeps vectors in the database (pgvector, migration 0010); asked once per engine."""
        known = _VECTOR_SCHEMAS.get(self._engine)
        if known is None:
            known = _VECTOR_SCHEMAS[self._engine] = has_vector_columns(self._engine)
        return known

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """Run the block in one transaction on one connection."""
        if self._connection is not None:
            yield self
            return
        with _unavailable_as_error(), self._engine.begin() as connection:
            yield type(self)(self._engine, connection)

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        if self._connection is not None:
            yield self._connection
            return
        with _unavailable_as_error(), self._engine.connect() as connection:
            yield connection

    def _search_text(self, table: str, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """SQLite: FTS5's BM25 (negated: higher is better). PostgreSQL: ts_rank over the tsvector column.

        `terms` must be words of letters and digits only (see `domain.lexical.query_terms`), so they can go
        into the match expression without escaping beyond quoting.
        """
        words = [t for t in terms if t.isalnum()]
        if not words or limit <= 0:
            return []
        with self._connect() as c:
            if c.dialect.name == "sqlite":
                match = " OR ".join(f'"{w}"' for w in words)
                rows = c.execute(sa.text(
                    f"SELECT rowid, -bm25({table}_fts) AS score FROM {table}_fts WHERE {table}_fts MATCH :m "
                    f"ORDER BY bm25({table}_fts), rowid LIMIT :limit"), {"m": match, "limit": limit}).all()
            else:
                rows = c.execute(sa.text(
                    f"SELECT id, ts_rank(search_vector, q, 1) AS score FROM {table}, "
                    "to_tsquery('english', :q) AS q WHERE search_vector @@ q ORDER BY score DESC, id LIMIT :limit"),
                    {"q": " | ".join(_rare_enough(c, table, words, MATCHED_ROWS_BUDGET)), "limit": limit}).all()
        return [(int(r[0]), float(r[1])) for r in rows]


    def count_rows(self) -> dict[str, int]:
        """Count the rows of every table (health and tests)."""
        with self._connect() as c:
            return {table.name: int(c.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                    for table in (documents, speakers, statements, relations, clusters, claim_reviews)}


# PostgreSQL's ts_rank has no inverse document frequency, and an OR query ranks every row that holds any of its
# words: at 100k fact-checks a tweet with "show" or "trump" in it ranks a third of them (~200 ms). So on a large
# table the query keeps its rarest words while the rows they can match stay within a budget. On the 10k CheckThat!
# claims a budget of 5,000 rows or more changes nothing (MAP@5 0.8643 on PostgreSQL); 2,000 costs 0.013.
MATCHED_ROWS_BUDGET = 5_000  # estimated rows the kept words can match (the sum of their row counts) ...
MIN_QUERY_WORDS = 3  # ... beyond the rarest few, always kept


def _rare_enough(c: Connection, table: str, words: Sequence[str], rows_budget: int = MATCHED_ROWS_BUDGET
                 ) -> list[str]:
    """The query's words, rarest first while they fit the budget, in their order. A word's rows are the table's
    estimated rows times the share of them holding its lexeme that ANALYZE records for the tsvector column
    (pg_stats.most_common_elems); a word it does not list is rarer than all it lists and counts as none."""
    rows = c.execute(sa.text(
        "SELECT w.word, w.n, coalesce(max(f.share), 0) * greatest((SELECT reltuples FROM pg_class WHERE oid = "
        "to_regclass(:table)), 0) FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS w(word, n) "
        "LEFT JOIN LATERAL unnest(to_tsvector('english', w.word)) AS lx ON true LEFT JOIN ("
        "SELECT e.elem, e.share FROM pg_stats AS st, unnest(st.most_common_elems::text::text[], "
        "st.most_common_elem_freqs) AS e(elem, share) WHERE st.schemaname = current_schema() "
        "AND st.tablename = :table AND st.attname = 'search_vector') AS f ON f.elem = lx.lexeme "
        "GROUP BY w.word, w.n"), {"words": list(words), "table": table}).all()
    kept, spent = set(), 0.0
    for n, (word, _, matched) in enumerate(sorted(rows, key=lambda r: (float(r[2]), int(r[1])))):
        if n < MIN_QUERY_WORDS or spent + float(matched) <= rows_budget:
            kept.add(word)
            spent += float(matched)
    return [w for w in words if w in kept]


_CHUNK = 5_000  # ids per IN list: under SQLite's bound-parameter limit, and small plans for PostgreSQL


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    ordered = list(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start:start + _CHUNK]


def _inserted_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "INSERT returned no primary key"
    return int(key[0])


def _vectors(blobs: Sequence[bytes | None]) -> np.ndarray:
    zero = bytes(4 * EMBEDDING_DIM)
    return np.stack([np.frombuffer(b or zero, dtype="<f4") for b in blobs]).astype(np.float32)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


