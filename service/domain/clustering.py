"""Clusters from the relation graph: proposition groups, then contradiction and corroboration clusters.

Statements joined by confident `corroborates` edges (or by any edge but a confident contradiction between
near-identical claims, see `EdgeThresholds.same_claim_similarity`) form a proposition group (connected components).
Groups joined by confident `contradicts` edges form a contradiction cluster with two sides: a 2-colouring of
the maximum spanning tree of the group graph (edge weight = the most confident contradiction between two
groups), so that the strongest contradictions always separate the sides even when noisy edges make the graph
non-bipartite. A group with no contradiction becomes a corroboration cluster when at least two different
speakers assert it. The result depends only on the graph, never on the order statements arrived in.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from service.domain.entities import Cluster, ClusterKind, Relation, RelationKind


@dataclass(frozen=True)
class EdgeThresholds:
    """Calibrated probabilities above which an edge counts for clustering."""

    corroborates: float
    contradicts: float
    min_similarity: float = 0.0  # embedding cosine below which an edge never joins a cluster
    # An edge at or above this cosine that is not a confident contradiction is read as the same claim in other
    # words (a tweet and the fact-checked claim it repeats): the relation model calls many such pairs
    # `discusses` or even `unrelated`. Above 1: never.
    same_claim_similarity: float = 1.01


@dataclass(frozen=True)
class ClusterPlan:
    """A computed cluster: its kind and sides (each a sorted tuple of statement ids), sides sorted."""

    kind: ClusterKind
    sides: tuple[tuple[int, ...], ...]

    @property
    def statement_ids(self) -> frozenset[int]:
        return frozenset(sid for side in self.sides for sid in side)


def is_cluster_edge(relation: Relation, thresholds: EdgeThresholds) -> bool:
    """Tell whether a relation is confident enough to join statements in a cluster."""
    if relation.similarity < thresholds.min_similarity:
        return False
    if is_corroborating(relation, thresholds):
        return True
    return relation.label is RelationKind.CONTRADICTS and relation.probability >= thresholds.contradicts


def is_corroborating(relation: Relation, thresholds: EdgeThresholds) -> bool:
    """Tell whether a relation puts two statements in one proposition group (before the similarity floor)."""
    if relation.label is RelationKind.CORROBORATES and relation.probability >= thresholds.corroborates:
        return True
    confident_contradiction = (relation.label is RelationKind.CONTRADICTS
                               and relation.probability >= thresholds.contradicts)
    return not confident_contradiction and relation.similarity >= thresholds.same_claim_similarity


def plan_clusters(
    statement_ids: Iterable[int],
    relations: Iterable[Relation],
    speaker_of: Mapping[int, int],
    thresholds: EdgeThresholds,
) -> list[ClusterPlan]:
    """Compute the clusters of a closed set of statements from the relations among them."""
    ids = set(statement_ids)
    edges = [r for r in relations
             if r.source_id in ids and r.target_id in ids and is_cluster_edge(r, thresholds)]
    groups = _proposition_groups(ids, [r for r in edges if is_corroborating(r, thresholds)])
    group_of = {sid: index for index, group in enumerate(groups) for sid in group}
    group_graph: nx.Graph = nx.Graph()
    group_graph.add_nodes_from(range(len(groups)))
    for r in sorted(edges, key=lambda r: (r.source_id, r.target_id)):
        a, b = group_of[r.source_id], group_of[r.target_id]
        if r.label is RelationKind.CONTRADICTS and a != b:
            weight = max(r.probability, group_graph.get_edge_data(a, b, {}).get("weight", 0.0))
            group_graph.add_edge(a, b, weight=weight)
    plans: list[ClusterPlan] = []
    for component in nx.connected_components(group_graph):
        members = sorted(component)
        if len(members) >= 2:
            plans.append(_contradiction(group_graph.subgraph(members), groups))
        elif len({speaker_of[sid] for sid in groups[members[0]]}) >= 2:
            plans.append(ClusterPlan(ClusterKind.CORROBORATION, (tuple(sorted(groups[members[0]])),)))
    return sorted(plans, key=lambda plan: min(plan.statement_ids))


def _proposition_groups(ids: set[int], edges: Sequence[Relation]) -> list[frozenset[int]]:
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((r.source_id, r.target_id) for r in edges)
    return sorted((frozenset(c) for c in nx.connected_components(graph)), key=min)


def _contradiction(group_graph: nx.Graph, groups: Sequence[frozenset[int]]) -> ClusterPlan:
    tree = nx.maximum_spanning_tree(group_graph, weight="weight")
    colouring = nx.bipartite.color(tree)
    sides = [frozenset().union(*(groups[g] for g, colour in colouring.items() if colour == wanted))
             for wanted in (0, 1)]
    ordered = sorted((tuple(sorted(side)) for side in sides), key=lambda side: side[0])
    return ClusterPlan(ClusterKind.CONTRADICTION, tuple(ordered))


def reuse_cluster_ids(plans: Sequence[ClusterPlan], old: Sequence[Cluster]) -> list[int | None]:
    """Give each plan the id of the old cluster it overlaps most (each old id used once), else None."""
    overlaps = sorted(
        ((len(plan.statement_ids & set(cluster.statement_ids)), -cluster.id, index, cluster.id)
         for index, plan in enumerate(plans) for cluster in old),
        reverse=True,
    )
    chosen: list[int | None] = [None] * len(plans)
    used: set[int] = set()
    for shared, _, index, cluster_id in overlaps:
        if shared and chosen[index] is None and cluster_id not in used:
            chosen[index] = cluster_id
            used.add(cluster_id)
    return chosen
