"""Clustering over the relation graph: groups, sides, order independence, stable ids."""
from __future__ import annotations

import random

from service.domain.clustering import EdgeThresholds, plan_clusters, reuse_ids
from service.domain.entities import Cluster, ClusterKind, ClusterSide, Relation, RelationKind

THRESHOLDS = EdgeThresholds(corroborates=0.6, contradicts=0.6, min_similarity=0.5)
C, X, D = RelationKind.CORROBORATES, RelationKind.CONTRADICTS, RelationKind.DISCUSSES


def _rel(a: int, b: int, label: RelationKind, p: float = 0.9, similarity: float = 0.7) -> Relation:
    return Relation(min(a, b), max(a, b), label, p, similarity)


def test_two_corroborating_groups_that_contradict_form_two_sides() -> None:
    relations = [_rel(1, 2, C), _rel(3, 4, C), _rel(2, 3, X)]
    plans = plan_clusters([1, 2, 3, 4], relations, {1: 10, 2: 11, 3: 20, 4: 21}, THRESHOLDS)
    assert [(p.kind, p.sides) for p in plans] == [(ClusterKind.CONTRADICTION, ((1, 2), (3, 4)))]


def test_weak_or_dissimilar_edges_do_not_join() -> None:
    relations = [_rel(1, 2, X, p=0.5), _rel(3, 4, X, similarity=0.3), _rel(5, 6, D)]
    assert plan_clusters(range(1, 7), relations, dict.fromkeys(range(1, 7), 1), THRESHOLDS) == []


def test_a_corroboration_cluster_needs_two_speakers() -> None:
    relations = [_rel(1, 2, C), _rel(3, 4, C)]
    plans = plan_clusters([1, 2, 3, 4], relations, {1: 7, 2: 7, 3: 8, 4: 9}, THRESHOLDS)
    assert [(p.kind, p.sides) for p in plans] == [(ClusterKind.CORROBORATION, ((3, 4),))]


def test_a_noisy_odd_cycle_still_gives_two_sides_split_by_the_strongest_edges() -> None:
    relations = [_rel(1, 2, X, 0.95), _rel(2, 3, X, 0.9), _rel(1, 3, X, 0.61)]
    (plan,) = plan_clusters([1, 2, 3], relations, {1: 1, 2: 2, 3: 3}, THRESHOLDS)
    assert plan.sides == ((1, 3), (2,))


def test_the_plan_does_not_depend_on_relation_order() -> None:
    relations = [_rel(1, 2, C), _rel(3, 4, C), _rel(2, 3, X), _rel(5, 6, X, 0.7), _rel(6, 7, C), _rel(4, 8, C)]
    speakers = {i: i for i in range(1, 9)}
    expected = plan_clusters(range(1, 9), relations, speakers, THRESHOLDS)
    for seed in range(5):
        shuffled = relations[:]
        random.Random(seed).shuffle(shuffled)
        assert plan_clusters(range(1, 9), shuffled, speakers, THRESHOLDS) == expected


def test_a_growing_cluster_keeps_its_id() -> None:
    old = [Cluster(7, ClusterKind.CONTRADICTION, (ClusterSide("0", (1, 2)), ClusterSide("1", (3,)))),
           Cluster(9, ClusterKind.CORROBORATION, (ClusterSide("0", (5, 6)),))]
    plans = plan_clusters([1, 2, 3, 4], [_rel(1, 2, C), _rel(2, 3, X), _rel(3, 4, C)], dict.fromkeys(range(5), 0),
                          THRESHOLDS)
    assert reuse_ids([plan.statement_ids for plan in plans],
                     {c.id: frozenset(c.statement_ids) for c in old}) == [7]


def test_near_identical_claims_group_unless_confidently_contradicting() -> None:
    same_claim = EdgeThresholds(corroborates=0.6, contradicts=0.6, min_similarity=0.5, same_claim_similarity=0.8)
    relations = [_rel(1, 2, D, similarity=0.85), _rel(2, 3, RelationKind.UNRELATED, similarity=0.9),
                 _rel(3, 4, C, p=0.4, similarity=0.82), _rel(5, 6, X, p=0.9, similarity=0.95),
                 _rel(7, 8, D, similarity=0.79), _rel(9, 10, X, p=0.5, similarity=0.9)]
    plans = plan_clusters(range(1, 11), relations, {i: i for i in range(1, 11)}, same_claim)
    assert [(p.kind, p.sides) for p in plans] == [
        (ClusterKind.CORROBORATION, ((1, 2, 3, 4),)), (ClusterKind.CONTRADICTION, ((5,), (6,))),
        (ClusterKind.CORROBORATION, ((9, 10),))]
    assert plan_clusters(range(1, 11), relations, {i: i for i in range(1, 11)}, THRESHOLDS) == [
        plans[1]], "without the setting only confident labels join"


def test_a_hub_contradicting_everything_does_not_hold_two_contradicting_claims_on_one_side() -> None:
    # 1 (a denial that contradicts every other claim strongly) would leave 2..5 on one side; but 3 ("the claim
    # is false") contradicts 2, 4 and 5, which together weigh more than its one edge to the hub.
    relations = [*(_rel(1, k, X, 0.95) for k in (2, 3, 4, 5)),
                 _rel(2, 3, X, 0.8), _rel(3, 4, X, 0.8), _rel(3, 5, X, 0.75)]
    (plan,) = plan_clusters(range(1, 6), relations, {i: i for i in range(1, 6)}, THRESHOLDS)
    assert plan.sides == ((1, 3), (2, 4, 5))
