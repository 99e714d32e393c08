"""A worker killed with SIGKILL in the middle of an ingest, on the real PostgreSQL and a real gunicorn."""
from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.cli import split_seed
from tests.live_server import LiveServer, Reply, live_server

pytestmark = pytest.mark.postgres

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(params=["postgresql", pytest.param("pgvector", marks=pytest.mark.pgvector)])
def schema_url(request: pytest.FixtureRequest) -> Iterator[tuple[str, str, sa.Engine]]:
    """A fresh schema for the server on the local PostgreSQL (vectors in process) or on PostgreSQL with pgvector
    (vectors in the database): (database URL whose search_path is the schema, schema, admin engine)."""
    admin: sa.Engine = request.getfixturevalue("postgres_admin" if request.param == "postgresql"
                                                else "pgvector_admin")
    schema = f"crash_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema},public"})
    yield url.render_as_string(hide_password=False), schema, admin
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def _seed(index: int) -> dict[str, object]:
    text, published_at = split_seed(sorted(SEEDS.glob("*.txt"))[index].read_text(encoding="utf-8"))
    return {"text": text, "published_at": published_at.isoformat() if published_at else None}


def _counts(connection: sa.Connection, schema: str) -> tuple[int, int]:
    row = connection.execute(sa.text(
        f'SELECT (SELECT count(*) FROM "{schema}".documents), (SELECT count(*) FROM "{schema}".statements)'))
    documents, statements = row.one()
    return int(documents), int(statements)


def _wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise TimeoutError(f"timed out waiting for {what}")


def _post_in_background(server: LiveServer, body: dict[str, object]) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def post() -> None:
        try:
            outcome.append(server.request("POST", "/v1/documents", body))
        except OSError as error:  # the connection dropped: what a client of a killed worker sees
            outcome.append(error)

    thread = threading.Thread(target=post)
    thread.start()
    return thread, outcome


def test_a_worker_killed_mid_ingest_leaves_no_partial_document(
        schema_url: tuple[str, str, sa.Engine], tmp_path: Path) -> None:
    database_url, schema, postgres_admin = schema_url
    with live_server(database_url, tmp_path / "server.log", workers=1, torch_threads="1") as server:
        first_worker = server.wait_until_healthy().body["worker"]
        assert server.request("POST", "/v1/documents", _seed(0)).status == 201
        with postgres_admin.connect() as observer:
            before = _counts(observer, schema)

        # Hold the cluster tables so the ingest stops inside its transaction, after its document, statements
        # and relations are written and before the clusters are: the worker is then killed at that point.
        blocker = postgres_admin.connect()
        blocker.execute(sa.text("BEGIN"))
        blocker.execute(sa.text(f'LOCK TABLE "{schema}".clusters, "{schema}".cluster_members IN ACCESS EXCLUSIVE MODE'))
        victim = _seed(2)
        thread, outcome = _post_in_background(server, victim)
        try:
            with postgres_admin.connect() as observer:
                def waiting_with_rows_written() -> bool:
                    return bool(observer.execute(sa.text(
                        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = :schema AND c.relname = 'statements' AND l.mode = 'RowExclusiveLock' "
                        "AND l.granted AND l.pid IN (SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock')"),
                        {"schema": schema}).scalar_one())

                _wait_for(waiting_with_rows_written, 120, "the ingest to block after writing its statements")
                os.kill(first_worker, signal.SIGKILL)
                thread.join(timeout=60)
        finally:
            blocker.execute(sa.text("ROLLBACK"))
            blocker.close()

        assert len(outcome) == 1 and isinstance(outcome[0], OSError), f"client got {outcome!r}, not an error"
        with postgres_admin.connect() as observer:
            _wait_for(lambda: _counts(observer, schema) == before and not observer.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")).scalar_one(),
                60, "the killed worker's transaction to be rolled back")
            assert _counts(observer, schema) == before

        # gunicorn starts a new worker; its index is rebuilt from the database and equals it.
        _wait_for(lambda: _ready_worker(server) not in (None, first_worker), 300, "a replacement worker")
        ready = server.request("GET", "/v1/ready").body
        assert ready["indexed"] == ready["statements"] == before[1]

        retried = server.request("POST", "/v1/documents", victim)
        assert retried.status == 201
        with postgres_admin.connect() as observer:
            documents, statements = _counts(observer, schema)
        assert documents == before[0] + 1
        assert statements == before[1] + len(retried.body["statements"])
        assert server.request("GET", "/v1/ready").body["indexed"] == statements


def _ready_worker(server: LiveServer) -> int | None:
    try:
        reply: Reply = server.request("GET", "/v1/ready", timeout=5)
    except OSError:
        return None
    return reply.body["worker"] if reply.status == 200 else None
