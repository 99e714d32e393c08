"""Integration fixtures: a migrated store on a real SQLite file and on the real local PostgreSQL."""
from __future__ import annotations

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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """Return a migrated engine: a SQLite file in tmp_path, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path}/claims.sqlite3")
        upgrade_schema(engine)
        yield engine
        engine.dispose()
        return

    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    schema = f"t_{uuid.uuid4().hex}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(POSTGRES_URL, schema=schema)
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
