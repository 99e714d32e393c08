"""Ingest, clustering and matching use cases on real models, on SQLite and on PostgreSQL."""
from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from service.cli import split_seed
from service.domain.entities import DocumentSubmission
from service.queue import InProcessQueue
from service.runtime import Models, Runtime
from service.settings import REPO_ROOT, Settings
from service.storage import ClusterFilter
from service.storage.migrate import upgrade_schema
from service.storage.sql import SqlClaimStore, create_engine
from service.usecases.clusters import recluster_all
from service.usecases.ingest import ingest_document
from service.usecases.matching import match_claim

SEEDS = sorted((REPO_ROOT / "seeds").glob("*.txt"))


def _runtime(engine: sa.Engine, models: Models) -> Runtime:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    store = SqlClaimStore(engine)
    indexes = store.vector_indexes(settings.ann_threshold, settings.ef_search)
    runtime = Runtime(settings, models, store, *indexes, InProcessQueue())
    runtime.catch_up()
    return runtime


def _submission(index: int) -> DocumentSubmission:
    text, published_at = split_seed(SEEDS[index].read_text(encoding="utf-8"))
    return DocumentSubmission(text, published_at, title=SEEDS[index].stem)


def _partition(runtime: Runtime) -> set[frozenset[frozenset[tuple[str, str]]]]:
    """Clusters as sets of sides of (speaker, claim): independent of ids and ingest order."""
    store = runtime.store
    clusters, _ = store.list_clusters(ClusterFilter(), limit=1000, offset=0)
    result = set()
    for cluster in clusters:
        sides = []
        for side in cluster.sides:
            statements = store.get_statements(list(side.statement_ids))
            sides.append(frozenset((s.speaker.name, s.claim) for s in statements))
        result.add(frozenset(sides))
    return result


def test_ingest_stores_statements_relations_and_indexes_them(engine: sa.Engine, models: Models) -> None:
    runtime = _runtime(engine, models)
    first = ingest_document(runtime, _submission(2))
    second = ingest_document(runtime, _submission(0))
    assert first.created and second.created and first.statements and second.statements
    counts = runtime.store.count_rows()
    assert counts["statements"] == len(first.statements) + len(second.statements) == len(runtime.index)
    assert counts["relations"] > 0
    speakers = {s.speaker.name: s.speaker.id for s in first.statements + second.statements}
    assert "Jens Stoltenberg" in speakers
    assert len({s.speaker.id for s in first.statements + second.statements
                if s.speaker.name == "Jens Stoltenberg"}) == 1


def test_a_duplicate_ingest_returns_the_first_document_and_stores_nothing(engine: sa.Engine, models: Models) -> None:
    runtime = _runtime(engine, models)
    first = ingest_document(runtime, _submission(4))
    before = runtime.store.count_rows()
    again = ingest_document(runtime, _submission(4))
    assert (again.created, again.id) == (False, first.id)
    assert [s.id for s in again.statements] == [s.id for s in first.statements]
    assert runtime.store.count_rows() == before


def test_another_workers_index_catches_up_with_committed_rows(engine: sa.Engine, models: Models) -> None:
    writer, reader = _runtime(engine, models), _runtime(engine, models)
    result = ingest_document(writer, _submission(3))
    # in process, the reader holds nothing until it catches up; with pgvector both read the one index at once
    assert len(reader.index) == (len(result.statements) if reader.index.engine == "pgvector" else 0)
    matches = match_claim(reader, result.statements[0].claim, top_k=1)
    assert matches[0].statement is not None and matches[0].statement.id == result.statements[0].id
    assert len(reader.index) == len(result.statements)


@pytest.mark.parametrize("order_seed", [1])
def test_clusters_do_not_depend_on_ingest_order(
    tmp_path_factory: pytest.TempPathFactory, engine: sa.Engine, models: Models, order_seed: int,
) -> None:
    in_order = _runtime(engine, models)
    for index in range(len(SEEDS)):
        ingest_document(in_order, _submission(index))
    shuffled_order = list(range(len(SEEDS)))
    random.Random(order_seed).shuffle(shuffled_order)
    other_engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('shuffled')}/claims.sqlite3")
    upgrade_schema(other_engine)
    shuffled = _runtime(other_engine, models)
    for index in shuffled_order:
        ingest_document(shuffled, _submission(index))
    assert _partition(in_order) == _partition(shuffled)
    recluster_all(in_order)
    assert _partition(in_order) == _partition(shuffled)


def test_five_random_ingest_orders_give_identical_clusters(
    tmp_path_factory: pytest.TempPathFactory, models: Models,
) -> None:
    def partition_after(order: list[int]) -> set[frozenset[frozenset[tuple[str, str]]]]:
        engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('order')}/claims.sqlite3")
        upgrade_schema(engine)
        runtime = _runtime(engine, models)
        for index in order:
            ingest_document(runtime, _submission(index))
        return _partition(runtime)

    expected = partition_after(list(range(len(SEEDS))))
    assert expected, "the seeds make no cluster at all"
    for order_seed in range(2, 7):
        order = list(range(len(SEEDS)))
        random.Random(order_seed).shuffle(order)
        assert partition_after(order) == expected, f"ingest order {order} gives other clusters"


def test_concurrent_ingests_from_two_workers_both_land(engine: sa.Engine, models: Models) -> None:
    first, second = _runtime(engine, models), _runtime(engine, models)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(ingest_document, first, _submission(1)),
                   pool.submit(ingest_document, second, _submission(3)),
                   pool.submit(ingest_document, second, _submission(1))]
        results = [f.result() for f in futures]
    assert results[0].id == results[2].id
    counts = first.store.count_rows()
    assert counts["documents"] == 2
    assert counts["statements"] == len(results[0].statements) + len(results[1].statements)


def test_the_ingest_lock_makes_a_second_writer_wait_instead_of_failing(engine: sa.Engine) -> None:
    store = SqlClaimStore(engine)
    second_done = threading.Event()

    def second_writer() -> None:
        with store.transaction() as tx:
            tx.lock_clusters()
            tx.add_document(DocumentSubmission("second", None), "h2")
        second_done.set()

    with store.transaction() as tx:
        tx.lock_clusters()
        assert tx.find_document("h1") is None  # this transaction has read before it writes
        writer = threading.Thread(target=second_writer)
        writer.start()
        time.sleep(0.5)
        assert not second_done.is_set(), "the second writer should wait for the lock"
        tx.add_document(DocumentSubmission("first", None), "h1")
    writer.join(timeout=30)
    assert second_done.is_set()
    assert store.count_rows()["documents"] == 2
