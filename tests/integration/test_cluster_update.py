"""The incremental clustering on a real store gives what a full plan over every statement gives, in any order."""
from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from service.domain.clustering import EdgeThresholds, plan_clusters, proposition_groups
from service.domain.entities import ClusterKind, DocumentSubmission, Relation, RelationKind, SpeakerKind, SpeakerMention
from service.storage import ClusterFilter, NewStatement
from service.storage.sql import SqlClaimStore
from service.usecases.clusters import rebuild_clusters, update_clusters

THRESHOLDS = EdgeThresholds(corroborates=0.6, contradicts=0.6, min_similarity=0.5)
LABELS = [RelationKind.CORROBORATES, RelationKind.CONTRADICTS, RelationKind.DISCUSSES, RelationKind.UNRELATED]


def _random_graph(seed: int, statements: int, topics: int) -> tuple[dict[int, int], list[Relation]]:
    """Statement number → speaker number, and relations between statements of the same topic."""
    rng = random.Random(seed)
    topic_of = {n: rng.randrange(topics) for n in range(statements)}
    speaker_of = {n: rng.randrange(4) for n in range(statements)}
    relations = []
    for a in range(statements):
        for b in range(a + 1, statements):
            if topic_of[a] == topic_of[b] and rng.random() < 0.35:
                label = rng.choices(LABELS, weights=[3, 2, 3, 1])[0]
                relations.append(Relation(a, b, label, rng.choice([0.5, 0.7, 0.8, 0.9]), rng.uniform(0.4, 0.9)))
    return speaker_of, relations


def _ingest_in_order(store: SqlClaimStore, order: list[int], batches: list[int], speaker_of: dict[int, int],
                     relations: list[Relation], thresholds: EdgeThresholds) -> dict[int, int]:
    """Store the statements in this order, in documents of these sizes; return statement number → stored id."""
    with store.transaction() as tx:
        speakers = [tx.add_speaker(SpeakerMention(f"Speaker {i}", SpeakerKind.PERSON), {f"speaker {i}": f"S{i}"}).id
                    for i in range(4)]
    stored: dict[int, int] = {}
    position = 0
    for number, size in enumerate(batches):
        chunk = order[position:position + size]
        position += size
        with store.transaction() as tx:
            tx.lock_clusters()
            document_id = tx.add_document(DocumentSubmission(f"doc {number}", dt.date(2022, 4, 1)), f"hash {number}")
            ids = tx.add_statements(document_id, [_statement(i, speakers[speaker_of[n]]) for i, n in enumerate(chunk)])
            stored.update(zip(chunk, ids, strict=True))
            new = [Relation(*sorted((stored[r.source_id], stored[r.target_id])), r.label, r.probability, r.similarity)
                   for r in relations if {r.source_id, r.target_id} <= stored.keys()
                   and {r.source_id, r.target_id} & set(chunk)]
            tx.add_relations(new)
            update_clusters(tx, ids, new, thresholds)
    return stored


def _statement(position: int, speaker_id: int) -> NewStatement:
    return NewStatement(position=position, speaker_id=speaker_id, claim=f"claim {position}", claim_start=0,
                        claim_end=1, speaker_start=None, speaker_end=None, date=None, date_text=None,
                        date_basis="unknown", cue=None, embedding=np.ones(384, dtype=np.float32) / np.sqrt(384))


def _stored_clusters(store: SqlClaimStore, number_of: dict[int, int]) -> list[tuple[ClusterKind, tuple]]:
    clusters, _ = store.list_clusters(ClusterFilter(), limit=10_000, offset=0)
    found = [(c.kind, tuple(sorted(tuple(sorted(number_of[s] for s in side.statement_ids)) for side in c.sides)))
             for c in clusters]
    return sorted(found, key=lambda item: (item[1][0][0], item[0]))


def _expected(speaker_of: dict[int, int], relations: list[Relation], thresholds: EdgeThresholds
              ) -> list[tuple[ClusterKind, tuple]]:
    plans = plan_clusters(speaker_of, relations, speaker_of, thresholds)
    return sorted(((p.kind, tuple(sorted(p.sides))) for p in plans), key=lambda item: (item[1][0][0], item[0]))


@pytest.mark.parametrize(("seed", "topics"), [(1, 10), (2, 10), (3, 10), (4, 3)])
def test_incremental_clusters_equal_a_full_plan_whatever_the_ingest_order(
        store: SqlClaimStore, seed: int, topics: int) -> None:
    speaker_of, relations = _random_graph(seed, statements=60, topics=topics)
    rng = random.Random(seed * 100)
    order = list(range(60))
    rng.shuffle(order)
    batches = []
    while sum(batches) < 60:
        batches.append(min(rng.randint(1, 6), 60 - sum(batches)))
    stored = _ingest_in_order(store, order, batches, speaker_of, relations, THRESHOLDS)
    number_of = {sid: n for n, sid in stored.items()}
    expected = _expected(speaker_of, relations, THRESHOLDS)
    assert any(kind is ClusterKind.CONTRADICTION for kind, _ in expected)  # the graph exercises both kinds
    assert any(kind is ClusterKind.CORROBORATION for kind, _ in expected)
    assert _stored_clusters(store, number_of) == expected
    groups = proposition_groups(speaker_of, relations, THRESHOLDS)
    stored_groups = store.group_ids_of(sorted(number_of))
    assert _same_partition({number_of[sid]: g for sid, g in stored_groups.items()}, groups)
    assert all(stored_groups[g] == g for g in stored_groups.values())  # a group is named by one of its statements


def _same_partition(a: dict[int, int], b: dict[int, int]) -> bool:
    def blocks(group_of: dict[int, int]) -> set[frozenset[int]]:
        found: dict[int, set[int]] = {}
        for item, group in group_of.items():
            found.setdefault(group, set()).add(item)
        return {frozenset(block) for block in found.values()}
    return blocks(a) == blocks(b)


def test_a_rebuild_keeps_what_the_increments_built_and_new_thresholds_rebuild_once(store: SqlClaimStore) -> None:
    speaker_of, relations = _random_graph(7, statements=40, topics=3)
    order = list(range(40))
    stored = _ingest_in_order(store, order, [5] * 8, speaker_of, relations, THRESHOLDS)
    number_of = {sid: n for n, sid in stored.items()}
    before = _stored_clusters(store, number_of)
    ids_before = sorted(c.id for c in store.list_clusters(ClusterFilter(), 10_000, 0)[0])
    with store.transaction() as tx:
        rebuild_clusters(tx, THRESHOLDS)
    assert _stored_clusters(store, number_of) == before
    assert sorted(c.id for c in store.list_clusters(ClusterFilter(), 10_000, 0)[0]) == ids_before

    looser = EdgeThresholds(corroborates=0.45, contradicts=0.45, min_similarity=0.4)
    with store.transaction() as tx:  # an ingest under other thresholds rebuilds the state for them first
        document_id = tx.add_document(DocumentSubmission("late", None), "late")
        update_clusters(tx, tx.add_statements(document_id, [_statement(0, 1)]), [], looser)
    assert store.clustering_fingerprint() == looser.fingerprint()
    with_late = {**speaker_of, 40: 0}
    number_of[max(number_of) + 1] = 40
    assert _stored_clusters(store, number_of) == _expected(with_late, relations, looser)
